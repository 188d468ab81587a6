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
//! use connkit_transport::{ConfigSources, HttpBackend, SettingNames, TransportStack};
//!
//! // Each API crate names its settings (connkit-connectors: SAIL_*, ./config.json);
//! // explicit values > environment > profile > config file.
//! const NAMES: SettingNames =
//!     SettingNames::new("isc", "SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET")
//!         .config_file("config.json")
//!         .api_suffix("/v2024");
//! let config = ConfigSources::new(NAMES).resolve()?;
//! let mut stack = TransportStack::builder(HttpBackend::new()?);
//! if let Some(auth) = config.client_credentials() {
//!     stack = stack.auth(auth?);
//! }
//! let transport = stack.build()?; // Arc<dyn Transport>
//! let uri = format!("{}/v2024/connectors?limit=5", config.base_url.value.root());
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
//! # Runtime
//!
//! Sending needs a Tokio runtime with I/O and timers enabled: `#[tokio::main]`, or a
//! `tokio::runtime::Builder` (a `current_thread` one will do) with `enable_all()`. The
//! [`HttpBackend`] makes its connections on Tokio's I/O driver, and the [`Timeout`],
//! [`Retry`] and [`RateLimit`] layers wait on its timers. A request sent where no Tokio
//! runtime runs (`futures::executor::block_on`, another executor, a plain thread) fails
//! with [`TransportError::NoRuntime`] rather than a panic. Tokio cannot be asked whether
//! a running runtime has its drivers enabled, so inside a runtime built without
//! `enable_io` or `enable_time` it is Tokio that panics, naming the missing driver.
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
//! # Profiles and the token cache
//!
//! Both live in the user's directories ([`UserDir`]); both are opt-in for a library
//! caller and on by default in the `connkit` tool.
//!
//! - **Profiles**: [`ProfileFile`] reads and edits `profiles.toml` in [`UserDir::Config`]
//!   (`$CONNKIT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/connkit`, else `~/.config/connkit`):
//!   named tenants of any `platform`, each with a base URL, a client id, a
//!   [`SecretSource`] (an environment variable or a command; a plain secret only in a
//!   0600 file), a [`RateLimitPolicy`] and a CA file, and the string keys of other
//!   applications that share the file ([`Profile::extra`]).
//!   [`ConfigSources::profiles`] puts a profile between the environment and
//!   `./config.json`; without it no profile is read.
//! - **Token cache**: [`TokenCache`] keeps client-credentials tokens in `tokens/` of
//!   [`UserDir::Cache`] (`$CONNKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/connkit`, else
//!   `~/.cache/connkit`), one 0600 file per (token URL, client id), never the secret,
//!   whatever [`ClientAuthMethod`] buys the token (ISC's client secret, ConductorOne's
//!   signed assertion). [`ClientCredentials::token_cache`] turns it on for an
//!   [`AuthLayer`]; without it tokens are cached in memory only.
//!
//! ```no_run
//! # fn demo() -> Result<(), connkit_transport::TransportError> {
//! use connkit_transport::{
//!     Auth, ClientCredentials, ConfigSources, ProfileFile, SettingNames, TokenCache,
//! };
//!
//! let names = SettingNames::new("isc", "SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET");
//! let mut sources = ConfigSources::new(names);
//! if let Some(file) = ProfileFile::user_path() {
//!     sources = sources.profiles(file, Some("acme".to_owned()));
//! }
//! let config = sources.resolve()?;
//! if let (Some(id), Some(secret)) = (&config.client_id, &config.client_secret) {
//!     let mut credentials =
//!         ClientCredentials::new(&config.base_url.value, id.value.clone(), secret.value.clone())?;
//!     if let Some(cache) = TokenCache::user() {
//!         credentials = credentials.token_cache(cache);
//!     }
//!     let _auth = Auth::ClientCredentials(credentials);
//! }
//! # Ok(()) }
//! ```
//!
//! # Idempotency
//!
//! 5xx answers and a lost exchange (reset, truncated body, per-attempt timeout) are
//! retried only for idempotent requests: GET, HEAD, PUT, DELETE, OPTIONS, TRACE, unless
//! the request carries an [`Idempotency`] extension that says otherwise. What proves a
//! request was **not** processed is retried for every method, POST and PATCH too: a
//! 429, and a connection that could not be made (refused, DNS, connect timeout, TLS
//! handshake). [`TransportError::may_have_been_processed`] says which failures leave
//! the outcome of a write unknown, and why a 5xx is not such a proof.
//!
//! # Errors
//!
//! A `Transport` answers every HTTP status with `Ok` (a 401 that survived one token
//! refresh and replay too). [`TransportError`]'s module docs list what each layer
//! returns as `Err`. For exit codes and user messages:
//!
//! - [`TransportError::is_auth`]: no token could be had — refused credentials, an
//!   unusable answer, a failing token endpoint ("auth failed");
//! - [`TransportError::is_unreachable`]: the server or its token endpoint could not be
//!   reached or did not answer (refused, untrusted certificate, lost connection,
//!   timeout), also after retries;
//! - [`TransportError::may_have_been_processed`]: the request was sent but no usable
//!   answer came back — for a POST or PATCH the outcome is unknown;
//! - [`TransportError::is_rate_limited`]: the client-side limiter could not start the
//!   request before its deadline, or retries gave up on a 429 (at the API or the token
//!   endpoint);
//! - [`TransportError::RetriesExhausted`]: retries gave up on a retryable outcome; it
//!   carries the attempt count and the last response ([`TransportError::last_response`])
//!   or the last error, as its `source()`;
//! - [`TransportError::Timeout`] (with its phase), [`TransportError::Connect`],
//!   [`TransportError::UntrustedCertificate`] (never retried; says why in words),
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

