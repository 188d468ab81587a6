//! The `Connector` resource and who authorized it.

use serde::{Deserialize, Serialize};

use super::{Config, ConnectorStatus, ConnectorSyncCronSchedule, SyncConfig};
use crate::{ProtoInt64, Timestamp};

/// The user that authorized a connector through OAuth (`c1.api.app.v1.OAuth2AuthorizedAs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct OAuth2AuthorizedAs {
    /// The email of the user who authorized the connector (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_email: Option<String>,
    /// When they authorized it (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_at: Option<Timestamp>,
}

/// A ConductorOne connector: what syncs objects into an app (`c1.api.app.v1.Connector`).
///
/// Every field may be absent or `null` on the wire; both decode to `None`, and
/// `None` is left out when encoding. Fields marked read-only are set by the service
/// and ignored when sent.
///
/// `configUpdatedAt`, `connectorApiVersion` and `parallelSyncWorkerCount` come from
/// ConductorOne SDK releases newer than both spec revisions in `shared/spec`, which
/// do not define them. Their types follow the API's conventions: `…At` fields are
/// `google.protobuf.Timestamp`s ([`Timestamp`]); the two numbers are taken to be
/// proto3 `int64`s ([`ProtoInt64`]), which also accepts an `int32`-style number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connector {
    /// The id of the app the connector belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Whether an interrupted sync can be resumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_resume_sync: Option<bool>,
    /// Which catalog entry this connector instantiates (every Okta connector shares one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// The connector's configuration, `{"@type": …, …}`, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
    /// When the configuration last changed (read-only; newer API revisions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_updated_at: Option<Timestamp>,
    /// The connector API version the connector speaks (read-only; newer API
    /// revisions; a proto3 `int64`, so a string on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_api_version: Option<ProtoInt64>,
    /// A cron schedule for syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_sync_cron_schedule: Option<ConnectorSyncCronSchedule>,
    /// When the connector was created (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When the connector was deleted (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    /// A description of the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Turns off the service's check for suspicious ("bad") syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_check_bad_sync: Option<bool>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A spreadsheet download URL, for connectors created from an uploaded file (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    /// The connector id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who authorized the connector through OAuth (wire name `oauthAuthorizedAs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_authorized_as: Option<OAuth2AuthorizedAs>,
    /// How many sync workers run in parallel (newer API revisions; a proto3
    /// `int64`, so a string on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_sync_worker_count: Option<ProtoInt64>,
    /// When set, only these profile attributes are synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_allow_list: Option<Vec<String>>,
    /// Profile attributes never synced; all others are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_ignore_list: Option<Vec<String>>,
    /// The sync status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConnectorStatus>,
    /// Which resource types to sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_config: Option<SyncConfig>,
    /// When syncing was disabled (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_disabled_at: Option<Timestamp>,
    /// The category of the reason syncing was disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_disabled_category: Option<String>,
    /// Why syncing was disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_disabled_reason: Option<String>,
    /// When the connector last changed (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The integration owners of the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}
