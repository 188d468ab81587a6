//! Listing 10 000 connectors with the client's paginator, in-process and over loopback
//! HTTP, at concurrency 1, 4 and 8, against the raw floor: the same pages through the
//! same transport, bytes only.
//!
//! Both clients use the standard transport stack (operation and attempt timeouts,
//! retry, tracing spans) **without the client-side rate limiter**: 10 000 connectors
//! are 40 pages, and the default 100 requests per 10 s would make the limiter, not the
//! client, the thing measured. The sandbox runs without auth, rate limit or faults.
//!
//! - `client/N`: `list_connectors().into_paginator().concurrency(N).try_collect()`:
//!   request building, the transport, decoding every page into `V3ConnectorDto`s, and
//!   the paginator's ordering.
//! - `raw/N`: the same requests (built by the same sans-IO `ListConnectors` operation:
//!   first page with `count=true`, then the remaining offsets `N` at a time, in order)
//!   sent through `client.transport()`, keeping only the body bytes.
//! - `decode_only/*`: the 40 pages' bodies, fetched once beforehand, decoded into
//!   `Vec<V3ConnectorDto>` as the client does (`from_json`, with JSON-path tracking for
//!   errors) and with plain `serde_json::from_slice`: how much of the gap between
//!   `client` and `raw` is decoding.
//!
//! - `c1_in_process/*`, `c1_http/*`: ConductorOne's `List` through `connkit-c1`'s
//!   page-token paginator (which prefetches the next page), 1 000 connectors of one
//!   app, at page sizes 25 (the service's default) and 100 (its maximum), with the
//!   default stack minus retries' waits (none happen) and no rate limiter.
//!
//! `Throughput::Elements(10 000)` (1 000 for C1): connectors per second. A `paired:` line gives
//! `client/1` relative to `raw/1`, the two run alternately (see
//! `connkit_benches::paired_ratio`).

use connkit_c1::prelude::*;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connkit_benches::paired_ratio;
use connkit_connectors::ops::{ListConnectors, MAX_LIMIT};
use connkit_connectors::{Client, Operation};
use connkit_models::decode::from_json;
use connkit_models::isc::v2024::V3ConnectorDto;
use connkit_sandbox::Sandbox;
use connkit_transport::{BaseUrl, HttpBackend, Transport};
use criterion::{BenchmarkId, Criterion, Throughput};
use futures::stream::{self, StreamExt};
use tokio::runtime::Runtime;

/// Connectors in the sandbox, all listed by every iteration.
const TOTAL: u64 = 10_000;
const CONCURRENCY: [usize; 3] = [1, 4, 8];

/// A client over `backend` with the standard stack minus the rate limiter.
fn client(base_url: &str, backend: Arc<dyn Transport>) -> Client {
    Client::builder()
        .base_url(base_url)
        .backend_with_stack(backend)
        .configure_stack(|stack| stack.no_rate_limit())
        .build()
        .expect("a valid client")
}

/// Every connector through the paginator.
async fn list_all(client: &Client, concurrency: usize) -> usize {
    let all = client
        .list_connectors()
        .into_paginator()
        .concurrency(concurrency)
        .try_collect()
        .await
        .expect("the sandbox lists every connector");
    all.len()
}

/// One page's body, as sent by the paginator but not decoded.
async fn page(transport: &Arc<dyn Transport>, base: &BaseUrl, offset: u64, count: bool) -> Bytes {
    let limit = u64::from(MAX_LIMIT).min(TOTAL - offset);
    let request = ListConnectors::new()
        .limit(u32::try_from(limit).expect("a page is at most 250"))
        .offset(offset)
        .count(count)
        .build_request(base)
        .expect("a valid request");
    let response = transport.send(request).await.expect("the sandbox answers");
    assert!(response.status().is_success(), "{}", response.status());
    response.into_body()
}

/// The raw floor: the paginator's requests through the same transport, bytes only.
/// Returns the number of body bytes received.
async fn fetch_raw(client: &Client, concurrency: usize) -> usize {
    let (transport, base) = (client.transport(), client.base_url());
    let first = page(transport, base, 0, true).await.len();
    let offsets = (u64::from(MAX_LIMIT)..TOTAL).step_by(MAX_LIMIT as usize);
    let rest: usize = stream::iter(offsets)
        .map(|offset| async move { page(transport, base, offset, false).await.len() })
        .buffered(concurrency)
        .fold(0, |sum, len| async move { sum + len })
        .await;
    first + rest
}

