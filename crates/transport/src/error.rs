//! `TransportError`: why no complete HTTP response could be had, or why a layer gave up.
//!
//! What each piece of the stack returns:
//!
//! | source | `Ok` | `Err` |
//! |---|---|---|
//! | backend ([`HttpBackend`](crate::HttpBackend)) | every HTTP status | [`Connect`](TransportError::Connect), [`UntrustedCertificate`](TransportError::UntrustedCertificate), [`Network`](TransportError::Network), [`Timeout`](TransportError::Timeout) (`Connect` phase), [`InvalidRequest`](TransportError::InvalidRequest); [`NoBackend`](TransportError::NoBackend) at construction |
//! | [`Timeout`](crate::Timeout) layer | what the inner transport answered | [`Timeout`](TransportError::Timeout) with its phase (`Attempt` or `Operation`), or the inner error |
//! | [`Retry`](crate::Retry) layer | any response that is not retryable (2xx, 4xx except 429, 501, 5xx on a non-idempotent request) | [`RetriesExhausted`](TransportError::RetriesExhausted) when the last outcome was still retryable; a non-retryable inner error unchanged |
//! | [`RateLimit`](crate::RateLimit) layer | what the inner transport answered | [`RateLimited`](TransportError::RateLimited) when no slot opens before the request's [`Deadline`](crate::Deadline); the inner error |
//! | [`AuthLayer`](crate::AuthLayer) | what the inner transport answered, including a 401 that survived one refresh and replay | [`Auth`](TransportError::Auth) when no token could be had; the inner error |
//! | configuration ([`ConfigSources`](crate::ConfigSources), [`BaseUrl`](crate::BaseUrl), builders) | — | [`Config`](TransportError::Config) |
//! | backend, [`Timeout`](crate::Timeout), [`Retry`](crate::Retry) (before a backoff), [`RateLimit`](crate::RateLimit) (before a wait), outside a Tokio runtime | — | [`NoRuntime`](TransportError::NoRuntime) |

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::ConfigError;

/// A boxed error source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a [`Transport`](crate::Transport) could not produce a complete response.
///
/// Messages follow the `source()` chain: a variant's `Display` does not repeat its
/// source's, so print the whole chain (`Auth` → what the token endpoint answered;
/// `RetriesExhausted` → the last response's status or the last error → its cause).
///
/// Formatting never shows a secret: tokens and client secrets are kept out of every
/// variant, and bodies quoted from a token endpoint are scrubbed of the credentials that
/// were sent to it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The connection could not be established (refused, DNS, TLS handshake).
    #[error("could not connect to {target}")]
    Connect {
        /// Host and port (or URL) that was tried.
        target: String,
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// The TLS handshake failed because the server's certificate is not trusted (an
    /// unknown issuer, expired, issued for another name, a CA certificate used as the
    /// server's own, …). Never retried: trying again cannot change the certificate. A
    /// private CA or a TLS-inspecting proxy's CA can be added with
    /// [`HttpBackendBuilder::add_root_certificates_pem`](crate::HttpBackendBuilder::add_root_certificates_pem).
    #[error("the server's certificate at {target} is not trusted: {reason}")]
    UntrustedCertificate {
        /// Host and port that was tried.
        target: String,
        /// Why the certificate was refused, in words.
        reason: String,
        /// The TLS library's own error.
        #[source]
        source: BoxError,
    },
    /// The exchange failed after connecting: reset, closed early, truncated body.
    #[error("connection failed during the exchange")]
    Network {
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// The request could not be built or sent as given.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong with it.
        message: String,
    },
    /// A time limit ran out before a complete response arrived.
    #[error("timed out after {after:?} ({phase})")]
    Timeout {
        /// Which limit fired.
        phase: TimeoutPhase,
        /// The limit that was configured.
        after: Duration,
    },
    /// No bearer token could be had: the token endpoint refused, answered something that
    /// is not a usable token, or could not be reached.
    #[error("could not get an access token from {endpoint}")]
    Auth {
        /// The token endpoint URL (never carries credentials).
        endpoint: String,
        /// What went wrong there (also the error's `source()`).
        #[source]
        problem: AuthProblem,
    },
    /// The retry layer gave up while the outcome was still retryable (429, 5xx other
    /// than 501 on an idempotent request, connection failure on an idempotent request):
    /// attempts ran out, the deadline would pass, or the server asked to wait longer
    /// than allowed.
    #[error("gave up after {attempts} attempt{}", if *attempts == 1 { "" } else { "s" })]
    RetriesExhausted {
        /// How many attempts were made (1 = no retry happened).
        attempts: u32,
        /// What the last attempt produced (also the error's `source()`).
        #[source]
        last: LastAttempt,
    },
    /// The client-side rate limiter could not start the request before its deadline.
    #[error("client-side rate limit: the next request slot opens in {wait:?}, after the deadline")]
    RateLimited {
        /// How long the request would have had to wait.
        wait: Duration,
    },
    /// No HTTP backend was compiled in (build with the `reqwest` or `native-tls`
    /// feature), or the requested TLS backend is not compiled in.
    #[error("no HTTP backend available: {message}")]
    NoBackend {
        /// What is missing and which feature provides it.
        message: String,
    },
    /// Configuration is missing or invalid (base URL, credentials, config file):
    /// [`ConfigError::problem`] says which.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request was sent where no Tokio runtime is running (a plain
    /// `futures::executor::block_on`, another async runtime, a synchronous thread).
    /// The HTTP backend makes its connections on Tokio's I/O driver and the timeout,
    /// retry and rate-limit layers wait on its timers: send from inside a runtime built
    /// with both (`#[tokio::main]`, or `tokio::runtime::Builder` with `enable_all`).
    #[error("connkit's HTTP client needs a Tokio runtime with I/O and timers enabled (tokio::runtime::Builder::enable_all); none is running")]
    NoRuntime,
}

