//! A limiter's ledger kept in a [`SharedState`] (Redis): the same rules as
//! [`Ledger`](super::ledger::Ledger), run by `ledger.lua` inside Redis, one atomic
//! script per acquire and per release.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use super::ledger::{
    millis, Outcome, Rule, Wait, DECREASE, DEFAULT_WINDOW_MS, MAX_HOLD, MAX_LEARNED_WINDOW,
    MAX_SLOTS, POLL,
};
use super::policy::Limit;
use super::store::lock;
use crate::shared_state::{Request, SharedState, TARGET};

/// The ledger's script, loaded once per Redis (`EVALSHA`, `SCRIPT LOAD` on a miss).
static SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("ledger.lua")));

/// How long a ledger nobody touches stays in Redis.
const IDLE_TTL: Duration = Duration::from_secs(24 * 3600);

/// The namespace of every key connkit writes to a shared Redis.
pub(crate) const KEY_PREFIX: &str = "connkit:rate-limit:";

/// One (tenant, client id)'s ledger in Redis, and what its last answer said.
#[derive(Clone)]
pub(super) struct RemoteLedger {
    state: SharedState,
    key: String,
    /// This limiter's name in the ledger's claims (an explicit limit's owner).
    who: String,
    /// The limit in force at the last answer; `None` before one, or after a failure.
    limit: Arc<Mutex<Option<InForce>>>,
    said_junk: Arc<AtomicBool>,
}

/// A limit in force: its max (`None`: unthrottled) and its window in ms.
type InForce = (Option<u32>, u64);

/// What an admit said: a slot (its id) or how long to wait, and whether another
/// limiter's explicit limit is the one in force.
pub(super) struct Admission {
    pub(super) taken: Result<u64, Wait>,
    pub(super) follows: bool,
}

impl RemoteLedger {
    /// The ledger `name` (a state file's name, without `.json`) in `state`.
    pub(super) fn new(state: SharedState, name: &str) -> Self {
        RemoteLedger {
            state,
            key: format!("{KEY_PREFIX}{name}"),
            who: format!("{:016x}", fastrand::u64(..)),
            limit: Arc::default(),
            said_junk: Arc::default(),
        }
    }

    /// The limit in force at the last answer, if Redis answered the last call.
    pub(super) fn last_limit(&self) -> Option<InForce> {
        *lock(&self.limit)
    }

    /// Takes a slot, or says how long to wait, with times in the caller's `now`
    /// (milliseconds since the epoch; Redis counts on its own clock and answers in
    /// durations). `None` when Redis cannot be used now.
    pub(super) async fn try_admit(
        &self,
        rule: Rule,
        lease: Duration,
        now: u64,
        deadline: Option<Instant>,
    ) -> Option<Admission> {
        let args = self.args("admit", rule, lease, &[]);
        let reply: Vec<i64> = self.call(&args, deadline).await?;
        let admission = match reply[..] {
            [1, id, max, window, follows, junk] => {
                self.noted(max, window, junk);
                Admission {
                    taken: Ok(u64::try_from(id).ok()?),
                    follows: follows == 1,
                }
            }
            [0, earliest, recheck, max, window, follows, junk] => {
                self.noted(max, window, junk);
                let after = |ms: i64| now.saturating_add(u64::try_from(ms).unwrap_or(0));
                Admission {
                    taken: Err(Wait {
                        earliest: after(earliest),
                        recheck: after(recheck).max(now.saturating_add(1)),
                    }),
                    follows: follows == 1,
                }
            }
            _ => return self.odd_reply("admit", &reply),
        };
        Some(admission)
    }

    /// Frees slot `id` a window from now, and lets a 429 teach; `Some(true)` when this
    /// 429 taught the first lesson. `None` when Redis cannot be used now.
    pub(super) async fn finish(
        &self,
        rule: Rule,
        lease: Duration,
        id: u64,
        outcome: Outcome,
    ) -> Option<bool> {
        let (code, retry_after) = match outcome {
            Outcome::Admitted => ("A", -1),
            Outcome::Failed => ("F", -1),
            Outcome::Refused(after) => (
                "R",
                after.map_or(-1, |d| i64::try_from(millis(d)).unwrap_or(i64::MAX)),
            ),
        };
        let extra = [id.to_string(), code.to_owned(), retry_after.to_string()];
        let args = self.args("finish", rule, lease, &extra);
        let reply: Vec<i64> = self.call(&args, None).await?;
        match reply[..] {
            [max, window, taught, junk] => {
                self.noted(max, window, junk);
                Some(taught == 1)
            }
            _ => self.odd_reply("finish", &reply),
        }
    }

    async fn call(&self, args: &[String], deadline: Option<Instant>) -> Option<Vec<i64>> {
        let request = Request::Script {
            script: &SCRIPT,
            key: &self.key,
            args,
        };
        let reply = self.state.run(request, deadline).await;
        if reply.is_none() {
            *lock(&self.limit) = None;
        }
        reply
    }

    /// The script's arguments: the operation, the rule, `extra`, then the ledger's
    /// constants (one source of truth: ledger.rs).
    fn args(&self, op: &str, rule: Rule, lease: Duration, extra: &[String]) -> Vec<String> {
        let (kind, max, window) = match rule {
            Rule::Fixed(limit) => ("fixed", limit.max(), millis(limit.window())),
            Rule::Adaptive { start: Some(limit) } => {
                ("adaptive", limit.max(), millis(limit.window()))
            }
            Rule::Adaptive { start: None } => ("adaptive", 0, DEFAULT_WINDOW_MS),
        };
        let mut args = vec![
            op.to_owned(),
            kind.to_owned(),
            max.to_string(),
            window.to_string(),
            millis(lease).to_string(),
            self.who.clone(),
        ];
        args.extend(extra.iter().cloned());
        args.resize(9, "-1".to_owned());
        args.extend([
            millis(MAX_HOLD).to_string(),
            millis(MAX_LEARNED_WINDOW).to_string(),
            millis(Limit::MAX_WINDOW).to_string(),
            MAX_SLOTS.to_string(),
            DECREASE.to_string(),
            DEFAULT_WINDOW_MS.to_string(),
            millis(POLL).to_string(),
            millis(IDLE_TTL).to_string(),
        ]);
        args
    }

    fn noted(&self, max: i64, window: i64, junk: i64) {
        let max = u32::try_from(max).ok();
        let window = u64::try_from(window).unwrap_or(DEFAULT_WINDOW_MS);
        *lock(&self.limit) = Some((max, window));
        if junk == 1 && !self.said_junk.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                target: TARGET,
                "{} held something that is not connkit's rate-limit ledger under {}: \
                 it was overwritten",
                self.state.shown(),
                self.key
            );
        }
    }

    fn odd_reply<T>(&self, op: &str, reply: &[i64]) -> Option<T> {
        tracing::warn!(
            target: TARGET,
            "{} answered the ledger's {op} with {reply:?}, which is not what the script \
             returns: this request is limited locally",
            self.state.shown()
        );
        *lock(&self.limit) = None;
        None
    }
}
