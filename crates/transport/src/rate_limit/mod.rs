//! Client-side rate limiting: the [`RateLimitPolicy`] a user picks, the [`RateLimiter`]
//! that enforces and learns a limit, and the [`RateLimit`] layer that puts every
//! attempt through one.
//!
//! # What `auto` does
//!
//! - Against a hosted tenant it starts at ISC's documented 100 requests per 10 s per
//!   client id; against a loopback host (`127.0.0.0/8`, `::1`, `localhost`) it starts
//!   unthrottled; an in-process backend ([`Transport::is_in_process`]) gets no limiter.
//! - A 429 teaches it the real limit (AIMD; see [`RateLimiter`]).
//! - Its state is shared by every clone and task, and by every process on the machine
//!   that uses the same client id against the same host, through a small JSON file in
//!   the cache directory ([`UserDir::Cache`](crate::UserDir::Cache)):
//!   `rate-limit/<host>[%3A<port>]~<who>.json`, where `<who>` is `client-<client id>`,
//!   or `bearer` for a static token (a token's client id is unknown, and nothing
//!   derived from a secret is written to disk, so every static token for one host
//!   shares one state: safe, at worst slower), or `anonymous` without auth. Deleting
//!   the file forgets what was learned.
//! - What a server can teach is capped, because it outlives the command and every
//!   process of the client id obeys it: a learned window of at most one hour, and a
//!   hold (`Retry-After`) of at most 15 minutes. Values beyond them in a state file
//!   are clamped when read.
//!
//! - The limit belongs to the client id: while a process that shares the state keeps
//!   to an explicit limit, every process of that client id (explicit or `auto`) keeps
//!   to the lowest such limit, and `-v` says so; counting the shared slots against
//!   different limits would starve the lower one.
//! - When a 429 teaches, what the window held is every request sent in it that the
//!   server did not refuse: answered, in flight, or cancelled by its caller (the
//!   server counted those too), so cancellations do not teach a limit far too low.
//!
//! `off` removes the limiter; `MAX/WINDOW` fixes it (still shared, never adapted, and
//! never held back by a hold that a 429 left in the shared state).

mod ledger;
mod limiter;
mod policy;
#[cfg(feature = "redis")]
mod remote;
mod states;
mod store;

#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzing;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

pub use limiter::{rate_limit_waited, RateLimitPermit, RateLimiter};
pub use policy::{Limit, RateLimitPolicy};
pub use states::{RateLimitStateInfo, RateLimitStates};
#[cfg(feature = "redis")]
pub(crate) use store::lock;

/// The folder of the state files in the cache directory.
pub(crate) const STATE_DIR: &str = "rate-limit";

use crate::base_url::is_loopback_host;
use crate::request::deadline_of;
use crate::{Transport, TransportError};

/// Holds each attempt until its [`RateLimiter`] grants a slot, sends it, and reports
/// the outcome so the slot frees a window after the response.
///
/// Returns what the inner transport returns, or [`TransportError::RateLimited`] when no
/// slot opens before the request's [`Deadline`](crate::Deadline). Put it below the
/// retry and auth layers so that retries and token requests are counted too.
#[derive(Debug, Clone)]
pub struct RateLimit<T> {
    inner: T,
    limiters: Limiters,
}

#[derive(Debug, Clone)]
enum Limiters {
    /// One limiter for every request.
    One(RateLimiter),
    /// A limiter per host, made on the host's first request.
    PerHost(Arc<PerHost>),
}

impl<T> RateLimit<T> {
    /// Wraps `inner`; every request, whatever its host, goes through `limiter` (and its
    /// clones share one window).
    pub fn new(inner: T, limiter: RateLimiter) -> Self {
        RateLimit {
            inner,
            limiters: Limiters::One(limiter),
        }
    }

    /// Wraps `inner`; each host gets the limiter `policy` gives it (see the module
    /// docs), its state in `state_dir` when given. `policy` must not be `off`.
    pub(crate) fn per_host(inner: T, limits: PerHost) -> Self {
        RateLimit {
            inner,
            limiters: Limiters::PerHost(Arc::new(limits)),
        }
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for RateLimit<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let limiter = match &self.limiters {
            Limiters::One(limiter) => limiter.clone(),
            Limiters::PerHost(per_host) => per_host.limiter_for(request.uri()),
        };
        let permit = limiter.acquire(deadline_of(&request)).await?;
        let outcome = self.inner.send(request).await;
        match &outcome {
            Ok(response) => permit.answered(response),
            Err(_) => permit.failed(),
        }
        outcome
    }
}

/// Who the requests are made as: what the server counts them against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Caller {
    /// An OAuth client id.
    Client(String),
    /// A static bearer token (its client id unknown).
    Bearer,
    /// No credentials.
    Anonymous,
}

/// The settings a per-host [`RateLimit`] makes its limiters from.
#[derive(Debug)]
pub(crate) struct PerHost {
    policy: RateLimitPolicy,
    caller: Caller,
    state_dir: Option<PathBuf>,
    attempt_bound: Duration,
    /// Where the ledgers are shared across machines, before the state files.
    #[cfg(feature = "redis")]
    shared_state: Option<crate::SharedState>,
    by_host: Mutex<HashMap<String, RateLimiter>>,
}

