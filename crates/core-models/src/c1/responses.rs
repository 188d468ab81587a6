//! `ConnectorView` and the answers of `ConnectorService.List` and `.Get`.

use serde::{Deserialize, Serialize};

use super::{Config, Connector};

/// A connector plus JSONPath pointers into the response's `expanded` array
/// (`c1.api.app.v1.ConnectorView`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorView {
    /// JSONPath of the connector's App in `expanded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_path: Option<String>,
    /// JSONPath of the ConnectorCapabilities in `expanded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities_path: Option<String>,
    /// The connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<Connector>,
    /// JSONPath of the related User in `expanded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_path: Option<String>,
}

/// One page of `GET /api/v1/apps/{app_id}/connectors`
/// (`c1.api.app.v1.ConnectorServiceListResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceListResponse {
    /// Related objects the `*Path` fields of each view point into, each `{"@type", …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expanded: Option<Vec<Config>>,
    /// The connectors of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<ConnectorView>>,
    /// Send as `page_token` to get the next page; absent or empty on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl ConnectorServiceListResponse {
    /// The connectors of this page, skipping views without one.
    pub fn connectors(&self) -> impl Iterator<Item = &Connector> {
        self.list
            .iter()
            .flatten()
            .filter_map(|view| view.connector.as_ref())
    }

    /// The token of the next page, or `None` on the last page (proto3 sends `""`
    /// for "no more pages", which this treats like absent).
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref().filter(|t| !t.is_empty())
    }
}

/// The answer of `GET /api/v1/apps/{app_id}/connectors/{id}`
/// (`c1.api.app.v1.ConnectorServiceGetResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceGetResponse {
    /// The connector and its pointers into `expanded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_view: Option<ConnectorView>,
    /// Related objects requested by the expand mask, each `{"@type", …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expanded: Option<Vec<Config>>,
}

/// The answer of `Create` and `CreateDelegated`
/// (`c1.api.app.v1.ConnectorServiceCreateResponse`): the same shape as
/// [`ConnectorServiceGetResponse`].
pub type ConnectorServiceCreateResponse = ConnectorServiceGetResponse;

/// The answer of `Update` and `UpdateDelegated`
/// (`c1.api.app.v1.ConnectorServiceUpdateResponse`): the same shape as
/// [`ConnectorServiceGetResponse`].
pub type ConnectorServiceUpdateResponse = ConnectorServiceGetResponse;

/// The answer of `GetConnectorSyncDownloadURL`
/// (`c1.api.app.v1.GetConnectorSyncDownloadURLResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GetConnectorSyncDownloadURLResponse {
    /// A short-lived URL of the sync's artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
}
