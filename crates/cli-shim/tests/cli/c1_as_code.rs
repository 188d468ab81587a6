//! `c1 connectors pull|diff|push DIR --app APP` against `connkit sandbox serve` over
//! real HTTP: the round trip into an emptied app, `diff` exit codes, zero writes on a
//! second push and one masked update for one change (counted with `/__sandbox/stats`),
//! no secret in the tree, and a tree refused before any request.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::as_code::{actions, delta, files, path};
use crate::c1_sandbox::OKTA;
use crate::support::{Env, Run, Served};

/// `connkit ARGS…` against the served sandbox's ConductorOne side, with its credentials.
fn c1(env: &Env, served: &Served, args: &[&str]) -> Run {
    let (id, secret) = &served.c1_credentials;
    let mut all = vec!["c1", "connectors"];
    all.extend(args);
    Run::from(
        env.cmd(&all)
            .env("CONDUCTORONE_SERVER_URL", &served.base_url)
            .env("CONDUCTORONE_CLIENT_ID", id)
            .env("CONDUCTORONE_CLIENT_SECRET", secret)
            .env("CONNKIT_CACHE_DIR", env.path().join("cache"))
            .env("CONNKIT_CONFIG_DIR", env.path().join("config"))
            .output()
            .expect("run connkit"),
    )
}

/// ConductorOne requests that change something, by operation.
fn writes(served: &Served) -> BTreeMap<String, u64> {
    served.stats()["by_operation"]
        .as_object()
        .expect("by_operation")
        .iter()
        .filter(|(op, _)| {
            op.starts_with("c1.") && !matches!(op.as_str(), "c1.List" | "c1.Get" | "c1.Token")
        })
        .map(|(op, n)| (op.clone(), n.as_u64().unwrap_or_default()))
        .collect()
}

/// Every request the sandbox answered.
fn total(served: &Served) -> u64 {
    served.stats()["total"].as_u64().unwrap_or_default()
}

/// The seeded connector `n` of the Okta demo app.
fn seeded(n: u32) -> String {
    format!("{OKTA}-c{n:03}")
}

#[test]
fn c1_round_trip_into_an_empty_app_then_diff_exit_0_and_a_second_push_writes_nothing() {
    let env = Env::new();
    let dev = Served::start(&env, &["--seed", "0"]);
    let prod = Served::start(&env, &["--seed", "0"]);
    let config = env.file(
        "config.json",
        r#"{"@type": "type.googleapis.com/c1.connector.v2.Okta", "region": "eu", "apiToken": "tok-SECRET"}"#,
    );
    let first = seeded(1);
    let args = [
        "update",
        "--app",
        OKTA,
        first.as_str(),
        "--config",
        path(&config),
    ];
    c1(&env, &dev, &args).ok();
    for n in [1, 2] {
        c1(&env, &prod, &["delete", "--app", OKTA, &seeded(n)]).ok();
    }

    let pulled = env.path().join("pulled");
    c1(&env, &dev, &["pull", path(&pulled), "--app", OKTA]).ok();
    let tree = files(&pulled);
    assert_eq!(tree.len(), 2, "{:?}", tree.keys());
    for (file, bytes) in &tree {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("SECRET") && !text.contains("apiToken"),
            "{file:?}: {text}"
        );
    }

    let before = writes(&prod);
    let pushed = c1(
        &env,
        &prod,
        &["push", path(&pulled), "--app", OKTA, "--yes", "-o", "json"],
    )
    .ok();
    let report = &pushed.json()["report"];
    assert_eq!(report["failed"], json!([]), "{}", pushed.stdout);
    assert_eq!(
        delta(&before, &writes(&prod)),
        BTreeMap::from([("c1.CreateDelegated".into(), 2), ("c1.Update".into(), 2)])
    );

    let again = env.path().join("again");
    c1(&env, &prod, &["pull", path(&again), "--app", OKTA]).ok();
    assert_eq!(files(&again), tree);

    let diff = c1(
        &env,
        &prod,
        &["diff", path(&pulled), "--app", OKTA, "-o", "json"],
    )
    .code(0);
    assert_eq!(actions(&diff.json()), ["unchanged"; 2]);

    let before = writes(&prod);
    c1(
        &env,
        &prod,
        &["push", path(&pulled), "--app", OKTA, "--yes"],
    )
    .ok();
    assert_eq!(delta(&before, &writes(&prod)), BTreeMap::new());
}

#[test]
fn c1_one_changed_field_is_one_update_naming_it_alone_and_a_bad_tree_sends_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "0"]);
    let dir = env.path().join("tree");
    c1(&env, &served, &["pull", path(&dir), "--app", OKTA]).ok();
    let file = dir.join("okta-connector-2/connector.json");
    let mut spec: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    spec["userIds"] = json!(["owner-1"]);
    std::fs::write(&file, format!("{spec:#}\n")).unwrap();

    let diff = c1(
        &env,
        &served,
        &["diff", path(&dir), "--app", OKTA, "-o", "table"],
    )
    .code(1);
    assert!(
        diff.stdout
            .contains("update okta-connector-2 (Okta connector 2)")
            && diff.stdout.contains("+  \"owner-1\"")
            && diff
                .stdout
                .ends_with("plan: 0 to create, 1 to update, 0 to delete, 1 unchanged\n"),
        "{}",
        diff.stdout
    );
    let before = writes(&served);
    let pushed = c1(
        &env,
        &served,
        &["push", path(&dir), "--app", OKTA, "--yes", "-o", "json"],
    )
    .ok();
    assert_eq!(
        pushed.json()["report"]["applied"],
        json!([{"connector": "Okta connector 2", "step": "update", "fields": ["userIds"]}])
    );
    assert_eq!(
        delta(&before, &writes(&served)),
        BTreeMap::from([("c1.Update".into(), 1)])
    );

    // A secret and an id in the tree: exit 3, every finding named, nothing sent.
    spec["id"] = json!("x");
    spec["config"]["password"] = json!("hunter2");
    std::fs::write(&file, format!("{spec:#}\n")).unwrap();
    let before = total(&served);
    let refused = c1(&env, &served, &["push", path(&dir), "--app", OKTA, "--yes"]).code(3);
    assert!(
        refused.stderr.contains("okta-connector-2/connector.json")
            && refused.stderr.contains("`id` cannot be set"),
        "{}",
        refused.stderr
    );
    assert_eq!(total(&served), before, "nothing was sent");
}
