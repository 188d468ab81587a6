//! `Traced`: a `tracing` span around each request that goes on the wire.

use std::time::Instant;

use bytes::Bytes;
use tracing::Instrument;

use crate::{Attempt, Transport, TransportError};

/// Opens a `DEBUG` span named `http_request` around each request with the fields
/// `method`, `host`, `path` (no query), `attempt` (from the [`Attempt`] extension, 1 if
/// absent), and, when it ends, `status` and `latency_ms`; then logs one `DEBUG` event
/// `response` or `request failed` inside it.
///
/// Headers and bodies are never recorded, so tokens, client secrets and the token
/// request's form never reach a log. Returns exactly what the inner transport returns.
#[derive(Debug, Clone)]
pub struct Traced<T> {
    inner: T,
}

impl<T> Traced<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Traced { inner }
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Traced<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let attempt = request.extensions().get::<Attempt>().map_or(1, |a| a.0);
        let span = tracing::debug_span!(
            "http_request",
            method = %request.method(),
            host = %request.uri().host().unwrap_or(""),
            path = %request.uri().path(),
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self.inner.send(request).instrument(span.clone()).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("latency_ms", latency_ms);
        span.in_scope(|| match &outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                span.record("status", status);
                tracing::debug!(status, latency_ms, "response");
            }
            Err(error) => tracing::debug!(error = %error, latency_ms, "request failed"),
        });
        outcome
    }
}
