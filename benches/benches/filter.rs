//! The filter language: parse a realistic filter, render it back, and check it against
//! the connector list's allowed pairs (what the client does before sending one).

use std::hint::black_box;

use connkit_benches::FILTER;
use connkit_models::filter::{Filter, CONNECTOR_LIST};
use criterion::{Criterion, Throughput};

fn filter(c: &mut Criterion) {
    let parsed: Filter = FILTER.parse().expect("the bench filter parses");
    let rendered = parsed.to_string();
    assert_eq!(rendered.parse::<Filter>().as_ref(), Ok(&parsed));
    CONNECTOR_LIST
        .check(&parsed)
        .expect("the connector list allows the bench filter");

    let mut group = c.benchmark_group("filter");
    group.throughput(Throughput::Bytes(FILTER.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| black_box(FILTER).parse::<Filter>().expect("parses"))
    });
    group.bench_function("render", |b| b.iter(|| black_box(&parsed).to_string()));
    group.bench_function("check_allowed", |b| {
        b.iter(|| CONNECTOR_LIST.check(black_box(&parsed)).is_ok())
    });
    group.finish();
}

fn main() {
    connkit_benches::run(&[filter]);
}
