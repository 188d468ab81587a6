//! Issue 13, client side, end to end: `--timeout` bounds the whole command, writes
//! whose answer is lost (exit 7, a create looked up by name), retries of what was
//! provably not processed, exit 6 for unreachable servers and untrusted certificates
//! (`--ca-cert`), files refused by size before they are read, and what an isolated
//! plugin worker can see of the environment.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::support::{Env, Run, Served};
use crate::tls_relay::TlsRelay;

/// A base URL nobody listens on: a port the OS just handed out and that was closed again.
fn nobody_listening() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// `connkit --base-url URL ARGS…`, and how long it took.
fn timed(env: &Env, base_url: &str, args: &[&str]) -> (Run, Duration) {
    let started = Instant::now();
    let mut all = vec!["--base-url", base_url];
    all.extend_from_slice(args);
    let run = env.run(all);
    (run, started.elapsed())
}

#[test]
fn a_zero_timeout_is_a_usage_error() {
    let env = Env::new();
    let run = env
        .run(["--timeout", "0", "--sandbox", "connectors", "list"])
        .code(2);
    assert!(run.stderr.contains("more than 0"), "{}", run.stderr);
}

#[test]
fn the_timeout_bounds_every_page_of_a_listing() {
    // 15 pages of 300 ms each: 4.5 s in all, were each page given its own deadline.
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "30", "--faults", "latency=300ms"]);
    let (run, took) = timed(
        &env,
        &served.base_url,
        &[
            "--timeout",
            "1s",
            "connectors",
            "list",
            "--all",
            "--limit",
            "2",
        ],
    );
    ran_out(run.code(6), took);
}

#[test]
fn the_timeout_bounds_a_pull_and_a_push() {
    // A pull of 12 connectors makes dozens of requests of 300 ms each: far more than
    // 1 s, and no single request runs out on its own.
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "12", "--faults", "latency=300ms"]);
    let tree = env.path().join("tree");
    let tree = tree.to_str().expect("UTF-8 temp path");
    let pull = ["--timeout", "1s", "connectors", "pull", tree, "--builtin"];
    let (run, took) = timed(&env, &served.base_url, &pull);
    ran_out(run.code(6), took);

    // A push cut short may have applied what was in flight: exit 7 says so.
    let (pulled, _) = timed(
        &env,
        &served.base_url,
        &["connectors", "pull", tree, "--builtin"],
    );
    pulled.ok();
    let empty = Served::start(&env, &["--seed", "0", "--faults", "latency=300ms"]);
    let push = ["--timeout", "1s", "connectors", "push", tree, "--yes"];
    let (run, took) = timed(&env, &empty.base_url, &push);
    let run = ran_out(run.code(7), took);
    assert!(
        run.stderr.contains("may have been applied"),
        "{}",
        run.stderr
    );
}

