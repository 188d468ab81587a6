//! [`RateLimiter`]: the window a request takes a slot in, and the [`RateLimitPermit`]
//! that frees it a window after the response.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::StatusCode;

use super::ledger::{millis, Outcome, Rule, Wait};
use super::policy::Limit;
#[cfg(feature = "redis")]
use super::remote::{Admission, RemoteLedger};
use super::store::Store;
#[cfg(feature = "redis")]
use crate::SharedState;
use crate::TransportError;

/// Microseconds this process's limiters have slept waiting for a slot, all together.
static WAITED_MICROS: AtomicU64 = AtomicU64::new(0);

/// How long this process has waited for client-side rate limits so far, all limiters
/// together: what a progress line shows beside the work done, so that a slow job
/// that is only being held back says so.
pub fn rate_limit_waited() -> Duration {
    Duration::from_micros(WAITED_MICROS.load(Ordering::Relaxed))
}

/// A client-side limiter: never more than the limit's `max` requests in any window,
/// counted the way a server counts them. Clones share one window.
///
/// - **Jitter-safe.** A request takes a slot when it starts and the slot is freed one
///   window after its response came back (or the attempt failed), not after it
///   started: the server counted the request on arrival, somewhere in between, so the
///   client's count is never behind the server's, whatever the latency.
/// - **Learning** ([`adaptive`](RateLimiter::adaptive)): a 429 means the server's window
///   was full. The limiter takes the requests it saw admitted in the last window as the
///   real limit and holds nine tenths of it (AIMD's multiplicative decrease), waits out
///   `Retry-After` before anyone sends again, and after each whole window in which
///   requests had to wait for the limit without a 429, allows one more (2 % for large
///   limits) up to where it started. AIMD rather than the CUBIC scheme of the AWS SDKs'
///   adaptive retry: ISC counts a fixed number of requests per window, so the quantity
///   to learn is that count, and AIMD's "a tenth below, then one at a time" keeps the
///   probe from tripping the same limit more than once every several windows, where
///   CUBIC's fast return to the last maximum and its accelerating growth past it would
///   trip it again within a window or two. It also needs only two numbers of shared
///   state, which every process on the machine can read.
/// - **Shared across processes** ([`shared_through`](RateLimiter::shared_through)): the
///   slots and the lessons live in a small JSON file under an advisory lock. Slots
///   expire by wall-clock time, and an open slot of a process that no longer runs
///   (checked through `/proc` on Linux, elsewhere by its expiry: a window after the
///   longest an attempt may last) is freed a window after it is found, so a crash
///   never leaves the state wedged.
/// - **Shared across machines** ([`shared_across`](RateLimiter::shared_across), feature
///   `redis`): the ledger lives in Redis and every acquire and release is one atomic
///   script there; the local store is the fallback while Redis cannot be reached.
///
/// Waiters in one process are served in arrival order.
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

struct Shared {
    rule: Rule,
    store: Store,
    /// The ledger in Redis, used before `store` whenever Redis answers.
    #[cfg(feature = "redis")]
    remote: Option<RemoteLedger>,
    /// The longest one attempt may last: how long an open slot is held at most.
    lease: Duration,
    /// Taken while waiting, so waiters go in arrival order.
    turn: tokio::sync::Mutex<()>,
    /// Whether `-v` was told that another process's limit applies.
    said_follows: AtomicBool,
    /// Whether the user was told (once, at default verbosity) that a 429 slowed this
    /// limiter down.
    said_slowed: AtomicBool,
}

impl RateLimiter {
    /// How long an attempt is assumed to last at most, unless told: the stack's default
    /// per-attempt timeout.
    const DEFAULT_LEASE: Duration = Duration::from_secs(30);

    /// At most `max_requests` in any `window`, never adapted. Both must be non-zero,
    /// the window at most a day.
    pub fn new(max_requests: u32, window: Duration) -> Result<Self, TransportError> {
        Ok(Self::fixed(Limit::new(max_requests, window)?))
    }

    /// Exactly `limit`, never adapted.
    pub fn fixed(limit: Limit) -> Self {
        Self::with_rule(Rule::Fixed(limit), Store::memory(), Self::DEFAULT_LEASE)
    }

    /// Starts at `start` (`None`: no limit) and learns from 429s, never probing above
    /// `start`.
    pub fn adaptive(start: Option<Limit>) -> Self {
        Self::with_rule(
            Rule::Adaptive { start },
            Store::memory(),
            Self::DEFAULT_LEASE,
        )
    }

    fn with_rule(rule: Rule, store: Store, lease: Duration) -> Self {
        RateLimiter {
            shared: Arc::new(Shared {
                rule,
                store,
                #[cfg(feature = "redis")]
                remote: None,
                lease,
                turn: tokio::sync::Mutex::new(()),
                said_follows: AtomicBool::new(false),
                said_slowed: AtomicBool::new(false),
            }),
        }
    }

