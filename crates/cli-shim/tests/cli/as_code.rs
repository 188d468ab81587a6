//! `connectors pull|diff|push` against `connkit sandbox serve` over real HTTP: the round
//! trip, minimal writes counted with `/__sandbox/stats`, pre-flight of the whole tree,
//! faults, and SIGKILL at bounded random moments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Env, Run, Served};

/// `connkit --base-url URL ARGS…` with every per-user directory in the test's home.
fn connkit(env: &Env, served: &Served, args: &[&str]) -> std::process::Command {
    let mut cmd = env.cmd(["--base-url", served.base_url.as_str()]);
    cmd.args(args)
        .env("CONNKIT_CACHE_DIR", env.path().join("cache"))
        .env("CONNKIT_CONFIG_DIR", env.path().join("config"));
    cmd
}

fn run(env: &Env, served: &Served, args: &[&str]) -> Run {
    Run::from(connkit(env, served, args).output().expect("run connkit"))
}

pub(crate) fn path(dir: &Path) -> &str {
    dir.to_str().expect("UTF-8 temp path")
}

/// Requests that change something, by operationId.
fn writes(served: &Served) -> BTreeMap<String, u64> {
    let stats = served.stats();
    stats["by_operation"]
        .as_object()
        .expect("by_operation")
        .iter()
        .filter(|(op, _)| {
            ["create", "update", "put", "delete"]
                .iter()
                .any(|w| op.starts_with(w))
        })
        .map(|(op, n)| (op.clone(), n.as_u64().unwrap_or_default()))
        .collect()
}

/// `after - before`, zero entries left out.
pub(crate) fn delta(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(op, n)| (op.clone(), n - before.get(op).copied().unwrap_or_default()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The action of each connector of a plan shown as JSON.
pub(crate) fn actions(plan: &Value) -> Vec<String> {
    plan["connectors"]
        .as_array()
        .expect("connectors")
        .iter()
        .map(|c| c["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Writes a tree of `n` custom connectors by hand, as a team would start one.
fn hand_written_tree(dir: &Path, n: usize) {
    for i in 0..n {
        let folder = dir.join(format!("team-app-{i}"));
        std::fs::create_dir_all(folder.join("translations")).unwrap();
        let spec = serde_json::json!({
            "name": format!("Team App {i}"),
            "className": "sailpoint.connector.OpenConnectorAdapter",
            "connectorMetadata": {"baseUrl": "https://dev.example.com", "limits": {"pageSize": 100}},
        });
        std::fs::write(folder.join("connector.json"), format!("{spec:#}\n")).unwrap();
        for (file, root) in [
            ("source-config.xml", "Form"),
            ("source-template.xml", "Application"),
            ("correlation-config.xml", "CorrelationConfig"),
        ] {
            let xml = format!(
                "<{root} name=\"Team App {i}\">\n  <Field host=\"dev.example.com\"/>\n</{root}>\n"
            );
            std::fs::write(folder.join(file), xml).unwrap();
        }
        std::fs::write(
            folder.join("translations/de.properties"),
            format!("greeting=Hallo {i}\n"),
        )
        .unwrap();
    }
}

/// Every file under `dir` by relative path.
pub(crate) fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                stack.push(entry);
            } else {
                out.insert(
                    entry.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&entry).unwrap(),
                );
            }
        }
    }
    out
}

