//! JSON decode and encode of the models, each against `serde_json::Value` on the same
//! bytes as the baseline.
//!
//! Per input, six benchmarks with `Throughput::Bytes` of the encoded JSON:
//! - `decode/typed`: `connkit_models::decode::from_json`, the strict decode
//!   (serde_json, and `serde_path_to_error` only for a body that fails);
//! - `decode/lenient`: `connkit_models::decode::from_json_lenient`, what the clients
//!   run on every answer: its fast path on a body that needs no repair;
//! - `decode/typed_plain`: `serde_json::from_slice` into the same type, to separate
//!   the cost of the models from the cost of path tracking;
//! - `decode/value`: `serde_json::from_slice::<Value>`, the baseline;
//! - `encode/typed` and `encode/value`: `serde_json::to_vec` of each.
//!
//! Before the group, a `paired:` line gives each typed decode's time relative to the
//! `Value` baseline, measured alternately (see `connkit_benches::paired_ratio`).

use std::hint::black_box;

use connkit_benches::{c1, isc, paired_ratio, xml};
use connkit_models::decode::{from_json, from_json_lenient};
use criterion::{Criterion, Throughput};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Benchmarks decoding and encoding `value` as JSON in a group called `name`.
fn round_trip<T>(c: &mut Criterion, name: &str, value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let bytes = serde_json::to_vec(value).expect("the models serialize");
    // What is measured must be a faithful round trip (compared without printing
    // megabytes on failure).
    assert!(
        &from_json::<T>(&bytes).expect("decodes") == value,
        "{name}: round trip"
    );
    let tree: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    // The same document: `Value` sorts object keys, so compare sizes, not bytes.
    let tree_len = serde_json::to_vec(&tree).expect("encodes").len();
    assert!(
        tree_len == bytes.len(),
        "{name}: {tree_len} != {}",
        bytes.len()
    );

    for (typed, decode) in [
        ("typed", (|b| drop(from_json::<T>(b))) as fn(&[u8])),
        ("lenient", |b| drop(from_json_lenient::<T>(b))),
        ("typed_plain", |b| drop(serde_json::from_slice::<T>(b))),
    ] {
        paired_ratio(
            &format!("{name}: decode/{typed} / decode/value"),
            100,
            || {
                drop(black_box(serde_json::from_slice::<Value>(black_box(
                    &bytes,
                ))))
            },
            || decode(black_box(&bytes)),
        );
    }

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode/typed", |b| {
        b.iter(|| from_json::<T>(black_box(&bytes)).expect("decodes"))
    });
    group.bench_function("decode/lenient", |b| {
        b.iter(|| from_json_lenient::<T>(black_box(&bytes)).expect("decodes"))
    });
    group.bench_function("decode/typed_plain", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(&bytes)).expect("decodes"))
    });
    group.bench_function("decode/value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).expect("decodes"))
    });
    group.bench_function("encode/typed", |b| {
        b.iter(|| serde_json::to_vec(black_box(value)).expect("encodes"))
    });
    group.bench_function("encode/value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&tree)).expect("encodes"))
    });
    group.finish();
}

fn isc_page(c: &mut Criterion) {
    round_trip(c, "serialization/isc_page_250", &isc::page(0, 250));
}

fn isc_detail(c: &mut Criterion) {
    let detail = isc::detail(xml::source_config(1 << 20));
    round_trip(c, "serialization/isc_detail_1mib_xml", &detail);
}

fn c1_list(c: &mut Criterion) {
    round_trip(c, "serialization/c1_list_100", &c1::list_response(100));
}

fn main() {
    connkit_benches::run(&[isc_page, isc_detail, c1_list]);
}
