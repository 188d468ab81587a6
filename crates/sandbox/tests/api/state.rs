//! The durable state file through the public API: survives a restart, refuses a second
//! sandbox, and survives a writer killed at random moments.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use connkit_sandbox::{Sandbox, SandboxError};
use http::Method;
use serde_json::json;

use crate::harness::{send_local, Req};

fn temp_state(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "connkit-sandbox-it-{name}-{}-{}",
        std::process::id(),
        fastrand_like()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("state.json")
}

/// A per-call unique number without another dependency.
fn fastrand_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn create(sandbox: &Sandbox, name: &str) -> u16 {
    send_local(
        sandbox,
        Req::new(Method::POST, "/v2024/connectors").json(json!({"name": name, "className": "x.Y"})),
    )
    .await
    .status
}

async fn total(sandbox: &Sandbox) -> usize {
    send_local(sandbox, Req::get("/v2024/connectors?limit=0&count=true"))
        .await
        .header("x-total-count")
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn state_survives_a_restart_and_is_locked() {
    let path = temp_state("restart");
    let sandbox = Sandbox::builder()
        .seed(20)
        .state_file(&path)
        .build()
        .unwrap();
    assert!(path.exists(), "a new state file is written at once");
    assert_eq!(create(&sandbox, "Durable One").await, 200);
    let put = send_local(
        &sandbox,
        Req::new(Method::PUT, "/v2024/connectors/durable-one/source-config").multipart(&[(
            "file",
            Some("s.xml"),
            Some("text/xml"),
            b"<kept/>",
        )]),
    )
    .await;
    assert_eq!(put.status, 200);
    let deleted = send_local(&sandbox, Req::new(Method::DELETE, "/v2024/connectors/ldap")).await;
    assert_eq!(deleted.status, 204);

    let second = Sandbox::builder().state_file(&path).build();
    match second {
        Err(SandboxError::StateLocked { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected StateLocked, got {other:?}"),
    }
    let message = Sandbox::builder()
        .state_file(&path)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("state.json") && message.contains("in use"),
        "{message}"
    );

    drop(sandbox);
    let reopened = Sandbox::builder()
        .seed(999)
        .state_file(&path)
        .build()
        .unwrap();
    assert_eq!(
        total(&reopened).await,
        20,
        "20 seeded + 1 created - 1 deleted; seed ignored"
    );
    let xml = send_local(
        &reopened,
        Req::get("/v2024/connectors/durable-one/source-config"),
    )
    .await;
    assert_eq!(xml.body.as_ref(), b"<kept/>");
    assert_eq!(
        send_local(&reopened, Req::get("/v2024/connectors/ldap"))
            .await
            .status,
        404
    );
    drop(reopened);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn unusable_state_files_are_named() {
    let path = temp_state("corrupt");
    std::fs::write(
        &path,
        b"{\"format\": \"connkit-sandbox-state\", \"version\": 1, \"connectors\": [{}]}",
    )
    .unwrap();
    let err = Sandbox::builder().state_file(&path).build().unwrap_err();
    assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

const CHILD_ENV: &str = "CONNKIT_SANDBOX_CRASH_CHILD";

/// The writer that `a_writer_killed_at_random_moments_leaves_a_loadable_state` kills:
/// creates `crash-N` connectors in order, forever. Does nothing unless started by it.
#[tokio::test]
#[ignore = "run only as the child of the crash test"]
async fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let sandbox = Sandbox::builder()
        .seed(0)
        .state_file(&path)
        .build()
        .unwrap();
    let mut n = total(&sandbox).await;
    println!("{READY}");
    loop {
        assert_eq!(create(&sandbox, &format!("crash-{n:05}")).await, 200);
        n += 1;
    }
}

/// What the child prints once its sandbox is built (the state file exists, locked).
const READY: &str = "crash-child-ready";

/// Starts the writer and waits until it is about to write.
async fn spawn_child(path: &Path) -> std::process::Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["state::crash_child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        assert!(
            lines.any(|line| line.is_ok_and(|l| l.trim() == READY)),
            "the child writer never got ready"
        );
        // Dropping the pipe's read end is fine: the child prints nothing more.
    })
    .await
    .unwrap();
    child
}

#[tokio::test]
async fn a_writer_killed_at_random_moments_leaves_a_loadable_state() {
    let path = temp_state("kill");
    let mut seen = 0;
    let mut delays = 7u64;
    for round in 0..6 {
        let mut child = spawn_child(&path).await;
        // Pseudo-random moments: 10..=90 ms into the writes, different each round.
        delays = (delays * 31 + 17) % 81;
        tokio::time::sleep(Duration::from_millis(10 + delays)).await;
        child.kill().unwrap();
        child.wait().unwrap();

        let sandbox = Sandbox::builder()
            .state_file(&path)
            .build()
            .unwrap_or_else(|e| panic!("round {round}: the state file must load: {e}"));
        let mut names: Vec<String> = Vec::new();
        loop {
            let page = send_local(
                &sandbox,
                Req::get(format!("/v2024/connectors?offset={}", names.len())),
            )
            .await
            .json();
            let page = page.as_array().unwrap();
            names.extend(page.iter().map(|c| c["name"].as_str().unwrap().to_owned()));
            if page.len() < 250 {
                break;
            }
        }
        let expected: Vec<String> = (0..names.len()).map(|n| format!("crash-{n:05}")).collect();
        assert_eq!(
            names, expected,
            "round {round}: a prefix of the writes, nothing torn"
        );
        assert!(
            names.len() >= seen,
            "round {round}: durable writes never go back"
        );
        seen = names.len();
    }
    assert!(seen > 0, "the writer got to write something");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
