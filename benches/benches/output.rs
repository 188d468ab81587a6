//! What `connkit connectors list --all -o ndjson` does with each page it receives, for
//! the 200 pages of 50 000 connectors (bodies fetched once from the sandbox
//! beforehand), written to a buffer:
//!
//! - `output/typed`: the page decoded as the typed listing decodes it
//!   (`ListConnectors::parse_response`: lenient decode into `V3ConnectorDto`s) and each
//!   item serialized again as one NDJSON line (what the CLI did before issue 23, and
//!   still does for a page that is not canonical);
//! - `output/raw`: the page checked in one pass
//!   (`connkit_models::canonical::array_items` with the `V3ConnectorDto` shape), each
//!   item's bytes copied as they came, one per line (what it does now).
//!
//! Both print the same bytes (asserted before measuring). `Throughput::Elements`:
//! connectors per second. A `paired:` line gives `raw` relative to `typed`.

use std::hint::black_box;
use std::io::Write;

use bytes::Bytes;
use connkit_benches::paired_ratio;
use connkit_connectors::ops::ListConnectors;
use connkit_connectors::raw::V3_CONNECTOR_DTO;
use connkit_connectors::Operation;
use connkit_models::canonical::array_items;
use connkit_sandbox::Sandbox;
use connkit_transport::Transport;
use criterion::{Criterion, Throughput};

/// Connectors listed.
const CONNECTORS: usize = 50_000;
/// Items per page.
const PAGE: usize = 250;

/// Every page's answer, fetched in-process from a sandbox of [`CONNECTORS`].
fn answers() -> Vec<http::Response<Bytes>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a Tokio runtime");
    let sandbox = Sandbox::builder()
        .seed(CONNECTORS)
        .build()
        .expect("a sandbox");
    (0..CONNECTORS / PAGE)
        .map(|page| {
            let request = http::Request::get(format!(
                "/v2024/connectors?limit={PAGE}&offset={}",
                page * PAGE
            ))
            .body(Bytes::new())
            .expect("a request");
            runtime.block_on(sandbox.send(request)).expect("an answer")
        })
        .collect()
}

/// A second handle on an answer (the body is reference-counted).
fn copy(answer: &http::Response<Bytes>) -> http::Response<Bytes> {
    let mut copy = http::Response::new(answer.body().clone());
    *copy.headers_mut() = answer.headers().clone();
    copy
}

/// Decoded and re-encoded, one NDJSON line per item.
fn typed(answers: &[http::Response<Bytes>], out: &mut Vec<u8>) {
    for answer in answers {
        let page = ListConnectors::new()
            .parse_response(copy(answer))
            .expect("a page");
        for item in &page.items {
            serde_json::to_writer(&mut *out, item).expect("encoded");
            out.push(b'\n');
        }
    }
}

/// Checked and copied, one NDJSON line per item.
fn raw(answers: &[http::Response<Bytes>], out: &mut Vec<u8>) {
    for answer in answers {
        let body = answer.body();
        let items = array_items(body, &V3_CONNECTOR_DTO).expect("a canonical page");
        for range in items {
            out.write_all(&body.slice(range)).expect("written");
            out.push(b'\n');
        }
    }
}

fn output(c: &mut Criterion) {
    let answers = answers();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    typed(&answers, &mut a);
    raw(&answers, &mut b);
    assert!(a == b, "raw and typed print the same bytes");
    let capacity = a.len();
    let run = |f: fn(&[http::Response<Bytes>], &mut Vec<u8>)| {
        let mut out = Vec::with_capacity(capacity);
        f(black_box(&answers), &mut out);
        black_box(out);
    };
    let mut group = c.benchmark_group("output");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CONNECTORS as u64));
    group.bench_function("typed", |bench| bench.iter(|| run(typed)));
    group.bench_function("raw", |bench| bench.iter(|| run(raw)));
    group.finish();
    paired_ratio("output raw / typed", 10, || run(typed), || run(raw));
}

fn main() {
    connkit_benches::run(&[output]);
}
