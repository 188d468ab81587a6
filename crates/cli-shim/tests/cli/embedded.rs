//! `--sandbox`: the embedded sandbox, its state in `CONNKIT_DATA_DIR`, behaving like a
//! tenant across separate invocations.

use serde_json::{json, Value};

use crate::support::{Env, Run};

const OPEN: &str = "sailpoint.connector.OpenConnectorAdapter";

fn script_names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["scriptName"].as_str().expect("scriptName").to_owned())
        .collect()
}

/// `connkit --sandbox ARGS…`
fn sandbox(env: &Env, args: &[&str]) -> Run {
    let mut all = vec!["--sandbox"];
    all.extend_from_slice(args);
    env.run(all)
}

#[test]
fn a_session_of_commands_behaves_like_a_tenant() {
    let env = Env::new();
    let sb = |args: &[&str]| sandbox(&env, args);

    // First use: the demo set, written to the data directory.
    let first = sb(&["connectors", "list", "-o", "json"]).ok();
    let demo_names = script_names(&first.json());
    assert_eq!(demo_names.len(), 50);
    assert!(env.path().join("data/sandbox.db").is_file());
    assert!(
        first.stderr.contains("new embedded sandbox"),
        "{}",
        first.stderr
    );
    let second = sb(&["connectors", "list", "--limit", "1", "-o", "json"]).ok();
    assert_eq!(
        second.stderr, "note: 1 of 50 connectors; --all for every page\n",
        "no note of a new sandbox the second time"
    );

    // create → get
    let created = sb(&[
        "connectors",
        "create",
        "--name",
        "Acme HR",
        "--class-name",
        OPEN,
        "--type",
        "Acme",
        "--direct-connect",
        "false",
        "-o",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(created["scriptName"], "acme-hr");
    assert_eq!(created["type"], "Acme");
    assert_eq!(created["directConnect"], false);
    let detail = sb(&["connectors", "get", "acme-hr", "-o", "json"])
        .ok()
        .json();
    assert_eq!(detail["name"], "Acme HR");
    assert_eq!(detail["className"], OPEN);

    // put a config, then get it back verbatim (no trailing newline added or removed)
    let xml = "<?xml version=\"1.0\"?>\n<Form connectorName=\"acme\">\n  <Field name=\"id\" type=\"string\"/>\n</Form>";
    let file = env.file("source-config.xml", xml);
    let put = sb(&[
        "connectors",
        "source-config",
        "put",
        "acme-hr",
        file.to_str().unwrap(),
        "-o",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(put["status"], "UPDATED");
    let got = sb(&["connectors", "source-config", "get", "acme-hr"]).ok();
    assert_eq!(got.stdout, xml);

    // the same for the other two documents and the translations
    for document in ["source-template", "correlation-config"] {
        let body = format!("<{document} v=\"1\"/>\n");
        let file = env.file(&format!("{document}.xml"), &body);
        sb(&[
            "connectors",
            document,
            "put",
            "acme-hr",
            file.to_str().unwrap(),
        ])
        .ok();
        assert_eq!(
            sb(&["connectors", document, "get", "acme-hr"]).ok().stdout,
            body
        );
    }
    let props = "# German\nlabel.name=Name\n";
    let file = env.file("de.properties", props);
    sb(&[
        "connectors",
        "translations",
        "put",
        "acme-hr",
        "de",
        file.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        sb(&["connectors", "translations", "get", "acme-hr", "de"])
            .ok()
            .stdout,
        props
    );
    // without a file: an empty body, which keeps what is stored
    let empty = sb(&[
        "connectors",
        "translations",
        "put",
        "acme-hr",
        "de",
        "-o",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(empty["status"], "UNCHANGED");
    assert_eq!(
        sb(&["connectors", "translations", "get", "acme-hr", "de"])
            .ok()
            .stdout,
        props
    );

    // update with a JSON Patch from stdin
    let patch = br#"[{"op":"add","path":"/connectorMetadata/owner","value":"hr-team"}]"#;
    let mut args = vec![
        "--sandbox",
        "connectors",
        "update",
        "acme-hr",
        "--patch",
        "-",
    ];
    args.extend(["-o", "json"]);
    let updated = env.run_with_stdin(&args, patch).ok().json();
    assert_eq!(updated["connectorMetadata"]["owner"], "hr-team");
    // a finding in a body from stdin names `<stdin>`, as compilers do
    let rejected = env
        .run_with_stdin(&args, br#"[{"op":"nope","path":"/connectorMetadata"}]"#)
        .code(3);
    assert!(
        rejected
            .stderr
            .starts_with("<stdin>: error: patch.unknown-op"),
        "{}",
        rejected.stderr
    );

    // list: the new connector is there, and a filter finds it
    let all = sb(&["connectors", "list", "--all", "-o", "json"])
        .ok()
        .json();
    let names = script_names(&all);
    assert_eq!(names.len(), 51);
    assert!(names.contains(&"acme-hr".to_owned()));
    let found = sb(&[
        "connectors",
        "list",
        "--filter",
        "name sw \"Acme\"",
        "-o",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(script_names(&found), ["acme-hr"]);

    // delete → not found (exit 4) with the service's trackingId
    sb(&["connectors", "delete", "acme-hr"]).ok();
    let gone = sb(&["connectors", "get", "acme-hr"]).code(4);
    assert!(gone.stderr.contains("trackingId: "), "{}", gone.stderr);

    // reset: the demo set again
    env.run(["sandbox", "reset"]).ok();
    let again = sb(&["connectors", "list", "-o", "json"]).ok().json();
    assert_eq!(script_names(&again), demo_names);
}

#[test]
fn every_output_format_carries_the_same_data() {
    let env = Env::new();
    let first_page = sandbox(&env, &["connectors", "list", "--limit", "5", "-o", "json"]).ok();
    // a first page never passes for the whole list
    assert!(
        first_page
            .stderr
            .contains("note: 5 of 50 connectors; --all for every page"),
        "{}",
        first_page.stderr
    );
    let json = first_page.json();
    let last_page = sandbox(
        &env,
        &["connectors", "list", "--offset", "45", "-o", "json"],
    )
    .ok();
    assert!(!last_page.stderr.contains("--all"), "{}", last_page.stderr);
    let ndjson = sandbox(
        &env,
        &["connectors", "list", "--limit", "5", "-o", "ndjson"],
    )
    .ok();
    let lines: Vec<Value> = ndjson
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect();
    assert_eq!(Value::Array(lines), json);

    let table = sandbox(&env, &["connectors", "list", "--limit", "5", "-o", "table"]).ok();
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert!(rows[0].starts_with("SCRIPT NAME"), "{}", table.stdout);
    assert_eq!(rows.len(), 1 + 5 + 1, "{}", table.stdout);
    assert_eq!(rows[6], "5 of 50");
    // aligned: the NAME column starts at the same offset on every row
    let column = rows[0].find("  NAME").expect("NAME column") + 2;
    for (row, item) in rows[1..6].iter().zip(json.as_array().unwrap()) {
        let name = item["name"].as_str().unwrap();
        assert!(row[column..].starts_with(name), "{row}");
    }

    // one object: pretty JSON, a single NDJSON line, a field table
    let detail = sandbox(&env, &["connectors", "get", "workday", "-o", "json"])
        .ok()
        .json();
    let line = sandbox(&env, &["connectors", "get", "workday", "-o", "ndjson"]).ok();
    assert_eq!(line.stdout.lines().count(), 1);
    assert_eq!(serde_json::from_str::<Value>(&line.stdout).unwrap(), detail);
    let table = sandbox(&env, &["connectors", "get", "workday", "-o", "table"]).ok();
    assert!(table
        .stdout
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["scriptName", "workday"]));

    // --count prints only the number, in every format, and counts what a filter finds
    for format in ["table", "json", "ndjson"] {
        let counted = sandbox(&env, &["connectors", "list", "--count", "-o", format]).ok();
        assert_eq!(counted.stdout, "50\n", "{format}");
    }
    let filtered = sandbox(
        &env,
        &[
            "connectors",
            "list",
            "--count",
            "--filter",
            "name sw \"Work\"",
        ],
    )
    .ok();
    assert_eq!(filtered.stdout, "2\n", "workday and workday-cloud-1");
    assert_eq!(json[0]["status"], json!("RELEASED"));

    // --offset counts records; --locale is accepted (the sandbox is not localized)
    let tail = sandbox(
        &env,
        &["connectors", "list", "--offset", "48", "--locale", "no"],
    )
    .ok()
    .json();
    let all = sandbox(&env, &["connectors", "list", "-o", "json"])
        .ok()
        .json();
    assert_eq!(tail.as_array().unwrap()[..], all.as_array().unwrap()[48..]);
}

#[test]
fn create_from_a_dto_file() {
    let env = Env::new();
    let dto = env.file(
        "dto.json",
        r#"{"name": "Payroll", "className": "sailpoint.connector.OpenConnectorAdapter", "status": "DEMO"}"#,
    );
    let created = sandbox(
        &env,
        &["connectors", "create", "--file", dto.to_str().unwrap()],
    )
    .ok()
    .json();
    assert_eq!(created["scriptName"], "payroll");
    assert_eq!(created["status"], "DEMO");
    // DEMO connectors answer per-connector routes but are not listed
    sandbox(&env, &["connectors", "get", "payroll", "--locale", "de"]).ok();
    let listed = sandbox(
        &env,
        &["connectors", "list", "--filter", "name sw \"Payroll\""],
    )
    .ok()
    .json();
    assert_eq!(listed, json!([]));
    // a duplicate name is the service's 400: a usage error, exit 2
    let duplicate = sandbox(
        &env,
        &["connectors", "create", "--file", dto.to_str().unwrap()],
    )
    .code(2);
    assert!(duplicate.stderr.contains("400"), "{}", duplicate.stderr);
}

#[test]
fn no_configured_tenant_points_at_sandbox() {
    let env = Env::new();
    let run = env.run(["connectors", "list"]).code(2);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
    assert!(run.stderr.contains("SAIL_BASE_URL"), "{}", run.stderr);
    assert!(run.stderr.contains("--sandbox"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// Progress shows on a terminal's stderr only: run under `script`, which gives the
/// command a pseudo-terminal, and compare with a pipe.
#[cfg(target_os = "linux")]
#[test]
fn progress_is_drawn_on_a_terminal_and_never_in_pipes() {
    let env = Env::new();
    let listing = format!(
        "{} --sandbox connectors list --all -o ndjson > listing.ndjson",
        crate::support::BIN
    );
    let on_terminal = env
        .program("script")
        .args(["-qec", &listing, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .output()
        .expect("run script(1)");
    assert!(on_terminal.status.success());
    let terminal = String::from_utf8_lossy(&on_terminal.stdout);
    assert!(terminal.contains("connectors: 50/50"), "{terminal:?}");
    assert_eq!(
        std::fs::read_to_string(env.path().join("listing.ndjson"))
            .unwrap()
            .lines()
            .count(),
        50
    );
    let piped = sandbox(&env, &["connectors", "list", "--all", "-o", "ndjson"]).ok();
    assert!(piped.stderr.is_empty(), "{}", piped.stderr);
}

#[test]
fn a_damaged_state_file_is_reported_and_reset_recovers() {
    let env = Env::new();
    std::fs::create_dir(env.path().join("data")).unwrap();
    std::fs::write(
        env.path().join("data/sandbox.json"),
        "{\"not\": \"a sandbox\"}",
    )
    .unwrap();
    let damaged = sandbox(&env, &["connectors", "list"]).code(1);
    assert!(
        damaged.stderr.contains("connkit sandbox reset"),
        "{}",
        damaged.stderr
    );
    assert!(
        damaged.stderr.contains("sandbox.json"),
        "{}",
        damaged.stderr
    );
    env.run(["sandbox", "reset"]).ok();
    let list = sandbox(&env, &["connectors", "list", "-o", "json"])
        .ok()
        .json();
    assert_eq!(list.as_array().map(Vec::len), Some(50));
}
