//! Issue 19, item 5, end to end: answers in the shapes the services' own published
//! examples use. SailPoint's example of a `ConnectorDetail` has `"uploadedFiles": "[]"`
//! (a string where the spec says array); `connkit connectors get` must print the
//! repaired detail and exit 0, with a note naming the field under `-v`.
//!
//! The sandbox cannot produce such an answer, so a tiny loopback HTTP server
//! ([`CannedAnswer`]) answers every request with one canned body and records the
//! request lines.

use crate::support::{CannedAnswer, Env};

/// SailPoint's published `ConnectorDetail`, as the models' tests decode it.
const ISC_DETAIL: &str =
    include_str!("../../../core-models/tests/answers/isc_connector_detail.json");
/// A ConductorOne `ConnectorServiceGetResponse` with odd members.
const C1_GET: &str = include_str!("../../../core-models/tests/answers/c1_get_response.json");

/// The first line of `stderr` that contains `needle`.
#[track_caller]
fn line_with<'a>(stderr: &'a str, needle: &str) -> &'a str {
    stderr
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}:\n{stderr}"))
}

#[test]
fn connectors_get_prints_sailpoints_published_detail() {
    let env = Env::new();
    let server = CannedAnswer::serve(ISC_DETAIL);

    let quiet = server
        .run(&env, &["-o", "json", "connectors", "get", "jdbc"])
        .ok();
    let detail = quiet.json();
    assert_eq!(detail["uploadedFiles"], serde_json::json!([]));
    assert_eq!(detail["name"], "JDBC");
    assert_eq!(detail["status"], "RELEASED");
    assert!(detail["sourceConfig"]
        .as_str()
        .is_some_and(|s| s.starts_with("{Form={Field=")));
    assert_eq!(detail["connectorMetadata"]["platform"], "ccg");
    assert!(detail["translationProperties"]["de"].is_string());
    // A member read in its clear other shape is no warning: only `-v` tells.
    assert!(!quiet.stderr.contains("uploadedFiles"), "{}", quiet.stderr);

    let verbose = server
        .run(&env, &["-v", "-o", "json", "connectors", "get", "jdbc"])
        .ok();
    assert_eq!(verbose.json(), detail);
    let note = line_with(&verbose.stderr, "connkit::repair");
    assert!(note.contains("getConnector"), "{note}");
    assert!(note.contains("`uploadedFiles`"), "{note}");
    assert!(note.contains(r#""[]" read as []"#), "{note}");

    assert_eq!(
        server.requests(),
        ["GET /v2024/connectors/jdbc HTTP/1.1"; 2]
    );
}

#[test]
fn c1_connectors_get_keeps_the_connector_and_warns_about_what_it_left_out() {
    let env = Env::new();
    let server = CannedAnswer::serve(C1_GET);
    let args = [
        "-o",
        "json",
        "c1",
        "connectors",
        "get",
        "--app",
        "2Xa9PzK2",
        "2Xa9Q1oV",
    ];
    let run = server.run(&env, &args).ok();
    let connector = run.json();
    assert_eq!(connector["displayName"], "Okta (production)");
    assert_eq!(connector["description"], "42");
    assert_eq!(connector["canResumeSync"], true);
    assert_eq!(connector["createdAt"], "2025-08-05T12:34:56.123456789Z");
    assert_eq!(connector["parallelSyncWorkerCount"], "4");
    assert!(connector.get("userIds").is_none(), "{connector}");
    // A member left out is a warning, shown without `-v`, with its raw value.
    let warning = line_with(&run.stderr, "connectorView.connector.userIds");
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        warning.contains(r#"{"id":"2Xa9PyUser1"} left out"#),
        "{warning}"
    );
    assert!(!run.stderr.contains("description"), "{}", run.stderr);
    assert_eq!(
        server.requests(),
        ["GET /api/v1/apps/2Xa9PzK2/connectors/2Xa9Q1oV HTTP/1.1"]
    );
}
