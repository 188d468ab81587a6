//! Connection failures and timeouts over real sockets.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use connkit_transport::{
    Deadline, HttpBackend, LastAttempt, RetryPolicy, TimeoutPhase, Transport, TransportError,
    TransportStackBuilder,
};
use http::Method;

use crate::retry::{fast_retries, stack};
use crate::server::{closed_port, raw_server, request, Raw};

#[tokio::test]
async fn connection_refused_is_retried_for_every_method() {
    // Nothing was written to a refused connection: even a POST or PATCH is resent.
    let addr = closed_port().await;
    let uri = format!("http://{addr}/v2024/connectors");
    let transport = stack(fast_retries(3));
    for method in [Method::GET, Method::POST, Method::PATCH] {
        let err = transport
            .send(request(method.clone(), &uri))
            .await
            .unwrap_err();
        match &err {
            TransportError::RetriesExhausted {
                attempts: 3,
                last: LastAttempt::Error(inner),
            } => {
                assert!(inner.is_connect(), "{method}: {inner:?}");
                assert!(inner.to_string().contains(&addr.to_string()), "{inner}");
            }
            other => panic!("{method}: unexpected {other:?}"),
        }
        assert!(err.is_unreachable(), "{method}");
        assert!(!err.may_have_been_processed(), "{method}");
        let chain = crate::server::chain(&err);
        let expected = format!("gave up after 3 attempts: could not connect to {addr}: ");
        assert!(chain.starts_with(&expected), "{chain}");
    }
}

#[tokio::test]
async fn a_reset_connection_is_a_network_error_retried_when_idempotent() {
    let (addr, accepted) = raw_server(|i| if i == 0 { Raw::Reset } else { Raw::Ok }).await;
    let uri = format!("http://{addr}/v2024/connectors");
    let response = stack(fast_retries(3))
        .send(request(Method::GET, &uri))
        .await
        .unwrap();
    assert_eq!(&response.body()[..], b"ok");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);

    let (addr, accepted) = raw_server(|_| Raw::Reset).await;
    let uri = format!("http://{addr}/v2024/connectors");
    let err = stack(fast_retries(3))
        .send(request(Method::PATCH, &uri))
        .await
        .unwrap_err();
    assert!(matches!(err, TransportError::Network { .. }), "{err:?}");
    assert!(err.may_have_been_processed(), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

/// GETs from a server that accepts and never answers, through a stack set up by
/// `configure`; gives the error and how many connections the server accepted.
async fn get_from_a_silent_server(
    configure: impl FnOnce(TransportStackBuilder) -> TransportStackBuilder,
) -> (TransportError, usize) {
    let (addr, accepted) = raw_server(|_| Raw::Hang).await;
    let transport = configure(crate::server::stack_builder()).build().unwrap();
    let err = transport
        .send(request(
            Method::GET,
            &format!("http://{addr}/v2024/connectors"),
        ))
        .await
        .unwrap_err();
    (err, accepted.load(Ordering::SeqCst))
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_attempt_timeout() {
    let started = Instant::now();
    let (err, accepted) = get_from_a_silent_server(|b| {
        b.retry(fast_retries(2))
            .attempt_timeout(Duration::from_millis(200))
    })
    .await;
    match &err {
        TransportError::RetriesExhausted {
            attempts: 2,
            last: LastAttempt::Error(inner),
        } => assert!(
            matches!(
                **inner,
                TransportError::Timeout {
                    phase: TimeoutPhase::Attempt,
                    ..
                }
            ),
            "{inner:?}"
        ),
        other => panic!("unexpected {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(accepted, 2);
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_operation_timeout() {
    let (err, accepted) = get_from_a_silent_server(|b| {
        b.retry(RetryPolicy::no_retries())
            .operation_timeout(Duration::from_millis(250))
    })
    .await;
    assert!(err.is_timeout());
    assert!(
        matches!(
            err,
            TransportError::Timeout {
                phase: TimeoutPhase::Operation,
                after
            } if after == Duration::from_millis(250)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("whole operation"), "{err}");
    assert_eq!(accepted, 1);
}

#[tokio::test]
async fn a_connection_that_cannot_be_established_hits_the_connect_timeout() {
    // A listener that never accepts, with its accept queue filled: Linux then drops
    // further SYNs, so the next connect hangs until the client gives up.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let connect = tokio::net::TcpStream::connect(addr);
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_millis(100), connect).await {
            fillers.push(stream);
        }
    }
    let backend = HttpBackend::builder()
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = backend
        .send(request(
            Method::GET,
            &format!("http://{addr}/v2024/connectors"),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            TransportError::Timeout {
                phase: TimeoutPhase::Connect,
                after
            } if after == Duration::from_millis(200)
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(listener);
}

#[tokio::test]
async fn the_operation_timeout_ends_at_an_earlier_deadline_of_the_request() {
    // A caller's whole-job deadline (e.g. a paginator's) is shorter than the stack's
    // per-operation limit: the operation ends at the deadline.
    let (addr, accepted) = raw_server(|_| Raw::Hang).await;
    let transport = crate::server::stack_builder()
        .retry(RetryPolicy::no_retries())
        .operation_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut get = request(Method::GET, &format!("http://{addr}/v2024/connectors"));
    let started = Instant::now();
    get.extensions_mut()
        .insert(Deadline(started + Duration::from_millis(300)));
    let err = transport.send(get).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            TransportError::Timeout {
                phase: TimeoutPhase::Operation,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(took >= Duration::from_millis(280), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
