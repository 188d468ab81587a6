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
///   [`Deadline`], so the retry and rate-limit layers never plan a wait past it. A
///   request that already carries an earlier [`Deadline`] (a whole listing, a whole
///   command) ends at that deadline instead.
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
        let started = Instant::now();
        // Saturate rather than panic on an absurdly large limit.
        let ours = started.checked_add(self.limit);
        let mut ends = ours;
        if self.phase == TimeoutPhase::Operation {
            // A caller's earlier deadline (a whole listing, a whole command) wins.
            ends = match (ours, deadline_of(&request)) {
                (Some(ours), Some(theirs)) => Some(ours.min(theirs)),
                (ours, theirs) => ours.or(theirs),
            };
            if let Some(deadline) = ends {
                request.extensions_mut().insert(Deadline(deadline));
            }
        }
        let Some(ends) = ends else {
            return self.inner.send(request).await;
        };
        // Tokio's timer would panic outside a runtime.
        crate::runtime::require()?;
        match tokio::time::timeout_at(ends.into(), self.inner.send(request)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(TransportError::Timeout {
                phase: self.phase,
                // Our own limit, or what was left of the caller's deadline.
                after: if Some(ends) == ours {
                    self.limit
                } else {
                    ends.saturating_duration_since(started)
                },
            }),
        }
    }
}
