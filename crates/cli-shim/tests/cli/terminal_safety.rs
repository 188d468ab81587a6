//! Text from a tenant cannot steer the terminal: a connector whose name holds ESC, CR
//! and a line feed followed by a fake `error:` line is printed with those characters
//! escaped in tables, error messages and plans (tabs and line ends of a diff stay), and
//! kept exact in JSON.

use crate::support::{Env, Run};

/// A name that, printed raw, clears the screen, returns the cursor and prints a line
/// that looks like one of connkit's own errors.
const EVIL_NAME: &str = "Evil\u{1b}[2J\r\nerror: fake \u{9b}31m\u{202e}";

fn sandbox(env: &Env, args: &[&str]) -> Run {
    let mut all = vec!["--sandbox"];
    all.extend_from_slice(args);
    env.run(all)
}

/// No raw control character reaches either stream, and no line is a forged error.
#[track_caller]
fn assert_inert(run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let raw = text
            .chars()
            .find(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || *c == '\u{202e}');
        assert_eq!(raw, None, "a raw control character on {stream}:\n{text:?}");
        assert!(
            !text.lines().any(|l| l.starts_with("error: fake")),
            "a forged line on {stream}:\n{text}"
        );
    }
}

#[test]
fn a_hostile_connector_name_is_escaped_everywhere_it_is_printed() {
    let env = Env::new();
    let dto = serde_json::json!({ "name": EVIL_NAME, "className": "x.Y" });
    let file = env.file("dto.json", &dto.to_string());
    let file = file.to_str().unwrap();

    // JSON keeps the exact value (serde_json writes C0 controls as escapes).
    let created = sandbox(
        &env,
        &["connectors", "create", "--file", file, "-o", "json"],
    )
    .ok();
    assert_eq!(created.json()["name"], EVIL_NAME);
    let script = created.json()["scriptName"].as_str().unwrap().to_owned();

    let table = sandbox(
        &env,
        &[
            "connectors",
            "list",
            "--filter",
            "name sw \"Evil\"",
            "-o",
            "table",
        ],
    )
    .ok();
    assert_inert(&table);
    assert!(
        table.stdout.contains("Evil\\u{1b}[2J\\r\\nerror: fake"),
        "{}",
        table.stdout
    );

    let detail = sandbox(&env, &["connectors", "get", &script, "-o", "table"]).ok();
    assert_inert(&detail);

    // The service's error message quotes the name: escaped on stderr.
    let twice = sandbox(&env, &["connectors", "create", "--file", file]).code(2);
    assert_inert(&twice);
    assert!(twice.stderr.contains("\\u{1b}[2J"), "{}", twice.stderr);

    // A plan names the connector: pull it, delete it, and the diff creates it again.
    let dir = env.path().join("tree");
    let dir = dir.to_str().unwrap();
    sandbox(&env, &["connectors", "pull", dir, "-o", "json"]).ok();
    sandbox(&env, &["connectors", "delete", &script]).ok();
    let plan = sandbox(&env, &["connectors", "diff", dir, "-o", "table"]).code(1);
    assert_inert(&plan);
    assert!(plan.stdout.contains("create "), "{}", plan.stdout);
}