// docs.rs builds with `--cfg docsrs` (nightly): feature-gated items say which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod backend;
mod base_url;
mod config;
mod config_error;
mod duration;
mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod private_file;
mod profile;
mod rate_limit;
mod redact;
mod request;
mod retry;
mod runtime;
mod settings;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod shared_state;
#[cfg(feature = "redis")]
mod shared_tokens;
mod stack;
#[cfg(any(test, feature = "test-util"))]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod timeout;
#[cfg(any(feature = "rustls", feature = "native-tls"))]
mod tls_trust;
mod token_cache;
mod trace;
mod user_dirs;
mod user_file;

pub use auth::{same_origin, Auth, AuthLayer, ClientAuthMethod, ClientCredentials};
pub use backend::{HttpBackend, HttpBackendBuilder, TlsBackend};
pub use base_url::{BaseUrl, IN_PROCESS_BASE_URL};
pub use config::{ConfigSources, ExplicitConfig, Origin, Resolved, ResolvedConfig};
pub use config_error::{ConfigError, ConfigProblem, Setting};
pub use duration::{DurationError, HumanDuration};
pub use error::{AuthProblem, BoxError, LastAttempt, LastResponse, TimeoutPhase, TransportError};
pub use profile::{
    check_profile_name, Profile, ProfileFile, SecretSource, ENV_PROFILE, PLATFORM_C1, PLATFORM_ISC,
    PROFILES_FILE, SECRET_COMMAND_TIMEOUT,
};
pub use rate_limit::{
    rate_limit_waited, Limit, RateLimit, RateLimitPermit, RateLimitPolicy, RateLimitStateInfo,
    RateLimitStates, RateLimiter,
};
pub use redact::{Secret, REDACTED};
pub use request::{clone_request, Attempt, Deadline, Idempotency};
pub use retry::{Retry, RetryPolicy};
pub use settings::SettingNames;
#[cfg(feature = "redis")]
pub use shared_state::SharedState;
pub use stack::{TransportStack, TransportStackBuilder};
pub use timeout::Timeout;
pub use token_cache::{CachedTokenInfo, FetchLock, TokenCache, TokenKey};
pub use trace::Traced;
pub use user_dirs::UserDir;
pub use user_file::read_user_file;

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
