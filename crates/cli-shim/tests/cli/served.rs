//! Against `connkit sandbox serve` over real HTTP on 127.0.0.1: exit codes, pre-flight
//! that sends nothing, and streamed NDJSON on a large seed.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{Env, Run, Served};

/// A base URL nobody listens on: a port the OS just handed out and that was closed again.
fn nobody_listening() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// `connkit --base-url URL --retries 0 connectors list`
fn list_without_retries(env: &Env, base_url: &str) -> Run {
    env.run([
        "--base-url",
        base_url,
        "--retries",
        "0",
        "connectors",
        "list",
    ])
}

/// `connkit --base-url URL ARGS…`
fn at<'a>(served: &'a Served, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--base-url", served.base_url.as_str()];
    all.extend_from_slice(args);
    all
}

/// `connkit --base-url URL OPTIONS… connectors source-config put active-directory FILE`
fn put_source_config(env: &Env, served: &Served, options: &[&str], file: &Path) -> Run {
    let mut args = at(served, options);
    let file = file.to_str().expect("UTF-8 temp path");
    args.extend([
        "connectors",
        "source-config",
        "put",
        "active-directory",
        file,
    ]);
    env.run(args)
}

#[test]
fn exit_codes_and_preflight_that_sends_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "5"]);

    // 0, with JSON parsed back
    let list = env
        .run(at(&served, &["connectors", "list", "-o", "json"]))
        .ok()
        .json();
    assert_eq!(list.as_array().map(Vec::len), Some(5));

    // 4: not found, with the whole chain and the trackingId on stderr
    let missing = env
        .run(at(&served, &["connectors", "get", "no-such-connector"]))
        .code(4);
    assert!(missing.stderr.starts_with("error: "), "{}", missing.stderr);
    assert!(missing.stderr.contains("404"), "{}", missing.stderr);
    assert!(
        missing.stderr.contains("trackingId: "),
        "{}",
        missing.stderr
    );
    assert!(missing.stdout.is_empty());

    // 3: pre-flight rejects a malformed XML upload and nothing reaches the server
    let before = served.stats();
    let bad = env.file("bad.xml", "<Form>\n  <Field name=\"a\">\n</Form>\n");
    let rejected = put_source_config(&env, &served, &[], &bad).code(3);
    let first = rejected.stderr.lines().next().unwrap_or_default();
    let prefix = format!("{}:3:", bad.display());
    assert!(first.starts_with(&prefix), "{}", rejected.stderr);
    assert!(first.contains(": error: "), "{}", rejected.stderr);
    assert!(
        rejected.stderr.contains("nothing was sent"),
        "{}",
        rejected.stderr
    );
    // …and a bad patch, and a create without a class name
    let patch = env.file(
        "patch.json",
        r#"[{"op":"replace","path":"/name","value":"x"}]"#,
    );
    env.run(at(
        &served,
        &[
            "connectors",
            "update",
            "active-directory",
            "--patch",
            patch.to_str().unwrap(),
        ],
    ))
    .code(3);
    let dto = env.file("dto.json", r#"{"name":"x"}"#);
    env.run(at(
        &served,
        &["connectors", "create", "--file", dto.to_str().unwrap()],
    ))
    .code(3);
    assert_eq!(
        served.stats()["total"],
        before["total"],
        "a rejected body was sent"
    );

    // --no-preflight lets it leave, and the service refuses it (400: exit 2)
    env.run(at(
        &served,
        &[
            "--no-preflight",
            "connectors",
            "update",
            "active-directory",
            "--patch",
            patch.to_str().unwrap(),
        ],
    ))
    .code(2);
    let after = served.stats()["total"].as_u64().unwrap();
    assert_eq!(after, before["total"].as_u64().unwrap() + 1);

    // 2: a filter the list does not support is refused before sending
    let before = served.stats()["total"].clone();
    let filter = env
        .run(at(
            &served,
            &["connectors", "list", "--filter", "className eq \"x\""],
        ))
        .code(2);
    assert!(filter.stderr.contains("filter"), "{}", filter.stderr);
    assert_eq!(served.stats()["total"], before);

    // 1: anything else, e.g. a 200 whose UpdateDetail says ERROR (an empty upload)
    let empty = env.file("empty.xml", "");
    let failed = put_source_config(&env, &served, &["--no-preflight"], &empty).code(1);
    assert!(failed.stderr.contains("ERROR"), "{}", failed.stderr);

    // 6 also covers a transport that gave up: nobody listening, no retries left
    let refused = list_without_retries(&env, &nobody_listening()).code(6);
    assert!(refused.stderr.contains("caused by: "), "{}", refused.stderr);
}