/// The names of every listed connector.
fn names(env: &Env, served: &Served) -> Vec<String> {
    let listed = run(env, served, &["connectors", "list", "--all", "-o", "json"])
        .ok()
        .json();
    listed
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn pull_push_pull_round_trip_then_no_changes_and_zero_writes() {
    let env = Env::new();
    let dev = Served::start(&env, &["--seed", "5"]);
    let prod = Served::start(&env, &["--seed", "0"]);
    let start = env.path().join("start");
    hand_written_tree(&start, 3);
    run(&env, &dev, &["connectors", "push", path(&start), "--yes"]).ok();

    let pulled = env.path().join("pulled");
    run(&env, &dev, &["connectors", "pull", path(&pulled)]).ok();
    assert_eq!(
        files(&pulled).len(),
        3 * 6,
        "custom connectors only: {:?}",
        files(&pulled).keys()
    );
    let pushed = run(
        &env,
        &prod,
        &["connectors", "push", path(&pulled), "--yes", "-o", "json"],
    )
    .ok();
    let report = &pushed.json()["report"];
    assert_eq!(report["failed"], serde_json::json!([]), "{}", pushed.stdout);

    let again = env.path().join("again");
    run(&env, &prod, &["connectors", "pull", path(&again)]).ok();
    assert_eq!(files(&again), files(&pulled));

    let diff = run(
        &env,
        &prod,
        &["connectors", "diff", path(&pulled), "-o", "json"],
    )
    .code(0);
    assert_eq!(actions(&diff.json()), ["unchanged"; 3]);

    let before = writes(&prod);
    run(&env, &prod, &["connectors", "push", path(&pulled), "--yes"]).ok();
    assert_eq!(delta(&before, &writes(&prod)), BTreeMap::new());
}

#[test]
fn three_changes_are_one_upload_one_patch_and_one_translations_put() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 3);
    run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).ok();

    std::fs::write(
        tree.join("team-app-0/source-config.xml"),
        "<Form name=\"Team App 0\"/>\n",
    )
    .unwrap();
    let spec_path = tree.join("team-app-1/connector.json");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    std::fs::write(&spec_path, spec.replace("100", "250")).unwrap();
    std::fs::write(
        tree.join("team-app-2/translations/de.properties"),
        "greeting=Servus\n",
    )
    .unwrap();

    let diff = run(
        &env,
        &served,
        &["connectors", "diff", path(&tree), "-o", "json"],
    )
    .code(1);
    let plan = diff.json();
    let changes: Vec<(String, Value, Vec<String>)> = plan["connectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "unchanged")
        .map(|c| {
            let files = c["files"].as_array().map_or(Vec::new(), |f| {
                f.iter()
                    .map(|f| f["file"].as_str().unwrap().to_owned())
                    .collect()
            });
            (
                c["folder"].as_str().unwrap().to_owned(),
                c["patch"].clone(),
                files,
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "team-app-0".to_owned(),
                Value::Null,
                vec!["source-config.xml".to_owned()]
            ),
            (
                "team-app-1".to_owned(),
                serde_json::json!([{"op": "replace", "path": "/connectorMetadata/limits/pageSize", "value": 250}]),
                vec![]
            ),
            (
                "team-app-2".to_owned(),
                Value::Null,
                vec!["translations/de.properties".to_owned()]
            ),
        ]
    );
    let table = run(
        &env,
        &served,
        &["connectors", "diff", path(&tree), "-o", "table"],
    )
    .code(1);
    assert!(
        table
            .stdout
            .contains("-  <Field host=\"dev.example.com\"/>\n"),
        "{}",
        table.stdout
    );
    assert!(table
        .stdout
        .ends_with("plan: 0 to create, 3 to update, 0 to delete, 0 unchanged\n"));

    let before = writes(&served);
    run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).ok();
    let sent: Vec<_> = delta(&before, &writes(&served)).into_iter().collect();
    assert_eq!(
        sent,
        [
            ("putConnectorSourceConfig".to_owned(), 1),
            ("putConnectorTranslations".to_owned(), 1),
            ("updateConnector".to_owned(), 1),
        ]
    );
    run(&env, &served, &["connectors", "diff", path(&tree)]).code(0);
}

