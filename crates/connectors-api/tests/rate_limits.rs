//! The client-side limiter against the sandbox's per-client limit, over real HTTP on
//! 127.0.0.1, counted through `GET /__sandbox/stats`: counts of 429s, never timings.
//! Windows are short (1–2 s) where the property is the same as at 100/10 s.

use connkit_connectors::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connkit_connectors::Client;
use connkit_sandbox::{AuthMode, RateLimitConfig, Sandbox, ServerHandle, Stats};
use connkit_transport::{
    HttpBackend, Limit, RateLimitPolicy, RateLimiter, Transport, TransportStackBuilder,
};

/// A fresh directory for shared limiter state, removed on drop.
struct StateDir(PathBuf);

impl StateDir {
    fn new() -> StateDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "connkit-rate-limits-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("state dir");
        StateDir(dir)
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sandbox with `seed` connectors and a per-client limit, served on 127.0.0.1.
async fn served(seed: usize, max: u32, window: Duration) -> ServerHandle {
    Sandbox::builder()
        .seed(seed)
        .require_auth(AuthMode::AnyIssuedToken)
        .rate_limit(RateLimitConfig { max, window })
        .build()
        .expect("sandbox")
        .serve("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("serve")
}

/// A client of `server` as client id `limits-test`, its stack adjusted by `stack`.
fn client(
    server: &ServerHandle,
    stack: impl FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send + 'static,
) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .client_credentials("limits-test", "secret")
        .configure_stack(stack)
        .build()
        .expect("client")
}

/// Lists every connector one per page, two pages at a time (what `connkit connectors
/// list --all` picks under a limit: at most two requests in flight when an unknown
/// limit is crossed); asserts each is delivered exactly once.
async fn list_all(client: &Client, seed: usize) {
    let items = client
        .list_connectors()
        .limit(1)
        .into_paginator()
        .concurrency(2)
        .try_collect()
        .await
        .expect("listing");
    let names: HashSet<_> = items.iter().map(|c| c.script_name.clone()).collect();
    assert_eq!((items.len(), names.len()), (seed, seed));
}

async fn stats(server: &ServerHandle) -> Stats {
    let request = http::Request::get(format!("{}/__sandbox/stats", server.base_url()))
        .body(bytes::Bytes::new())
        .expect("request");
    let response = HttpBackend::new()
        .expect("backend")
        .send(request)
        .await
        .expect("stats");
    serde_json::from_slice(response.body()).expect("stats JSON")
}

fn refused(stats: &Stats) -> u64 {
    stats.by_status.get("429").copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_exact_limit_repeated_runs_draw_no_429() {
    const SEED: usize = 30;
    let limit: RateLimitPolicy = "20/1s".parse().expect("policy");
    let server = served(SEED, 20, Duration::from_secs(1)).await;
    let state = StateDir::new();
    // Three runs back to back, each a new client (a new token), as three CLI runs
    // would be: only the shared state keeps the second from starting at full speed.
    for _ in 0..3 {
        let dir = state.0.clone();
        let client = client(&server, move |s| {
            s.rate_limit_policy(limit).rate_limit_state_dir(Some(dir))
        });
        list_all(&client, SEED).await;
    }
    let stats = stats(&server).await;
    assert_eq!(refused(&stats), 0, "{stats:?}");
    assert_eq!(stats.by_operation["getConnectorList"], 3 * SEED as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_learns_a_lower_custom_limit_from_at_most_two_429s() {
    const SEED: usize = 120;
    // The case, its window shortened: a 120-page listing against a tenant that
    // allows 50 per window; the limiter starts, as `auto` does against a hosted tenant,
    // from the documented 100.
    let server = served(SEED, 50, Duration::from_secs(2)).await;
    let state = StateDir::new();
    let file = state.0.join("limits-test.json");
    let start = Limit::new(100, Duration::from_secs(2)).expect("limit");
    let limiter = RateLimiter::adaptive(Some(start)).shared_through(&file);
    let client = client(&server, {
        let limiter = limiter.clone();
        move |s| s.rate_limit(limiter)
    });
    list_all(&client, SEED).await;
    let stats = stats(&server).await;
    assert!(refused(&stats) <= 2, "{stats:?}");
    assert!(
        refused(&stats) >= 1,
        "the limit was never reached: {stats:?}"
    );
    // What it learned (nine tenths of the 50 admitted plus the token request, or a
    // probe above) is in the file: the next process starts from it.
    let learned = limiter.current_limit().expect("a limit");
    assert!((45..50).contains(&learned.max()), "{learned}");
    let next = RateLimiter::adaptive(Some(start)).shared_through(&file);
    assert_eq!(next.current_limit(), Some(learned));
}

#[tokio::test]
async fn an_in_process_backend_gets_no_limiter_under_auto() {
    // A hosted-looking URL: were the backend taken for a tenant, auto would allow 100
    // requests per 10 s and refuse the 101st at once (its slot opens after the 2 s
    // deadline).
    let sandbox = Sandbox::builder().seed(1).build().expect("sandbox");
    let client = Client::builder()
        .base_url("https://acme.api.identitynow.com")
        .backend_with_stack(Arc::new(sandbox.clone()))
        .configure_stack(|s| s.operation_timeout(Duration::from_secs(2)))
        .build()
        .expect("client");
    for _ in 0..101 {
        client
            .list_connectors()
            .send()
            .await
            .expect("no client-side limit");
    }
    assert_eq!(sandbox.stats().by_operation["getConnectorList"], 101);
}

#[tokio::test]
async fn a_fixed_policy_limits_even_an_in_process_backend() {
    let sandbox = Sandbox::builder().seed(1).build().expect("sandbox");
    let client = Client::builder()
        .base_url("https://acme.api.identitynow.com")
        .backend_with_stack(Arc::new(sandbox.clone()))
        .configure_stack(|s| {
            s.operation_timeout(Duration::from_secs(2))
                .rate_limit_policy("2/60s".parse().expect("policy"))
                .rate_limit_state_dir(None)
        })
        .build()
        .expect("client");
    for _ in 0..2 {
        client
            .list_connectors()
            .send()
            .await
            .expect("within the limit");
    }
    let err = client.list_connectors().send().await.unwrap_err();
    assert_eq!(
        err.kind(),
        connkit_connectors::ErrorKind::RateLimited,
        "{err:?}"
    );
    assert_eq!(sandbox.stats().by_operation["getConnectorList"], 2);
}
