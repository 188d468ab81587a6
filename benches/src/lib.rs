//! Deterministic, realistic inputs for connkit's criterion benches (`benches/benches/`).
//!
//! Every generator is a pure function of its arguments: the same call gives the same
//! bytes on every run and every machine, so figures from different runs compare.
//!
//! - [`isc`]: pages of `V3ConnectorDto` and a `ConnectorDetail` carrying a large XML.
//! - [`c1`]: a ConductorOne `ConnectorService.List` answer.
//! - [`xml`]: a source-config XML document of an exact size.
//! - [`FILTER`]: a realistic connector-list filter.
//! - [`served`]: sandboxes on 127.0.0.1 and clients of them, for the scenario binaries.
//! - [`criterion()`], [`run`]: the settings and the `main` every bench shares.
//! - [`paired_ratio`]: two operations compared call by call, robust to drifting load.

use std::time::{Duration, Instant};

use criterion::Criterion;

pub mod c1;
pub mod isc;
mod mix;
pub mod served;
pub mod xml;

/// A realistic `GET /connectors` filter, as a UI's advanced search would send: every
/// operator the connector list accepts (`sw`, `co`, `eq`, `ca`), `not`, `and`, `or`,
/// parentheses, a bare boolean and an escaped quote.
pub const FILTER: &str = r#"(name sw "Active" or name co "Directory \"EU\"") and type eq "Active Directory - Direct" and directConnect eq true and not (features ca ("PROVISIONING", "PASSWORD") or labels ca ("legacy")) and category eq "directory""#;

/// The criterion settings every bench uses: 20 samples, 1 s of warm-up and 3 s of
/// measurement per benchmark, so a full `cargo bench -p connkit-benches` stays within
/// a few minutes on a 2-core machine. Groups with slow iterations lower the sample
/// count further; command-line options (`--sample-size`, `--measurement-time`, …)
/// still override these.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// Runs `targets` with [`criterion()`] and prints criterion's summary: the `main` of
/// every bench here (what `criterion_group!`/`criterion_main!` would generate, without
/// an undocumented public function).
pub fn run(targets: &[fn(&mut Criterion)]) {
    let mut c = criterion();
    for target in targets {
        target(&mut c);
    }
    c.final_summary();
}

/// Compares `b` with `a` by running them alternately (`a b`, then `b a`, …) for
/// `rounds` rounds and prints the median of the per-round time ratios `b / a`.
///
/// Criterion measures benchmarks one after the other, so load that drifts over seconds
/// (other builds on a shared machine) can move two medians apart by tens of percent;
/// pairs measured microseconds apart share the same conditions. The bench output
/// carries these lines as `paired: …`, next to criterion's figures.
///
/// Only under `cargo bench` (which passes `--bench`): in criterion's test mode
/// (`cargo test --benches`, an unoptimized build next to release-built plugins) a
/// ratio would mean nothing, so none is measured or printed.
pub fn paired_ratio(name: &str, rounds: usize, mut a: impl FnMut(), mut b: impl FnMut()) {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..rounds.max(1))
        .map(|round| {
            let (ta, tb) = if round % 2 == 0 {
                let ta = time(&mut a);
                (ta, time(&mut b))
            } else {
                let tb = time(&mut b);
                (time(&mut a), tb)
            };
            tb / ta
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!(
        "paired: {name} = {median:.2}x (median of {} alternating rounds)",
        ratios.len()
    );
}