#[test]
fn an_invalid_tree_is_exit_3_with_every_finding_and_sends_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2"]);
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 2);
    std::fs::write(
        tree.join("team-app-0/source-template.xml"),
        "<Application>\n  <a>\n</Application>\n",
    )
    .unwrap();
    let spec_path = tree.join("team-app-1/connector.json");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    std::fs::write(
        &spec_path,
        spec.replacen("{\n", "{\n  \"s3Location\": \"x\",\n", 1),
    )
    .unwrap();

    let before = served.stats()["total"].as_u64();
    let rejected = run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).code(3);
    let dir = path(&tree);
    for expected in [
        format!("{dir}/team-app-1/connector.json:2:3: error: connector.unpatchable-field"),
        format!("{dir}/team-app-0/source-template.xml:3:1: error: xml.not-well-formed"),
    ] {
        assert!(
            rejected.stderr.contains(&expected),
            "{expected}\n{}",
            rejected.stderr
        );
    }
    assert!(
        rejected.stderr.contains("nothing was sent") && rejected.stderr.contains("(2 errors)"),
        "{}",
        rejected.stderr
    );
    // The folder typed with a trailing slash is shown once, not as `tree//team-app-1`.
    let slashed = format!("{dir}/");
    let rejected = run(&env, &served, &["connectors", "push", &slashed, "--yes"]).code(3);
    assert!(
        rejected
            .stderr
            .contains(&format!("{dir}/team-app-1/connector.json:2:3")),
        "{}",
        rejected.stderr
    );
    assert_eq!(
        served.stats()["total"].as_u64(),
        before,
        "not a single request"
    );

    // With connector.json fixed, the malformed XML alone still stops the push after the
    // plan's reads: no write at all.
    std::fs::write(&spec_path, spec).unwrap();
    let before = writes(&served);
    let rejected = run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).code(3);
    assert!(
        rejected
            .stderr
            .contains("source-template.xml:3:1: error: xml.not-well-formed"),
        "{}",
        rejected.stderr
    );
    assert_eq!(delta(&before, &writes(&served)), BTreeMap::new());
}

#[test]
fn push_in_a_pipe_refuses_without_yes_and_dry_run_sends_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "0"]);
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 1);
    let refused = run(&env, &served, &["connectors", "push", path(&tree)]).code(2);
    assert!(
        refused.stderr.contains("refusing to push without --yes"),
        "{}",
        refused.stderr
    );
    let dry = run(
        &env,
        &served,
        &[
            "connectors",
            "push",
            path(&tree),
            "--dry-run",
            "-o",
            "table",
        ],
    )
    .ok();
    assert!(
        dry.stdout.contains("create team-app-0 (Team App 0)"),
        "{}",
        dry.stdout
    );
    assert_eq!(writes(&served), BTreeMap::new());
}

/// One hand-written connector and `_overlays/prod.json`, which changes its base URL
/// and a host in its source config.
fn tree_with_prod_overlay(env: &Env) -> std::path::PathBuf {
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 1);
    std::fs::create_dir_all(tree.join("_overlays")).unwrap();
    let overlay = serde_json::json!({"connectors": {"team-app-0": {
        "connector": {"connectorMetadata": {"baseUrl": "https://example.com"}},
        "replace": {"source-config.xml": {"dev.example.com": "example.com"}}
    }}});
    std::fs::write(tree.join("_overlays/prod.json"), overlay.to_string()).unwrap();
    tree
}

#[test]
fn an_overlay_promotes_tenant_specific_values() {
    let env = Env::new();
    let prod = Served::start(&env, &["--seed", "0"]);
    let tree = tree_with_prod_overlay(&env);
    run(
        &env,
        &prod,
        &[
            "connectors",
            "push",
            path(&tree),
            "--overlay",
            "prod",
            "--yes",
        ],
    )
    .ok();
    run(
        &env,
        &prod,
        &["connectors", "diff", path(&tree), "--overlay", "prod"],
    )
    .code(0);
    run(&env, &prod, &["connectors", "diff", path(&tree)]).code(1);
    let pulled = env.path().join("pulled");
    run(&env, &prod, &["connectors", "pull", path(&pulled)]).ok();
    let config = std::fs::read_to_string(pulled.join("team-app-0/source-config.xml")).unwrap();
    assert!(config.contains("host=\"example.com\""), "{config}");

    std::fs::write(
        tree.join("_overlays/stale.json"),
        r#"{"connectors": {"gone": {}}}"#,
    )
    .unwrap();
    let stale = run(
        &env,
        &prod,
        &["connectors", "diff", path(&tree), "--overlay", "stale"],
    )
    .code(3);
    assert!(
        stale
            .stderr
            .contains("_overlays/stale.json: error: overlay.does-not-apply"),
        "{}",
        stale.stderr
    );
}

