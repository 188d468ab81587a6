//! The retry layer against a real server: 429 with `Retry-After`, 5xx by idempotency,
//! exhaustion carrying the last response.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connkit_transport::{Idempotency, LastAttempt, RetryPolicy, Transport, TransportError};
use http::Method;

use crate::server::{json, request, respond, serve, TestServer};

pub fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
}

pub fn stack(policy: RetryPolicy) -> Arc<dyn Transport> {
    crate::server::stack_builder()
        .retry(policy)
        .build()
        .unwrap()
}

fn gaps(server: &TestServer) -> Vec<Duration> {
    let seen = server.seen();
    seen.windows(2).map(|w| w[1].at - w[0].at).collect()
}

#[tokio::test]
async fn a_429_waits_retry_after_seconds_for_any_method() {
    let server = serve(|_, index| async move {
        if index == 0 {
            respond(429, &[("retry-after", "1")], r#"{"message":"slow down"}"#)
        } else {
            json(200, "{}")
        }
    })
    .await;
    let response = stack(fast_retries(3))
        .send(request(Method::POST, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let gaps = gaps(&server);
    assert_eq!(gaps.len(), 1);
    assert!(gaps[0] >= Duration::from_millis(950), "{gaps:?}");
}

#[tokio::test]
async fn a_429_waits_until_a_retry_after_http_date() {
    let server = serve(|_, index| async move {
        if index == 0 {
            // HTTP dates have whole seconds: the wait is between 1 and 2 seconds.
            let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            respond(429, &[("retry-after", &date)], "")
        } else {
            json(200, "{}")
        }
    })
    .await;
    let response = stack(fast_retries(3))
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let gaps = gaps(&server);
    assert!(gaps[0] >= Duration::from_millis(900), "{gaps:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_gives_up_at_once_with_the_429() {
    let server = serve(|_, _| async {
        respond(
            429,
            &[("retry-after", "3600")],
            r#"{"message":"rate limited"}"#,
        )
    })
    .await;
    let err = stack(fast_retries(5))
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    let last = err.last_response().expect("the last response is kept");
    assert_eq!(last.status, 429);
    assert_eq!(last.headers["retry-after"], "3600");
    assert_eq!(&last.body[..], br#"{"message":"rate limited"}"#);
    assert!(matches!(
        err,
        TransportError::RetriesExhausted { attempts: 1, .. }
    ));
    assert_eq!(server.seen().len(), 1);
}

fn unavailable_twice(
) -> impl Fn(crate::server::Seen, usize) -> std::future::Ready<axum::response::Response> + Clone {
    |_, index| {
        std::future::ready(if index < 2 {
            json(503, r#"{"detailCode":"503","messages":[]}"#)
        } else {
            json(200, "[]")
        })
    }
}

#[tokio::test]
async fn a_503_on_get_is_retried() {
    let server = serve(unavailable_twice()).await;
    let response = stack(fast_retries(4))
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_503_on_post_is_not_retried_unless_marked_idempotent() {
    let server = serve(unavailable_twice()).await;
    let transport = stack(fast_retries(4));
    let response = transport
        .send(request(Method::POST, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.seen().len(), 1);

    let mut marked = request(Method::POST, &server.api("/connectors"));
    marked.extensions_mut().insert(Idempotency::Idempotent);
    let response = transport.send(marked).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_get_marked_non_idempotent_is_not_retried() {
    let server = serve(unavailable_twice()).await;
    let mut marked = request(Method::GET, &server.api("/connectors"));
    marked.extensions_mut().insert(Idempotency::NonIdempotent);
    let response = stack(fast_retries(4)).send(marked).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_501_is_never_retried() {
    let server = serve(|_, _| async { json(501, "{}") }).await;
    let response = stack(fast_retries(4))
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 501);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn exhausted_retries_carry_the_last_response() {
    let server = serve(|_, index| async move {
        respond(
            503,
            &[("x-attempt", &index.to_string())],
            format!(r#"{{"trackingId":"t{index}"}}"#),
        )
    })
    .await;
    let err = stack(fast_retries(3))
        .send(request(Method::DELETE, &server.api("/connectors/x")))
        .await
        .unwrap_err();
    match &err {
        TransportError::RetriesExhausted {
            attempts: 3,
            last: LastAttempt::Response(last),
        } => {
            assert_eq!(last.status, 503);
            assert_eq!(last.headers["x-attempt"], "2");
            assert_eq!(&last.body[..], br#"{"trackingId":"t2"}"#);
            assert_eq!(last.to_response().status(), 503);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!err.is_rate_limited());
    assert_eq!(
        crate::server::chain(&err),
        "gave up after 3 attempts: the last response was 503 Service Unavailable"
    );
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn the_retry_layer_will_not_wait_past_the_operation_deadline() {
    let server = serve(|_, _| async { respond(503, &[("retry-after", "5")], "") }).await;
    let transport = crate::server::stack_builder()
        .retry(fast_retries(4))
        .operation_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap_err();
    // It gives up at once with the response, rather than sleeping into a timeout.
    assert!(
        matches!(err, TransportError::RetriesExhausted { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}
