//! [`CreateConnectorValidator`]: the `V3CreateConnectorDto` body of a create.

use connkit_models::isc::v2024::V3CreateConnectorDto;
use connkit_models::preflight::{BodyKind, Finding, Validator};
use serde_json::Value;

use super::json::{parse, type_name};

/// Checks a create body: a JSON object whose `name` and `className` are non-empty
/// strings (`name` at most [`V3CreateConnectorDto::MAX_NAME_CHARS`] characters), `type` a string and `directConnect` a boolean when present, `status` a string
/// when present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateConnectorValidator;

const REQUIRED: [&str; 2] = ["name", "className"];
const OPTIONAL_STRINGS: [&str; 2] = ["type", "status"];

impl Validator for CreateConnectorValidator {
    fn name(&self) -> &str {
        "builtin.create"
    }

    fn supports(&self, kind: BodyKind) -> bool {
        kind == BodyKind::CreateConnector
    }

    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        let value = match parse(body) {
            Ok(v) => v,
            Err(finding) => return vec![finding],
        };
        let Value::Object(members) = value else {
            return vec![Finding::error(
                "create.not-object",
                format!("a create body is a JSON object, not {}", type_name(&value)),
            )
            .at_pointer("")];
        };
        let mut findings = Vec::new();
        for name in OPTIONAL_STRINGS {
            if let Some(v) = members.get(name).filter(|v| !v.is_string() && !v.is_null()) {
                findings.push(wrong_type(name, "a string", v));
            }
        }
        if let Some(v) = members
            .get("directConnect")
            .filter(|v| !v.is_boolean() && !v.is_null())
        {
            findings.push(wrong_type("directConnect", "a boolean", v));
        }
        for name in REQUIRED {
            match members.get(name) {
                None | Some(Value::Null) => findings.push(
                    Finding::error("create.missing-field", format!("`{name}` is required"))
                        .at_pointer(""),
                ),
                Some(Value::String(s)) if s.trim().is_empty() => findings.push(
                    Finding::error("create.empty-field", format!("`{name}` must not be empty"))
                        .at_pointer(format!("/{name}")),
                ),
                Some(Value::String(s))
                    if name == "name"
                        && s.chars().count() > V3CreateConnectorDto::MAX_NAME_CHARS =>
                {
                    findings.push(
                        Finding::error(
                            "create.too-long",
                            format!(
                                "`name` is {} characters long; at most {} are allowed, so \
                                 that the connector stays addressable in a URI",
                                s.chars().count(),
                                V3CreateConnectorDto::MAX_NAME_CHARS
                            ),
                        )
                        .at_pointer("/name"),
                    )
                }
                Some(Value::String(_)) => {}
                Some(other) => findings.push(wrong_type(name, "a string", other)),
            }
        }
        findings
    }
}

fn wrong_type(name: &str, expected: &str, found: &Value) -> Finding {
    Finding::error(
        "create.wrong-type",
        format!("`{name}` must be {expected}, not {}", type_name(found)),
    )
    .at_pointer(format!("/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(body: &str) -> Vec<(String, Option<String>)> {
        CreateConnectorValidator
            .validate(BodyKind::CreateConnector, body.as_bytes())
            .into_iter()
            .map(|f| (f.code, f.pointer))
            .collect()
    }

    #[test]
    fn required_fields_must_be_non_empty_strings() {
        assert!(
            codes(r#"{"name":"n","className":"c","directConnect":false,"type":null}"#).is_empty()
        );
        assert_eq!(
            codes(r#"{"name":"  ","directConnect":"yes","className":7}"#),
            [
                (
                    "create.wrong-type".to_owned(),
                    Some("/directConnect".to_owned())
                ),
                ("create.empty-field".to_owned(), Some("/name".to_owned())),
                (
                    "create.wrong-type".to_owned(),
                    Some("/className".to_owned())
                ),
            ]
        );
        assert_eq!(
            codes(r#"{"name":"n"}"#),
            [("create.missing-field".to_owned(), Some(String::new()))]
        );
        assert_eq!(codes("[]")[0].0, "create.not-object");
        let at_limit = "é".repeat(V3CreateConnectorDto::MAX_NAME_CHARS);
        assert!(codes(&format!(r#"{{"name":"{at_limit}","className":"c"}}"#)).is_empty());
        let findings = CreateConnectorValidator.validate(
            BodyKind::CreateConnector,
            format!(r#"{{"name":"{at_limit}x","className":"c"}}"#).as_bytes(),
        );
        assert_eq!(
            (findings[0].code.as_str(), findings[0].pointer.as_deref()),
            ("create.too-long", Some("/name"))
        );
        assert!(
            findings[0]
                .message
                .contains("256 characters long; at most 255"),
            "{}",
            findings[0].message
        );
        let f = &CreateConnectorValidator.validate(BodyKind::CreateConnector, b"{\"name\":")[0];
        assert_eq!((f.code.as_str(), f.line), ("json.syntax", Some(1)));
    }
}
