//! Assertions both modes share.

use connkit_models::preflight::{BodyKind, Severity, Validator};
use connkit_plugin_host::codes;

/// The one finding a failed call produces, checked to be an error tagged with and
/// naming the plugin; returns its message.
pub fn only_error(validator: &dyn Validator, kind: BodyKind, body: &[u8], code: &str) -> String {
    let findings = validator.validate(kind, body);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (f.severity, f.code.as_str()),
        (Severity::Error, code),
        "{f:?}"
    );
    assert_eq!(f.validator.as_deref(), Some(validator.name()));
    assert!(
        f.message
            .contains(&format!("plugin `{}`", validator.name())),
        "{f}"
    );
    f.message.clone()
}

/// The `bad-output` fixture: unparsable findings, an undefined status, and a finding at
/// line 0 are each one error finding.
pub fn bad_output(bad: &dyn Validator) {
    only_error(bad, BodyKind::SourceConfig, b"<x/>", codes::BAD_OUTPUT);
    let message = only_error(bad, BodyKind::SourceConfig, b"status", codes::BAD_STATUS);
    assert!(message.contains("status 42"), "{message}");
    let message = only_error(bad, BodyKind::SourceConfig, b"line-zero", codes::BAD_OUTPUT);
    assert!(
        message.contains("finding 1 (`fx.at`) is at line 0"),
        "{message}"
    );
}