/// The client and raw benchmarks for one way of reaching the sandbox.
fn bench_target(c: &mut Criterion, runtime: &Runtime, name: &str, client: &Client) {
    // Check once that both paths see the whole collection.
    assert_eq!(runtime.block_on(list_all(client, 1)), TOTAL as usize);
    assert!(runtime.block_on(fetch_raw(client, 1)) > 0);

    paired_ratio(
        &format!("pagination/{name}: client/1 / raw/1"),
        20,
        || {
            black_box(runtime.block_on(fetch_raw(client, 1)));
        },
        || {
            black_box(runtime.block_on(list_all(client, 1)));
        },
    );

    let mut group = c.benchmark_group(format!("pagination/{name}"));
    // Iterations take tens of milliseconds: fewer samples, a longer measurement.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(TOTAL));
    for n in CONCURRENCY {
        group.bench_with_input(BenchmarkId::new("client", n), &n, |b, &n| {
            b.iter(|| runtime.block_on(list_all(client, n)))
        });
        group.bench_with_input(BenchmarkId::new("raw", n), &n, |b, &n| {
            b.iter(|| runtime.block_on(fetch_raw(client, n)))
        });
    }
    group.finish();
}

/// Decoding the 40 pages alone, with and without JSON-path tracking.
fn bench_decode_only(c: &mut Criterion, runtime: &Runtime, client: &Client) {
    let (transport, base) = (client.transport(), client.base_url());
    let pages: Vec<Bytes> = runtime.block_on(async {
        let offsets = (0..TOTAL).step_by(MAX_LIMIT as usize);
        stream::iter(offsets)
            .then(|offset| page(transport, base, offset, offset == 0))
            .collect()
            .await
    });
    let decode_all = |decode: fn(&[u8]) -> Vec<V3ConnectorDto>| {
        pages.iter().map(|body| decode(body).len()).sum::<usize>()
    };
    let tracked: fn(&[u8]) -> Vec<V3ConnectorDto> =
        |body| from_json(black_box(body)).expect("a page decodes");
    let plain: fn(&[u8]) -> Vec<V3ConnectorDto> =
        |body| serde_json::from_slice(black_box(body)).expect("a page decodes");
    assert_eq!(decode_all(tracked), TOTAL as usize);

    let mut group = c.benchmark_group("pagination/decode_only");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TOTAL));
    group.bench_function("from_json", |b| b.iter(|| decode_all(tracked)));
    group.bench_function("serde_json", |b| b.iter(|| decode_all(plain)));
    group.finish();
}

/// ConductorOne connectors in the benchmarked app.
const C1_TOTAL: usize = 1_000;

/// Every connector of `app` through the C1 paginator.
async fn c1_list_all(client: &connkit_c1::Client, app: &str, page_size: u32) -> usize {
    let all = client
        .list_connectors(app)
        .page_size(page_size)
        .into_paginator()
        .try_collect()
        .await
        .expect("the sandbox lists every C1 connector");
    all.len()
}

/// The C1 listing for one way of reaching the sandbox.
fn bench_c1(
    c: &mut Criterion,
    runtime: &Runtime,
    name: &str,
    client: &connkit_c1::Client,
    app: &str,
) {
    assert_eq!(runtime.block_on(c1_list_all(client, app, 100)), C1_TOTAL);
    let mut group = c.benchmark_group(format!("pagination/c1_{name}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(C1_TOTAL as u64));
    for size in [25, 100] {
        group.bench_with_input(BenchmarkId::new("page_size", size), &size, |b, &size| {
            b.iter(|| runtime.block_on(c1_list_all(client, app, size)))
        });
    }
    group.finish();
}

/// Fills the first demo app up to [`C1_TOTAL`] connectors; its id.
fn c1_app(runtime: &Runtime, sandbox: &Sandbox) -> String {
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = connkit_c1::Client::new("http://127.0.0.1:1", Arc::new(sandbox.clone()))
        .expect("a valid client");
    runtime.block_on(async {
        let seeded = c1_list_all(&client, &app, 100).await;
        for n in seeded..C1_TOTAL {
            client
                .create_delegated_connector(&app, "catalog-okta")
                .display_name(format!("bench {n}"))
                .send()
                .await
                .expect("the sandbox creates a C1 connector");
        }
    });
    app
}

fn pagination(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let sandbox = Sandbox::builder()
        .seed(TOTAL as usize)
        .build()
        .expect("a seeded sandbox");

    // In-process: the sandbox's router answers on the caller's task, no socket.
    let in_process = client("http://127.0.0.1:1", Arc::new(sandbox.clone()));
    bench_target(c, &runtime, "in_process", &in_process);
    bench_decode_only(c, &runtime, &in_process);
    let app = c1_app(&runtime, &sandbox);
    let c1_in_process = connkit_c1::Client::new("http://127.0.0.1:1", Arc::new(sandbox.clone()))
        .expect("a valid client");
    bench_c1(c, &runtime, "in_process", &c1_in_process, &app);

    // Loopback HTTP/1.1 with the reqwest backend (keep-alive, pooled connections).
    let server = runtime
        .block_on(sandbox.serve(([127, 0, 0, 1], 0).into()))
        .expect("the sandbox serves on loopback");
    let backend = HttpBackend::new().expect("the reqwest backend");
    let http = client(&server.base_url(), Arc::new(backend));
    bench_target(c, &runtime, "http", &http);
    let c1_http = connkit_c1::Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("a valid client");
    bench_c1(c, &runtime, "http", &c1_http, &app);
    runtime.block_on(server.shutdown());
}

fn main() {
    connkit_benches::run(&[pagination]);
}
