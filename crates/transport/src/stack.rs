//! `TransportStack`: every layer stacked in the right order over a backend.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::rate_limit::{Caller, PerHost};
use crate::{
    Auth, AuthLayer, RateLimit, RateLimitPolicy, RateLimiter, Retry, RetryPolicy, Timeout, Traced,
    Transport, TransportError, UserDir,
};

/// Builds the standard stack. From the caller inward:
///
/// 1. [`Timeout::operation`] (default 120 s) — the whole call, and sets the
///    [`Deadline`](crate::Deadline) the layers below respect;
/// 2. [`AuthLayer`] (only if [`auth`](TransportStackBuilder::auth) was given) — above retry,
///    so a 401 is refreshed and replayed once, and its token requests go through retry,
///    rate limiting and tracing like any other request;
/// 3. [`Retry`] (default [`RetryPolicy::default`]: 4 attempts, 250 ms → 8 s jittered
///    backoff, `Retry-After` up to 60 s);
/// 4. [`RateLimit`] (default [`RateLimitPolicy::Auto`], state shared through
///    `rate-limit/` in the cache directory; none for an in-process backend) — below
///    retry, so every attempt and every token request is counted;
/// 5. [`Traced`] — one `tracing` span per attempt on the wire;
/// 6. [`Timeout::per_attempt`] (default 30 s);
/// 7. the backend (its own connect timeout, 10 s for [`HttpBackend`](crate::HttpBackend)).
///
/// ```no_run
/// # async fn demo() -> Result<(), connkit_transport::TransportError> {
/// use connkit_transport::{Auth, BaseUrl, HttpBackend, TransportStack};
///
/// let base = BaseUrl::parse("https://tenant.api.identitynow.com")?;
/// let transport = TransportStack::builder(HttpBackend::new()?)
///     .auth(Auth::client_credentials(&base, "client-id", "client-secret")?)
///     .build()?;
/// # let _ = transport; Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TransportStack;

impl TransportStack {
    /// Starts a stack over `backend` with every default on and no auth.
    pub fn builder(backend: impl Transport) -> TransportStackBuilder {
        TransportStackBuilder {
            backend: Arc::new(backend),
            auth: None,
            retry: RetryPolicy::default(),
            rate_limit: RateLimitChoice::Policy(RateLimitPolicy::Auto),
            rate_limit_state: RateLimitState::CacheDir,
            #[cfg(feature = "redis")]
            shared_state: None,
            #[cfg(feature = "redis")]
            share_tokens: true,
            attempt_timeout: TransportStackBuilder::DEFAULT_ATTEMPT_TIMEOUT,
            operation_timeout: TransportStackBuilder::DEFAULT_OPERATION_TIMEOUT,
        }
    }
}

/// Settings for the stack; see [`TransportStack`].
pub struct TransportStackBuilder {
    backend: Arc<dyn Transport>,
    auth: Option<Auth>,
    retry: RetryPolicy,
    rate_limit: RateLimitChoice,
    rate_limit_state: RateLimitState,
    #[cfg(feature = "redis")]
    shared_state: Option<crate::SharedState>,
    #[cfg(feature = "redis")]
    share_tokens: bool,
    attempt_timeout: Duration,
    operation_timeout: Duration,
}

/// A policy applied per host, or one limiter the caller made.
#[derive(Debug)]
enum RateLimitChoice {
    Policy(RateLimitPolicy),
    Limiter(RateLimiter),
}

/// Where a policy's limiters keep their shared state.
#[derive(Debug)]
enum RateLimitState {
    /// `rate-limit/` under [`UserDir::Cache`], if the environment names one.
    CacheDir,
    /// This directory.
    Dir(PathBuf),
    /// This process only.
    InMemory,
}

impl fmt::Debug for TransportStackBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportStackBuilder")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_state", &self.rate_limit_state)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .finish_non_exhaustive()
    }
}

impl TransportStackBuilder {
    /// The default limit on one attempt: 30 s.
    pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default limit on a whole operation: 120 s.
    pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