impl TransportError {
    /// `true` if no connection could be made ([`Connect`](TransportError::Connect),
    /// including an [untrusted certificate](TransportError::UntrustedCertificate)): the
    /// request never left.
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            TransportError::Connect { .. } | TransportError::UntrustedCertificate { .. }
        )
    }

    /// `true` if the server (or its token endpoint) could not be reached or did not
    /// answer: no connection, an untrusted certificate, a connection lost during the
    /// exchange, a timeout — also when retries gave up on one of these, or when it
    /// happened while fetching a token. Such a failure says nothing about credentials,
    /// so it is never [`is_auth`](TransportError::is_auth).
    pub fn is_unreachable(&self) -> bool {
        match self {
            TransportError::Connect { .. }
            | TransportError::UntrustedCertificate { .. }
            | TransportError::Network { .. }
            | TransportError::Timeout { .. } => true,
            TransportError::RetriesExhausted {
                last: LastAttempt::Error(inner),
                ..
            } => inner.is_unreachable(),
            TransportError::Auth {
                problem: AuthProblem::Unreachable(inner),
                ..
            } => inner.is_unreachable(),
            _ => false,
        }
    }

    /// `true` if the request may have been processed by the server although no usable
    /// answer came back: the connection broke after the request was sent, or a time
    /// limit ran out while it was in flight. For a non-idempotent request (POST,
    /// PATCH) the outcome is then unknown: look before sending it again.
    ///
    /// What proves a request was **not** processed (so this is `false`, and the
    /// [`Retry`](crate::Retry) layer resends even a POST or PATCH after it):
    /// - no connection was made: refused, DNS failure, a connect timeout, a TLS
    ///   handshake failure ([`Connect`](TransportError::Connect),
    ///   [`Timeout`](TransportError::Timeout) in the `Connect` phase): nothing was
    ///   written;
    /// - a **429** answer: the rate limiter in front of the API refused the request;
    /// - no token could be had, or the client-side limiter refused it: the request was
    ///   never sent.
    ///
    /// A 5xx answer is not such a proof: a gateway may answer 502, 503 or 504 after the
    /// service applied the write, and this client cannot tell whether the server had
    /// read the body when it answered. A 5xx to a POST or PATCH is therefore returned as
    /// the answer, not retried.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            TransportError::Network { .. } => true,
            TransportError::Timeout { phase, .. } => *phase != TimeoutPhase::Connect,
            TransportError::RetriesExhausted {
                last: LastAttempt::Error(inner),
                ..
            } => inner.may_have_been_processed(),
            _ => false,
        }
    }

    /// `true` if no bearer token could be had ([`Auth`](TransportError::Auth): refused
    /// credentials, an unusable answer, a failing token endpoint) — except when the
    /// token endpoint rate-limited the client, which is
    /// [`is_rate_limited`](TransportError::is_rate_limited) instead, or could not be
    /// reached, which is [`is_unreachable`](TransportError::is_unreachable) instead:
    /// no two of them hold at once.
    pub fn is_auth(&self) -> bool {
        matches!(self, TransportError::Auth { .. })
            && !self.is_rate_limited()
            && !self.is_unreachable()
    }

    /// `true` for a timeout of any phase.
    pub fn is_timeout(&self) -> bool {
        matches!(self, TransportError::Timeout { .. })
    }

    /// `true` if the client was held back by a rate limit: the client-side limiter, or
    /// a 429 the retry layer gave up on (also when that happened at the token endpoint).
    pub fn is_rate_limited(&self) -> bool {
        match self {
            TransportError::RateLimited { .. } => true,
            TransportError::RetriesExhausted { last, .. } => {
                last.status() == Some(StatusCode::TOO_MANY_REQUESTS)
            }
            TransportError::Auth { problem, .. } => match problem {
                AuthProblem::Unreachable(inner) => inner.is_rate_limited(),
                AuthProblem::Rejected { status, .. } => *status == StatusCode::TOO_MANY_REQUESTS,
                AuthProblem::BadToken { .. } => false,
            },
            _ => false,
        }
    }

    /// The last HTTP response carried by [`RetriesExhausted`](TransportError::RetriesExhausted),
    /// if the last attempt produced one.
    pub fn last_response(&self) -> Option<&LastResponse> {
        match self {
            TransportError::RetriesExhausted {
                last: LastAttempt::Response(response),
                ..
            } => Some(response),
            _ => None,
        }
    }

    /// An invalid configuration value (see [`ConfigError::invalid`]).
    pub(crate) fn config(message: impl Into<String>) -> Self {
        TransportError::Config(ConfigError::invalid(message))
    }

    /// The configuration problem, if this is one.
    pub fn as_config(&self) -> Option<&ConfigError> {
        match self {
            TransportError::Config(e) => Some(e),
            _ => None,
        }
    }
}