/// A run that `--timeout 1s` ended: it says so first, and long before the work
/// would have been done.
fn ran_out(run: Run, took: Duration) -> Run {
    assert!(
        run.stderr
            .starts_with("error: --timeout 1s ran out before the command finished"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    run
}

#[test]
fn the_timeout_bounds_rate_limit_waits() {
    // After two requests the server asks to wait 10 s: past the deadline, so the
    // command ends at once instead of waiting.
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "10", "--rate-limit", "2/10s"]);
    let (run, took) = timed(
        &env,
        &served.base_url,
        &[
            "--timeout",
            "2s",
            "connectors",
            "list",
            "--all",
            "--limit",
            "1",
        ],
    );
    let run = run.code(6);
    assert!(run.stderr.contains("429"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("--timeout"),
        "ended before the deadline: {}",
        run.stderr
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn retries_apply_to_a_create_that_was_provably_not_processed() {
    // A refused connection proves the POST was never processed: --retries counts.
    let env = Env::new();
    let (run, _) = timed(
        &env,
        &nobody_listening(),
        &[
            "--token",
            "t",
            "--retries",
            "2",
            "connectors",
            "create",
            "--name",
            "A",
            "--class-name",
            "c",
        ],
    );
    let run = run.code(6);
    assert!(
        run.stderr.contains("gave up after 3 attempts"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreachable_server_with_client_credentials_is_a_connection_failure() {
    let env = Env::new();
    let (run, _) = timed(
        &env,
        &nobody_listening(),
        &[
            "--client-id",
            "id",
            "--client-secret",
            "not-so-secret",
            "--retries",
            "0",
            "connectors",
            "list",
        ],
    );
    let run = run.code(6);
    assert!(run.stderr.contains("could not connect"), "{}", run.stderr);
    assert!(!run.stderr.contains("not-so-secret"), "{}", run.stderr);
}

#[test]
fn writes_whose_answer_is_always_lost_exit_7() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "5", "--faults", "truncate=1"]);
    let url = served.base_url.clone();
    let (create, _) = timed(
        &env,
        &url,
        &[
            "--retries",
            "1",
            "connectors",
            "create",
            "--name",
            "Lost",
            "--class-name",
            "c",
        ],
    );
    let create = create.code(7);
    assert!(
        create.stderr.contains("may have been applied"),
        "{}",
        create.stderr
    );
    // The lookup by name was tried (and its answers were lost too).
    assert!(
        create
            .stderr
            .contains("looking the connector up by name failed"),
        "{}",
        create.stderr
    );

    let patch = env.file(
        "patch.json",
        r#"[{"op":"add","path":"/connectorMetadata/k","value":1}]"#,
    );
    let (update, _) = timed(
        &env,
        &url,
        &[
            "connectors",
            "update",
            "active-directory",
            "--patch",
            patch.to_str().expect("UTF-8 path"),
        ],
    );
    let update = update.code(7);
    assert!(
        update.stderr.contains("may have been applied"),
        "{}",
        update.stderr
    );
    // Each write was sent once: a POST or PATCH whose answer was lost is never resent.
    let stats = served.stats();
    assert_eq!(stats["by_operation"]["createCustomConnector"], 1, "{stats}");
    assert_eq!(stats["by_operation"]["updateConnector"], 1, "{stats}");
}

#[test]
fn creates_whose_answer_is_lost_are_found_by_name() {
    // As reported: under truncated answers some creates were stored although the
    // command failed, and running them again said "already exists".
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "0", "--faults", "truncate=0.3,seed=5"]);
    let url = served.base_url.clone();
    let mut codes = HashMap::new();
    let mut found_by_name = 0;
    for i in 0..12 {
        let name = format!("Flaky {i}");
        let (run, _) = timed(
            &env,
            &url,
            &[
                "--retries",
                "8",
                "-o",
                "json",
                "connectors",
                "create",
                "--name",
                &name,
                "--class-name",
                "c",
            ],
        );
        assert!(
            run.code == 0 || run.code == 7,
            "{name}: {}\n{}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("already exists"), "{}", run.stderr);
        if run.code == 0 {
            assert_eq!(run.json()["name"], name.as_str());
            if run.stderr.contains("exists now") {
                found_by_name += 1;
            }
        }
        codes.insert(name, run.code);
    }
    assert!(found_by_name > 0, "no answer was lost: {codes:?}");

    let (list, _) = timed(
        &env,
        &url,
        &[
            "--retries",
            "10",
            "-o",
            "json",
            "connectors",
            "list",
            "--all",
        ],
    );
    let list = list.ok().json();
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for (name, code) in &codes {
        let stored = names.iter().filter(|n| **n == name.as_str()).count();
        if *code == 0 {
            assert_eq!(stored, 1, "{name}");
        }
    }
}

#[test]
fn a_huge_file_is_refused_from_its_size_before_it_is_read() {
    // 1 TiB, sparse: reading it whole would fail to allocate and abort.
    let env = Env::new();
    let huge = env.path().join("huge.xml");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(1 << 40))
        .expect("sparse file");
    let huge = huge.to_str().expect("UTF-8 path");
    let limit = "more than the limit of 10485760 bytes";

    let run = env
        .run(["validate", "--kind", "source-config", huge])
        .code(3);
    assert!(run.stderr.contains(limit), "{}", run.stderr);
    assert!(run.stderr.contains("huge.xml"), "{}", run.stderr);

    // Refused before any connection is attempted.
    let (run, _) = timed(
        &env,
        &nobody_listening(),
        &["connectors", "source-config", "put", "s", huge],
    );
    let run = run.code(3);
    assert!(run.stderr.contains(limit), "{}", run.stderr);
}

#[test]
fn an_untrusted_certificate_is_said_in_words_and_ca_cert_trusts_it() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    let relay = TlsRelay::start(&served.base_url);
    let https = relay.base_url();

    let (run, _) = timed(&env, &https, &["connectors", "list"]);
    let run = run.code(6);
    assert!(
        run.stderr.contains("is not trusted") && run.stderr.contains("does not trust"),
        "{}",
        run.stderr
    );
    assert_eq!(relay.accepted(), 1, "a trust failure is not retried");

    let ca = relay.ca_file(&env);
    let (run, _) = timed(
        &env,
        &https,
        &[
            "--ca-cert",
            ca.to_str().expect("UTF-8 path"),
            "-o",
            "json",
            "connectors",
            "list",
        ],
    );
    assert_eq!(run.ok().json().as_array().map(Vec::len), Some(3));

    let junk = env.file("junk.pem", "not a certificate");
    let (run, _) = timed(
        &env,
        &https,
        &[
            "--ca-cert",
            junk.to_str().expect("UTF-8 path"),
            "connectors",
            "list",
        ],
    );
    let run = run.code(2);
    assert!(run.stderr.contains("--ca-cert"), "{}", run.stderr);
    assert!(run.stderr.contains("junk.pem"), "{}", run.stderr);
}

