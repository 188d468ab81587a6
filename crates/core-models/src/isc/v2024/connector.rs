//! The connector resource: list items, full detail, and the create request.

use serde::{Deserialize, Serialize};

use super::JsonObject;

open_enum! {
    /// Lifecycle status of a connector (`V3ConnectorDto.status`, `ConnectorDetail.status`).
    pub enum ConnectorStatus {
        /// No longer offered for new sources.
        Deprecated => "DEPRECATED",
        /// Under development; not listed.
        Development => "DEVELOPMENT",
        /// A demo connector.
        Demo => "DEMO",
        /// Released; the only status `getConnectorList` returns.
        Released => "RELEASED",
    }
}

/// One item of `GET /connectors` (`V3ConnectorDto`), also the answer to a create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct V3ConnectorDto {
    /// The connector name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The connector type, e.g. `ServiceNow`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub connector_type: Option<String>,
    /// The unique, URL-friendly id used by every per-connector route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// The connector class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Features the connector supports, e.g. `PROVISIONING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// `true` for a direct-connect source (spec default `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_connect: Option<bool>,
    /// UI metadata, any JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_metadata: Option<JsonObject>,
    /// Lifecycle status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConnectorStatus>,
}

/// `GET /connectors/{scriptName}` and `PATCH` answer (`ConnectorDetail`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorDetail {
    /// The connector name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The connector type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub connector_type: Option<String>,
    /// The connector class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// The connector script name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// The application XML (patchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_xml: Option<String>,
    /// The correlation config XML (patchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_config_xml: Option<String>,
    /// The source config XML (patchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_config_xml: Option<String>,
    /// The source config (nullable in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_config: Option<String>,
    /// Where the source config came from (nullable in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_config_from: Option<String>,
    /// Storage path key for this connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_location: Option<String>,
    /// Uploaded executable files (nullable in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_files: Option<Vec<String>>,
    /// `true` if the source is file upload (spec default `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_upload: Option<bool>,
    /// `true` for a direct-connect source (spec default `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_connect: Option<bool>,
    /// Translation `.properties` text by locale key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_properties: Option<JsonObject>,
    /// UI metadata (patchable), any JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_metadata: Option<JsonObject>,
    /// Lifecycle status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConnectorStatus>,
}

/// Body of `POST /connectors` (`V3CreateConnectorDto`): `name` and `className` required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct V3CreateConnectorDto {
    /// Unique per tenant; the service derives `scriptName` from it.
    pub name: String,
    /// Connector type; the service defaults it to `"custom " + name`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub connector_type: Option<String>,
    /// Use `sailpoint.connector.OpenConnectorAdapter` for open connectors.
    pub class_name: String,
    /// Direct-connect source; the spec default for create is `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_connect: Option<bool>,
    /// Initial status (`DEVELOPMENT`, `DEMO` or `RELEASED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConnectorStatus>,
}

impl V3CreateConnectorDto {
    /// The spec's default for `directConnect` on create.
    pub const DEFAULT_DIRECT_CONNECT: bool = true;

    /// The longest `name`, in characters, that connkit creates (the spec sets none).
    ///
    /// A name travels in URIs: as the `scriptName` derived from it (at most one byte per
    /// character) in every per-connector path, and quoted in a list filter
    /// (`name eq "…"`), where one character can take 12 bytes (4 UTF-8 bytes, each
    /// percent-encoded). At 255 characters such a filter stays near 3 KB and a path far
    /// below the 8 000 octets RFC 9110 asks servers to support and the 4–8 KB request
    /// lines common proxies allow; a longer name could create a connector that no
    /// request can address.
    pub const MAX_NAME_CHARS: usize = 255;

    /// A create request with the two required fields.
    pub fn new(name: impl Into<String>, class_name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            connector_type: None,
            class_name: class_name.into(),
            direct_connect: None,
            status: None,
        }
    }

    /// The type the service will store: the given one, else `"custom " + name`.
    pub fn effective_type(&self) -> String {
        match &self.connector_type {
            Some(t) => t.clone(),
            None => format!("custom {}", self.name),
        }
    }

    /// `directConnect` as the service will store it (default `true`).
    pub fn effective_direct_connect(&self) -> bool {
        self.direct_connect.unwrap_or(Self::DEFAULT_DIRECT_CONNECT)
    }
}
