//! The rate-limit scenarios of issue 11, against real sandboxes served on 127.0.0.1:
//! each listing's wall time next to the least the server's limit allows, and the
//! ratio to the issue's target.
//!
//! ```text
//! cargo run --release -p connkit-benches --bin limits [SCENARIO…]
//! ```
//!
//! With no argument every scenario runs; otherwise those named (`exact`, `custom`,
//! `loopback`, `three`, `default`).
//!
//! - **exact**: the client's fixed policy equals the sandbox's per-client limit;
//! - **custom**: the sandbox allows half of what `auto` starts from against a hosted
//!   tenant (50 vs 100 per window), 120 pages: the limiter must learn it;
//! - **custom, loopback `auto`**: the same, with `auto` as it really starts against a
//!   loopback server (unthrottled, 4 pages at a time, as `--all` picks): for
//!   information, no target;
//! - **three processes**: this binary re-executed three times, one client id, one
//!   shared state file, against one per-client limit;
//! - **default `--all`**: the paginator with the default stack and the concurrency
//!   `--all` picks on loopback (4) against an unlimited sandbox, versus the same pages
//!   fetched raw (bytes only) by one bare HTTP client, one after the other on one
//!   connection.
//!
//! The windows are 2 s rather than ISC's 10 s, with the issue's counts (100, 50) or
//! smaller (20), so that a whole run takes well under two minutes; the limiter's
//! arithmetic is the same at any window. The minimum of a limited listing of `n`
//! requests under `max` per `window` is `(ceil(n / max) - 1) * window`: the last batch
//! can start no earlier, and is counted as taking no time. Only the API's requests are
//! counted: the sandbox does not count token requests against the client, so the
//! client-side slot each token request takes shows up as overhead.

use connkit_connectors::prelude::*;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connkit_benches::served::{client, floor, refused, runtime, serve, StateDir};
use connkit_connectors::ops::{ListConnectors, MAX_LIMIT};
use connkit_connectors::{Client, Operation};
use connkit_sandbox::{RateLimitConfig, Sandbox, ServerHandle};
use connkit_transport::{BaseUrl, HttpBackend, Limit, RateLimitPolicy, RateLimiter, Transport};

/// The window of every limited scenario.
const WINDOW: Duration = Duration::from_secs(2);
/// The client id every limited scenario authenticates as.
const CLIENT_ID: &str = "bench-limits";
/// The argument that makes this binary a child of the three-process scenario.
const CHILD: &str = "__list-child";

/// One scenario's outcome.
struct Figure {
    name: String,
    measured: Duration,
    minimum: Duration,
    target: Option<f64>,
    refused: u64,
}

impl Figure {
    fn ratio(&self) -> f64 {
        self.measured.as_secs_f64() / self.minimum.as_secs_f64()
    }

    fn print(&self) {
        let verdict = match self.target {
            Some(target) if self.ratio() <= target => format!("target {target:.2}x: met"),
            Some(target) => format!("target {target:.2}x: NOT MET"),
            None => "no target".to_owned(),
        };
        println!(
            "{:<60} {:>9.3} s  min {:>8.3} s  {:>6.3}x  429s {:>2}  {verdict}",
            self.name,
            self.measured.as_secs_f64(),
            self.minimum.as_secs_f64(),
            self.ratio(),
            self.refused
        );
    }
}

/// Every connector, one per page, `concurrency` pages at a time; checks each came once.
async fn list_pages(client: &Client, seed: usize, concurrency: usize) {
    let items = client
        .list_connectors()
        .limit(1)
        .into_paginator()
        .concurrency(concurrency)
        .try_collect()
        .await
        .expect("the listing completes");
    let mut names: Vec<_> = items.into_iter().map(|c| c.script_name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), seed, "every connector exactly once");
}

/// A listing of `pages` by `client` against `server`, timed.
async fn timed_listing(
    name: &str,
    (sandbox, server): (Sandbox, ServerHandle),
    client: Client,
    pages: usize,
    concurrency: usize,
    (max, target): (u32, Option<f64>),
) -> Figure {
    let started = Instant::now();
    list_pages(&client, pages, concurrency).await;
    let measured = started.elapsed();
    server.shutdown().await;
    Figure {
        name: name.to_owned(),
        measured,
        minimum: floor(pages as u64, max, WINDOW),
        target,
        refused: refused(&sandbox),
    }
}

