//! Prints the medians of the last `cargo bench -p connkit-benches` run, and the
//! overhead ratios checked against the targets, as Markdown for `benches/README.md`.
//!
//! ```text
//! cargo run -p connkit-benches --bin report [CRITERION_DIR]
//! ```
//!
//! `CRITERION_DIR` defaults to `$CARGO_TARGET_DIR/criterion` (or `target/criterion` at
//! the workspace root). Figures are criterion's `median` point estimates of the latest
//! run of each benchmark (`new/estimates.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;

/// `new/benchmark.json`: what was measured.
#[derive(Deserialize)]
struct Benchmark {
    full_id: String,
    throughput: Option<Throughput>,
}

/// Criterion's throughput setting.
#[derive(Deserialize)]
enum Throughput {
    Bytes(u64),
    Elements(u64),
}

/// `new/estimates.json`: only the median is used.
#[derive(Deserialize)]
struct Estimates {
    median: PointEstimate,
}

#[derive(Deserialize)]
struct PointEstimate {
    point_estimate: f64,
}

/// One benchmark's latest median, in nanoseconds.
struct Median {
    nanos: f64,
    throughput: Option<Throughput>,
}

/// Every benchmark under `dir`, by full id.
fn collect(dir: &Path, out: &mut BTreeMap<String, Median>) -> std::io::Result<()> {
    let new = dir.join("new");
    if let (Ok(bench), Ok(estimates)) = (
        std::fs::read(new.join("benchmark.json")),
        std::fs::read(new.join("estimates.json")),
    ) {
        let bench: Benchmark = serde_json::from_slice(&bench)?;
        let estimates: Estimates = serde_json::from_slice(&estimates)?;
        out.insert(
            bench.full_id,
            Median {
                nanos: estimates.median.point_estimate,
                throughput: bench.throughput,
            },
        );
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "new" && n != "base") {
            collect(&path, out)?;
        }
    }
    Ok(())
}

/// A duration with a unit that keeps three or four significant digits. Differences of
/// medians can come out negative when the parts were measured under different load.
fn duration(nanos: f64) -> String {
    if nanos < 0.0 {
        return format!("−{}", duration(-nanos));
    }
    match nanos {
        n if n >= 1e9 => format!("{:.3} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.2} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}

fn throughput(median: &Median) -> String {
    let per_second = |n: u64| n as f64 / (median.nanos / 1e9);
    match median.throughput {
        Some(Throughput::Bytes(n)) => format!("{:.1} MiB/s", per_second(n) / f64::from(1 << 20)),
        Some(Throughput::Elements(n)) => format!("{:.0} k connectors/s", per_second(n) / 1e3),
        None => String::new(),
    }
}

/// Prints `numerator / denominator` with the verdict against `target`, if both ran.
fn ratio(medians: &BTreeMap<String, Median>, numerator: &str, denominator: &str, target: f64) {
    if let (Some(n), Some(d)) = (medians.get(numerator), medians.get(denominator)) {
        let ratio = n.nanos / d.nanos;
        let verdict = if ratio <= target {
            "met"
        } else {
            "**not met**"
        };
        println!(
            "| `{numerator}` ÷ `{denominator}` | {} ÷ {} | **{ratio:.2}x** | ≤ {target}x: {verdict} |",
            duration(n.nanos),
            duration(d.nanos),
        );
    }
}

/// The isolated plugin's cost above the built-in check: fixed per call (1 KiB) and for
/// 1 MiB, the difference being the copy of the body to the worker and back.
fn isolated(medians: &BTreeMap<String, Median>) {
    let get = |id: &str| medians.get(id).map(|m| m.nanos);
    let (Some(small), Some(small_builtin), Some(large), Some(large_builtin)) = (
        get("preflight/xml_1kib/plugin_isolated"),
        get("preflight/xml_1kib/builtin"),
        get("preflight/xml_1mib/plugin_isolated"),
        get("preflight/xml_1mib/builtin"),
    ) else {
        return;
    };
    let fixed = small - small_builtin;
    let verdict = if fixed < 1e6 { "met" } else { "**not met**" };
    println!(
        "| isolated, fixed cost per call: `xml_1kib/plugin_isolated` − `xml_1kib/builtin` | {} − {} | **{}** | < 1 ms: {verdict} |",
        duration(small),
        duration(small_builtin),
        duration(fixed),
    );
    println!(
        "| isolated, 1 MiB: `xml_1mib/plugin_isolated` − `xml_1mib/builtin` | {} − {} | **{}**, of which the copy ≈ {} | (fixed + copy) |",
        duration(large),
        duration(large_builtin),
        duration(large - large_builtin),
        duration(large - large_builtin - fixed),
    );
}

/// Where the client's time goes beyond the raw floor, for `target` at concurrency 1:
/// decoding (measured alone on the same pages) and the rest.
fn pagination_split(medians: &BTreeMap<String, Median>, target: &str) {
    let get = |id: &str| medians.get(id).map(|m| m.nanos);
    let (Some(client), Some(raw), Some(tracked), Some(plain)) = (
        get(&format!("pagination/{target}/client/1")),
        get(&format!("pagination/{target}/raw/1")),
        get("pagination/decode_only/from_json"),
        get("pagination/decode_only/serde_json"),
    ) else {
        return;
    };
    println!(
        "| {target} `client/1` = `raw/1` + decoding (`decode_only/from_json`) + the rest | {} = {} + {} + {} | estimate, were decoding plain `serde_json`: ≈ {:.2}x | |",
        duration(client),
        duration(raw),
        duration(tracked),
        duration(client - raw - tracked),
        (client - tracked + plain) / raw,
    );
}

fn criterion_dir() -> PathBuf {
    if let Some(dir) = std::env::args_os().nth(1) {
        return dir.into();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
        .join("criterion")
}

fn main() -> ExitCode {
    let dir = criterion_dir();
    let mut medians = BTreeMap::new();
    if let Err(e) = collect(&dir, &mut medians) {
        eprintln!("cannot read {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    println!("| benchmark | median | throughput |\n|---|---:|---:|");
    for (id, median) in &medians {
        println!(
            "| `{id}` | {} | {} |",
            duration(median.nanos),
            throughput(median)
        );
    }
    println!("\n| ratio | medians | value | target |\n|---|---|---:|---|");
    for target in ["in_process", "http"] {
        for n in [1, 4, 8] {
            ratio(
                &medians,
                &format!("pagination/{target}/client/{n}"),
                &format!("pagination/{target}/raw/{n}"),
                1.3,
            );
        }
    }
    for target in ["in_process", "http"] {
        pagination_split(&medians, target);
    }
    for mode in ["plugin_in_process", "plugin_in_process_no_timeout"] {
        ratio(
            &medians,
            &format!("preflight/xml_1mib/{mode}"),
            "preflight/xml_1mib/builtin",
            1.1,
        );
    }
    isolated(&medians);
    for input in ["isc_page_250", "isc_detail_1mib_xml", "c1_list_100"] {
        for decode in ["typed", "typed_plain"] {
            ratio(
                &medians,
                &format!("serialization/{input}/decode/{decode}"),
                &format!("serialization/{input}/decode/value"),
                1.0,
            );
        }
    }
    ExitCode::SUCCESS
}
