//! `ValidateHTTPConnectorConfig`'s answer: editor markers on the checked text.

use serde::{Deserialize, Serialize};

open_enum! {
    /// How serious an [`EditorMarker`] is (`c1.api.editor.v1.EditorMarker.severity`).
    pub enum MarkerSeverity {
        /// Not set (the wire value `UNKNOWN`, the proto3 zero value).
        Unspecified => "UNKNOWN",
        /// A hint.
        Hint => "HINT",
        /// Information.
        Info => "INFO",
        /// A warning.
        Warning => "WARNING",
        /// An error: the configuration cannot be used.
        Error => "ERROR",
    }
}

/// One finding on a range of the checked text, lines and columns counted from 1
/// (`c1.api.editor.v1.EditorMarker`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EditorMarker {
    /// The column the range ends at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<i32>,
    /// The line the range ends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line_number: Option<i32>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How serious it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<MarkerSeverity>,
    /// The column the range starts at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_column: Option<i32>,
    /// The line the range starts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line_number: Option<i32>,
}

/// The answer of `ValidateHTTPConnectorConfig` (`c1.api.app.v1.EditorValidateResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EditorValidateResponse {
    /// The findings; absent or empty when the text is fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markers: Option<Vec<EditorMarker>>,
}

impl EditorValidateResponse {
    /// `true` when a marker has severity `ERROR`.
    pub fn has_errors(&self) -> bool {
        self.markers
            .iter()
            .flatten()
            .any(|m| m.severity == Some(MarkerSeverity::Error))
    }
}
