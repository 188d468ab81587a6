//! Issue 23: `connectors list --all -o json|ndjson` prints each item as the server
//! sent it when that already is what decoding and re-encoding it prints, and decodes
//! it otherwise. Either way the output must be byte for byte what the typed path
//! prints: here, the same page listed without `--all` (one page, decoded, as every
//! listing was printed before).

use crate::support::{CannedAnswer, Env};

/// Items already in their canonical form (the raw path copies them): odd Unicode
/// (raw non-ASCII, emoji, the escapes `serde_json` writes), an unknown status, nested
/// metadata in key order, an empty item.
const CANONICAL: &str = concat!(
    r#"[{"name":"Café ☃ 😀 \"q\" \\ \n\t\u0001\u001b[2J","type":"JDBC","#,
    r#""scriptName":"cafe","className":"sailpoint.X","features":["PROVISIONING","é"],"#,
    r#""directConnect":true,"connectorMetadata":{"a":[1,-2,{"b":null}],"#,
    r#""supportedUI":"EXTJS","ü":"x"},"status":"RELEASED"},"#,
    r#"{"scriptName":"new","status":"SOMETHING_NEW"},{}]"#
);

/// Items that are not (the raw path decodes the page): unknown members, `null`s,
/// escapes `serde_json` would not write, members out of order, floats, whitespace, and
/// an item that is no connector at all (left out, as the typed path leaves it out).
const ODD: &str = concat!(
    "[ {\"name\":\"caf\\u00e9 \\/ \\ud83d\\ude00\",\"extra\":{\"z\":1},\"type\":null,",
    "\"scriptName\":\"x\",\"connectorMetadata\":{\"b\":1.50,\"a\":2e3},",
    "\"status\":\"RELEASED\"},\n",
    "  {\"directConnect\":true, \"name\":\"later\", \"features\":[\"A\",\"\\u00fc\"]},\n",
    "  \"junk\", {\"name\":\"plain\"} ]"
);

/// stdout of `connectors list ARGS -o FORMAT`, which must succeed.
fn listed(server: &CannedAnswer, env: &Env, format: &str, all: bool) -> String {
    let mut args = vec!["-q", "-o", format, "connectors", "list"];
    if all {
        args.push("--all");
    }
    server.run(env, &args).ok().stdout
}

#[track_caller]
fn same_as_typed(body: &'static str) {
    let env = Env::new();
    let server = CannedAnswer::serve(body);
    for format in ["json", "ndjson", "table"] {
        let typed = listed(&server, &env, format, false);
        let all = listed(&server, &env, format, true);
        assert_eq!(all, typed, "-o {format}");
        assert!(!all.is_empty(), "-o {format}");
    }
}

#[test]
fn canonical_items_print_as_the_typed_listing_prints_them() {
    same_as_typed(CANONICAL);
    // Passed through: the typed path prints the item exactly as sent.
    let env = Env::new();
    let server = CannedAnswer::serve(CANONICAL);
    let ndjson = listed(&server, &env, "ndjson", true);
    let items: Vec<&str> = ndjson.lines().collect();
    let sent: Vec<serde_json::Value> = serde_json::from_str(CANONICAL).unwrap();
    assert_eq!(items.len(), sent.len());
    assert!(CANONICAL.contains(items[0]), "{}", items[0]);
}

#[test]
fn odd_items_print_as_the_typed_listing_prints_them() {
    same_as_typed(ODD);
    let env = Env::new();
    let server = CannedAnswer::serve(ODD);
    let ndjson = listed(&server, &env, "ndjson", true);
    // Re-encoded: unknown members and nulls gone, escapes as serde_json writes them.
    assert!(ndjson.starts_with("{\"name\":\"café / 😀\",\"scriptName\":\"x\",\"connectorMetadata\":{\"a\":2000.0,\"b\":1.5}"), "{ndjson}");
    assert_eq!(
        ndjson.lines().count(),
        3,
        "the junk item is left out: {ndjson}"
    );
}