/// A per-client limit of `max` per [`WINDOW`].
fn limited(max: u32) -> Option<RateLimitConfig> {
    Some(RateLimitConfig {
        max,
        window: WINDOW,
    })
}

/// The client's fixed policy is exactly the sandbox's limit.
async fn exact() -> Figure {
    const MAX: u32 = 20;
    const PAGES: usize = 90;
    let state = StateDir::new("limits", "exact");
    let dir = state.0.clone();
    let policy = RateLimitPolicy::Fixed(Limit::new(MAX, WINDOW).expect("a limit"));
    let served = serve(PAGES, limited(MAX)).await;
    let client = client(&served.1.base_url(), CLIENT_ID, move |s| {
        s.rate_limit_policy(policy).rate_limit_state_dir(Some(dir))
    });
    let name = format!("exact: {MAX}/2s limit and policy, {PAGES} pages");
    timed_listing(&name, served, client, PAGES, 2, (MAX, Some(1.03))).await
}

/// `auto` starting at 100 per window (as against a hosted tenant) meets a limit of 50.
async fn custom_from_hosted_start() -> Figure {
    const MAX: u32 = 50;
    const PAGES: usize = 120;
    let state = StateDir::new("limits", "custom");
    let start = Limit::new(100, WINDOW).expect("a limit");
    let limiter = RateLimiter::adaptive(Some(start)).shared_through(state.0.join("state.json"));
    let served = serve(PAGES, limited(MAX)).await;
    let client = client(&served.1.base_url(), CLIENT_ID, move |s| {
        s.rate_limit(limiter)
    });
    let name = format!("custom: auto from 100/2s, {MAX}/2s limit, {PAGES} pages");
    timed_listing(&name, served, client, PAGES, 2, (MAX, Some(1.10))).await
}

/// `auto` as it starts against a loopback server (unthrottled) meets a limit of 50.
async fn custom_from_loopback_start() -> Figure {
    const MAX: u32 = 50;
    const PAGES: usize = 120;
    let state = StateDir::new("limits", "custom-loopback");
    let dir = state.0.clone();
    let served = serve(PAGES, limited(MAX)).await;
    let client = client(&served.1.base_url(), CLIENT_ID, move |s| {
        s.rate_limit_policy(RateLimitPolicy::Auto)
            .rate_limit_state_dir(Some(dir))
    });
    let name = format!("custom: auto unthrottled (loopback), {MAX}/2s, {PAGES} pages");
    timed_listing(&name, served, client, PAGES, 4, (MAX, None)).await
}

/// Three processes (this binary, re-executed), one client id and one state file.
async fn three_processes() -> Figure {
    const MAX: u32 = 100;
    const PAGES: usize = 90;
    let state = StateDir::new("limits", "three");
    let (sandbox, server) = serve(PAGES, limited(MAX)).await;
    let exe = std::env::current_exe().expect("this binary's path");
    let base_url = server.base_url();
    let started = Instant::now();
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .args([CHILD, &base_url, &PAGES.to_string(), &MAX.to_string()])
                .arg(&state.0)
                .spawn()
                .expect("re-execute this binary")
        })
        .collect();
    for mut child in children {
        let status = child.wait().expect("wait for a child");
        assert!(status.success(), "a child listing failed: {status}");
    }
    let measured = started.elapsed();
    server.shutdown().await;
    Figure {
        name: format!("three processes: one client id, {MAX}/2s, 3 x {PAGES} pages"),
        measured,
        minimum: floor(3 * PAGES as u64, MAX, WINDOW),
        target: Some(1.10),
        refused: refused(&sandbox),
    }
}

