//! Rate limits shared across machines through a real `redis-server` on 127.0.0.1
//! (`connkit_transport::test_util::RedisServer`). Each "machine" is a limiter with its
//! own connection and no state file, so only Redis can make them agree.

use std::time::{Duration, Instant};

use bytes::Bytes;
use connkit_transport::test_util::RedisServer;
use connkit_transport::{Limit, RateLimiter, SharedState};

/// The ledger's name, as a state file of host `tenant.example` and client id `svc`.
const NAME: &str = "tenant.example~client-svc";
const KEY: &str = "connkit:rate-limit:tenant.example~client-svc";

fn machine(redis: &RedisServer, limiter: RateLimiter) -> RateLimiter {
    let state = SharedState::redis(&redis.url()).expect("a redis URL");
    limiter.shared_across(state, NAME)
}

fn answer(status: u16, retry_after: Option<&str>) -> http::Response<Bytes> {
    let mut response = http::Response::builder().status(status);
    if let Some(after) = retry_after {
        response = response.header("retry-after", after);
    }
    response.body(Bytes::new()).expect("a response")
}

fn soon() -> Option<Instant> {
    Some(Instant::now() + Duration::from_secs(1))
}

/// Waits until `check` holds (a release runs as a task), for at most 5 s.
async fn eventually(mut check: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(5);
    while !check() {
        assert!(Instant::now() < until, "never happened");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn machines_with_one_client_id_share_one_window() {
    let redis = RedisServer::start();
    let limit = Limit::new(3, Duration::from_secs(60)).unwrap();
    let a = machine(&redis, RateLimiter::fixed(limit));
    let b = machine(&redis, RateLimiter::fixed(limit));
    a.acquire(None).await.unwrap().answered(&answer(200, None));
    a.acquire(None).await.unwrap().answered(&answer(200, None));
    b.acquire(None).await.unwrap().failed();
    let err = b.acquire(soon()).await.expect_err("the window is full");
    assert!(err.is_rate_limited(), "{err}");
    let err = a.acquire(soon()).await.expect_err("for every machine");
    assert!(err.is_rate_limited(), "{err}");
    // Without Redis the two would each have had three.
    let alone = RateLimiter::fixed(limit);
    alone
        .acquire(soon())
        .await
        .expect("a window of its own")
        .failed();
    assert!(redis.command(&["GET", KEY]).contains("\"slots\""));
}

#[tokio::test]
async fn what_one_machine_learns_from_a_429_holds_for_all() {
    let redis = RedisServer::start();
    let start = Some(Limit::new(100, Duration::from_secs(10)).unwrap());
    let a = machine(&redis, RateLimiter::adaptive(start));
    let b = machine(&redis, RateLimiter::adaptive(start));
    for _ in 0..20 {
        a.acquire(None).await.unwrap().answered(&answer(200, None));
    }
    a.acquire(None)
        .await
        .unwrap()
        .answered(&answer(429, Some("5")));
    eventually(|| a.current_limit().is_some_and(|l| l.max() == 18)).await;
    // B has not seen a 429, yet it keeps to A's hold (5 s, past its deadline) and
    // learns what A learned: nine tenths of the 20 that the window admitted.
    let err = b.acquire(soon()).await.expect_err("A's hold holds B");
    assert!(err.is_rate_limited(), "{err}");
    let learned = b.current_limit().expect("a limit");
    assert_eq!(learned.max(), 18, "{learned:?}");
}

#[tokio::test]
async fn junk_under_our_key_is_overwritten_not_trusted() {
    let redis = RedisServer::start();
    let limit = Limit::new(2, Duration::from_secs(60)).unwrap();
    for junk in [
        vec!["SET", KEY, "{\"slots\": [tru"],
        vec![
            "SET",
            KEY,
            "{\"slots\": 7, \"hold_until\": \"soon\", \"learned\": []}",
        ],
        vec![
            "SET",
            KEY,
            "{\"hold_until\": 99999999999999, \"slots\": [{\"free\": 1e300}]}",
        ],
    ] {
        redis.command(&["DEL", KEY]);
        redis.command(&junk);
        let a = machine(&redis, RateLimiter::fixed(limit));
        a.acquire(soon()).await.expect("junk never blocks").failed();
        assert!(
            redis.command(&["GET", KEY]).contains("\"next_id\""),
            "{junk:?}"
        );
    }
    // Another type under the key (a hash) is replaced too.
    redis.command(&["DEL", KEY]);
    redis.command(&["HSET", KEY, "field", "value"]);
    let a = machine(&redis, RateLimiter::fixed(limit));
    a.acquire(soon())
        .await
        .expect("a hash never blocks")
        .failed();
    assert!(redis.command(&["TYPE", KEY]).contains("string"));
    // Every key is namespaced and expires when idle.
    let ttl = redis.command(&["PTTL", KEY]);
    let ttl: i64 = ttl.trim_start_matches(':').trim().parse().expect("a TTL");
    assert!(ttl > 0 && ttl <= 24 * 3600 * 1000, "{ttl}");
}

#[tokio::test]
async fn a_lost_redis_falls_back_to_local_state_and_is_used_again_when_back() {
    let mut redis = RedisServer::start();
    let limit = Limit::new(1000, Duration::from_secs(60)).unwrap();
    let a = machine(&redis, RateLimiter::fixed(limit));
    a.acquire(None).await.unwrap().answered(&answer(200, None));
    assert!(redis.command(&["EXISTS", KEY]).contains(":1"));

    redis.kill();
    let t0 = Instant::now();
    for _ in 0..5 {
        a.acquire(soon())
            .await
            .expect("local state")
            .answered(&answer(200, None));
    }
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());

    redis.restart();
    assert!(
        redis.command(&["EXISTS", KEY]).contains(":0"),
        "a new, empty Redis"
    );
    // Redis is tried again after `RETRY_DOWN`; from then on the ledger is there.
    let until = Instant::now() + connkit_transport::shared_state::RETRY_DOWN * 3;
    while !redis.command(&["EXISTS", KEY]).contains(":1") {
        assert!(Instant::now() < until, "never went back to Redis");
        a.acquire(None).await.unwrap().answered(&answer(200, None));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_unreachable_redis_at_start_costs_one_short_timeout_at_most() {
    let port = {
        let redis = RedisServer::start();
        redis.port()
    };
    let state = SharedState::redis(&format!("redis://127.0.0.1:{port}/0")).unwrap();
    let limit = Limit::new(2, Duration::from_secs(60)).unwrap();
    let a = RateLimiter::fixed(limit).shared_across(state, NAME);
    let t0 = Instant::now();
    a.acquire(None).await.expect("local state").failed();
    a.acquire(None).await.expect("local state").failed();
    assert!(t0.elapsed() < connkit_transport::shared_state::CALL_TIMEOUT * 2);
    // The local limit still holds.
    assert!(a.acquire(soon()).await.unwrap_err().is_rate_limited());
}
