//! JSON Patch (RFC 6902) operations for `PATCH /connectors/{scriptName}`.

use serde::{Deserialize, Serialize};

open_enum! {
    /// A JSON Patch operation name.
    pub enum JsonPatchOp {
        /// Add a value.
        Add => "add",
        /// Remove a value.
        Remove => "remove",
        /// Replace a value.
        Replace => "replace",
        /// Move a value (`from` required).
        Move => "move",
        /// Copy a value (`from` required).
        Copy => "copy",
        /// Test a value.
        Test => "test",
    }
}

/// The only top-level paths the service lets a patch touch.
pub const PATCHABLE_PATHS: &[&str] = &[
    "/connectorMetadata",
    "/applicationXml",
    "/correlationConfigXml",
    "/sourceConfigXml",
];

/// `true` when a patch may touch `pointer`: one of [`PATCHABLE_PATHS`] exactly, or a
/// path below `/connectorMetadata` (a key of it, or deeper). The one rule that
/// pre-flight and the sandbox both apply; `pointer` is compared as written (escapes
/// included), so a malformed pointer is refused elsewhere, not here.
///
/// ```
/// use connkit_models::isc::v2024::is_patchable;
///
/// assert!(is_patchable("/sourceConfigXml"));
/// assert!(is_patchable("/connectorMetadata/ui~1hint"));
/// assert!(!is_patchable("/sourceConfigXml/x"));
/// assert!(!is_patchable("/connectorMetadataX"));
/// assert!(!is_patchable("/name"));
/// ```
pub fn is_patchable(pointer: &str) -> bool {
    PATCHABLE_PATHS.contains(&pointer)
        || pointer
            .strip_prefix(METADATA_PATH)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The one patchable path with paths below it.
pub const METADATA_PATH: &str = "/connectorMetadata";

/// One operation of a JSON Patch document (`JsonPatchOperation`).
///
/// The spec omits `from`; RFC 6902 needs it for `move` and `copy`, so it is here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonPatchOperation {
    /// The operation.
    pub op: JsonPatchOp,
    /// JSON Pointer to the target.
    pub path: String,
    /// The value, for `add`, `replace` and `test`: any JSON, `null` included (an
    /// explicit `"value": null` is kept as `Some(Value::Null)`; absent is `None`).
    #[serde(
        default,
        deserialize_with = "present_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<serde_json::Value>,
    /// JSON Pointer to the source, for `move` and `copy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// Keeps a present `"value": null` as `Some(Value::Null)`; only an absent member is
/// `None` (plain `Option<Value>` would fold the two together and drop the null).
fn present_value<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

impl JsonPatchOperation {
    fn with(op: JsonPatchOp, path: impl Into<String>) -> Self {
        Self {
            op,
            path: path.into(),
            value: None,
            from: None,
        }
    }

    /// `add` `value` at `path`.
    pub fn add(path: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self {
            value: Some(value.into()),
            ..Self::with(JsonPatchOp::Add, path)
        }
    }

    /// `remove` the value at `path`.
    pub fn remove(path: impl Into<String>) -> Self {
        Self::with(JsonPatchOp::Remove, path)
    }

    /// `replace` the value at `path` with `value`.
    pub fn replace(path: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self {
            value: Some(value.into()),
            ..Self::with(JsonPatchOp::Replace, path)
        }
    }

    /// `move` the value at `from` to `path`.
    pub fn move_from(from: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            from: Some(from.into()),
            ..Self::with(JsonPatchOp::Move, path)
        }
    }

    /// `copy` the value at `from` to `path`.
    pub fn copy_from(from: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            from: Some(from.into()),
            ..Self::with(JsonPatchOp::Copy, path)
        }
    }

    /// `test` that the value at `path` equals `value`.
    pub fn test(path: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self {
            value: Some(value.into()),
            ..Self::with(JsonPatchOp::Test, path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_patchable;

    #[test]
    fn only_the_four_fields_and_paths_below_metadata_are_patchable() {
        for ok in [
            "/connectorMetadata",
            "/connectorMetadata/a",
            "/connectorMetadata/a/0",
            "/applicationXml",
            "/correlationConfigXml",
            "/sourceConfigXml",
        ] {
            assert!(is_patchable(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "/name",
            "/connectorMetadataX",
            "/applicationXml/a",
            "/status",
        ] {
            assert!(!is_patchable(bad), "{bad}");
        }
    }
}
