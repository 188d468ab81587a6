//! Assertions both modes share.

use connkit_models::preflight::{BodyKind, Severity, Validator};

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
