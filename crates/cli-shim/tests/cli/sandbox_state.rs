//! The sandbox's state database through the CLI: `reset` refuses while a server holds
//! it, `export`/`import`, the one-time import of an older `sandbox.json`, concurrent
//! `--sandbox` runs, and the `--seed` bound and note.

use std::process::Stdio;

use crate::support::{Env, Run, Served};

fn sandbox(env: &Env, args: &[&str]) -> Run {
    let mut all = vec!["--sandbox"];
    all.extend_from_slice(args);
    env.run(all)
}

fn names(env: &Env) -> Vec<String> {
    sandbox(env, &["connectors", "list", "--all", "-o", "json"])
        .ok()
        .json()
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["name"].as_str().expect("a name").to_owned())
        .collect()
}

fn create(env: &Env, name: &str) {
    let args = [
        "connectors",
        "create",
        "--name",
        name,
        "--class-name",
        "x.Y",
    ];
    sandbox(env, &args).ok();
}

#[test]
fn reset_refuses_while_a_server_holds_the_state() {
    let env = Env::new();
    std::fs::create_dir(env.path().join("data")).unwrap();
    let state = env.path().join("data/sandbox.db");
    let state_arg = state.to_str().unwrap();
    let served = Served::start(&env, &["--seed", "3", "--state", state_arg]);
    env.run([
        "--base-url",
        &served.base_url,
        "connectors",
        "create",
        "--name",
        "Kept",
        "--class-name",
        "x.Y",
    ])
    .ok();

    for reset in [
        env.run(["sandbox", "reset"]),
        env.run(["sandbox", "reset", "--state", state_arg]),
    ] {
        let refused = reset.code(1);
        assert!(
            refused.stderr.contains("in use by a running sandbox")
                && refused.stderr.contains("sandbox.db"),
            "{}",
            refused.stderr
        );
    }
    assert!(state.exists(), "a refused reset deletes nothing");
    let after = env
        .run(["--base-url", &served.base_url, "connectors", "get", "kept"])
        .ok();
    assert!(after.stdout.contains("Kept"), "{}", after.stdout);

    drop(served);
    env.run(["sandbox", "reset"]).ok();
    assert!(!state.exists());
    assert_eq!(names(&env).len(), 50, "the demo set again");
}

#[test]
fn export_and_import_round_trip_the_json_form() {
    let env = Env::new();
    create(&env, "Exported");
    env.run(["sandbox", "export", "state.json"]).ok();
    let stdout = env.run(["sandbox", "export", "-"]).ok().json();
    assert_eq!(stdout["format"], "connkit-sandbox-state");
    assert_eq!(stdout["connectors"].as_array().map(Vec::len), Some(51));

    env.run(["sandbox", "reset"]).ok();
    assert!(!names(&env).contains(&"Exported".to_owned()));
    let imported = env.run(["sandbox", "import", "state.json"]).ok();
    assert!(
        imported.stderr.contains("imported 51 connectors"),
        "{}",
        imported.stderr
    );
    assert!(names(&env).contains(&"Exported".to_owned()));

    // Into a `serve --state` database, and a bad file named in the error.
    env.run(["sandbox", "import", "state.json", "--state", "other.db"])
        .ok();
    let served = Served::start(&env, &["--state", "other.db"]);
    let listed = env
        .run([
            "--base-url",
            &served.base_url,
            "connectors",
            "get",
            "exported",
        ])
        .ok();
    assert!(listed.stdout.contains("Exported"));
    env.file(
        "bad.json",
        "{\"format\": \"connkit-sandbox-state\", \"version\": 1}",
    );
    let bad = env.run(["sandbox", "import", "bad.json"]).code(1);
    assert!(
        bad.stderr.contains("bad.json") && bad.stderr.contains("connectors"),
        "{}",
        bad.stderr
    );
}

#[test]
fn an_older_json_state_is_imported_once_and_kept() {
    let env = Env::new();
    create(&env, "From Json");
    env.run(["sandbox", "export", "data/sandbox.json"]).ok();
    std::fs::remove_file(env.path().join("data/sandbox.db")).unwrap();

    let first = sandbox(&env, &["connectors", "get", "from-json"]).ok();
    assert!(
        first.stderr.contains("imported 51 connectors") && first.stderr.contains("sandbox.json"),
        "{}",
        first.stderr
    );
    assert!(!env.path().join("data/sandbox.json").exists());
    assert!(env.path().join("data/sandbox.json.imported").is_file());
    let second = sandbox(&env, &["connectors", "get", "from-json"]).ok();
    assert!(!second.stderr.contains("imported"), "{}", second.stderr);
}

/// Concurrent `--sandbox` runs share the database: writers wait for each other (the
/// busy timeout) instead of failing on a lock.
#[test]
fn concurrent_sandbox_runs_wait_for_each_other() {
    let env = Env::new();
    names(&env); // create the state first, as a user's first run does
    let children: Vec<_> = (0..6)
        .map(|i| {
            env.cmd([
                "--sandbox",
                "connectors",
                "create",
                "--name",
                &format!("Parallel {i}"),
                "--class-name",
                "x.Y",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn connkit")
        })
        .collect();
    for child in children {
        Run::from(child.wait_with_output().expect("wait connkit")).ok();
    }
    let all = names(&env);
    assert_eq!(all.len(), 56);
    for i in 0..6 {
        assert!(all.contains(&format!("Parallel {i}")), "Parallel {i}");
    }
}

#[test]
fn a_huge_seed_is_refused_as_usage() {
    let env = Env::new();
    let run = env
        .run([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "99999999999",
        ])
        .code(2);
    assert!(
        run.stderr
            .contains("--seed 99999999999 is above the limit of 1000000"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_ignored_seed_is_noted() {
    let env = Env::new();
    sandbox(&env, &["connectors", "list"]).ok();
    let said = env.serve_until_said(
        &["--seed", "7", "--state", "data/sandbox.db"],
        "--seed 7 ignored",
    );
    assert!(said.contains("already holds a state"), "{said}");
}