/// Which time limit fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Establishing the TCP/TLS connection.
    Connect,
    /// One attempt: sending the request and receiving the whole response.
    Attempt,
    /// The whole operation: every attempt, backoff, token fetch and rate-limit wait.
    Operation,
}

impl std::fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Attempt => "per attempt",
            TimeoutPhase::Operation => "whole operation",
        })
    }
}

/// What went wrong at the token endpoint. Cloneable, so that every task that was
/// waiting on one failed token request gets its answer.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthProblem {
    /// The endpoint answered with a non-success status.
    #[error("the token endpoint answered {status}: {body}")]
    Rejected {
        /// The status it answered.
        status: StatusCode,
        /// The start of its body (lossy UTF-8, at most 512 bytes), secrets scrubbed.
        body: String,
    },
    /// The endpoint answered 2xx, but not with a usable bearer token (not JSON, no
    /// `access_token`, an empty token, a `token_type` other than `bearer`).
    #[error("the token endpoint's answer is not a usable token: {reason}")]
    BadToken {
        /// What is wrong with the answer.
        reason: String,
    },
    /// The endpoint could not be reached, or retries ran out there.
    #[error("the token request got no usable answer")]
    Unreachable(#[source] Arc<TransportError>),
}

/// The outcome of the last attempt, carried by
/// [`RetriesExhausted`](TransportError::RetriesExhausted) as its `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LastAttempt {
    /// The last attempt got a (retryable) response.
    #[error("the last response was {}", .0.status)]
    Response(Box<LastResponse>),
    /// The last attempt failed without a response (shown as that error).
    #[error(transparent)]
    Error(Box<TransportError>),
}

impl LastAttempt {
    /// The status of the last response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            LastAttempt::Response(r) => Some(r.status),
            LastAttempt::Error(_) => None,
        }
    }
}

