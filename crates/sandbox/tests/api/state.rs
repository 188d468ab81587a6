//! The state database through the public API: survives a restart, is shared by
//! sandboxes that open it, refuses a reset while held, exports and imports its JSON
//! form, names unusable files, and loses no acknowledged write of a writer killed at
//! random moments.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use connkit_sandbox::{state, Sandbox, SandboxError, MAX_SEED};
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
    dir.join("state.db")
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
async fn state_survives_a_restart() {
    let path = temp_state("restart");
    let sandbox = Sandbox::builder()
        .seed(20)
        .state_file(&path)
        .build()
        .unwrap();
    assert!(path.exists(), "a new state database is written at once");
    assert!(!sandbox.seed_ignored());
    assert_eq!(create(&sandbox, "Durable One").await, 200);
    assert_eq!(create(&sandbox, "Doomed").await, 200);
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
    let deleted = send_local(
        &sandbox,
        Req::new(Method::DELETE, "/v2024/connectors/doomed"),
    )
    .await;
    assert_eq!(deleted.status, 204);
    drop(sandbox);

    let reopened = Sandbox::builder()
        .seed(999)
        .state_file(&path)
        .build()
        .unwrap();
    assert!(reopened.seed_ignored());
    assert_eq!(
        total(&reopened).await,
        21,
        "20 seeded + 2 created - 1 deleted; seed ignored"
    );
    let xml = send_local(
        &reopened,
        Req::get("/v2024/connectors/durable-one/source-config"),
    )
    .await;
    assert_eq!(xml.body.as_ref(), b"<kept/>");
    assert_eq!(
        send_local(&reopened, Req::get("/v2024/connectors/doomed"))
            .await
            .status,
        404
    );
    drop(reopened);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// Two sandboxes on one database (as two processes would be) see each other's writes,
/// and writing at the same time from several threads loses none: writers wait for each
/// other instead of failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxes_sharing_a_state_see_each_other_and_wait_for_each_other() {
    let path = temp_state("shared");
    let open = || {
        Sandbox::builder()
            .seed(5)
            .state_file(&path)
            .build()
            .unwrap()
    };
    let (a, b) = (open(), open());
    assert!(
        b.seed_ignored(),
        "the second opener loads what the first seeded"
    );
    assert_eq!(create(&a, "Made By A").await, 200);
    assert_eq!(
        send_local(&b, Req::get("/v2024/connectors/made-by-a"))
            .await
            .status,
        200,
        "b sees a's write"
    );
    let duplicate = create(&b, "made by a").await;
    assert_eq!(duplicate, 400, "b's write checks against a's state");

    let writers: Vec<_> = [a.clone(), b.clone(), a.clone(), b.clone()]
        .into_iter()
        .enumerate()
        .map(|(w, sandbox)| {
            tokio::spawn(async move {
                for i in 0..10 {
                    assert_eq!(create(&sandbox, &format!("w{w}-{i}")).await, 200);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(total(&a).await, 5 + 1 + 40);
    assert_eq!(total(&b).await, 5 + 1 + 40);
    drop((a, b));
    assert_eq!(total(&open()).await, 5 + 1 + 40);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn reset_refuses_while_a_sandbox_has_the_state_open() {
    let path = temp_state("reset");
    assert!(!state::reset(&path).unwrap(), "nothing to reset yet");
    let sandbox = Sandbox::builder()
        .seed(3)
        .state_file(&path)
        .build()
        .unwrap();
    assert_eq!(create(&sandbox, "Kept").await, 200);
    let err = state::reset(&path).unwrap_err();
    assert!(matches!(err, SandboxError::StateLocked { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()) && message.contains("in use"),
        "{message}"
    );
    assert_eq!(
        send_local(&sandbox, Req::get("/v2024/connectors/kept"))
            .await
            .status,
        200,
        "the refused reset changed nothing"
    );
    drop(sandbox);
    assert!(state::reset(&path).unwrap());
    assert!(!path.exists());
    let fresh = Sandbox::builder()
        .seed(3)
        .state_file(&path)
        .build()
        .unwrap();
    assert!(!fresh.seed_ignored());
    assert_eq!(total(&fresh).await, 3);
    drop(fresh);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn export_and_import_carry_the_json_form() {
    let path = temp_state("export");
    let dir = path.parent().unwrap().to_owned();
    let sandbox = Sandbox::builder()
        .seed(4)
        .state_file(&path)
        .build()
        .unwrap();
    assert_eq!(create(&sandbox, "Exported").await, 200);
    let json = state::export(&path).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["format"], "connkit-sandbox-state");
    assert_eq!(value["connectors"].as_array().unwrap().len(), 5);
    let file = dir.join("exported.json");
    std::fs::write(&file, &json).unwrap();

    // Into a new database; over one a sandbox has open it is refused, like a reset.
    let other = dir.join("other.db");
    assert_eq!(state::import(&other, &file).unwrap(), 5);
    let from_import = Sandbox::builder()
        .seed(50)
        .state_file(&other)
        .build()
        .unwrap();
    assert!(from_import.seed_ignored());
    assert_eq!(total(&from_import).await, 5);
    assert_eq!(create(&from_import, "Only In Other").await, 200);
    std::fs::write(&file, state::export(&other).unwrap()).unwrap();
    let locked = state::import(&path, &file).unwrap_err();
    assert!(
        matches!(locked, SandboxError::StateLocked { .. }),
        "{locked:?}"
    );
    assert_eq!(total(&sandbox).await, 5);
    drop(sandbox);
    assert_eq!(state::import(&path, &file).unwrap(), 6);
    let sandbox = Sandbox::builder().state_file(&path).build().unwrap();
    assert_eq!(total(&sandbox).await, 6);

    std::fs::write(
        &file,
        b"{\"format\": \"x\", \"version\": 1, \"connectors\": []}",
    )
    .unwrap();
    let err = state::import(&path, &file).unwrap_err().to_string();
    assert!(
        err.contains("exported.json") && err.contains("format is 'x'"),
        "{err}"
    );
    let missing = state::export(&dir.join("none.db")).unwrap_err().to_string();
    assert!(missing.contains("none.db"), "{missing}");
    drop((sandbox, from_import));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unusable_state_files_are_named() {
    let path = temp_state("corrupt");
    let dir = path.parent().unwrap().to_owned();
    let expect_corrupt = |path: &Path, needle: &str| {
        let err = Sandbox::builder().state_file(path).build().unwrap_err();
        assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&path.display().to_string()) && text.contains(needle),
            "{text}"
        );
    };

    // A JSON state file of an older version: named, with the way to import it.
    std::fs::write(
        &path,
        b"{\"format\": \"connkit-sandbox-state\", \"version\": 1, \"connectors\": []}",
    )
    .unwrap();
    expect_corrupt(&path, "connkit sandbox import");

    // Random bytes.
    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    expect_corrupt(&garbage, "not a database");

    // A sandbox database damaged in the middle: its pages no longer parse.
    let damaged = dir.join("damaged.db");
    drop(
        Sandbox::builder()
            .seed(2_000)
            .state_file(&damaged)
            .build()
            .unwrap(),
    );
    let mut bytes = std::fs::read(&damaged).unwrap();
    assert!(bytes.len() > 64 * 1024, "{} bytes", bytes.len());
    for b in &mut bytes[8192..40_000] {
        *b = 0xa5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    expect_corrupt(&damaged, "damaged");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_seed_above_the_limit_is_refused_without_allocating() {
    let err = Sandbox::builder().seed(99_999_999_999).build().unwrap_err();
    assert!(matches!(err, SandboxError::Config(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("above the limit of {MAX_SEED}")),
        "{err}"
    );
    assert!(Sandbox::builder().seed(MAX_SEED).seed(10).build().is_ok());
}

const CHILD_ENV: &str = "CONNKIT_SANDBOX_CRASH_CHILD";

/// The writer that `a_writer_killed_at_random_moments_loses_no_acknowledged_write`
/// kills: creates `crash-N` connectors in order, forever, printing each name once its
/// create was answered 200. Does nothing unless started by it.
#[tokio::test]
#[ignore = "run only as the child of the crash test"]
async fn crash_child() {
    use std::io::Write;
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let sandbox = Sandbox::builder()
        .seed(0)
        .state_file(&path)
        .build()
        .unwrap();
    let mut n = total(&sandbox).await;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{READY}").unwrap();
    loop {
        let name = format!("crash-{n:05}");
        assert_eq!(create(&sandbox, &name).await, 200);
        writeln!(stdout, "{ACKED}{name}").unwrap();
        stdout.flush().unwrap();
        n += 1;
    }
}

/// What the child prints once its sandbox is built (the state database exists).
const READY: &str = "crash-child-ready";
/// What the child prints before the name of each acknowledged write.
const ACKED: &str = "acked ";

/// Starts the writer, waits until it is about to write, and collects the names it
/// reports as acknowledged until it dies.
async fn spawn_child(path: &Path) -> (std::process::Child, std::thread::JoinHandle<Vec<String>>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["state::crash_child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let acked = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let ready = lines.any(|line| line.is_ok_and(|l| l.trim() == READY));
        let _ = ready_tx.send(ready);
        lines
            .map_while(Result::ok)
            .filter_map(|line| line.strip_prefix(ACKED).map(str::to_owned))
            .collect()
    });
    assert!(
        ready_rx.await.unwrap_or(false),
        "the child writer never got ready"
    );
    (child, acked)
}

#[tokio::test]
async fn a_writer_killed_at_random_moments_loses_no_acknowledged_write() {
    let path = temp_state("kill");
    let mut seen = 0;
    let mut acked_total = 0;
    let mut delays = 7u64;
    for round in 0..6 {
        let (mut child, acked) = spawn_child(&path).await;
        // Pseudo-random moments: 10..=90 ms into the writes, different each round.
        delays = (delays * 31 + 17) % 81;
        tokio::time::sleep(Duration::from_millis(10 + delays)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let acked = acked.join().unwrap();
        acked_total += acked.len();

        let sandbox = Sandbox::builder()
            .state_file(&path)
            .build()
            .unwrap_or_else(|e| panic!("round {round}: the state must load: {e}"));
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
        for name in &acked {
            assert!(
                names.contains(name),
                "round {round}: acknowledged write {name} was lost"
            );
        }
        assert!(
            names.len() >= seen,
            "round {round}: durable writes never go back"
        );
        seen = names.len();
    }
    assert!(acked_total > 0, "the writer got to write something");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// An imported state holds only connectors the API could have made: a script name that
/// is a path, empty or huge, or a blank name, is refused naming it, and nothing is
/// written.
#[tokio::test]
async fn an_import_applies_the_rules_of_the_api() {
    let path = temp_state("import-rules");
    let dir = path.parent().unwrap().to_owned();
    let sandbox = Sandbox::builder()
        .seed(1)
        .state_file(&path)
        .build()
        .unwrap();
    let good: serde_json::Value = serde_json::from_slice(&state::export(&path).unwrap()).unwrap();
    drop(sandbox);
    let long = "x".repeat(100_000);
    for (script, name, needle) in [
        ("../../etc/passwd", "Evil", "scriptName '../../etc/passwd'"),
        ("a/b", "Evil", "scriptName 'a/b'"),
        ("", "Evil", "scriptName ''"),
        (long.as_str(), "Evil", "scriptName 'xxxxxxxx"),
        ("fine", "  ", "its name is blank"),
    ] {
        let mut state = good.clone();
        state["connectors"][0]["scriptName"] = json!(script);
        state["connectors"][0]["name"] = json!(name);
        let file = dir.join("bad.json");
        std::fs::write(&file, state.to_string()).unwrap();
        let err = state::import(&path, &file).unwrap_err();
        assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(needle) && text.len() < 600, "{text}");
    }
    // Nothing was written: the state is still the one exported.
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&state::export(&path).unwrap()).unwrap(),
        good
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Export only reads: an empty file is not a state and stays empty.
#[test]
fn export_of_a_file_that_is_no_state_changes_nothing() {
    let path = temp_state("export-empty");
    std::fs::write(&path, b"").unwrap();
    let err = state::export(&path).unwrap_err().to_string();
    assert!(err.contains("not a connkit sandbox state"), "{err}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// The database itself is locked, not only the file beside it: deleting the lock file
/// does not let a reset or an import pull the state from under a running sandbox.
#[tokio::test]
async fn a_deleted_lock_file_does_not_unlock_the_state() {
    let path = temp_state("lock-deleted");
    let sandbox = Sandbox::builder()
        .seed(2)
        .state_file(&path)
        .build()
        .unwrap();
    let lock = path.with_file_name("state.db.lock");
    std::fs::remove_file(&lock).unwrap();
    let err = state::reset(&path).unwrap_err();
    assert!(matches!(err, SandboxError::StateLocked { .. }), "{err:?}");
    assert!(path.is_file());
    assert_eq!(create(&sandbox, "Still Here").await, 200);
    drop(sandbox);
    assert!(state::reset(&path).unwrap());
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
