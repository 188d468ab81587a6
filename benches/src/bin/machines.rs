//! Many machines, one client id (issue 24): 1, 3 and 6 simulated machines list against
//! one sandbox served on 127.0.0.1 that allows 100 requests per window per client id,
//! with the rate-limit state on each machine's own files, then shared through a real
//! `redis-server` on 127.0.0.1 (Debian's package). Each machine is this binary
//! re-executed, with its own state directory, so that only Redis can make them agree.
//!
//! ```text
//! cargo run --release -p connkit-benches --bin machines
//! ```
//!
//! Every machine starts `auto` as against a hosted tenant (100 per window) and learns
//! from 429s. Printed per run: the wall time of the slowest machine next to the least
//! the server's limit allows for all of them together, the 429s drawn, and the token
//! requests made. The window is 2 s rather than ISC's 10 s so that a whole run takes
//! about a minute; the limiter's arithmetic is the same at any window.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use connkit_benches::served::{client, floor, refused, runtime, serve, StateDir};
use connkit_connectors::prelude::*;
use connkit_sandbox::RateLimitConfig;
use connkit_transport::test_util::RedisServer;
use connkit_transport::{Limit, RateLimiter, SharedState};

/// The server's window, and the limiter's starting one.
const WINDOW: Duration = Duration::from_secs(2);
/// What the server allows per window and client id, and where `auto` starts.
const MAX: u32 = 100;
/// Pages (one connector each) every machine lists.
const PAGES: usize = 120;
/// The client id every machine authenticates as.
const CLIENT_ID: &str = "bench-machines";
/// The argument that makes this binary one machine.
const MACHINE: &str = "__machine";

/// One machine: `BASE_URL STATE_DIR [REDIS_URL]`.
async fn machine(args: &[String]) -> Result<(), String> {
    let (base_url, dir, redis) = match args {
        [base_url, dir] => (base_url, dir, None),
        [base_url, dir, redis] => (base_url, dir, Some(redis)),
        _ => {
            return Err(format!(
                "{MACHINE} expects BASE_URL STATE_DIR [REDIS_URL], got {args:?}"
            ))
        }
    };
    let start = Limit::new(MAX, WINDOW).map_err(|e| e.to_string())?;
    let mut limiter = RateLimiter::adaptive(Some(start))
        .shared_through(std::path::Path::new(dir).join("state.json"));
    let shared = redis
        .map(|url| SharedState::redis(url).map_err(|e| e.to_string()))
        .transpose()?;
    if let Some(state) = &shared {
        limiter = limiter.shared_across(state.clone(), "bench-machines");
    }
    // The stack's shared state holds the token too.
    let client = client(base_url, CLIENT_ID, move |s| {
        s.rate_limit(limiter).shared_state(shared)
    });
    let items = client
        .list_connectors()
        .limit(1)
        .into_paginator()
        .concurrency(2)
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    let mut names: Vec<_> = items.into_iter().map(|c| c.script_name).collect();
    names.sort();
    names.dedup();
    if names.len() == PAGES {
        Ok(())
    } else {
        Err(format!("{} distinct connectors, not {PAGES}", names.len()))
    }
}

/// `machines` machines at once, on their own state files or sharing `redis`.
async fn run(machines: usize, redis: Option<&RedisServer>) -> Result<(), String> {
    let (sandbox, server) = serve(
        PAGES,
        Some(RateLimitConfig {
            max: MAX,
            window: WINDOW,
        }),
    )
    .await;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dirs: Vec<StateDir> = (0..machines)
        .map(|i| StateDir::new("machines", &format!("{i}")))
        .collect();
    let started = Instant::now();
    let children: Vec<_> = dirs
        .iter()
        .map(|dir| {
            let mut command = Command::new(&exe);
            command.arg(MACHINE).arg(server.base_url()).arg(&dir.0);
            if let Some(redis) = redis {
                command.arg(redis.url());
            }
            command.spawn()
        })
        .collect::<Result<_, _>>()
        .map_err(|e| format!("re-executing this binary: {e}"))?;
    for mut child in children {
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("a machine failed: {status}"));
        }
    }
    let measured = started.elapsed();
    server.shutdown().await;
    let minimum = floor((machines * PAGES) as u64, MAX, WINDOW);
    let tokens = sandbox
        .stats()
        .by_operation
        .get("oauthToken")
        .copied()
        .unwrap_or(0);
    println!(
        "{:<10} {:>8} {:>9.3} s  min {:>7.3} s  {:>6.3}x  429s {:>3}  token requests {:>2}",
        if redis.is_some() { "redis" } else { "file" },
        machines,
        measured.as_secs_f64(),
        minimum.as_secs_f64(),
        measured.as_secs_f64() / minimum.as_secs_f64().max(f64::EPSILON),
        refused(&sandbox),
        tokens
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = runtime();
    let outcome = if args.first().map(String::as_str) == Some(MACHINE) {
        runtime.block_on(machine(&args[1..]))
    } else {
        let redis = RedisServer::start();
        println!(
            "{MAX} requests per {} s per client id; {PAGES} pages per machine",
            WINDOW.as_secs()
        );
        println!("{:<10} {:>8}", "store", "machines");
        runtime.block_on(async {
            for machines in [1, 3, 6] {
                run(machines, None).await?;
                redis.command(&["FLUSHALL"]);
                run(machines, Some(&redis)).await?;
            }
            Ok(())
        })
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("machines: {e}");
            ExitCode::FAILURE
        }
    }
}