/// A complete HTTP response kept by [`RetriesExhausted`](TransportError::RetriesExhausted),
/// so the caller can decode the server's error body (e.g. the 429 `{message}` or a 503
/// `ErrorResponseDto`).
#[derive(Debug, Clone)]
pub struct LastResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers (e.g. `Retry-After`).
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Bytes,
}

impl LastResponse {
    /// Rebuilds an `http::Response` from the parts.
    pub fn to_response(&self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl From<http::Response<Bytes>> for LastResponse {
    fn from(response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        LastResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(problem: AuthProblem) -> TransportError {
        TransportError::Auth {
            endpoint: "https://t.example/oauth/token".into(),
            problem,
        }
    }

    fn rejected(status: u16) -> AuthProblem {
        AuthProblem::Rejected {
            status: StatusCode::from_u16(status).unwrap(),
            body: String::new(),
        }
    }

    fn exhausted(status: u16) -> TransportError {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        TransportError::RetriesExhausted {
            attempts: 2,
            last: LastAttempt::Response(Box::new(response.into())),
        }
    }

    #[test]
    fn classification_for_exit_codes() {
        let cases = [
            // (error, is_auth, is_rate_limited)
            (auth(rejected(401)), true, false),
            (auth(rejected(400)), true, false),
            (
                auth(AuthProblem::BadToken { reason: "x".into() }),
                true,
                false,
            ),
            (auth(rejected(429)), false, true),
            (auth(rejected(503)), true, false),
            (
                auth(AuthProblem::Unreachable(Arc::new(exhausted(429)))),
                false,
                true,
            ),
            (
                auth(AuthProblem::Unreachable(Arc::new(exhausted(503)))),
                true,
                false,
            ),
            (exhausted(429), false, true),
            (exhausted(503), false, false),
            (
                TransportError::RateLimited {
                    wait: Duration::from_secs(1),
                },
                false,
                true,
            ),
            (TransportError::config("x"), false, false),
        ];
        for (error, is_auth, is_rate_limited) in cases {
            assert_eq!(error.is_auth(), is_auth, "{error:?}");
            assert_eq!(error.is_rate_limited(), is_rate_limited, "{error:?}");
        }
        assert_eq!(
            exhausted(503).last_response().map(|r| r.status.as_u16()),
            Some(503)
        );
        assert!(auth(rejected(401)).last_response().is_none());
    }

    fn refused() -> TransportError {
        TransportError::Connect {
            target: "127.0.0.1:9".into(),
            source: "connection refused".into(),
        }
    }

    fn reset() -> TransportError {
        TransportError::Network {
            source: "connection reset".into(),
        }
    }

    fn after_retries(error: TransportError) -> TransportError {
        TransportError::RetriesExhausted {
            attempts: 3,
            last: LastAttempt::Error(Box::new(error)),
        }
    }

    #[test]
    fn an_unreachable_token_endpoint_is_not_an_auth_failure() {
        for error in [
            auth(AuthProblem::Unreachable(Arc::new(refused()))),
            auth(AuthProblem::Unreachable(Arc::new(after_retries(refused())))),
            after_retries(refused()),
            TransportError::Timeout {
                phase: TimeoutPhase::Attempt,
                after: Duration::from_secs(1),
            },
        ] {
            assert!(error.is_unreachable(), "{error:?}");
            assert!(!error.is_auth(), "{error:?}");
            assert!(!error.is_rate_limited(), "{error:?}");
        }
        assert!(!auth(rejected(401)).is_unreachable());
        assert!(!exhausted(503).is_unreachable());
    }

    #[test]
    fn only_a_lost_exchange_may_have_been_processed() {
        let timeout = |phase| TransportError::Timeout {
            phase,
            after: Duration::from_secs(1),
        };
        for (error, maybe) in [
            (refused(), false),
            (after_retries(refused()), false),
            (timeout(TimeoutPhase::Connect), false),
            (exhausted(429), false),
            (auth(AuthProblem::Unreachable(Arc::new(reset()))), false),
            (reset(), true),
            (after_retries(reset()), true),
            (timeout(TimeoutPhase::Attempt), true),
            (timeout(TimeoutPhase::Operation), true),
        ] {
            assert_eq!(error.may_have_been_processed(), maybe, "{error:?}");
        }
    }
}