/// The children of process `parent` (from `/proc/*/stat`).
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid …`; comm may hold spaces, so split after it.
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                == Some(parent)
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn an_isolated_plugin_worker_does_not_see_the_secrets() {
    use std::process::Stdio;

    let env = Env::new();
    let hang = crate::plugins::fixture_plugin("hang");
    // The fixture hangs on this body, which keeps its worker alive to be looked at.
    let body = env.file("body.xml", "trigger");
    let host = env
        .cmd([
            "--plugin",
            hang.to_str().expect("UTF-8 path"),
            "validate",
            "--kind",
            "source-config",
            body.to_str().expect("UTF-8 path"),
        ])
        .env("SAIL_CLIENT_SECRET", "s3cret-value")
        .env("CONNKIT_TOKEN", "t0ken-value")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn connkit");
    // The worker, once it runs `connkit __plugin-worker` (before its exec a forked
    // child still has the host's environment).
    let started = Instant::now();
    let worker = loop {
        let worker = children_of(host.id()).into_iter().find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.windows(15).any(|w| w == b"__plugin-worker"))
        });
        match worker {
            Some(pid) => break pid,
            None if started.elapsed() < Duration::from_secs(8) => {
                std::thread::sleep(Duration::from_millis(20))
            }
            None => panic!("no worker process appeared"),
        }
    };
    let environ = std::fs::read(format!("/proc/{worker}/environ")).expect("worker environ");
    // Ends the hung worker now rather than at the host's 10 s call timeout.
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &worker.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    // Killed during the call (exit 9, a plugin.crashed finding) or, on a slow machine,
    // before its handshake (exit 1): either way the host ends.
    let host = Run::from(host.wait_with_output().expect("wait for connkit"));
    assert!(host.code == 9 || host.code == 1, "{}", host.stderr);

    let environ = String::from_utf8_lossy(&environ);
    let names: Vec<&str> = environ
        .split('\0')
        .filter_map(|pair| pair.split('=').next())
        .collect();
    assert!(names.contains(&"PATH"), "{names:?}");
    for secret in ["SAIL_CLIENT_SECRET", "CONNKIT_TOKEN", "CONNKIT_DATA_DIR"] {
        assert!(
            !names.contains(&secret),
            "{secret} reached the worker: {names:?}"
        );
    }
    assert!(!environ.contains("s3cret-value") && !environ.contains("t0ken-value"));
}
