//! What `fuzz/` drives: a state file's bytes through the ledger as a limiter uses it.

use std::time::Duration;

use super::ledger::{Ledger, Outcome, Rule};
use super::policy::Limit;

/// The lease the fuzzed limiter assumes (the stack's default per-attempt timeout).
const LEASE: Duration = Duration::from_secs(30);

/// The longest wait any state may impose: the longest window plus the lease.
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(24 * 3600 + 30);

/// See [`crate::fuzzing::rate_limit_wait`]. Processes with an even pid count as alive.
pub(crate) fn wait(
    state: &[u8],
    now_ms: u64,
    adaptive: bool,
    refused_after: Option<Duration>,
) -> Result<Option<Duration>, serde_json::Error> {
    let mut ledger: Ledger = serde_json::from_slice(state)?;
    let rule = if adaptive {
        Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        }
    } else {
        Rule::Fixed(Limit::ISC_DEFAULT)
    };
    ledger.prune(rule, now_ms, LEASE, |pid| pid % 2 == 0);
    if let Some(after) = refused_after {
        if let Ok(id) = ledger.try_admit(rule, now_ms, 2, LEASE) {
            ledger.finish(rule, id, now_ms, Outcome::Refused(Some(after)));
        }
    }
    Ok(match ledger.try_admit(rule, now_ms, 4, LEASE) {
        Ok(_) => None,
        Err(wait) => Some(Duration::from_millis(wait.earliest.saturating_sub(now_ms))),
    })
}