#[test]
fn a_profile_picks_the_overlay_named_like_it() {
    let env = Env::new();
    let prod = Served::start(&env, &["--seed", "0"]);
    let tree = tree_with_prod_overlay(&env);
    let base = prod.base_url.as_str();
    env.run(["profile", "add", "prod", "--base-url", base]).ok();
    let dir = path(&tree);
    let push = env
        .run(["--profile", "prod", "connectors", "push", dir, "--yes"])
        .ok();
    assert!(
        push.stderr.contains("applying overlay") && push.stderr.contains("profile `prod`"),
        "{}",
        push.stderr
    );
    env.run(["--profile", "prod", "connectors", "diff", dir])
        .code(0);
    env.run([
        "--profile",
        "prod",
        "connectors",
        "diff",
        dir,
        "--overlay",
        "none",
    ])
    .code(1);
    // An explicit base URL is not the profile's tenant: no overlay is implied.
    run(&env, &prod, &["connectors", "diff", dir]).code(1);
}

#[test]
fn under_faults_a_push_reports_precisely_and_a_re_run_converges() {
    let env = Env::new();
    let state = env.path().join("state.json");
    let state = path(&state).to_owned();
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 4);
    let faulty = Served::start(
        &env,
        &[
            "--seed",
            "2",
            "--state",
            &state,
            "--faults",
            "error=0.2,reset=0.05,seed=11",
        ],
    );
    let pushed = run(
        &env,
        &faulty,
        &["connectors", "push", path(&tree), "--yes", "-o", "json"],
    );
    match pushed.code {
        0 => {}
        1 if !pushed.stdout.is_empty() => {
            // The report names every step: applied, failed (with why) or not attempted.
            let report = &pushed.json()["report"];
            assert!(
                !report["failed"].as_array().unwrap().is_empty(),
                "{}",
                pushed.stdout
            );
            for failed in report["failed"].as_array().unwrap() {
                assert!(failed["error"].as_str().is_some_and(|e| !e.is_empty()));
            }
            assert!(
                pushed.stderr.contains("push incomplete"),
                "{}",
                pushed.stderr
            );
        }
        // Reading the tenant failed before any write (retries exhausted or a dropped
        // connection): an error, no report.
        _ => assert!(pushed.stderr.starts_with("error: "), "{}", pushed.stderr),
    }
    assert_eq!(faulty.terminate(), Some(0));

    let healthy = Served::start(&env, &["--state", &state]);
    run(
        &env,
        &healthy,
        &["connectors", "push", path(&tree), "--yes"],
    )
    .ok();
    run(&env, &healthy, &["connectors", "diff", path(&tree)]).code(0);
    let mut names = names(&env, &healthy);
    names.retain(|n| n.starts_with("Team App"));
    assert_eq!(
        names,
        ["Team App 0", "Team App 1", "Team App 2", "Team App 3"]
    );
}

#[cfg(unix)]
#[test]
fn a_push_killed_at_random_moments_converges_without_duplicates() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--faults", "latency=15ms"]);
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 5);
    let mut rng = fastrand_like(0x5eed);
    let mut killed = 0;
    for _round in 0..5 {
        let mut child = connkit(&env, &served, &["connectors", "push", path(&tree), "--yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn push");
        std::thread::sleep(Duration::from_millis(20 + rng() % 400));
        if child.try_wait().expect("poll push").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        child.wait().expect("reap push");
    }
    assert!(killed > 0, "no round interrupted a push");
    run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).ok();
    run(&env, &served, &["connectors", "diff", path(&tree)]).code(0);
    // A duplicate create would be refused by name (so the final push would fail) or
    // land under another script name: neither happened.
    let listed = run(
        &env,
        &served,
        &["connectors", "list", "--all", "-o", "json"],
    )
    .ok()
    .json();
    let scripts: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scriptName"].as_str().unwrap())
        .filter(|s| s.starts_with("team-app"))
        .collect();
    assert_eq!(
        scripts,
        [
            "team-app-0",
            "team-app-1",
            "team-app-2",
            "team-app-3",
            "team-app-4"
        ]
    );
}

