//! The sandbox serving every page of 50 000 connectors (200 pages of 250), sent
//! in-process to its router on a two-thread Tokio runtime: routing, the store's read,
//! the page's JSON.
//!
//! - `serving/<store>/single`: one client, one page after the other;
//! - `serving/<store>/concurrent4`: four clients at once, 50 pages each (the same 200
//!   pages): reads that do not queue on one lock finish in about half the time of
//!   `single` on two cores.
//!
//! `<store>` is `memory` (the default sandbox) or `sqlite` (`--state`, a database with
//! the same connectors).

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use connkit_sandbox::Sandbox;
use connkit_transport::Transport;
use criterion::Criterion;
use tokio::runtime::Runtime;

/// Connectors listed.
const CONNECTORS: usize = 50_000;
/// Items per page (the API's maximum).
const PAGE: usize = 250;

/// Every `step`-th page from page `first`, one after the other.
async fn pages(sandbox: Arc<Sandbox>, first: usize, step: usize) {
    for page in (first..CONNECTORS / PAGE).step_by(step) {
        let request = http::Request::get(format!(
            "/v2024/connectors?limit={PAGE}&offset={}&count={}",
            page * PAGE,
            page == 0
        ))
        .body(Bytes::new())
        .expect("a request");
        let response = sandbox.send(request).await.expect("an answer");
        assert_eq!(response.status(), 200);
        assert!(response.body().len() > PAGE * 100, "a full page");
    }
}

/// All pages by `clients` clients at once.
fn listing(runtime: &Runtime, sandbox: &Arc<Sandbox>, clients: usize) {
    runtime.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|first| tokio::spawn(pages(Arc::clone(sandbox), first, clients)))
            .collect();
        for task in tasks {
            task.await.expect("a client");
        }
    });
}

/// A fresh database path for this run.
fn database() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connkit-bench-serving-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir.join("state.db")
}

fn serving(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let db = database();
    let stores = [
        ("memory", Sandbox::builder().seed(CONNECTORS)),
        (
            "sqlite",
            Sandbox::builder().seed(CONNECTORS).state_file(&db),
        ),
    ];
    let mut group = c.benchmark_group("serving");
    group.sample_size(10);
    for (store, builder) in stores {
        let sandbox = Arc::new(builder.build().expect("a sandbox"));
        // The first listing fills whatever the sandbox caches; every sample is the same.
        listing(&runtime, &sandbox, 1);
        for (name, clients) in [("single", 1), ("concurrent4", 4)] {
            group.bench_function(format!("{store}/{name}"), |b| {
                b.iter(|| listing(&runtime, &sandbox, clients))
            });
        }
    }
    group.finish();
    if let Some(dir) = db.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn main() {
    connkit_benches::run(&[serving]);
}
