//! The pluggable HTTP transport for connkit.
//!
//! Everything that moves bytes implements [`Transport`]: the reqwest backend
//! ([`HttpBackend`]), the in-process sandbox, test recorders, and the layers that wrap
//! any of them. `http` crate types are the boundary; no backend's own types leak into
//! public signatures.
//!
//! # The default stack
//!
//! ```no_run
//! # async fn demo() -> Result<(), connkit_transport::TransportError> {
//! use connkit_transport::{ConfigSources, HttpBackend, TransportStack};
//!
//! // explicit values > SAIL_* environment > ./config.json
//! let config = ConfigSources::new().resolve()?;
//! let mut stack = TransportStack::builder(HttpBackend::new()?);
//! if let Some(auth) = config.client_credentials() {
//!     stack = stack.auth(auth?);
//! }
//! let transport = stack.build()?; // Arc<dyn Transport>
//! let uri = config.base_url.value.api_uri("/connectors?limit=5")?;
//! let response = transport
//!     .send(http::Request::get(uri).body(bytes::Bytes::new()).expect("valid request"))
//!     .await?;
//! # let _ = response; Ok(()) }
//! ```
//!
//! [`TransportStack`] documents the order of the layers and every default: operation
//! timeout 120 s, auth, retry (4 attempts, jittered exponential backoff, `Retry-After` up
//! to 60 s), the `auto` rate-limit policy, a `tracing` span per attempt, per-attempt
//! timeout 30 s, connect timeout 10 s.
//!
//! # Rate limiting
//!
//! [`RateLimitPolicy::Auto`] (the default) starts at ISC's documented 100 requests per
//! 10 s against a hosted tenant, unthrottled against a loopback host, and gives an
//! in-process backend no limiter; a 429 teaches it the real limit, and its state is
//! shared by every connkit process on the machine that uses the same client id against
//! the same tenant, in `rate-limit/` under the cache directory ([`UserDir::Cache`]).
//! [`TransportStackBuilder::rate_limit_policy`] picks another policy (`off`, or a fixed
//! `MAX/WINDOW`); [`RateLimiter`] documents the accounting and the learning.
//!
//! # Idempotency
//!
//! 5xx answers and connection failures are retried only for idempotent requests: GET,
//! HEAD, PUT, DELETE, OPTIONS, TRACE, unless the request carries an [`Idempotency`]
//! extension that says otherwise. 429 is retried for every method.
//!
//! # Errors
//!
//! A `Transport` answers every HTTP status with `Ok` (a 401 that survived one token
//! refresh and replay too). [`TransportError`]'s module docs list what each layer
//! returns as `Err`. For exit codes and user messages:
//!
//! - [`TransportError::is_auth`]: no token could be had — refused credentials, an
//!   unusable answer, an unreachable token endpoint ("auth failed");
//! - [`TransportError::is_rate_limited`]: the client-side limiter could not start the
//!   request before its deadline, or retries gave up on a 429 (at the API or the token
//!   endpoint);
//! - [`TransportError::RetriesExhausted`]: retries gave up on a retryable outcome; it
//!   carries the attempt count and the last response ([`TransportError::last_response`])
//!   or the last error, as its `source()`;
//! - [`TransportError::Timeout`] (with its phase), [`TransportError::Connect`],
//!   [`TransportError::Network`], [`TransportError::Config`],
//!   [`TransportError::NoBackend`], [`TransportError::InvalidRequest`].
//!
//! Messages follow the `source()` chain; print the whole chain.
//!
//! # Features
//!
//! - `reqwest` (default): [`HttpBackend`] with rustls. rustls uses the ring crypto
//!   provider rather than aws-lc-rs (no large C build) and the platform certificate
//!   verifier.
//! - `native-tls`: [`HttpBackend`] with the platform TLS library; additive — with both,
//!   choose per backend with [`HttpBackendBuilder::tls`].
//! - `test-util`: `test_util::ReplayTransport` and `test_util::Recorder`.
//!
//! Without a backend feature the crate still compiles and [`HttpBackend::new`] fails
//! with [`TransportError::NoBackend`].

mod auth;
mod backend;
mod base_url;
mod config;
mod error;
mod rate_limit;
mod redact;
mod request;
mod retry;
mod stack;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
mod timeout;
mod trace;
mod user_dirs;

pub use auth::{Auth, AuthLayer, ClientCredentials};
pub use backend::{HttpBackend, HttpBackendBuilder, TlsBackend};
pub use base_url::{BaseUrl, API_VERSION_PREFIX};
pub use config::{
    ConfigSources, ExplicitConfig, Origin, Resolved, ResolvedConfig, DEFAULT_CONFIG_FILE,
    ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
};
pub use error::{AuthProblem, BoxError, LastAttempt, LastResponse, TimeoutPhase, TransportError};
pub use rate_limit::{Limit, RateLimit, RateLimitPermit, RateLimitPolicy, RateLimiter};
pub use redact::{Secret, REDACTED};
pub use request::{clone_request, Attempt, Deadline, Idempotency};
pub use retry::{Retry, RetryPolicy};
pub use stack::{TransportStack, TransportStackBuilder};
pub use timeout::Timeout;
pub use trace::Traced;
pub use user_dirs::UserDir;

use bytes::Bytes;

/// Sends one HTTP request and returns its complete response.
///
/// A `Transport` answers every HTTP status with `Ok`: turning a 404 into an error is the
/// caller's business. `Err` means no complete response was had (connection refused or
/// reset, timeout, truncated body, auth layer failure, …) or a layer gave up (see
/// [`TransportError`]).
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and waits for the whole response body.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;

    /// Whether requests are answered inside this process (an emulator, a replay)
    /// rather than by a server. The `auto` rate-limit policy gives such a backend no
    /// limiter: there is no server whose limit to respect.
    fn is_in_process(&self) -> bool {
        false
    }
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }

    fn is_in_process(&self) -> bool {
        (**self).is_in_process()
    }
}