    /// Adds the auth layer.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Replaces the retry policy ([`RetryPolicy::no_retries`] for a single attempt).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses this limiter for every request, whatever the backend; pass a clone of one
    /// limiter to several stacks to share it.
    pub fn rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.rate_limit = RateLimitChoice::Limiter(limiter);
        self
    }

    /// Limits per `policy` (default [`RateLimitPolicy::Auto`]): each host gets its own
    /// limiter, shared per client id as the [`RateLimiter`] docs say.
    pub fn rate_limit_policy(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limit = RateLimitChoice::Policy(policy);
        self
    }

    /// Removes the client-side rate limiter (the policy `off`).
    pub fn no_rate_limit(self) -> Self {
        self.rate_limit_policy(RateLimitPolicy::Off)
    }

    /// Where the policy's limiters share their state with other processes: `Some(dir)`,
    /// or `None` for this process only. Default: `rate-limit/` under
    /// [`UserDir::Cache`] (this process only when no cache directory is known).
    pub fn rate_limit_state_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.rate_limit_state = dir.map_or(RateLimitState::InMemory, RateLimitState::Dir);
        self
    }

    /// Shares the policy's limiters across machines through `state` (Redis), with the
    /// state files of [`rate_limit_state_dir`](Self::rate_limit_state_dir) as the
    /// fallback while it cannot be reached; `None` (the default) shares through the
    /// files only. A limiter given with [`rate_limit`](Self::rate_limit) is used as it
    /// is (see [`RateLimiter::shared_across`]). Client-credentials tokens are shared
    /// there too ([`ClientCredentials::shared_tokens`](crate::ClientCredentials::shared_tokens)),
    /// unless [`share_tokens(false)`](Self::share_tokens).
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    pub fn shared_state(mut self, state: Option<crate::SharedState>) -> Self {
        self.shared_state = state;
        self
    }

    /// Whether the [`shared_state`](Self::shared_state) holds tokens too (default
    /// `true`): `false` keeps bearer tokens out of Redis, and each machine fetches its
    /// own.
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    pub fn share_tokens(mut self, share: bool) -> Self {
        self.share_tokens = share;
        self
    }

    /// The limit on each attempt.
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.attempt_timeout = limit;
        self
    }

    /// The limit on each whole operation.
    pub fn operation_timeout(mut self, limit: Duration) -> Self {
        self.operation_timeout = limit;
        self
    }

    /// Stacks the layers. Fails only if the auth settings cannot be used (a static token
    /// that cannot be a header value).
    pub fn build(#[allow(unused_mut)] mut self) -> Result<Arc<dyn Transport>, TransportError> {
        #[cfg(feature = "redis")]
        if let (Some(state), true, Some(Auth::ClientCredentials(credentials))) =
            (&self.shared_state, self.share_tokens, &mut self.auth)
        {
            *credentials = credentials.clone().shared_tokens(state.clone());
        }
        let in_process = self.backend.is_in_process();
        let mut stack: Arc<dyn Transport> = Arc::new(Traced::new(Timeout::per_attempt(
            self.backend,
            self.attempt_timeout,
        )));
        match self.rate_limit {
            RateLimitChoice::Limiter(limiter) => {
                stack = Arc::new(RateLimit::new(stack, limiter));
            }
            RateLimitChoice::Policy(RateLimitPolicy::Off) => {}
            RateLimitChoice::Policy(RateLimitPolicy::Auto) if in_process => {}
            RateLimitChoice::Policy(policy) => {
                let state_dir = match self.rate_limit_state {
                    RateLimitState::CacheDir => UserDir::Cache
                        .path()
                        .map(|d| d.join(crate::rate_limit::STATE_DIR)),
                    RateLimitState::Dir(dir) => Some(dir),
                    RateLimitState::InMemory => None,
                };
                let caller = match &self.auth {
                    Some(Auth::ClientCredentials(c)) => Caller::Client(c.client_id().to_owned()),
                    Some(_) => Caller::Bearer,
                    None => Caller::Anonymous,
                };
                let limits = PerHost::new(policy, caller, state_dir, self.attempt_timeout);
                #[cfg(feature = "redis")]
                let limits = limits.shared_across(self.shared_state);
                stack = Arc::new(RateLimit::per_host(stack, limits));
            }
        }
        stack = Arc::new(Retry::new(stack, self.retry));
        if let Some(auth) = self.auth {
            stack = Arc::new(AuthLayer::new(stack, auth)?);
        }
        Ok(Arc::new(Timeout::operation(stack, self.operation_timeout)))
    }
}
