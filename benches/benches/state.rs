//! The cost of one durable write to the sandbox's state at 20 000 connectors.
//!
//! - `state_write/sqlite_patch`: a JSON Patch that changes one connector's metadata,
//!   sent in-process to a sandbox whose state is a SQLite database (what the sandbox
//!   does now: one row in one WAL transaction, `synchronous = FULL`). The whole request
//!   is measured: routing, the patch, the row, the commit and its fsync.
//! - `state_write/json_rewrite`: what every write cost before the database: the whole
//!   state serialized to JSON and written with the atomic-file protocol (temp file,
//!   fsync, rename, fsync of the directory). The state is the same 20 000 connectors
//!   (`state::export` of the database above), serialized from a `serde_json::Value`.
//!
//! Before measuring, the bench prints a `bytes-per-write:` line for each: the growth
//! of the write-ahead log over 100 patches (from an empty log), and the size of the
//! JSON file.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use connkit_sandbox::{state, Sandbox};
use connkit_transport::Transport;
use criterion::Criterion;
use tokio::runtime::Runtime;

/// Connectors in the state.
const CONNECTORS: usize = 20_000;
/// The connector every patch changes (a seeded one).
const PATCHED: &str = "/v2024/connectors/workday";

/// A fresh directory for this run's files.
fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connkit-bench-state-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// Sends a patch that sets `connectorMetadata/n` to `n`: a real change every time.
fn patch(runtime: &Runtime, sandbox: &Sandbox, n: u64) {
    let body = format!(r#"[{{"op": "add", "path": "/connectorMetadata/n", "value": {n}}}]"#);
    let request = http::Request::patch(PATCHED)
        .header("Content-Type", "application/json-patch+json")
        .body(Bytes::from(body))
        .expect("a request");
    let response = runtime.block_on(sandbox.send(request)).expect("an answer");
    assert_eq!(response.status(), 200, "{:?}", response.body());
}

/// The old write protocol: the whole file to a temp file, fsync, rename, fsync dir.
fn rewrite_atomically(path: &Path, bytes: &[u8]) {
    let temp = path.with_extension("tmp");
    let mut file = File::create(&temp).expect("a temp file");
    file.write_all(bytes).expect("written");
    file.sync_all().expect("synced");
    drop(file);
    fs::rename(&temp, path).expect("renamed");
    File::open(path.parent().expect("a directory"))
        .and_then(|dir| dir.sync_all())
        .expect("directory synced");
}

fn state_write(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a Tokio runtime");
    let dir = temp_dir();
    let db = dir.join("state.db");
    let open = || {
        Sandbox::builder()
            .seed(CONNECTORS)
            .state_file(&db)
            .build()
            .expect("a sandbox")
    };
    // Seeded, closed (the last connection checkpoints and removes the log), reopened:
    // the log starts empty, so its growth is what the writes below add.
    drop(open());
    let sandbox = open();

    let wal = dir.join("state.db-wal");
    let wal_size = || fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let before = wal_size();
    for n in 0..100 {
        patch(&runtime, &sandbox, n);
    }
    let json = state::export(&db).expect("an export");
    println!(
        "bytes-per-write: sqlite_patch {} (WAL growth over 100 writes / 100), \
         json_rewrite {} (the whole state)",
        (wal_size() - before) / 100,
        json.len()
    );
    let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let json_file = dir.join("state.json");

    let mut group = c.benchmark_group("state_write");
    group.sample_size(10);
    let mut n = 1_000;
    group.bench_function("sqlite_patch", |b| {
        b.iter(|| {
            n += 1;
            patch(&runtime, &sandbox, n);
        })
    });
    group.bench_function("json_rewrite", |b| {
        b.iter(|| {
            let bytes = serde_json::to_vec(&value).expect("serialized");
            rewrite_atomically(&json_file, &bytes);
        })
    });
    group.finish();
    drop(sandbox);
    let _ = fs::remove_dir_all(&dir);
}

fn main() {
    connkit_benches::run(&[state_write]);
}