/// A tiny deterministic generator (xorshift), so the kill moments are random but
/// repeatable.
fn fastrand_like(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Every request by operationId.
fn by_operation(served: &Served) -> BTreeMap<String, u64> {
    served.stats()["by_operation"]
        .as_object()
        .expect("by_operation")
        .iter()
        .map(|(op, n)| (op.clone(), n.as_u64().unwrap_or_default()))
        .collect()
}

#[test]
fn a_push_of_new_connectors_sends_their_writes_and_one_listing_only() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "0"]);
    let tree = env.path().join("tree");
    hand_written_tree(&tree, 5);
    run(&env, &served, &["connectors", "push", path(&tree), "--yes"]).ok();
    let sent: Vec<_> = by_operation(&served).into_iter().collect();
    let each = |op: &str| (op.to_owned(), 5);
    assert_eq!(
        sent,
        [
            each("createCustomConnector"),
            ("getConnectorList".to_owned(), 1),
            each("putConnectorCorrelationConfig"),
            each("putConnectorSourceConfig"),
            each("putConnectorSourceTemplate"),
            each("putConnectorTranslations"),
            each("updateConnector"),
        ]
    );
    // diff and pull read each connector once: one listing page, five details.
    let pulled = env.path().join("pulled");
    for args in [
        ["connectors", "diff", path(&tree)],
        ["connectors", "pull", path(&pulled)],
    ] {
        let before = by_operation(&served);
        run(&env, &served, &args).ok();
        let read: Vec<_> = delta(&before, &by_operation(&served)).into_iter().collect();
        assert_eq!(
            read,
            [
                ("getConnector".to_owned(), 5),
                ("getConnectorList".to_owned(), 1)
            ],
            "{args:?}"
        );
    }
}

#[test]
fn a_connector_with_the_services_default_documents_promotes_with_no_edit() {
    let env = Env::new();
    let dev = Served::start(&env, &["--seed", "2"]);
    let prod = Served::start(&env, &["--seed", "0"]);
    run(
        &env,
        &dev,
        &[
            "connectors",
            "create",
            "--name",
            "Acme HR",
            "--class-name",
            "sailpoint.connector.OpenConnectorAdapter",
        ],
    )
    .ok();
    let pulled = env.path().join("pulled");
    run(&env, &dev, &["connectors", "pull", path(&pulled)]).ok();
    let template = std::fs::read_to_string(pulled.join("acme-hr/source-template.xml")).unwrap();
    assert!(
        template.contains("<!DOCTYPE Application PUBLIC"),
        "{template}"
    );

    run(&env, &prod, &["connectors", "push", path(&pulled), "--yes"]).ok();
    run(&env, &prod, &["connectors", "diff", path(&pulled)]).code(0);
    let again = env.path().join("again");
    run(&env, &prod, &["connectors", "pull", path(&again)]).ok();
    assert_eq!(files(&again), files(&pulled));
}

#[test]
fn a_refused_file_is_named_with_the_ways_out() {
    let env = Env::new();
    let dev = Served::start(&env, &["--seed", "0"]);
    let prod = Served::start(&env, &["--seed", "0"]);
    let start = env.path().join("start");
    hand_written_tree(&start, 2);
    run(&env, &dev, &["connectors", "push", path(&start), "--yes"]).ok();
    let pulled = env.path().join("pulled");
    run(&env, &dev, &["connectors", "pull", path(&pulled)]).ok();
    // What some tenant might serve: a DOCTYPE with an internal subset, never sent.
    let refused = pulled.join("team-app-1/source-template.xml");
    std::fs::write(
        &refused,
        "<?xml version='1.0'?>\n<!DOCTYPE Application [<!ENTITY e \"x\">]>\n<Application name=\"&e;\"/>\n",
    )
    .unwrap();

    let failed = run(&env, &prod, &["connectors", "push", path(&pulled), "--yes"]).code(3);
    let dir = path(&pulled);
    for expected in [
        "hint: pre-flight refuses to send these files:\n".to_owned(),
        format!("  {dir}/team-app-1/source-template.xml\n"),
        "fix the file".to_owned(),
        "remove it from the tree: a file that is absent is not managed".to_owned(),
        "--no-preflight".to_owned(),
    ] {
        assert!(
            failed.stderr.contains(&expected),
            "{expected}\n{}",
            failed.stderr
        );
    }
    assert_eq!(writes(&prod), BTreeMap::new(), "nothing was sent");

    // The second way out: without the file, the push goes through and the tenant keeps
    // its own source template.
    std::fs::remove_file(&refused).unwrap();
    run(&env, &prod, &["connectors", "push", path(&pulled), "--yes"]).ok();
    run(&env, &prod, &["connectors", "diff", path(&pulled)]).code(0);
}
