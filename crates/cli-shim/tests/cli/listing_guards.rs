//! Issue 20, end to end: `connectors list --all` against a server that ignores `offset`
//! prints each connector once, then stops with exit 1 and says what the server did,
//! instead of printing the same connectors again until `--timeout`.

use crate::support::{CannedAnswer, Env};

/// A full page for `--limit 2`, whatever the offset.
const TWO_CONNECTORS: &str =
    r#"[{"name": "Alpha", "scriptName": "alpha"}, {"name": "Beta", "scriptName": "beta"}]"#;

#[test]
fn a_server_that_ignores_offset_ends_the_listing_with_what_it_did() {
    let env = Env::new();
    let server = CannedAnswer::serve(TWO_CONNECTORS);
    let args: Vec<&str> = "--timeout 20s -o ndjson connectors list --all --limit 2"
        .split(' ')
        .collect();
    let run = server.run(&env, &args).code(1);
    let scripts: Vec<String> = run
        .stdout
        .lines()
        .map(|line| {
            let connector: serde_json::Value = serde_json::from_str(line).expect("NDJSON");
            connector["scriptName"]
                .as_str()
                .expect("a scriptName")
                .to_owned()
        })
        .collect();
    assert_eq!(scripts, ["alpha", "beta"]);
    assert!(
        run.stderr.contains(
            "getConnectorList: the service answered offset 2 with the same 2 items as \
             offset 0: it ignores `offset`; stopping instead of repeating them"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
}
