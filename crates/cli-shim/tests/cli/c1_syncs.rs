//! `connkit sandbox c1-apps` (the app ids `--app` takes) and `c1-syncs` (a connector's
//! sync runs, with the ids `c1 connectors download-url` and `confirm-sync` take).

use crate::c1_sandbox::{c1, OKTA};
use crate::support::Env;

#[test]
fn c1_syncs_lists_the_ids_the_sync_commands_take() {
    let env = Env::new();
    let id = format!("{OKTA}-c001");
    let syncs = |format: &str| env.run(["-o", format, "sandbox", "c1-syncs", "--app", OKTA, &id]);
    assert_eq!(syncs("json").ok().json(), serde_json::json!([]));

    c1(&env, &["force-sync", "--app", OKTA, &id]).ok();
    c1(&env, &["force-sync", "--app", OKTA, &id]).ok();
    let listed = syncs("json").ok().json();
    let runs = listed.as_array().unwrap();
    assert_eq!(runs.len(), 2, "{listed}");
    let sync_id = runs[0]["syncId"].as_str().unwrap();
    let url = c1(&env, &["download-url", "--app", OKTA, &id, sync_id])
        .ok()
        .json();
    assert!(
        url["downloadUrl"].as_str().unwrap().contains(sync_id),
        "{url}"
    );
    let lifecycle = runs[1]["lifecycleId"].as_str().unwrap();
    c1(&env, &["confirm-sync", "--app", OKTA, &id, lifecycle]).ok();

    let table = syncs("table").ok().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[0].starts_with("SYNC ID") && lines[0].contains("CONFIRMED"),
        "{table}"
    );
    assert!(
        lines[1].starts_with(sync_id) && lines[1].trim_end().ends_with("false"),
        "{table}"
    );
    assert!(
        lines[2].contains(lifecycle) && lines[2].trim_end().ends_with("true"),
        "{table}"
    );

    let missing = env
        .run(["sandbox", "c1-syncs", "--app", OKTA, "nope"])
        .code(4);
    assert!(
        missing.stderr.contains("connector nope not found"),
        "{}",
        missing.stderr
    );
}

/// `connkit sandbox c1-apps`: the demo app ids, which `--app` takes, without reading
/// the source.
#[test]
fn c1_apps_lists_the_ids_app_takes() {
    let env = Env::new();
    let listed = env.run(["-o", "json", "sandbox", "c1-apps"]).ok().json();
    let ids: Vec<&str> = listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|app| app["id"].as_str().expect("an id"))
        .collect();
    assert!(ids.contains(&OKTA), "{listed}");
    for id in ids {
        c1(&env, &["list", "--app", id]).ok();
    }
}
