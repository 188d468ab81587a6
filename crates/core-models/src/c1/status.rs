//! `ConnectorStatus`: where a connector's sync stands.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

open_enum! {
    /// The state of a connector's sync (`ConnectorStatus.status`). Open: a value
    /// this version does not know is kept in `Unknown`.
    pub enum SyncStatus {
        /// Not set (the proto3 zero value).
        Unspecified => "SYNC_STATUS_UNSPECIFIED",
        /// A sync is running.
        Running => "SYNC_STATUS_RUNNING",
        /// The last sync finished.
        Done => "SYNC_STATUS_DONE",
        /// The last sync failed; see `lastError`.
        Error => "SYNC_STATUS_ERROR",
        /// Syncing is disabled.
        Disabled => "SYNC_STATUS_DISABLED",
    }
}

/// The sync status of a connector and when syncing last started, completed or
/// changed it (`c1.api.app.v1.ConnectorStatus`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorStatus {
    /// When the last sync completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// The last error the connector met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the last sync started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// The sync state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SyncStatus>,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

impl ConnectorStatus {
    /// `true` when the service reports the last sync as failed.
    pub fn is_error(&self) -> bool {
        matches!(self.status, Some(SyncStatus::Error))
    }
}