/// A child of [`three_processes`]: `BASE_URL PAGES MAX STATE_DIR`.
async fn child(args: &[String]) -> Result<(), String> {
    let [base_url, pages, max, dir] = args else {
        return Err(format!(
            "{CHILD} expects BASE_URL PAGES MAX STATE_DIR, got {args:?}"
        ));
    };
    let pages: usize = pages.parse().map_err(|e| format!("PAGES {pages}: {e}"))?;
    let max: u32 = max.parse().map_err(|e| format!("MAX {max}: {e}"))?;
    let limit = Limit::new(max, WINDOW).map_err(|e| e.to_string())?;
    let dir = PathBuf::from(dir);
    let client = client(base_url, CLIENT_ID, move |s| {
        s.rate_limit_policy(RateLimitPolicy::Fixed(limit))
            .rate_limit_state_dir(Some(dir))
    });
    list_pages(&client, pages, 2).await;
    Ok(())
}

/// Default `--all` (default stack, concurrency 4) against the raw floor, alternately,
/// `ROUNDS` times each; the medians.
async fn default_all() -> Figure {
    const TOTAL: usize = 50_000;
    const ROUNDS: usize = 15;
    let (sandbox, server) = serve(TOTAL, None).await;
    let base_url = server.base_url();
    let base = BaseUrl::parse(&base_url).expect("the sandbox's base URL");
    let state = StateDir::new("limits", "default");
    let dir = state.0.clone();
    let client = Client::builder()
        .base_url(&base_url)
        .configure_stack(move |s| s.rate_limit_state_dir(Some(dir)))
        .build()
        .expect("a client");
    let raw: Arc<dyn Transport> = Arc::new(HttpBackend::new().expect("the reqwest backend"));
    let (mut listed, mut fetched) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let all = client
            .list_connectors()
            .into_paginator()
            .concurrency(4)
            .try_collect()
            .await
            .expect("the listing completes");
        listed.push(started.elapsed());
        assert_eq!(all.len(), TOTAL);
        let started = Instant::now();
        fetch_raw(&raw, &base, TOTAL).await;
        fetched.push(started.elapsed());
    }
    server.shutdown().await;
    Figure {
        name: format!("default --all, unlimited, {TOTAL} connectors (vs raw)"),
        measured: median(listed),
        minimum: median(fetched),
        target: Some(1.15),
        refused: refused(&sandbox),
    }
}

/// The paginator's pages (the first with `count=true`), one after the other, bytes
/// only.
async fn fetch_raw(transport: &Arc<dyn Transport>, base: &BaseUrl, total: usize) {
    let page = usize::try_from(MAX_LIMIT).expect("a page size");
    for offset in (0..total).step_by(page) {
        let request = ListConnectors::new()
            .limit(MAX_LIMIT)
            .offset(offset as u64)
            .count(offset == 0)
            .build_request(base)
            .expect("a valid request");
        let response = transport.send(request).await.expect("the sandbox answers");
        assert!(response.status().is_success(), "{}", response.status());
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD) {
        return match runtime().block_on(child(&args[1..])) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("limits: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = runtime();
    let scenarios: [(&str, &dyn Fn() -> Figure); 5] = [
        ("exact", &|| runtime.block_on(exact())),
        ("custom", &|| runtime.block_on(custom_from_hosted_start())),
        ("loopback", &|| {
            runtime.block_on(custom_from_loopback_start())
        }),
        ("three", &|| runtime.block_on(three_processes())),
        ("default", &|| runtime.block_on(default_all())),
    ];
    if let Some(unknown) = args.iter().find(|a| !scenarios.iter().any(|(k, _)| k == a)) {
        let known: Vec<&str> = scenarios.iter().map(|(k, _)| *k).collect();
        eprintln!(
            "limits: unknown scenario {unknown:?} (expected some of: {})",
            known.join(" ")
        );
        return ExitCode::FAILURE;
    }
    println!(
        "{:<60} {:>11}  {:>14}  {:>7}",
        "scenario", "measured", "minimum", "ratio"
    );
    let mut missed = false;
    for (key, scenario) in scenarios {
        if !args.is_empty() && !args.iter().any(|a| a == key) {
            continue;
        }
        let figure = scenario();
        figure.print();
        missed |= figure.target.is_some_and(|t| figure.ratio() > t);
    }
    if missed {
        println!("at least one target was missed");
    }
    ExitCode::SUCCESS
}
