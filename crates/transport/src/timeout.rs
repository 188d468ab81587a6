//! `Timeout`: a time limit on one attempt or on the whole operation.
//!
//! The connect timeout lives in the backend ([`HttpBackendBuilder::connect_timeout`](crate::HttpBackendBuilder::connect_timeout)),
//! where the connection is made.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::request::deadline_of;
use crate::{Deadline, TimeoutPhase, Transport, TransportError};

/// Fails a request with [`TransportError::Timeout`] if the inner transport has not
/// produced a complete response within the limit. Dropping the inner future cancels the
/// exchange (the connection is not reused).
///
/// - [`Timeout::per_attempt`] wraps the backend (below the retry layer), so each attempt
///   gets the full limit and a timed-out idempotent attempt can be retried.
/// - [`Timeout::operation`] wraps the whole stack and also sets the request's
///   [`Deadline`], so the retry and rate-limit layers never plan a wait past it.
#[derive(Debug, Clone)]
pub struct Timeout<T> {
    inner: T,
    limit: Duration,
    phase: TimeoutPhase,
}

impl<T> Timeout<T> {
    /// A limit on each attempt (send + whole response body).
    pub fn per_attempt(inner: T, limit: Duration) -> Self {
        Timeout {
            inner,
            limit,
            phase: TimeoutPhase::Attempt,
        }
    }

    /// A limit on the whole operation (every attempt, backoff, token fetch and
    /// rate-limit wait).
    pub fn operation(inner: T, limit: Duration) -> Self {
        Timeout {
            inner,
            limit,
            phase: TimeoutPhase::Operation,
        }
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Timeout<T> {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        if self.phase == TimeoutPhase::Operation {
            // Saturate rather than panic on an absurdly large limit.
            if let Some(ours) = Instant::now().checked_add(self.limit) {
                let deadline = deadline_of(&request).map_or(ours, |d| d.min(ours));
                request.extensions_mut().insert(Deadline(deadline));
            }
        }
        match tokio::time::timeout(self.limit, self.inner.send(request)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(TransportError::Timeout {
                phase: self.phase,
                after: self.limit,
            }),
        }
    }
}
