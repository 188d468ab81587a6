//! What a connector syncs and when: `SyncConfig` and `ConnectorSyncCronSchedule`.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Which resource types a connector syncs (`c1.api.app.v1.SyncConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncConfig {
    /// Resource type ids to sync; absent or `null` means the service default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_resource_type_ids: Option<Vec<String>>,
}

/// A cron schedule for a connector's syncs (`c1.api.app.v1.ConnectorSyncCronSchedule`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorSyncCronSchedule {
    /// The cron expression, e.g. `0 */6 * * *`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron_spec: Option<String>,
    /// When the schedule takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// The IANA time zone the cron expression is read in, e.g. `Europe/Oslo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}
