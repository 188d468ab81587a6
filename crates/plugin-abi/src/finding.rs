//! What a plugin reports: the JSON shape of one finding.

use serde::{Deserialize, Serialize};

/// How serious a finding is. Only `Error` stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information only.
    Info,
    /// Suspicious, but the request may go.
    Warning,
    /// The request must not be sent.
    Error,
}

/// One problem a plugin found in a body.
///
/// Serialises to the JSON the host expects in the findings array:
/// `{"severity":"error|warning|info","code":…,"message":…,"line"?:…,"column"?:…,"pointer"?:…}`.
/// `line` and `column` are 1-based; `pointer` is a JSON Pointer for JSON bodies. The
/// host adds the plugin's name to each finding itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable, machine-readable code, e.g. `house.missing-connector-name`.
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
    /// 1-based line in the body, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in the body, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// JSON Pointer into a JSON body, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Finding {
    /// A finding with no position.
    pub fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity,
            code: code.into(),
            message: message.into(),
            line: None,
            column: None,
            pointer: None,
        }
    }

    /// An error-severity finding: the request will not be sent.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning-severity finding.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// An info-severity finding.
    pub fn info(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, message)
    }

    /// Sets the 1-based line and column (the host refuses 0 for either); columns count
    /// characters, not bytes.
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the line and column of byte `offset` in the indexed body (see
    /// [`LineIndex`](crate::LineIndex)): what a parser's byte position becomes.
    pub fn at_offset(self, lines: &crate::LineIndex<'_>, offset: usize) -> Self {
        let (line, column) = lines.line_column(offset);
        self.at(line, column)
    }

    /// Sets the JSON Pointer.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_omits_unknown_positions() {
        let f = Finding::error("x.y", "bad").at(3, 7);
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"severity":"error","code":"x.y","message":"bad","line":3,"column":7}"#
        );
        let f = Finding::info("a", "b").at_pointer("/0/path");
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"severity":"info","code":"a","message":"b","pointer":"/0/path"}"#
        );
    }
}
