//! [`ErrorKind`]: one classification of failures for every API client, so that the CLI
//! (and any caller) maps both APIs' errors to outcomes the same way.

use connkit_transport::TransportError;
use http::StatusCode;

/// What kind of failure an API client's error is, for callers that map failures to
/// outcomes (both `connkit-connectors` and `connkit-c1` classify theirs with it).
///
/// Each word means one thing, as in [`TransportError`]: *rate limited* is a 429 or the
/// client-side limiter; *retries exhausted* is the retry layer giving up on any other
/// retryable answer (a 5xx); *unreachable* is no answer at all.
///
/// The `connkit` CLI maps them to exit codes: pre-flight rejected 3, not found 4, auth
/// 5, rate limited, retries exhausted or unreachable 6 (all three: try again later),
/// may have been applied 7, invalid input as a usage error, other 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Pre-flight validation rejected the body; nothing was sent.
    PreflightRejected,
    /// The connector (or other resource) does not exist: HTTP 404.
    NotFound,
    /// Credentials were refused or no token could be had: HTTP 401/403, token endpoint.
    Auth,
    /// Held back by a rate limit: HTTP 429 (also when retries gave up on one), or the
    /// client-side limiter could not start the request before its deadline.
    RateLimited,
    /// The retry layer gave up on a retryable answer that is not a 429 (a 5xx on an
    /// idempotent request), after its attempts or before the deadline.
    RetriesExhausted,
    /// The caller's input is wrong: bad filter, bad argument, unreadable file, HTTP 400.
    InvalidInput,
    /// The server (or its token endpoint) could not be reached or did not answer:
    /// refused, untrusted certificate, connection lost, timeout — and, for a write, it
    /// is known not to have been applied.
    Unreachable,
    /// A write was sent and no usable answer came back: it may have been applied
    /// (ISC's `Error::MaybeApplied`).
    MaybeApplied,
    /// Anything else: server errors, undecodable answers, `UpdateDetail` `ERROR`,
    /// connection failures.
    Other,
}

impl ErrorKind {
    /// The kind of a transport failure: auth, rate limited, unreachable, retries
    /// exhausted, a refused setting (invalid input), or other.
    pub fn of_transport(error: &TransportError) -> ErrorKind {
        if error.is_auth() {
            ErrorKind::Auth
        } else if error.is_rate_limited() {
            ErrorKind::RateLimited
        } else if error.is_unreachable() {
            ErrorKind::Unreachable
        } else if matches!(error, TransportError::RetriesExhausted { .. }) {
            ErrorKind::RetriesExhausted
        } else if matches!(error, TransportError::Config(_)) {
            ErrorKind::InvalidInput
        } else {
            ErrorKind::Other
        }
    }

    /// The kind of an error answer with `status`; `retried` when the retry layer gave
    /// up on it.
    pub fn of_status(status: StatusCode, retried: bool) -> ErrorKind {
        match status {
            StatusCode::NOT_FOUND => ErrorKind::NotFound,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ErrorKind::Auth,
            StatusCode::TOO_MANY_REQUESTS => ErrorKind::RateLimited,
            _ if retried => ErrorKind::RetriesExhausted,
            StatusCode::BAD_REQUEST => ErrorKind::InvalidInput,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_transport_failures_classify() {
        assert_eq!(
            ErrorKind::of_status(StatusCode::NOT_FOUND, true),
            ErrorKind::NotFound
        );
        assert_eq!(
            ErrorKind::of_status(StatusCode::BAD_GATEWAY, true),
            ErrorKind::RetriesExhausted
        );
        assert_eq!(
            ErrorKind::of_status(StatusCode::BAD_REQUEST, false),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            ErrorKind::of_status(StatusCode::CONFLICT, false),
            ErrorKind::Other
        );
        assert_eq!(
            ErrorKind::of_transport(&TransportError::Config(
                connkit_transport::ConfigError::invalid("bad")
            )),
            ErrorKind::InvalidInput
        );
    }
}
