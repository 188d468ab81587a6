//! The sliding-window rate limiter, measured at the server.

use std::sync::Arc;
use std::time::Duration;

use connkit_transport::{HttpBackend, RateLimiter, Transport, TransportError, TransportStack};
use http::Method;

use crate::server::{json, request, serve};

const N: usize = 20;
const WINDOW: Duration = Duration::from_millis(500);
/// Arrivals lag the limiter's start times by a scheduling-dependent amount (tens of
/// milliseconds on a busy 2-core machine). A token bucket refilling N per window would
/// put N+1 arrivals within W/N = 25 ms, and no limiter within ~0 ms, so this tolerance
/// still tells a sliding window apart.
const TOLERANCE: Duration = Duration::from_millis(200);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_300_never_puts_more_than_n_in_any_window() {
    let server = serve(|_, _| async { json(200, "{}") }).await;
    let limiter = RateLimiter::new(N as u32, WINDOW).unwrap();
    // Two stacks (and clones of each) sharing one limiter count against one budget.
    let stacks: Vec<Arc<dyn Transport>> = (0..2)
        .map(|_| {
            // Enough idle connections that starts rarely wait for a new connection.
            let backend = HttpBackend::builder()
                .pool_max_idle_per_host(N)
                .build()
                .unwrap();
            TransportStack::builder(backend)
                .rate_limit(limiter.clone())
                .build()
                .unwrap()
        })
        .collect();
    let mut tasks = Vec::new();
    for i in 0..300 {
        let transport = Arc::clone(&stacks[i % 2]);
        let uri = server.api("/connectors");
        tasks.push(tokio::spawn(async move {
            transport.send(request(Method::GET, &uri)).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status(), 200);
    }
    let mut arrivals: Vec<_> = server.seen().iter().map(|s| s.at).collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 300);
    // Any N+1 consecutive arrivals span at least a window (less the tolerance).
    let tightest = arrivals.windows(N + 1).map(|w| w[N] - w[0]).min().unwrap();
    assert!(
        tightest >= WINDOW - TOLERANCE,
        "{N}+1 arrivals within {tightest:?}"
    );
    // And the limiter did let bursts through: the first N arrived together.
    assert!(
        arrivals[N - 1] - arrivals[0] < WINDOW,
        "the first window was not used"
    );
}

#[tokio::test]
async fn a_slot_after_the_deadline_fails_at_once_and_sends_nothing() {
    let server = serve(|_, _| async { json(200, "{}") }).await;
    let transport = TransportStack::builder(HttpBackend::new().unwrap())
        .rate_limit(RateLimiter::new(1, Duration::from_secs(60)).unwrap())
        .operation_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let uri = server.api("/connectors");
    transport.send(request(Method::GET, &uri)).await.unwrap();
    let started = std::time::Instant::now();
    let err = transport
        .send(request(Method::GET, &uri))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TransportError::RateLimited { wait } if wait > Duration::from_secs(50)),
        "{err:?}"
    );
    assert!(err.is_rate_limited());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.seen().len(), 1);
}
