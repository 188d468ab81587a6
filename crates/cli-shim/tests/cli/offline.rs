//! Commands that need no API: usage errors, schema, completions.

use crate::support::Env;

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    let run = env.run(["connectors", "frobnicate"]).code(2);
    assert!(
        run.stderr.contains("unrecognized subcommand"),
        "{}",
        run.stderr
    );
    env.run(["connectors", "list", "--limit", "many"]).code(2);
    env.run(["connectors", "create", "--name", "x"]).code(2);
    env.run(["-o", "xml", "schema"]).code(2);
    env.run(["--help"]).ok();
}

#[test]
fn schema_lists_models_and_prints_one() {
    let env = Env::new();
    let list = env.run(["schema"]).ok();
    assert!(list.stdout.lines().any(|l| l == "ConnectorDetail"));
    let schema = env.run(["schema", "V3CreateConnectorDto"]).ok().json();
    assert_eq!(schema["title"], "V3CreateConnectorDto");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(required.contains(&"name") && required.contains(&"className"));
    let missing = env.run(["schema", "NoSuchType"]).code(2);
    assert!(
        missing.stderr.contains("connkit schema"),
        "{}",
        missing.stderr
    );
}

#[test]
fn completions_cover_the_command_tree() {
    let env = Env::new();
    let bash = env.run(["completions", "bash"]).ok();
    assert!(bash.stdout.contains("_connkit()"));
    assert!(bash.stdout.contains("source-config"));
    let zsh = env.run(["completions", "zsh"]).ok();
    assert!(zsh.stdout.contains("#compdef connkit"));
    env.run(["completions", "tcsh"]).code(2);
}
