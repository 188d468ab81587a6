//! `Retry`: resend a request after a transient failure, with backoff.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::StatusCode;

use crate::request::{clone_request, deadline_of};
use crate::{Attempt, Idempotency, LastAttempt, TimeoutPhase, Transport, TransportError};

/// How the [`Retry`] layer retries.
///
/// What is retried:
/// - what proves the request was not processed, for every method (POST and PATCH too;
///   see [`TransportError::may_have_been_processed`]): **429**, waiting what
///   `Retry-After` asks (seconds or an HTTP date), and a **connection that could not be
///   made** (refused, DNS, connect timeout, TLS handshake) — nothing was written;
/// - **5xx except 501** and **a lost exchange** (reset, truncated, a per-attempt
///   timeout) only for idempotent requests: GET, HEAD, PUT, DELETE, OPTIONS, TRACE, or
///   any request marked [`Idempotency::Idempotent`] (and never one marked
///   [`Idempotency::NonIdempotent`]). A `Retry-After` on a 503 is honoured too.
///
/// Never retried: an [untrusted certificate](TransportError::UntrustedCertificate) and
/// every other error.
///
/// Without `Retry-After` the wait is exponential backoff with "equal jitter": before
/// retry *n* the base is `initial_backoff × 2ⁿ⁻¹` capped at `max_backoff`, and the wait is
/// uniformly random in `[base/2, base]`.
///
/// When to give up (the result is then [`TransportError::RetriesExhausted`] carrying the
/// last response or error and the attempt count):
/// - `max_attempts` attempts were made;
/// - the server's `Retry-After` is longer than `max_retry_after`;
/// - the wait would end after the request's [`Deadline`](crate::Deadline).
///
/// Defaults: 4 attempts, 250 ms initial backoff, 8 s maximum backoff, 60 s maximum
/// `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that makes exactly one attempt. A retryable outcome still becomes
    /// [`TransportError::RetriesExhausted`] with `attempts == 1`, so callers see the same
    /// errors whether or not retries are enabled.
    pub fn no_retries() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// The total number of attempts, including the first (at least 1; 0 is taken as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff base before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff base.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the layer will wait; a longer one ends the retries.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The jittered backoff before retry number `retry` (1 for the first retry).
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = base / 2;
        let extra_nanos = fastrand::u64(0..=u64::try_from(half.as_nanos()).unwrap_or(u64::MAX));
        half + Duration::from_nanos(extra_nanos)
    }
}

/// Retries transient failures of the inner transport according to a [`RetryPolicy`].
///
/// Returns `Ok` with any response that is not retryable, `Err` with any error that is not
/// retryable (unchanged), and [`TransportError::RetriesExhausted`] when it gives up on a
/// retryable outcome. Each attempt carries an [`Attempt`] extension.
#[derive(Debug, Clone)]
pub struct Retry<T> {
    inner: T,
    policy: RetryPolicy,
}

impl<T> Retry<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, policy: RetryPolicy) -> Self {
        Retry { inner, policy }
    }
}

/// Why an outcome may be retried, and how long the server asked to wait.
struct Verdict {
    retry: bool,
    server_wait: Option<Duration>,
}

fn judge(outcome: &Result<http::Response<Bytes>, TransportError>, idempotent: bool) -> Verdict {
    match outcome {
        Ok(response) => {
            let status = response.status();
            let retry = status == StatusCode::TOO_MANY_REQUESTS
                || (idempotent
                    && status.is_server_error()
                    && status != StatusCode::NOT_IMPLEMENTED);
            Verdict {
                retry,
                server_wait: if retry {
                    retry_after(response.headers(), SystemTime::now())
                } else {
                    None
                },
            }
        }
        Err(error) => Verdict {
            retry: match error {
                // Nothing was written: safe to resend whatever the method.
                TransportError::Connect { .. }
                | TransportError::Timeout {
                    phase: TimeoutPhase::Connect,
                    ..
                } => true,
                // The request may have been processed.
                TransportError::Network { .. }
                | TransportError::Timeout {
                    phase: TimeoutPhase::Attempt,
                    ..
                } => idempotent,
                // An untrusted certificate, a refused token, …: the same again.
                _ => false,
            },
            server_wait: None,
        },
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (a date in the past means 0).
pub(crate) fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn last_attempt(outcome: Result<http::Response<Bytes>, TransportError>) -> LastAttempt {
    match outcome {
        Ok(response) => LastAttempt::Response(Box::new(response.into())),
        Err(error) => LastAttempt::Error(Box::new(error)),
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Retry<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let idempotent = Idempotency::of(&request) == Idempotency::Idempotent;
        let deadline = deadline_of(&request);
        let mut attempt: u32 = 1;
        loop {
            let mut this_attempt = clone_request(&request);
            this_attempt.extensions_mut().insert(Attempt(attempt));
            let outcome = self.inner.send(this_attempt).await;
            let verdict = judge(&outcome, idempotent);
            if !verdict.retry {
                return outcome;
            }
            let give_up = |attempts| {
                Err(TransportError::RetriesExhausted {
                    attempts,
                    last: last_attempt(outcome),
                })
            };
            if attempt >= self.policy.max_attempts {
                return give_up(attempt);
            }
            let wait = match verdict.server_wait {
                Some(asked) if asked > self.policy.max_retry_after => {
                    tracing::debug!(
                        attempt,
                        asked_ms = asked.as_millis() as u64,
                        "Retry-After too long; giving up"
                    );
                    return give_up(attempt);
                }
                Some(asked) => asked,
                None => self.policy.backoff(attempt),
            };
            let ends = Instant::now().checked_add(wait);
            if deadline.is_some_and(|d| ends.is_none_or(|end| end >= d)) {
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retry would pass the deadline; giving up"
                );
                return give_up(attempt);
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            crate::runtime::sleep(wait).await?;
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert(http::header::RETRY_AFTER, " 7 ".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(3));
        h.insert(http::header::RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert(http::header::RETRY_AFTER, past.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
        h.insert(http::header::RETRY_AFTER, "-1".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..200 {
            let first = p.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = p.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = p.backoff(30);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
        assert_eq!(RetryPolicy::no_retries().attempts(), 1);
    }
}
