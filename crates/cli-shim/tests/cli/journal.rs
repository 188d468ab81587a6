//! `connkit sandbox requests` and the journal and fault-rule options of `sandbox serve`,
//! against a served sandbox child process over real HTTP on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Env, Served};

/// `connkit --base-url URL --retries 0 ARGS…`, whatever its exit code.
fn client(env: &Env, served: &Served, args: &[&str]) {
    let mut all = vec!["--base-url", served.base_url.as_str(), "--retries", "0"];
    all.extend_from_slice(args);
    env.run(all);
}

/// `connkit -o FORMAT sandbox requests --url URL ARGS…`, succeeding.
fn requests(env: &Env, served: &Served, format: &str, args: &[&str]) -> String {
    let mut all = vec![
        "-o",
        format,
        "sandbox",
        "requests",
        "--url",
        served.base_url.as_str(),
    ];
    all.extend_from_slice(args);
    env.run(all).ok().stdout
}

#[test]
fn requests_shows_what_clients_sent_and_the_scripted_fault() {
    let env = Env::new();
    let served = Served::start(
        &env,
        &[
            "--seed",
            "5",
            "--fault-rule",
            "operation=getConnector,times=1,status=503",
        ],
    );
    client(&env, &served, &["connectors", "get", "active-directory"]);
    client(&env, &served, &["connectors", "get", "active-directory"]);
    client(&env, &served, &["connectors", "list"]);

    let all: Value = serde_json::from_str(&requests(&env, &served, "json", &[])).unwrap();
    let all = all.as_array().unwrap();
    let seen: Vec<(&str, u64)> = all
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("getConnector", 503),
            ("getConnector", 200),
            ("getConnectorList", 200)
        ]
    );
    assert_eq!(all[0]["fault"], "rule 1: status 503");
    assert_eq!(all[0]["path"], "/v2024/connectors/active-directory");

    let only: Value = serde_json::from_str(&requests(
        &env,
        &served,
        "json",
        &[
            "--operation",
            "getConnector",
            "--status",
            "200",
            "--since",
            "10m",
        ],
    ))
    .unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1, "{only}");

    let table = requests(&env, &served, "table", &["--operation", "getConnectorList"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    for heading in ["OPERATION", "METHOD", "PATH", "STATUS", "FAULT"] {
        assert!(lines[0].contains(heading), "{table}");
    }
    assert!(lines[1].contains("getConnectorList") && lines[1].contains("/v2024/connectors"));
}

#[test]
fn follow_prints_each_new_request_as_it_arrives() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "5"]);
    let mut follower = KilledOnDrop(
        env.cmd([
            "-o",
            "ndjson",
            "sandbox",
            "requests",
            "--follow",
            "--url",
            &served.base_url,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sandbox requests --follow"),
    );
    let stdout = follower.0.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    for name in ["active-directory", "workday"] {
        client(&env, &served, &["connectors", "get", name]);
        let line = received
            .recv_timeout(Duration::from_secs(10))
            .expect("a line within 10 s");
        let entry: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(entry["path"], format!("/v2024/connectors/{name}"));
    }
}

/// A child process killed and reaped when dropped, also when the test panics.
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `connkit sandbox serve --addr 127.0.0.1:0 OPTION VALUE`, which must fail as a usage
/// error; its stderr.
fn refused_serve(env: &Env, option: &str, value: &str) -> String {
    env.run(["sandbox", "serve", "--addr", "127.0.0.1:0", option, value])
        .code(2)
        .stderr
}

#[test]
fn bad_fault_rules_are_usage_errors_naming_what_is_wrong() {
    let env = Env::new();
    let cases = [
        (
            "--fault-rule",
            "boom=1".to_owned(),
            "unknown fault rule setting 'boom'",
        ),
        (
            "--fault-rules-file",
            env.file(
                "rules.json",
                r#"[{"action": {"kind": "status", "status": 700}}]"#,
            )
            .display()
            .to_string(),
            "rules.json: rule 0: fault rule status 700 is not in 200..=599",
        ),
        (
            "--fault-rules-file",
            env.file("rules2.json", "status=503").display().to_string(),
            "rules2.json: not a JSON array of fault rules",
        ),
    ];
    for (option, value, expected) in cases {
        let stderr = refused_serve(&env, option, &value);
        assert!(stderr.contains(expected), "{option} {value}: {stderr}");
    }
    let unreachable = env.run(["sandbox", "requests", "--url", "http://127.0.0.1:9"]);
    assert_ne!(unreachable.code, 0);
    assert!(
        unreachable
            .stderr
            .contains("reaching the sandbox at http://127.0.0.1:9"),
        "{}",
        unreachable.stderr
    );
}

/// `POST {base}/__sandbox/faults` with `body`; the status line.
fn post_rule(base_url: &str, body: &str) -> String {
    let authority = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connect to sandbox");
    write!(
        stream,
        "POST /__sandbox/faults HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response.lines().next().unwrap_or_default().to_owned()
}

/// `connkit sandbox serve --addr 0.0.0.0:0 EXTRA…`: its base URL and the child.
fn serve_on_every_address(env: &Env, extra: &[&str]) -> (String, KilledOnDrop) {
    let mut child = KilledOnDrop(
        env.cmd([
            "-q",
            "sandbox",
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--seed",
            "3",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sandbox serve"),
    );
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the base URL line");
    (first.trim().to_owned(), child)
}

#[test]
fn admin_routes_are_refused_off_loopback_unless_asked() {
    let env = Env::new();
    let (base_url, child) = serve_on_every_address(&env, &[]);
    let refused = post_rule(&base_url, "reset");
    drop(child);
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");

    let (base_url, child) = serve_on_every_address(&env, &["--admin-routes"]);
    let allowed = post_rule(&base_url, "operation=getConnector,reset");
    drop(child);
    assert!(allowed.starts_with("HTTP/1.1 201"), "{allowed}");

    let said = env.serve_until_said(&[], "dashboard:");
    assert!(said.contains("/__sandbox/"), "{said}");
}
