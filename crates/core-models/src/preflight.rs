//! Pre-flight vocabulary: what a body validator is given and what it reports.
//!
//! Validators (built-in ones in `connkit-connectors`, third-party plugins through
//! `connkit-plugin-host`) all implement [`Validator`]. The client runs them before a
//! body leaves; any [`Severity::Error`] finding stops the request.
//!
//! With the feature `xml`, the `xml` module holds the XML policy that the client's pre-flight
//! and the sandbox both apply.

use serde::{Deserialize, Serialize};

#[cfg(feature = "xml")]
#[cfg_attr(docsrs, doc(cfg(feature = "xml")))]
pub mod xml;

/// Which kind of body is being checked. The numbers are frozen: the plugin ABI
/// carries them as plain `u32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[repr(u32)]
pub enum BodyKind {
    /// The source-config XML (`PUT …/source-config`).
    SourceConfig = 1,
    /// The source-template XML (`PUT …/source-template`).
    SourceTemplate = 2,
    /// The correlation-config XML (`PUT …/correlation-config`).
    CorrelationConfig = 3,
    /// Translations as `.properties` text (`PUT …/translations/{locale}`).
    Translations = 4,
    /// A JSON Patch document (`PATCH /connectors/{scriptName}`).
    JsonPatch = 5,
    /// A `V3CreateConnectorDto` JSON body (`POST /connectors`).
    CreateConnector = 6,
}

impl BodyKind {
    /// Every kind, in ABI order.
    pub const ALL: [BodyKind; 6] = [
        BodyKind::SourceConfig,
        BodyKind::SourceTemplate,
        BodyKind::CorrelationConfig,
        BodyKind::Translations,
        BodyKind::JsonPatch,
        BodyKind::CreateConnector,
    ];

    /// The frozen ABI number of this kind.
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// The kind with ABI number `n`, if there is one.
    pub fn from_u32(n: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_u32() == n)
    }

    /// The kebab-case name used on the command line and in JSON (`source-config`, …).
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::SourceConfig => "source-config",
            BodyKind::SourceTemplate => "source-template",
            BodyKind::CorrelationConfig => "correlation-config",
            BodyKind::Translations => "translations",
            BodyKind::JsonPatch => "json-patch",
            BodyKind::CreateConnector => "create-connector",
        }
    }

    /// `true` for the three XML document kinds.
    pub fn is_xml(self) -> bool {
        matches!(
            self,
            BodyKind::SourceConfig | BodyKind::SourceTemplate | BodyKind::CorrelationConfig
        )
    }
}

impl std::fmt::Display for BodyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that is not one of [`BodyKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown body kind `{0}` (expected one of: source-config, source-template, correlation-config, translations, json-patch, create-connector)")]
pub struct UnknownBodyKind(pub String);

impl std::str::FromStr for BodyKind {
    type Err = UnknownBodyKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownBodyKind(s.to_owned()))
    }
}

/// How serious a finding is. Only `Error` stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information only.
    Info,
    /// Suspicious, but the request may go.
    Warning,
    /// The request must not be sent.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem a validator found in a body.
///
/// `line` and `column` are 1-based and point into the body as sent; `pointer` is a
/// JSON Pointer for JSON bodies. This is also the JSON shape plugins return.
// `non_exhaustive` so that a field can be added without a breaking release: other
// crates build one with `Finding::new` (or `error` / `warning`) and the `at…` setters.
// (A plain comment: doc comments become the JSON Schema's description.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable, machine-readable code, e.g. `xml.not-well-formed`.
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
    /// The validator that reported it (filled in by whoever runs the validator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator: Option<String>,
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
            validator: None,
        }
    }

    /// An error-severity finding.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning-severity finding.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the JSON Pointer.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets the name of the validator that reported it.
    pub fn from_validator(mut self, name: impl Into<String>) -> Self {
        self.validator = Some(name.into());
        self
    }

    /// `true` when this finding must stop the request.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Finding {
    /// `line:column: severity: code: message` (position omitted when unknown).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{l}:{c}: ")?,
            (Some(l), None) => write!(f, "{l}: ")?,
            _ => {}
        }
        write!(f, "{}: {}: {}", self.severity, self.code, self.message)?;
        if let Some(p) = &self.pointer {
            write!(f, " (at {p})")?;
        }
        Ok(())
    }
}

/// A pre-flight check on a request body. Synchronous and pure: kind + bytes in,
/// findings out. Implementations must not panic on any input.
pub trait Validator: Send + Sync {
    /// A short name shown next to each finding, e.g. `builtin.xml`.
    fn name(&self) -> &str;

    /// `true` if this validator has something to say about `kind`.
    fn supports(&self, kind: BodyKind) -> bool;

    /// Checks `body` of the given kind. An empty list means nothing to report.
    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding>;
}

impl<V: Validator + ?Sized> Validator for std::sync::Arc<V> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn supports(&self, kind: BodyKind) -> bool {
        (**self).supports(kind)
    }
    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        (**self).validate(kind, body)
    }
}

/// Runs every validator that supports `kind`, tagging each finding with its
/// validator's name. Findings keep the order of `validators`.
pub fn run_all(
    validators: &[std::sync::Arc<dyn Validator>],
    kind: BodyKind,
    body: &[u8],
) -> Vec<Finding> {
    validators
        .iter()
        .filter(|v| v.supports(kind))
        .flat_map(|v| {
            let name = v.name().to_owned();
            v.validate(kind, body).into_iter().map(move |mut f| {
                if f.validator.is_none() {
                    f.validator = Some(name.clone());
                }
                f
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_frozen_numbers_and_names() {
        for (n, kind) in (1u32..).zip(BodyKind::ALL) {
            assert_eq!(kind.as_u32(), n);
            assert_eq!(BodyKind::from_u32(n), Some(kind));
            assert_eq!(kind.name().parse::<BodyKind>(), Ok(kind));
        }
        assert_eq!(BodyKind::from_u32(0), None);
        assert_eq!(BodyKind::from_u32(7), None);
        let err = "xml".parse::<BodyKind>().unwrap_err();
        assert!(err.to_string().contains("unknown body kind `xml`"));
    }

    #[test]
    fn finding_json_shape_is_stable() {
        let f = Finding::error("xml.not-well-formed", "unexpected end").at(3, 7);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"severity":"error","code":"xml.not-well-formed","message":"unexpected end","line":3,"column":7}"#
        );
        assert_eq!(serde_json::from_str::<Finding>(&json).unwrap(), f);
        assert_eq!(
            f.to_string(),
            "3:7: error: xml.not-well-formed: unexpected end"
        );
    }
}
