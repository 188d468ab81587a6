//! [`SharedState`]: a Redis server where the rate limiter keeps its ledger, so that
//! every machine using one client id keeps to that client id's one limit (feature
//! `redis`, off by default).
//!
//! # Why Redis, and how it is used
//!
//! SailPoint counts a client id's requests across every machine that uses it; a file
//! lock cannot coordinate two machines. API gateways and rate-limit services keep such
//! counters in Redis and change them with atomic scripts, and so does connkit: each
//! acquire and each release is one Lua script (`rate_limit/ledger.lua`) that runs the
//! rules of the local ledger inside Redis, on the Redis server's clock. No client
//! reads, changes and writes the state itself.
//!
//! - **Keys**: `connkit:rate-limit:<host>~<who>`, one JSON string per (tenant, client
//!   id), named as the local state files are. Each write sets an idle expiry of 24 h,
//!   so a tenant not used for a day leaves nothing behind.
//! - **Faults of the store** never fail or stall a command: every call is bounded by
//!   [`CALL_TIMEOUT`] and by the request's deadline. When Redis cannot be reached
//!   (at start or mid-run), the limiter falls back to its local store (the state file),
//!   says so once at WARN under the target [`TARGET`], and tries Redis again after
//!   [`RETRY_DOWN`]; when Redis answers again it is used again, and that is said too.
//! - **Junk under our key** (another type, JSON that is not a ledger) is overwritten
//!   and logged at WARN, never trusted and never a panic.
//! - **Trust**: whoever can write to this Redis can slow every process of the client
//!   id down (never past the caps the local ledger has: an hour's window, a 15-minute
//!   hold). Use a Redis you control, with a password and TLS (`rediss://`) off loopback.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::AsyncConnectionConfig;

use crate::rate_limit::lock;

/// The `tracing` target of what the shared state says (a fallback, a recovery, junk).
pub const TARGET: &str = "connkit::shared_state";

/// The longest one call to Redis may take (connect, or run a script): short, since a
/// limiter waiting on its store delays every request.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(500);

/// How long after a failure Redis is left alone before it is tried again.
pub const RETRY_DOWN: Duration = Duration::from_secs(2);

/// A Redis server where state is shared between machines (see the module docs).
///
/// Cheap to clone: clones share one connection.
#[derive(Clone)]
pub struct SharedState {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// The URL without its password, for messages.
    shown: String,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// Set while Redis is left alone after a failure.
    down_until: Mutex<Option<Instant>>,
    /// Whether the fallback was announced (reset when Redis answers again).
    said_down: AtomicBool,
}

/// Why a shared-state URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the shared-state URL {shown} cannot be used: {reason}")]
#[non_exhaustive]
pub struct InvalidSharedState {
    /// The URL, its password replaced by `***`.
    pub shown: String,
    /// What is wrong with it.
    pub reason: String,
}

impl SharedState {
    /// Shares state through the Redis at `url`: `redis://[:PASSWORD@]HOST[:PORT][/DB]`,
    /// or `rediss://…` for TLS (the platform's roots). Nothing is connected yet: the
    /// first request does that, and falls back to local state if it cannot.
    pub fn redis(url: &str) -> Result<Self, InvalidSharedState> {
        let (shown, _) = crate::redact::url_without_password(url);
        let invalid = |reason: String| InvalidSharedState {
            shown: shown.clone(),
            reason,
        };
        let scheme = url.split_once("://").map(|(scheme, _)| scheme);
        if !matches!(scheme, Some("redis" | "rediss")) {
            return Err(invalid(
                "only redis:// and rediss:// (TLS) are supported".into(),
            ));
        }
        let client = redis::Client::open(url).map_err(|e| invalid(e.to_string()))?;
        Ok(SharedState {
            inner: Arc::new(Inner {
                client,
                shown,
                connection: tokio::sync::Mutex::new(None),
                down_until: Mutex::new(None),
                said_down: AtomicBool::new(false),
            }),
        })
    }

    /// The URL, its password replaced by `***`.
    pub fn shown(&self) -> &str {
        &self.inner.shown
    }

    /// Sends `request`, bounded by [`CALL_TIMEOUT`] and `deadline`. `None` when Redis
    /// is down or fails now: the caller falls back to this machine's own files (said
    /// once, here).
    pub(crate) async fn run<T: redis::FromRedisValue>(
        &self,
        request: Request<'_>,
        deadline: Option<Instant>,
    ) -> Option<T> {
        let inner = &*self.inner;
        if lock(&inner.down_until).is_some_and(|until| Instant::now() < until) {
            return None;
        }
        let bound = deadline.map_or(CALL_TIMEOUT, |d| {
            CALL_TIMEOUT.min(d.saturating_duration_since(Instant::now()))
        });
        let call = async {
            let mut connection = inner.connection.lock().await;
            let mut conn = match &*connection {
                Some(conn) => conn.clone(),
                None => {
                    let config = AsyncConnectionConfig::new()
                        .set_connection_timeout(CALL_TIMEOUT)
                        .set_response_timeout(CALL_TIMEOUT);
                    let conn = inner
                        .client
                        .get_multiplexed_async_connection_with_config(&config)
                        .await?;
                    connection.insert(conn).clone()
                }
            };
            drop(connection);
            match request {
                Request::Script { script, key, args } => {
                    let mut invocation = script.key(key);
                    for arg in args {
                        invocation.arg(arg);
                    }
                    invocation.invoke_async::<T>(&mut conn).await
                }
                Request::Command(command) => command.query_async::<T>(&mut conn).await,
            }
        };
        let outcome = match tokio::time::timeout(bound, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} ms", bound.as_millis())),
        };
        match outcome {
            Ok(value) => {
                if inner.said_down.swap(false, Ordering::Relaxed) {
                    tracing::warn!(
                        target: TARGET,
                        "the shared state {} answers again: rate limits (and tokens, if shared) \
                         are shared through it again",
                        inner.shown
                    );
                }
                Some(value)
            }
            Err(reason) => {
                *inner.connection.lock().await = None;
                *lock(&inner.down_until) = Some(Instant::now() + RETRY_DOWN);
                if !inner.said_down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        target: TARGET,
                        "the shared state {} cannot be used ({reason}): this machine's own state \
                         files serve the rate limit (and tokens) until it answers again (tried \
                         every {} s)",
                        inner.shown,
                        RETRY_DOWN.as_secs()
                    );
                }
                None
            }
        }
    }
}

/// What [`SharedState::run`] sends.
pub(crate) enum Request<'a> {
    /// A Lua script on one key (`EVALSHA`, loaded on a miss).
    Script {
        script: &'a redis::Script,
        key: &'a str,
        args: &'a [String],
    },
    /// One command.
    Command(redis::Cmd),
}

impl fmt::Debug for SharedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedState")
            .field(&self.inner.shown)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_and_other_schemes_are_refused() {
        let state = SharedState::redis("redis://:hunter2@127.0.0.1:6379/3").unwrap();
        assert_eq!(state.shown(), "redis://:***@127.0.0.1:6379/3");
        assert!(!format!("{state:?}").contains("hunter2"));
        let state = SharedState::redis("rediss://ops:hunter2@cache.example:6380").unwrap();
        assert_eq!(state.shown(), "rediss://ops:***@cache.example:6380");
        let err = SharedState::redis("http://:hunter2@127.0.0.1:6379").unwrap_err();
        assert!(
            err.to_string().contains("only redis:// and rediss://"),
            "{err}"
        );
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