impl PerHost {
    pub(crate) fn new(
        policy: RateLimitPolicy,
        caller: Caller,
        state_dir: Option<PathBuf>,
        attempt_bound: Duration,
    ) -> Self {
        PerHost {
            policy,
            caller,
            state_dir,
            attempt_bound,
            #[cfg(feature = "redis")]
            shared_state: None,
            by_host: Mutex::new(HashMap::new()),
        }
    }

    /// Shares every host's ledger through `state` (the state files stay the fallback).
    #[cfg(feature = "redis")]
    pub(crate) fn shared_across(mut self, state: Option<crate::SharedState>) -> Self {
        self.shared_state = state;
        self
    }

    fn limiter_for(&self, uri: &http::Uri) -> RateLimiter {
        let authority = uri.authority().map_or("", |a| a.as_str());
        let mut by_host = self.by_host.lock().unwrap_or_else(|e| e.into_inner());
        by_host
            .entry(authority.to_owned())
            .or_insert_with(|| {
                let limiter = match self.policy {
                    RateLimitPolicy::Fixed(limit) => RateLimiter::fixed(limit),
                    RateLimitPolicy::Auto | RateLimitPolicy::Off => {
                        RateLimiter::adaptive(auto_start(uri.host().unwrap_or("")))
                    }
                };
                let limiter = limiter.attempt_bound(self.attempt_bound);
                let name = state_name(authority, &self.caller);
                let limiter = match &self.state_dir {
                    Some(dir) => limiter.shared_through(dir.join(format!("{name}.json"))),
                    None => limiter,
                };
                #[cfg(feature = "redis")]
                let limiter = match &self.shared_state {
                    Some(state) => limiter.shared_across(state.clone(), &name),
                    None => limiter,
                };
                limiter
            })
            .clone()
    }
}

/// Where `auto` starts for `host`: unthrottled on loopback, ISC's default elsewhere.
pub(crate) fn auto_start(host: &str) -> Option<Limit> {
    (!is_loopback_host(host)).then_some(Limit::ISC_DEFAULT)
}

/// `<authority>~<who>` (a state file's name without `.json`, a Redis key's last part),
/// every byte outside `[A-Za-z0-9._-]` written `%XX` so that the name is one portable
/// path segment and distinct inputs never collide.
fn state_name(authority: &str, caller: &Caller) -> String {
    let who = match caller {
        Caller::Client(id) => format!("client-{}", escape(id)),
        Caller::Bearer => "bearer".to_owned(),
        Caller::Anonymous => "anonymous".to_owned(),
    };
    format!("{}~{who}", escape(authority))
}

/// The inverse of [`escape`]; `None` for text that `escape` cannot have written.
fn unescape(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn auto_starts_unthrottled_only_on_loopback() {
        for host in ["127.0.0.1", "127.4.5.6", "[::1]", "localhost", "LOCALHOST"] {
            assert_eq!(auto_start(host), None, "{host}");
        }
        for host in [
            "acme.api.identitynow.com",
            "10.0.0.1",
            "[::2]",
            "localhost.example",
        ] {
            assert_eq!(auto_start(host), Some(Limit::ISC_DEFAULT), "{host}");
        }
    }

    #[test]
    fn state_file_names_are_one_safe_segment_per_host_and_caller() {
        let client = Caller::Client("a/b~c".into());
        assert_eq!(
            state_name("acme.api.identitynow.com", &client),
            "acme.api.identitynow.com~client-a%2Fb%7Ec"
        );
        assert_eq!(
            state_name("127.0.0.1:8080", &Caller::Bearer),
            "127.0.0.1%3A8080~bearer"
        );
        assert_ne!(
            state_name("h", &Caller::Client("bearer".into())),
            state_name("h", &Caller::Bearer)
        );
    }

    #[tokio::test]
    async fn the_n_plus_first_start_waits_a_window_after_the_first_response() {
        let window = Duration::from_millis(150);
        let l = RateLimiter::new(2, window).unwrap();
        let t0 = Instant::now();
        l.acquire(None).await.unwrap().failed();
        l.acquire(None).await.unwrap().failed();
        assert!(t0.elapsed() < window);
        l.acquire(None).await.unwrap().failed();
        assert!(t0.elapsed() >= window);
    }

    #[tokio::test]
    async fn a_slot_past_the_deadline_fails_without_waiting() {
        let l = RateLimiter::new(1, Duration::from_secs(60)).unwrap();
        l.acquire(None).await.unwrap().failed();
        let t0 = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(1);
        let err = l.acquire(Some(deadline)).await.unwrap_err();
        assert!(
            matches!(err, TransportError::RateLimited { wait } if wait > Duration::from_secs(50))
        );
        assert!(t0.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn processes_sharing_a_file_share_the_window() {
        let dir = std::env::temp_dir().join(format!("connkit-rl-{}", fastrand::u64(..)));
        let path = dir.join("s.json");
        let limit = Limit::new(2, Duration::from_secs(60)).unwrap();
        // Two limiters built apart, as two processes would: one file.
        let a = RateLimiter::fixed(limit).shared_through(&path);
        let b = RateLimiter::fixed(limit).shared_through(&path);
        a.acquire(None).await.unwrap().failed();
        b.acquire(None).await.unwrap().failed();
        let soon = Some(Instant::now() + Duration::from_secs(1));
        assert!(a.acquire(soon).await.unwrap_err().is_rate_limited());
        // A torn or foreign file is started afresh, never wedged.
        std::fs::write(&path, b"{\"slots\": [tru").unwrap();
        a.acquire(soon).await.unwrap().failed();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
