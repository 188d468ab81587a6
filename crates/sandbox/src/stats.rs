//! Request counters, served at `GET /__sandbox/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What clients sent: totals by operation and by status.
///
/// Requests to `/__sandbox/*` are not counted. A request whose connection was dropped by
/// fault injection has no status: it counts in `total`, `by_operation` and
/// `injected_faults` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// Every request counted.
    pub total: u64,
    /// By `operationId` (`getConnectorList`, …; `oauthToken` for the token endpoint,
    /// `unmatched` for unknown routes).
    pub by_operation: BTreeMap<String, u64>,
    /// By status code, as a string (`"200"`).
    pub by_status: BTreeMap<String, u64>,
    /// By injected fault (`error`, `reset`, `truncate`; `rule` for a fault rule's hit).
    pub injected_faults: BTreeMap<String, u64>,
}

/// Counts requests.
#[derive(Debug, Default)]
pub(crate) struct StatsRecorder(Mutex<Stats>);

impl StatsRecorder {
    /// Counts one request.
    pub(crate) fn record(&self, operation: &str, status: Option<u16>, fault: Option<&str>) {
        let mut stats = self.0.lock().unwrap_or_else(|e| e.into_inner());
        stats.total += 1;
        *stats.by_operation.entry(operation.to_owned()).or_default() += 1;
        if let Some(status) = status {
            *stats.by_status.entry(status.to_string()).or_default() += 1;
        }
        if let Some(fault) = fault {
            *stats.injected_faults.entry(fault.to_owned()).or_default() += 1;
        }
    }

    /// A copy of the counters.
    pub(crate) fn snapshot(&self) -> Stats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Sets every counter back to zero.
    pub(crate) fn reset(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Stats::default();
    }
}