    /// A limiter with the same rule whose state is shared with every process that uses
    /// `path` (created on first use, with its directory). An unthrottled adaptive
    /// limiter keeps to memory until a 429 teaches it something or the file already
    /// holds a lesson, so an unlimited server costs no file I/O. Clones of `self` do
    /// not share with the new one: call this first.
    pub fn shared_through(&self, path: impl Into<PathBuf>) -> Self {
        self.rebuilt(Some(path.into()), self.shared.lease)
    }

    /// A limiter with the same rule and state file that assumes one attempt lasts at
    /// most `limit`, so an open slot is held at most `limit` plus a window. Clones of
    /// `self` do not share with the new one: call this first.
    pub fn attempt_bound(&self, limit: Duration) -> Self {
        self.rebuilt(self.state_file().map(Path::to_path_buf), limit)
    }

    /// A limiter with the same rule, lease and state file whose ledger lives in
    /// `state` under `name` (a state file's name without `.json`), shared by every
    /// machine that uses it; the state file (or memory) is the fallback while Redis
    /// cannot be reached. Clones of `self` do not share with the new one: call this
    /// first.
    #[cfg(feature = "redis")]
    pub fn shared_across(&self, state: SharedState, name: &str) -> Self {
        let mut rebuilt = self.rebuilt(self.state_file().map(Path::to_path_buf), self.shared.lease);
        if let Some(shared) = Arc::get_mut(&mut rebuilt.shared) {
            shared.remote = Some(RemoteLedger::new(state, name));
        }
        rebuilt
    }

    fn rebuilt(&self, path: Option<PathBuf>, lease: Duration) -> Self {
        let rule = self.shared.rule;
        let store = match path {
            Some(path) => Store::file(path, rule != Rule::Adaptive { start: None }),
            None => Store::memory(),
        };
        #[cfg_attr(not(feature = "redis"), allow(unused_mut))]
        let mut rebuilt = Self::with_rule(rule, store, lease);
        #[cfg(feature = "redis")]
        if let Some(shared) = Arc::get_mut(&mut rebuilt.shared) {
            shared.remote.clone_from(&self.shared.remote);
        }
        rebuilt
    }

    /// The limit in force now, `None` when unthrottled: as Redis last said it when the
    /// ledger is shared across machines and Redis answers.
    pub fn current_limit(&self) -> Option<Limit> {
        let (max, window) = self
            .remote_limit()
            .unwrap_or_else(|| self.shared.store.with(|l| l.limit(self.shared.rule)));
        max.and_then(|max| Limit::new(max, Duration::from_millis(window)).ok())
    }

    /// The limit (max, window in ms) that Redis last said is in force, if it answered
    /// the last call.
    #[cfg(feature = "redis")]
    fn remote_limit(&self) -> Option<(Option<u32>, u64)> {
        self.shared
            .remote
            .as_ref()
            .and_then(RemoteLedger::last_limit)
    }

    #[cfg(not(feature = "redis"))]
    fn remote_limit(&self) -> Option<(Option<u32>, u64)> {
        None
    }

    /// The shared state file, if any.
    pub fn state_file(&self) -> Option<&Path> {
        self.shared.store.path()
    }

    /// Waits for a slot and takes it; give the permit the attempt's outcome. Fails with
    /// [`TransportError::RateLimited`] at once, without waiting, if no slot can open
    /// before `deadline`.
    pub async fn acquire(
        &self,
        deadline: Option<Instant>,
    ) -> Result<RateLimitPermit, TransportError> {
        let shared = &*self.shared;
        let _turn = shared.turn.lock().await;
        let pid = std::process::id();
        loop {
            let now = now_ms();
            let (taken, follows) = match self.try_remote(now, deadline).await {
                Some(taken) => taken,
                None => shared.store.with(|ledger| {
                    ledger.prune(shared.rule, now, shared.lease, process_alive);
                    let taken = ledger.try_admit(shared.rule, now, pid, shared.lease);
                    (taken.map(Held::Local), ledger.follows_another(shared.rule))
                }),
            };
            if follows && !shared.said_follows.swap(true, Ordering::Relaxed) {
                tracing::info!(
                    limit = ?self.current_limit(),
                    "another process of this client id keeps to a lower explicit limit; \
                     this one follows it (the limit belongs to the client id)"
                );
            }
            let Wait { earliest, recheck } = match taken {
                Ok(held) => {
                    return Ok(RateLimitPermit {
                        limiter: self.clone(),
                        held,
                        done: false,
                    })
                }
                Err(wait) => wait,
            };
            let opens = Instant::now() + Duration::from_millis(earliest.saturating_sub(now));
            if deadline.is_some_and(|d| opens > d) {
                return Err(TransportError::RateLimited {
                    wait: opens.saturating_duration_since(Instant::now()),
                });
            }
            let pause = Duration::from_millis(recheck.saturating_sub(now).max(1));
            let slept = Instant::now();
            let result = crate::runtime::sleep(pause).await;
            let waited = u64::try_from(slept.elapsed().as_micros()).unwrap_or(u64::MAX);
            WAITED_MICROS.fetch_add(waited, Ordering::Relaxed);
            result?;
        }
    }

