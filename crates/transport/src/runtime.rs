//! What the transport needs of its caller: a Tokio runtime with I/O and timers.
//!
//! reqwest (over hyper) opens its connections on the runtime's I/O driver, and the
//! timeout, retry and rate-limit layers wait on its timers; outside a runtime both
//! would panic ("there is no reactor running"). Every place that needs the runtime
//! asks for it here first and fails with [`TransportError::NoRuntime`] instead. Tokio
//! offers no way to ask whether a running runtime has its I/O and time drivers
//! enabled, so a runtime built without `enable_io`/`enable_time` is left to Tokio's own
//! panic; the crate docs state the requirement.

use std::time::Duration;

use crate::TransportError;

/// `Ok` when a Tokio runtime is running on this thread, else
/// [`TransportError::NoRuntime`].
pub(crate) fn require() -> Result<(), TransportError> {
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|_| TransportError::NoRuntime)
}

/// Waits `wait` on the runtime's timer, or fails with [`TransportError::NoRuntime`]
/// at once when no runtime is running.
pub(crate) async fn sleep(wait: Duration) -> Result<(), TransportError> {
    require()?;
    tokio::time::sleep(wait).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use futures::FutureExt as _;
    use http::StatusCode;

    use crate::test_util::ReplayTransport;
    use crate::{RateLimit, RateLimiter, Retry, RetryPolicy, Timeout, Transport, TransportError};

    fn request() -> http::Request<Bytes> {
        http::Request::get("http://127.0.0.1:9/connectors")
            .body(Bytes::new())
            .expect("request")
    }

    /// Polls `transport.send` once, where no Tokio runtime runs: it must be done at
    /// once, with [`TransportError::NoRuntime`] (before the fix: a panic).
    #[track_caller]
    fn refused_outside_a_runtime(transport: &dyn Transport) {
        assert!(tokio::runtime::Handle::try_current().is_err());
        match transport.send(request()).now_or_never() {
            Some(Err(TransportError::NoRuntime)) => {}
            other => panic!("expected NoRuntime, got {other:?}"),
        }
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn outside_a_tokio_runtime_the_http_backend_and_the_stack_say_what_they_need() {
        let backend = crate::HttpBackend::new().expect("backend");
        refused_outside_a_runtime(&backend);
        let stack = crate::TransportStack::builder(backend)
            .rate_limit_state_dir(None)
            .build()
            .expect("stack");
        refused_outside_a_runtime(&*stack);
        assert_eq!(
            TransportError::NoRuntime.to_string(),
            "connkit's HTTP client needs a Tokio runtime with I/O and timers enabled \
             (tokio::runtime::Builder::enable_all); none is running"
        );
    }

    #[test]
    fn outside_a_tokio_runtime_each_layer_that_waits_refuses_before_waiting() {
        // The timeout's timer.
        refused_outside_a_runtime(&Timeout::operation(
            ReplayTransport::new(),
            Duration::from_secs(1),
        ));

        // The retry layer's backoff, after a first attempt that needed no runtime.
        let unavailable = ReplayTransport::new();
        unavailable.push_json(StatusCode::SERVICE_UNAVAILABLE, "{}");
        refused_outside_a_runtime(&Retry::new(unavailable.clone(), RetryPolicy::default()));
        assert_eq!(unavailable.requests().len(), 1);

        // The rate limiter's wait for a slot, once the only one is taken.
        let answers = ReplayTransport::new();
        answers.push_json(StatusCode::OK, "[]");
        let limiter = RateLimiter::new(1, Duration::from_secs(60)).expect("limit");
        let limited = RateLimit::new(answers.clone(), limiter);
        let first = limited.send(request()).now_or_never();
        assert!(matches!(first, Some(Ok(_))), "{first:?}");
        refused_outside_a_runtime(&limited);
        assert_eq!(answers.requests().len(), 1);
    }
}
