//! Built-in pre-flight validators, and running validators before a body leaves.
//!
//! [`builtin_validators`] is what a [`Client`](crate::Client) runs by default (before
//! any validator added with [`ClientBuilder::validator`](crate::ClientBuilder::validator)):
//!
//! | validator | name | kinds | codes |
//! |---|---|---|---|
//! | [`SizeLimit`] | `builtin.size` | all | `body.too-large` |
//! | [`XmlValidator`] | `builtin.xml` | the three XML documents | the XML policy of [`connkit_models::preflight::xml`] (shared with the sandbox): `xml.not-utf8`, `xml.unsupported-encoding`, `xml.encoding-mismatch`, `xml.bad-declaration`, `xml.doctype-unparsed`, `xml.doctype-misplaced`, `xml.internal-subset`, `xml.entity-declaration`, `xml.external-entity`, `xml.parameter-entity`, `xml.external-dtd`, `xml.unknown-dtd` (warning), `xml.doctype-name` (warning), `xml.xinclude`, `xml.undefined-entity`, `xml.not-well-formed`, `xml.unclosed`, `xml.no-root`, `xml.content-outside-root`, `xml.bad-attribute` |
//! | [`JsonPatchValidator`] | `builtin.json-patch` | JSON Patch | `json.syntax`, `patch.not-array`, `patch.empty`, `patch.not-object`, `patch.missing-member`, `patch.wrong-type`, `patch.unknown-op`, `patch.bad-pointer`, `patch.not-patchable`, `patch.missing-value`, `patch.missing-from`, `patch.xml-not-string`, `patch.metadata-not-object`, `patch.unknown-member`, and the `xml.*` codes for XML values |
//! | [`PropertiesValidator`] | `builtin.properties` | translations | `properties.not-utf8`, `properties.bad-unicode-escape`, `properties.empty-key`, `properties.duplicate-key`, `properties.dangling-continuation` |
//! | [`CreateConnectorValidator`] | `builtin.create` | create | `json.syntax`, `create.not-object`, `create.missing-field`, `create.empty-field`, `create.too-long`, `create.wrong-type` |
//!
//! Every finding of a body carries a 1-based `line` and `column` into that body where
//! the problem has a position, and a JSON Pointer for JSON bodies. For XML inside a
//! JSON Patch value, `pointer` names the value (e.g. `/0/value`) and `line`/`column`
//! point at the offending character inside that JSON string, in the body as written.
//!
//! ```
//! use connkit_connectors::preflight::{builtin_validators, check};
//! use connkit_models::preflight::{run_all, BodyKind};
//!
//! let validators = builtin_validators();
//! let findings = run_all(&validators, BodyKind::SourceConfig, b"<a>\n  <b></a>");
//! assert_eq!(findings[0].code, "xml.not-well-formed");
//! assert_eq!((findings[0].line, findings[0].column), (Some(2), Some(6)));
//!
//! let rejected = check(&validators, BodyKind::SourceConfig, b"<a/>\n<b/>").unwrap_err();
//! assert_eq!(rejected.findings[0].code, "xml.content-outside-root");
//!
//! // The header of every SailPoint document passes; connkit never loads the DTD.
//! let header = b"<?xml version='1.0' encoding='UTF-8'?>\n\
//!     <!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n<Application/>\n";
//! assert!(check(&validators, BodyKind::SourceTemplate, header).unwrap().is_empty());
//! ```

mod create;
mod json;
mod json_span;
mod patch;
mod position;
mod properties;
mod size;
mod xml;

use std::sync::Arc;

use connkit_models::preflight::{run_all, BodyKind, Finding, Validator};

pub use create::CreateConnectorValidator;
pub use patch::JsonPatchValidator;
pub(crate) use position::line_column;
pub use properties::PropertiesValidator;
pub use size::SizeLimit;
pub use xml::XmlValidator;

use crate::error::PreflightRejected;

/// The built-in validators, in the order the client runs them.
pub fn builtin_validators() -> Vec<Arc<dyn Validator>> {
    vec![
        Arc::new(SizeLimit::default()),
        Arc::new(XmlValidator),
        Arc::new(JsonPatchValidator),
        Arc::new(PropertiesValidator),
        Arc::new(CreateConnectorValidator),
    ]
}

/// Runs `validators` on `body`: `Ok` with any warnings and infos, or the rejection with
/// every finding when at least one is an error.
pub fn check(
    validators: &[Arc<dyn Validator>],
    kind: BodyKind,
    body: &[u8],
) -> Result<Vec<Finding>, PreflightRejected> {
    let findings = run_all(validators, kind, body);
    if findings.iter().any(Finding::is_error) {
        Err(PreflightRejected { kind, findings })
    } else {
        Ok(findings)
    }
}
