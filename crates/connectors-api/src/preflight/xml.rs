//! [`XmlValidator`]: the shared XML policy of [`connkit_models::preflight::xml`] as a
//! pre-flight [`Validator`].

use connkit_models::preflight::xml::check_xml;
use connkit_models::preflight::{BodyKind, Finding, Validator};

/// Checks the three XML documents (source config, source template, correlation
/// config) with the XML policy that the sandbox applies too: well-formed, one root,
/// the `sailpoint.dtd` header allowed, internal subsets, entity declarations,
/// undeclared entities, XInclude and external DTD locations refused; UTF-8, or
/// ISO-8859-1 / windows-1252 where declared. Every finding has a line and column. See
/// [`connkit_models::preflight::xml`] for the codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XmlValidator;

impl Validator for XmlValidator {
    fn name(&self) -> &str {
        "builtin.xml"
    }

    fn supports(&self, kind: BodyKind) -> bool {
        kind.is_xml()
    }

    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        check_xml(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_shared_policy_on_xml_kinds_only() {
        let header = b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n<Application/>";
        assert_eq!(XmlValidator.validate(BodyKind::SourceTemplate, header), []);
        let f = &XmlValidator.validate(BodyKind::SourceConfig, b"<a>\n  <b></a>")[0];
        assert_eq!(
            (f.code.as_str(), f.line, f.column),
            ("xml.not-well-formed", Some(2), Some(6))
        );
        assert!(BodyKind::ALL
            .iter()
            .all(|k| XmlValidator.supports(*k) == k.is_xml()));
    }
}