#[test]
fn auth_failure_exits_5_and_credentials_work() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    let denied = env
        .run(at(&served, &["--token", "wrong", "connectors", "list"]))
        .code(5);
    assert!(denied.stderr.contains("401"), "{}", denied.stderr);
    // no credentials at all is refused the same way
    env.run(at(&served, &["connectors", "list"])).code(5);
    // client credentials: a token from /oauth/token
    let list = env
        .run(at(
            &served,
            &[
                "--client-id",
                "cli",
                "--client-secret",
                "s3cret",
                "connectors",
                "list",
                "-o",
                "json",
            ],
        ))
        .ok()
        .json();
    assert_eq!(list.as_array().map(Vec::len), Some(3));

    // a fixed token, also from CONNKIT_TOKEN
    let fixed = Served::start(&env, &["--seed", "1", "--require-auth=let-me-in"]);
    env.run(at(&fixed, &["--token", "let-me-in", "connectors", "list"]))
        .ok();
    let from_env = env
        .cmd(at(&fixed, &["connectors", "list", "-o", "json"]))
        .env("CONNKIT_TOKEN", "let-me-in")
        .output()
        .expect("run connkit");
    assert!(from_env.status.success());
}

#[test]
fn rate_limited_without_retries_exits_6() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1", "--rate-limit", "2/10s"]);
    let args = at(
        &served,
        &["--retries", "0", "connectors", "get", "active-directory"],
    );
    env.run(&args).ok();
    env.run(&args).ok();
    let limited = env.run(&args).code(6);
    assert!(limited.stderr.contains("429"), "{}", limited.stderr);
}

/// What streaming every connector as NDJSON gave.
struct Streamed {
    /// Lines read.
    lines: usize,
    /// Distinct `scriptName`s among them.
    names: HashSet<String>,
    /// The CLI's peak resident memory in KiB, read from `/proc` while it was still
    /// writing its last pages (Linux only).
    peak_kib: Option<u64>,
}

/// `connkit --base-url URL connectors list --all --concurrency 4 -o ndjson`, read line by
/// line as it arrives. `expected` lines in, reading pauses 400 lines before the end
/// (more than a pipe holds, so the CLI is blocked writing its last pages) to sample
/// its peak memory.
fn stream_all(env: &Env, served: &Served, expected: usize) -> Streamed {
    let args = [
        "connectors",
        "list",
        "--all",
        "--concurrency",
        "4",
        "-o",
        "ndjson",
    ];
    let mut child = env
        .cmd(at(served, &args))
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn connkit");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut streamed = Streamed {
        lines: 0,
        names: HashSet::new(),
        peak_kib: None,
    };
    for line in stdout.lines() {
        let item: Value = serde_json::from_str(&line.expect("read stdout")).expect("JSON line");
        let name = item["scriptName"].as_str().expect("scriptName");
        streamed.names.insert(name.to_owned());
        streamed.lines += 1;
        if streamed.lines + 400 == expected {
            std::thread::sleep(std::time::Duration::from_millis(300));
            streamed.peak_kib = peak_kib(child.id());
        }
    }
    assert!(child.wait().expect("wait connkit").success());
    streamed
}

#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(not(target_os = "linux"))]
fn peak_kib(_pid: u32) -> Option<u64> {
    None
}

#[test]
fn ndjson_streams_every_connector_of_a_large_seed_in_flat_memory() {
    let env = Env::new();
    let small = Served::start(&env, &["--seed", "2000"]);
    let large = Served::start(&env, &["--seed", "20000"]);
    let baseline = stream_all(&env, &small, 2_000);
    let streamed = stream_all(&env, &large, 20_000);
    assert_eq!(baseline.lines, 2_000);
    assert_eq!(streamed.lines, 20_000);
    assert_eq!(streamed.names.len(), 20_000, "no connector repeated");
    // 80 pages of 250 and nothing past the end
    assert_eq!(large.stats()["by_operation"]["getConnectorList"], 80);
    // Ten times the connectors, about the same memory: pages are written, not kept.
    // (Keeping 18 000 more connectors would take well over 10 MiB.)
    if cfg!(target_os = "linux") {
        let small_kib = baseline.peak_kib.expect("VmHWM for the small listing");
        let large_kib = streamed.peak_kib.expect("VmHWM for the large listing");
        eprintln!("peak RSS: {small_kib} KiB for 2 000 connectors, {large_kib} KiB for 20 000");
        assert!(
            large_kib < small_kib + 4 * 1024,
            "peak RSS {small_kib} KiB for 2 000 connectors but {large_kib} KiB for 20 000"
        );
    }
}

