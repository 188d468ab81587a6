//! The request bodies of `ConnectorService`.
//!
//! Like every C1 model, `None` fields are left out when encoding, so a request never
//! carries `null` or a key the spec does not define.

use serde::{Deserialize, Serialize};

use super::{Config, Connector, UpdateMask};

/// Which related objects to expand into a response's `expanded` array
/// (`c1.api.app.v1.ConnectorExpandMask`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorExpandMask {
    /// Paths to expand: `app_id` or `*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
}

/// Binds a delegated connector to an app-managed state resource
/// (`c1.api.app.v1.AppManagedStateBindingRef`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppManagedStateBindingRef {
    /// The app that manages the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The resource holding the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The type of that resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type_id: Option<String>,
}

/// The body of `POST /api/v1/apps/{app_id}/connectors/create`: a configured connector
/// (`c1.api.app.v1.ConnectorServiceCreateRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceCreateRequest {
    /// Which catalog entry the connector instantiates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// The connector's configuration, `{"@type": …, …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What to expand in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_mask: Option<ConnectorExpandMask>,
    /// The integration owners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// The body of `POST /api/v1/apps/{app_id}/connectors`: a connector that waits for
/// its configuration (`c1.api.app.v1.ConnectorServiceCreateDelegatedRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceCreateDelegatedRequest {
    /// Where the app keeps the connector's managed state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_managed_state_binding_ref: Option<AppManagedStateBindingRef>,
    /// Which catalog entry the connector instantiates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// What to expand in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_mask: Option<ConnectorExpandMask>,
    /// The integration owners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// The body of `POST /api/v1/apps/{app_id}/connectors/{id}` (and of the delegated
/// variant): the new values and the mask naming which of them to apply
/// (`c1.api.app.v1.ConnectorServiceUpdateRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceUpdateRequest {
    /// The connector carrying the new values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<Connector>,
    /// What to expand in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_mask: Option<ConnectorExpandMask>,
    /// Which fields of `connector` to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_mask: Option<UpdateMask>,
}

/// The body of `POST /api/v1/apps/{connector_app_id}/connectors/{connector_id}/delegated`
/// (`c1.api.app.v1.ConnectorServiceUpdateDelegatedRequest`), which has the same
/// fields as [`ConnectorServiceUpdateRequest`].
pub type ConnectorServiceUpdateDelegatedRequest = ConnectorServiceUpdateRequest;

/// The body of `POST /api/v1/apps/connectors/credentials`
/// (`c1.api.app.v1.ConnectorServiceRotateCredentialRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceRotateCredentialRequest {
    /// The app the connector belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The connector whose credential to rotate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
}

/// A cron sync schedule as `UpdateConnectorSchedule` takes it
/// (`c1.api.app.v1.ConnectorScheduleCron`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorScheduleCron {
    /// The cron expression, e.g. `0 */6 * * *`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron_spec: Option<String>,
    /// The IANA time zone the expression is read in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// The body of `POST /api/v1/apps/{app_id}/connectors/{connector_id}/schedule`
/// (`c1.api.app.v1.UpdateConnectorScheduleRequest`; `cron` is its only schedule kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateConnectorScheduleRequest {
    /// The cron schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<ConnectorScheduleCron>,
}

/// The body of `POST /api/v1/apps/connectors/validate_config/http`
/// (`c1.api.app.v1.EditorValidateRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EditorValidateRequest {
    /// The HTTP connector configuration text to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// An empty message, `{}`: the body of force-sync, pause, resume, delete, revoke and
/// confirm-sync requests and the answer of most of them. Unknown keys are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Empty {}
