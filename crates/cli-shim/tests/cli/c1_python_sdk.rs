//! The official ConductorOne Python SDK (`conductorone-sdk` 0.17.2, installed from PyPI
//! into a venv the test makes) runs all 16 of its ConnectorService operations against
//! `connkit sandbox serve`. It sends explicit `null`s and bodyless POSTs without a
//! Content-Type, and accepts nothing but `200 application/json`. Says SKIPPED (and
//! passes) only when Python or PyPI cannot be reached; any other failure fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::support::{Env, Served};

const SDK: &str = "conductorone-sdk==0.17.2";

/// The operations the SDK's `connector` group has (all but UpdateConnectorSchedule,
/// which 0.17.2 does not know).
const OPERATIONS: [&str; 16] = [
    "List",
    "Create",
    "CreateDelegated",
    "Get",
    "Update",
    "UpdateDelegated",
    "ForceSync",
    "PauseSync",
    "ResumeSync",
    "GetConnectorSyncDownloadURL",
    "ConfirmSyncValid",
    "RotateCredential",
    "GetCredentials",
    "RevokeCredential",
    "ValidateHTTPConnectorConfig",
    "Delete",
];

/// What pip says when it cannot reach the index.
const OFFLINE: [&str; 6] = [
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Max retries exceeded",
    "No matching distribution found",
    "ConnectTimeout",
];

/// A venv with the SDK (made once per target dir), or `None` after saying SKIPPED.
fn sdk_python() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c1-python-sdk-0.17.2");
    let python = venv.join("bin/python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import conductorone_sdk"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Some(python);
    }
    match Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
    {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "python3 -m venv failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            println!("SKIPPED: the C1 Python SDK check needs python3 ({e})");
            return None;
        }
    }
    let out = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--retries",
            "1",
            "--timeout",
            "20",
            SDK,
        ])
        .output()
        .expect("run the venv's pip");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if OFFLINE.iter().any(|sign| stderr.contains(sign)) {
            println!("SKIPPED: the C1 Python SDK check: PyPI cannot be reached ({SDK})");
            return None;
        }
        panic!("pip install {SDK} failed:\n{stderr}");
    }
    assert!(ready(&python), "{SDK} installed but does not import");
    Some(python)
}

/// Gives the first demo connector a completed sync in the state at `state`; its sync
/// id and lifecycle id.
fn synced_connector(state: &Path, app: &str, connector: &str) -> (String, String) {
    let sandbox = connkit_sandbox::Sandbox::builder()
        .seed(1)
        .state_file(state)
        .build()
        .unwrap();
    let client = connkit_c1::Client::new("http://127.0.0.1", Arc::new(sandbox.clone())).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(client.force_sync(app, connector).send())
        .unwrap();
    let sync = sandbox.c1().syncs(app, connector).pop().unwrap();
    (sync.sync_id, sync.lifecycle_id)
}

#[test]
fn the_official_python_sdk_runs_every_operation() {
    let Some(python) = sdk_python() else { return };
    let env = Env::new();
    let app = "2demoapp000okta0000000000001";
    let connector = format!("{app}-c001");
    let (sync_id, lifecycle_id) = synced_connector(&env.path().join("data/c1.db"), app, &connector);
    let served = Served::start(&env, &["--state", "data/c1.db", "--require-auth=tok3n"]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/c1_python_sdk.py");
    let out = env
        .program(python.to_str().unwrap())
        .arg(script)
        .env("C1_SERVER_URL", &served.base_url)
        .env("C1_TOKEN", "tok3n")
        .env("C1_APP", app)
        .env("C1_CONNECTOR", &connector)
        .env("C1_SYNC_ID", &sync_id)
        .env("C1_LIFECYCLE_ID", &lifecycle_id)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the SDK failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("OK "))
        .collect();
    assert_eq!(done.len(), OPERATIONS.len(), "{stdout}");
    for operation in OPERATIONS {
        assert!(
            done.contains(&operation),
            "{operation} did not run:\n{stdout}"
        );
    }
}
