//! `updateConnector`: `PATCH /connectors/{scriptName}` with a JSON Patch.

use bytes::Bytes;
use connkit_models::isc::v2024::{ConnectorDetail, JsonObject, JsonPatchOperation};
use connkit_models::json_pointer;
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use connkit_client::RequestSpec;

use crate::operation::{connector_path, decode_json, expect_success, BuildOn, Operation};

/// The media type of a JSON Patch body.
pub const JSON_PATCH: &str = "application/json-patch+json";

/// `PATCH /connectors/{scriptName}`: applies a JSON Patch (RFC 6902) and answers the
/// updated `ConnectorDetail`. Only `connectorMetadata`, `applicationXml`,
/// `correlationConfigXml` and `sourceConfigXml` are patchable; the helpers below write
/// those. The body goes through pre-flight as [`BodyKind::JsonPatch`].
///
/// ```
/// use connkit_connectors::ops::UpdateConnector;
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = UpdateConnector::new("my-connector")
///     .replace_source_config_xml("<sourceConfig/>")
///     .set_metadata("supportsDelta/v2", true);
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(request.method(), "PATCH");
/// assert_eq!(request.headers()["content-type"], "application/json-patch+json");
/// assert_eq!(
///     &request.body()[..],
///     br#"[{"op":"replace","path":"/sourceConfigXml","value":"<sourceConfig/>"},{"op":"add","path":"/connectorMetadata/supportsDelta~1v2","value":true}]"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateConnector {
    /// The connector's script name.
    pub script_name: String,
    /// The operations, in order.
    pub operations: Vec<JsonPatchOperation>,
    /// A whole patch document given as JSON (sent instead of `operations`).
    pub raw: Option<Bytes>,
}

impl UpdateConnector {
    /// An empty patch of the connector `script_name`; add operations with the helpers.
    pub fn new(script_name: impl Into<String>) -> Self {
        UpdateConnector {
            script_name: script_name.into(),
            operations: Vec::new(),
            raw: None,
        }
    }

    /// A patch whose JSON document is given as is (e.g. read from a file); pre-flight
    /// checks it before it is sent.
    pub fn from_json(script_name: impl Into<String>, patch: impl Into<Bytes>) -> Self {
        UpdateConnector {
            raw: Some(patch.into()),
            ..Self::new(script_name)
        }
    }

    /// Appends any operation.
    pub fn operation(mut self, operation: JsonPatchOperation) -> Self {
        self.operations.push(operation);
        self
    }

    /// `replace` `/applicationXml`.
    pub fn replace_application_xml(self, xml: impl Into<String>) -> Self {
        self.operation(JsonPatchOperation::replace("/applicationXml", xml.into()))
    }

    /// `replace` `/correlationConfigXml`.
    pub fn replace_correlation_config_xml(self, xml: impl Into<String>) -> Self {
        self.operation(JsonPatchOperation::replace(
            "/correlationConfigXml",
            xml.into(),
        ))
    }

    /// `replace` `/sourceConfigXml`.
    pub fn replace_source_config_xml(self, xml: impl Into<String>) -> Self {
        self.operation(JsonPatchOperation::replace("/sourceConfigXml", xml.into()))
    }

    /// `replace` the whole `/connectorMetadata` object.
    pub fn replace_metadata(self, metadata: JsonObject) -> Self {
        self.operation(JsonPatchOperation::replace(
            "/connectorMetadata",
            serde_json::Value::Object(metadata),
        ))
    }

    /// `add` (set or overwrite) one `connectorMetadata` key; `/` and `~` in the key are
    /// escaped as the JSON Pointer syntax requires.
    pub fn set_metadata(self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.operation(JsonPatchOperation::add(metadata_pointer(key), value))
    }

    /// `remove` one `connectorMetadata` key.
    pub fn remove_metadata(self, key: &str) -> Self {
        self.operation(JsonPatchOperation::remove(metadata_pointer(key)))
    }
}

fn metadata_pointer(key: &str) -> String {
    format!("/connectorMetadata/{}", json_pointer::escape(key))
}

impl Operation for UpdateConnector {
    type Output = ConnectorDetail;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        "updateConnector"
    }

    fn preflight_body<'a>(
        &'a self,
        request: &'a http::Request<Bytes>,
    ) -> Option<(BodyKind, &'a [u8])> {
        Some((BodyKind::JsonPatch, request.body()))
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = connector_path(&self.script_name, "")?;
        let body = match &self.raw {
            Some(_) if !self.operations.is_empty() => {
                return Err(Error::invalid_input(
                    "a patch is either given as JSON or built from operations, not both",
                ))
            }
            Some(raw) => raw.clone(),
            // Operations hold strings and JSON values: serializing cannot fail.
            None => Bytes::from(serde_json::to_vec(&self.operations).unwrap_or_default()),
        };
        RequestSpec::new(Method::PATCH, path, "application/json")
            .body(JSON_PATCH, body)
            .build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let response = expect_success(self.operation_id(), Some(&self.script_name), response)?;
        decode_json(self.operation_id(), response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_write_the_four_patchable_fields() {
        let mut meta = JsonObject::new();
        meta.insert("a".into(), 1.into());
        let op = UpdateConnector::new("s")
            .replace_application_xml("<a/>")
            .replace_correlation_config_xml("<c/>")
            .replace_metadata(meta)
            .remove_metadata("x~y");
        let paths: Vec<&str> = op.operations.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/applicationXml",
                "/correlationConfigXml",
                "/connectorMetadata",
                "/connectorMetadata/x~0y"
            ]
        );
    }

    #[test]
    fn raw_and_operations_do_not_mix() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        let op = UpdateConnector::from_json("s", &b"[]"[..]).set_metadata("k", 1);
        assert!(matches!(
            op.build_request(&base),
            Err(Error::InvalidInput { .. })
        ));
        let op = UpdateConnector::from_json("s", &b"[ ]"[..]);
        let r = op.build_request(&base).unwrap();
        assert_eq!(&r.body()[..], b"[ ]");
        assert_eq!(op.preflight_body(&r).unwrap().0, BodyKind::JsonPatch);
    }
}