    /// A slot from the ledger in Redis, or how long to wait there; `None` without one,
    /// or when Redis cannot be used now (the local store decides instead).
    #[cfg(feature = "redis")]
    async fn try_remote(
        &self,
        now: u64,
        deadline: Option<Instant>,
    ) -> Option<(Result<Held, Wait>, bool)> {
        let shared = &*self.shared;
        let remote = shared.remote.as_ref()?;
        let Admission { taken, follows } = remote
            .try_admit(shared.rule, shared.lease, now, deadline)
            .await?;
        Some((taken.map(Held::Remote), follows))
    }

    #[cfg(not(feature = "redis"))]
    async fn try_remote(
        &self,
        _now: u64,
        _deadline: Option<Instant>,
    ) -> Option<(Result<Held, Wait>, bool)> {
        None
    }

    fn finish(&self, held: Held, outcome: Outcome) {
        match held {
            Held::Local(id) => self.finish_locally(id, outcome),
            #[cfg(feature = "redis")]
            Held::Remote(id) => {
                // A permit is settled from sync code (and from `Drop`), Redis is async:
                // the release runs as a task. Without a runtime it cannot run, and the
                // slot frees by its lease instead.
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    return;
                };
                let limiter = self.clone();
                runtime.spawn(async move {
                    let shared = &*limiter.shared;
                    let Some(remote) = &shared.remote else { return };
                    // When Redis went away meanwhile, the slot frees by its lease, and
                    // the local store learns from the 429s it sees itself (it holds
                    // none of the slots this 429 would have to be judged against).
                    if remote
                        .finish(shared.rule, shared.lease, id, outcome)
                        .await
                        .is_some()
                    {
                        limiter.say_refused(outcome);
                    }
                });
            }
        }
    }

    fn finish_locally(&self, id: u64, outcome: Outcome) {
        let shared = &*self.shared;
        let now = now_ms();
        let learned = shared.store.with(|ledger| {
            let before = ledger.has_lessons();
            ledger.finish(shared.rule, id, now, outcome);
            !before && ledger.has_lessons()
        });
        if learned {
            shared.store.publish();
        }
        self.say_refused(outcome);
    }

    /// After a 429: said at DEBUG each time, and once at WARN by an adaptive limiter.
    fn say_refused(&self, outcome: Outcome) {
        let shared = &*self.shared;
        if let Outcome::Refused(_) = outcome {
            let limit = self.current_limit();
            tracing::debug!(limit = ?limit, "429: the client-side limit adapts");
            let adaptive = matches!(shared.rule, Rule::Adaptive { .. });
            if adaptive && !shared.said_slowed.swap(true, Ordering::Relaxed) {
                if let Some(limit) = limit {
                    tracing::warn!(
                        target: "connkit::rate_limit",
                        "the server refused a request (429 Too Many Requests): keeping to \
                         {limit} (requests/window) for this client id from now on, learned \
                         from the server, and speeding up again while it allows; an explicit \
                         rate limit is never changed"
                    );
                }
            }
        }
    }
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("rule", &self.shared.rule)
            .field("state_file", &self.state_file())
            .finish()
    }
}

/// A slot taken by [`RateLimiter::acquire`]. Report the attempt's outcome with
/// [`answered`](RateLimitPermit::answered) or [`failed`](RateLimitPermit::failed);
/// dropping it counts as failed (the request may have reached the server).
#[must_use = "the slot stays open until its outcome is reported or the permit dropped"]
pub struct RateLimitPermit {
    limiter: RateLimiter,
    held: Held,
    done: bool,
}

/// Where a permit's slot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// In the local store (memory or the state file).
    Local(u64),
    /// In the ledger in Redis.
    #[cfg(feature = "redis")]
    Remote(u64),
}

impl RateLimitPermit {
    /// The server answered: the slot frees a window from now; a 429 teaches the limiter.
    pub fn answered(mut self, response: &http::Response<Bytes>) {
        let outcome = if response.status() == StatusCode::TOO_MANY_REQUESTS {
            Outcome::Refused(crate::retry::retry_after(
                response.headers(),
                SystemTime::now(),
            ))
        } else {
            Outcome::Admitted
        };
        self.done = true;
        self.limiter.finish(self.held, outcome);
    }

    /// No response: the slot frees a window from now.
    pub fn failed(self) {
        drop(self);
    }
}

impl Drop for RateLimitPermit {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.finish(self.held, Outcome::Failed);
        }
    }
}

impl fmt::Debug for RateLimitPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitPermit")
            .field("held", &self.held)
            .finish()
    }
}

/// Wall-clock milliseconds since the Unix epoch.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}

/// Whether process `pid` still runs: known on Linux (`/proc`); elsewhere assumed, and
/// its open slots expire by their lease.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() || !cfg!(target_os = "linux") {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}
