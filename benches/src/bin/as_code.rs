//! Connectors as code, counted and timed (issue 19): the requests per connector that
//! `push`, `pull` and `diff` send, and their time against ISC's default limit.
//!
//! ```text
//! cargo run --release -p connkit-benches --bin as_code [COUNTED [TIMED]]
//! ```
//!
//! - **counted** (default 1 000 connectors): a push of `COUNTED` new connectors (each
//!   with a source config, one translation and a metadata key) into an empty in-process
//!   sandbox, a pull of them, and a diff of the pulled tree; the requests of each, by
//!   operation and per connector, from the sandbox's stats. No limit: counting needs
//!   none.
//! - **timed** (default 120 connectors; 0 skips it): the same three against a sandbox
//!   served on 127.0.0.1 that allows 100 requests per 10 s per client (ISC's default),
//!   by a client whose fixed policy is that limit. Each phase starts on a fresh window
//!   and its wall time is shown next to the least the limit allows for the requests it
//!   sent, `(ceil(requests / 100) - 1) * 10 s`, and their ratio. A phase of 100
//!   requests or fewer has no floor (and no ratio): `TIMED` of 120 or more gives each
//!   phase one. Token requests are not counted: the sandbox does not count them
//!   against the client.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connkit_as_code::{apply, plan, pull, ApplyOptions, PlanOptions, PullOptions, Tree};
use connkit_benches::served::{client, floor, refused, runtime, serve, StateDir};
use connkit_connectors::{Client, IN_PROCESS_BASE_URL};
use connkit_sandbox::{RateLimitConfig, Sandbox};
use connkit_transport::{Limit, RateLimitPolicy};

#[path = "../../../crates/as-code/tests/as_code/bulk.rs"]
mod bulk;

/// ISC's default limit per client.
const LIMIT: RateLimitConfig = RateLimitConfig {
    max: 100,
    window: Duration::from_secs(10),
};

/// The three phases, in order; the pulled tree is what the diff compares.
async fn push_pull_diff(client: &Client, tree: &Tree, mut between: impl Phases) {
    between.start("push").await;
    let planned = plan(client, tree, &PlanOptions::default())
        .await
        .expect("the push's plan");
    let report = apply(client, &planned, &ApplyOptions::default(), &|_| {})
        .await
        .expect("the push");
    assert!(report.is_complete(), "push incomplete: {:?}", report.failed);
    between.end("push");

    between.start("pull").await;
    let pulled = pull(client, &PullOptions::default(), &|_, _| {})
        .await
        .expect("the pull");
    assert_eq!(pulled.connectors.len(), tree.connectors.len());
    between.end("pull");

    between.start("diff").await;
    let diff = plan(client, &pulled, &PlanOptions::default())
        .await
        .expect("the diff");
    assert!(
        !diff.has_changes(),
        "the pulled tree differs from the tenant"
    );
    between.end("diff");
}

/// What happens around each phase: counting or timing.
trait Phases {
    /// Before the phase `name`.
    async fn start(&mut self, name: &'static str);
    /// After it.
    fn end(&mut self, name: &'static str);
}

/// Counts each phase's requests by operation.
struct Counter {
    sandbox: Sandbox,
    connectors: usize,
}

impl Phases for Counter {
    async fn start(&mut self, _: &'static str) {
        self.sandbox.reset_stats();
    }

    fn end(&mut self, name: &'static str) {
        let stats = self.sandbox.stats();
        let per = |n: u64| n as f64 / self.connectors as f64;
        println!(
            "{name}: {} requests, {:.3} per connector",
            stats.total,
            per(stats.total)
        );
        for (operation, n) in &stats.by_operation {
            println!("  {operation:<32} {n:>6}  {:.3} per connector", per(*n));
        }
    }
}

/// Times each phase against the limit, on a fresh window.
struct Timer {
    sandbox: Sandbox,
    started: Instant,
    before: BTreeMap<String, u64>,
    refused: u64,
}

/// Requests counted against the client (every operation but the token's).
fn api_requests(by_operation: &BTreeMap<String, u64>) -> u64 {
    by_operation
        .iter()
        .filter(|(op, _)| op.as_str() != "oauthToken")
        .map(|(_, n)| n)
        .sum()
}

impl Phases for Timer {
    async fn start(&mut self, _: &'static str) {
        // A fresh window: nothing of the previous phase counts against this one.
        tokio::time::sleep(LIMIT.window).await;
        self.before = self.sandbox.stats().by_operation;
        self.refused = refused(&self.sandbox);
        self.started = Instant::now();
    }

    fn end(&mut self, name: &'static str) {
        let measured = self.started.elapsed();
        let requests =
            api_requests(&self.sandbox.stats().by_operation) - api_requests(&self.before);
        let minimum = floor(requests, LIMIT.max, LIMIT.window);
        let ratio = if minimum.is_zero() {
            "   no floor".to_owned()
        } else {
            format!("{:>10.3}x", measured.as_secs_f64() / minimum.as_secs_f64())
        };
        println!(
            "{name}: {requests:>5} requests {:>9.3} s  min {:>7.3} s {ratio}  429s {}",
            measured.as_secs_f64(),
            minimum.as_secs_f64(),
            refused(&self.sandbox) - self.refused,
        );
    }
}

async fn counted(n: usize) {
    let sandbox = Sandbox::builder().seed(0).build().expect("a sandbox");
    let client = Client::new(IN_PROCESS_BASE_URL, Arc::new(sandbox.clone())).expect("a client");
    println!("counted: {n} new connectors, in-process, no limit");
    let counter = Counter {
        sandbox,
        connectors: n,
    };
    push_pull_diff(&client, &bulk::new_connectors(n), counter).await;
}

async fn timed(n: usize) {
    let (sandbox, server) = serve(0, Some(LIMIT)).await;
    let state = StateDir::new("as-code", "timed");
    let dir = state.0.clone();
    let limit = Limit::new(LIMIT.max, LIMIT.window).expect("a limit");
    let client = client(&server.base_url(), "bench-as-code", move |s| {
        s.rate_limit_policy(RateLimitPolicy::Fixed(limit))
            .rate_limit_state_dir(Some(dir))
    });
    println!(
        "timed: {n} new connectors, 127.0.0.1, {}/{} s per client",
        LIMIT.max,
        LIMIT.window.as_secs()
    );
    let timer = Timer {
        sandbox,
        started: Instant::now(),
        before: BTreeMap::new(),
        refused: 0,
    };
    push_pull_diff(&client, &bulk::new_connectors(n), timer).await;
    server.shutdown().await;
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize, default: usize| match args.get(at) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .map_err(|e| format!("argument {} `{text}`: {e}", at + 1)),
    };
    let (counted_n, timed_n) = match (number(0, 1000), number(1, 120)) {
        (Ok(c), Ok(t)) if c > 0 && args.len() <= 2 => (c, t),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("as_code: {e} (expected COUNTED [TIMED], counts of connectors)");
            return ExitCode::FAILURE;
        }
        _ => {
            eprintln!("as_code: expected COUNTED [TIMED], COUNTED at least 1");
            return ExitCode::FAILURE;
        }
    };
    let runtime = runtime();
    runtime.block_on(counted(counted_n));
    if timed_n > 0 {
        runtime.block_on(timed(timed_n));
    }
    ExitCode::SUCCESS
}