#[test]
fn serve_rejects_bad_options_as_usage() {
    let env = Env::new();
    env.run(["sandbox", "serve", "--rate-limit", "lots"])
        .code(2);
    env.run(["sandbox", "serve", "--faults", "explode=1"])
        .code(2);
}

#[test]
fn timeout_bounds_the_whole_operation() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1", "--faults", "latency=5s"]);
    let started = std::time::Instant::now();
    let slow = env
        .run(at(&served, &["--timeout", "300ms", "connectors", "list"]))
        .code(6);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(
        slow.stderr
            .starts_with("error: --timeout 300ms ran out before the command finished"),
        "{}",
        slow.stderr
    );
}

#[cfg(unix)]
#[test]
fn served_state_survives_a_restart_and_sigterm_stops_cleanly() {
    let env = Env::new();
    let state = env.path().join("served-state.json");
    let state_arg = state.to_str().expect("UTF-8 temp path");
    let served = Served::start(&env, &["--seed", "2", "--state", state_arg]);
    env.run(at(
        &served,
        &[
            "connectors",
            "create",
            "--name",
            "Kept",
            "--class-name",
            "x.Y",
        ],
    ))
    .ok();
    assert_eq!(
        served.terminate(),
        Some(0),
        "SIGTERM should stop the server cleanly"
    );

    // --seed is ignored now that the state file exists
    let again = Served::start(&env, &["--seed", "40", "--state", state_arg]);
    let list = env
        .run(at(&again, &["connectors", "list", "-o", "json"]))
        .ok()
        .json();
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["scriptName"].as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"kept"));
}

#[test]
fn settings_come_from_the_environment_and_config_json() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "4", "--require-auth"]);
    let count = |run: std::process::Output| -> usize {
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let list: Value = serde_json::from_slice(&run.stdout).expect("JSON");
        list.as_array().expect("array").len()
    };

    // SAIL_* variables
    let from_env = env
        .cmd(["connectors", "list", "-o", "json"])
        .env("SAIL_BASE_URL", &served.base_url)
        .env("SAIL_CLIENT_ID", "env-client")
        .env("SAIL_CLIENT_SECRET", "env-secret")
        .output()
        .expect("run connkit");
    assert_eq!(count(from_env), 4);

    // ./config.json in the working directory
    env.file(
        "config.json",
        &serde_json::json!({
            "BaseURL": served.base_url,
            "ClientId": "file-client",
            "ClientSecret": "file-secret",
        })
        .to_string(),
    );
    assert_eq!(
        count(
            env.cmd(["connectors", "list", "-o", "json"])
                .output()
                .unwrap()
        ),
        4
    );

    // flags win over the file: the token request goes to the flag's URL (where nobody
    // answers: a connection failure, not an authentication one)
    let elsewhere = nobody_listening();
    let redirected = list_without_retries(&env, &elsewhere).code(6);
    assert!(
        redirected
            .stderr
            .contains(&format!("{elsewhere}/oauth/token")),
        "{}",
        redirected.stderr
    );

    // a client id without a secret is a configuration (usage) error
    std::fs::remove_file(env.path().join("config.json")).unwrap();
    let half = env
        .cmd(["connectors", "list"])
        .env("SAIL_BASE_URL", &served.base_url)
        .env("SAIL_CLIENT_ID", "only-id")
        .output()
        .expect("run connkit");
    assert_eq!(half.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&half.stderr).contains("SAIL_CLIENT_SECRET"));

    // --sandbox and --base-url together make no sense
    env.run([
        "--sandbox",
        "--base-url",
        "http://127.0.0.1:9",
        "connectors",
        "list",
    ])
    .code(2);
}

/// `sandbox serve --require-auth` says how both APIs authenticate, not only C1.
#[test]
fn serve_with_auth_says_how_isc_clients_get_a_token() {
    let env = Env::new();
    let said = env.serve_until_said(&["--require-auth"], "auth required:");
    assert!(
        said.contains("/oauth/token") && said.contains("CONDUCTORONE_CLIENT_ID"),
        "{said}"
    );
}
