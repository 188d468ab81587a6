//! [`JsonPatchValidator`]: RFC 6902 shape, patchable paths, XML inside XML fields.

use connkit_models::isc::v2024::{is_patchable, JsonPatchOp, METADATA_PATH, PATCHABLE_PATHS};
use connkit_models::json_pointer;
use connkit_models::preflight::{BodyKind, Finding, Validator};
use serde_json::{Map, Value};

use super::json::{parse, type_name};
use super::json_span::{patch_value_token, raw_offset};
use super::position::line_column;
use connkit_models::preflight::xml::check_xml_text;

/// Checks a JSON Patch for `PATCH /connectors/{scriptName}`: an array of operation
/// objects, each with a known `op`, a `path` that is a JSON Pointer to a patchable field
/// (`/connectorMetadata[/…]`, `/applicationXml`, `/correlationConfigXml`,
/// `/sourceConfigXml`), `value` where `add`/`replace`/`test` need it, `from` where
/// `move`/`copy` need it; string values of the XML fields are checked as XML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonPatchValidator;

impl Validator for JsonPatchValidator {
    fn name(&self) -> &str {
        "builtin.json-patch"
    }

    fn supports(&self, kind: BodyKind) -> bool {
        kind == BodyKind::JsonPatch
    }

    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        let document = match parse(body) {
            Ok(v) => v,
            Err(finding) => return vec![finding],
        };
        let Value::Array(operations) = document else {
            return vec![Finding::error(
                "patch.not-array",
                format!(
                    "a JSON Patch is an array of operations, not {}",
                    type_name(&document)
                ),
            )
            .at_pointer("")];
        };
        if operations.is_empty() {
            return vec![
                Finding::warning("patch.empty", "the patch has no operation").at_pointer(""),
            ];
        }
        let mut findings = Vec::new();
        for (index, operation) in operations.iter().enumerate() {
            check_operation(body, index, operation, &mut findings);
        }
        findings
    }
}

const KNOWN_MEMBERS: [&str; 4] = ["op", "path", "value", "from"];

fn check_operation(body: &[u8], index: usize, operation: &Value, findings: &mut Vec<Finding>) {
    let at = |member: &str| {
        if member.is_empty() {
            format!("/{index}")
        } else {
            format!("/{index}/{member}")
        }
    };
    let Value::Object(members) = operation else {
        findings.push(
            Finding::error(
                "patch.not-object",
                format!(
                    "operation {index} is {}, not an object",
                    type_name(operation)
                ),
            )
            .at_pointer(at("")),
        );
        return;
    };
    for name in members
        .keys()
        .filter(|k| !KNOWN_MEMBERS.contains(&k.as_str()))
    {
        findings.push(
            Finding::warning(
                "patch.unknown-member",
                format!("operation {index} has a member `{name}` that JSON Patch does not define"),
            )
            .at_pointer(at(name)),
        );
    }
    let Some(op) = string_member(members, "op", index, findings) else {
        return;
    };
    let op = JsonPatchOp::from(op);
    if op.is_unknown() {
        findings.push(
            Finding::error(
                "patch.unknown-op",
                format!(
                    "operation {index}: `{op}` is not a JSON Patch op (add, remove, replace, move, copy, test)"
                ),
            )
            .at_pointer(at("op")),
        );
        return;
    }
    if let Some(path) = string_member(members, "path", index, findings) {
        check_pointer(path, &at("path"), findings);
    }
    let needs_value = matches!(
        op,
        JsonPatchOp::Add | JsonPatchOp::Replace | JsonPatchOp::Test
    );
    if needs_value && !members.contains_key("value") {
        findings.push(
            Finding::error(
                "patch.missing-value",
                format!("operation {index}: `{op}` needs a `value`"),
            )
            .at_pointer(at("")),
        );
    }
    if matches!(op, JsonPatchOp::Move | JsonPatchOp::Copy) {
        if members.contains_key("from") {
            if let Some(from) = string_member(members, "from", index, findings) {
                check_pointer(from, &at("from"), findings);
            }
        } else {
            findings.push(
                Finding::error(
                    "patch.missing-from",
                    format!("operation {index}: `{op}` needs a `from` (RFC 6902 §4.4, §4.5)"),
                )
                .at_pointer(at("")),
            );
        }
    }
    if let (true, Some(Value::String(path)), Some(value)) =
        (needs_value, members.get("path"), members.get("value"))
    {
        let value_at = ValueAt {
            body,
            index,
            pointer: at("value"),
        };
        check_value(&value_at, path, value, findings);
    }
}

/// The string member `name`, or a finding saying it is missing or not a string.
fn string_member<'m>(
    members: &'m Map<String, Value>,
    name: &str,
    index: usize,
    findings: &mut Vec<Finding>,
) -> Option<&'m str> {
    let pointer = format!("/{index}/{name}");
    match members.get(name) {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            findings.push(
                Finding::error(
                    "patch.wrong-type",
                    format!(
                        "operation {index}: `{name}` must be a string, not {}",
                        type_name(other)
                    ),
                )
                .at_pointer(pointer),
            );
            None
        }
        None => {
            findings.push(
                Finding::error(
                    "patch.missing-member",
                    format!("operation {index} has no `{name}`"),
                )
                .at_pointer(format!("/{index}")),
            );
            None
        }
    }
}

/// A JSON Pointer (RFC 6901) to a patchable field.
fn check_pointer(pointer: &str, at: &str, findings: &mut Vec<Finding>) {
    if let Err(problem) = json_pointer::parse(pointer) {
        findings.push(Finding::error("patch.bad-pointer", problem.to_string()).at_pointer(at));
        return;
    }
    let patchable = is_patchable(pointer);
    if !patchable {
        findings.push(
            Finding::error(
                "patch.not-patchable",
                format!(
                    "`{pointer}` is not patchable: only {} (and keys under /connectorMetadata) are",
                    PATCHABLE_PATHS.join(", ")
                ),
            )
            .at_pointer(at),
        );
    }
}

/// Where a `value` is: its operation, its JSON Pointer, and the body it is in.
struct ValueAt<'b> {
    body: &'b [u8],
    index: usize,
    pointer: String,
}

/// Values of the XML fields are XML strings, checked with positions in the body;
/// `/connectorMetadata` is an object.
fn check_value(at: &ValueAt<'_>, path: &str, value: &Value, findings: &mut Vec<Finding>) {
    let index = at.index;
    if path == METADATA_PATH && !value.is_object() {
        findings.push(
            Finding::error(
                "patch.metadata-not-object",
                format!(
                    "operation {index}: /connectorMetadata must be an object, not {}",
                    type_name(value)
                ),
            )
            .at_pointer(&at.pointer),
        );
    }
    if path == METADATA_PATH || !PATCHABLE_PATHS.contains(&path) {
        return;
    }
    let Value::String(xml) = value else {
        findings.push(
            Finding::error(
                "patch.xml-not-string",
                format!(
                    "operation {index}: {path} must be an XML string, not {}",
                    type_name(value)
                ),
            )
            .at_pointer(&at.pointer),
        );
        return;
    };
    let token = patch_value_token(at.body, index);
    let locate = |offset: usize| match token {
        Some(token) => line_column(at.body, raw_offset(at.body, token, offset)),
        None => line_column(xml.as_bytes(), offset),
    };
    findings.extend(check_xml_text(xml, &locate).into_iter().map(|mut f| {
        f.message = format!("in the XML of {path} (operation {index}): {}", f.message);
        f.at_pointer(&at.pointer)
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(body: &str) -> Vec<(String, Option<String>)> {
        JsonPatchValidator
            .validate(BodyKind::JsonPatch, body.as_bytes())
            .into_iter()
            .map(|f| (f.code, f.pointer))
            .collect()
    }

    fn c(code: &str, pointer: &str) -> (String, Option<String>) {
        (code.to_owned(), Some(pointer.to_owned()))
    }

    #[test]
    fn valid_patches_pass() {
        let ok = r#"[
            {"op":"replace","path":"/sourceConfigXml","value":"<a/>"},
            {"op":"add","path":"/connectorMetadata/a~1b","value":{"x":1}},
            {"op":"remove","path":"/connectorMetadata/old"},
            {"op":"copy","from":"/connectorMetadata/a","path":"/connectorMetadata/b"},
            {"op":"test","path":"/applicationXml","value":"<x/>"}
        ]"#;
        assert_eq!(codes(ok), []);
    }

    #[test]
    fn shape_errors() {
        assert_eq!(codes(r#"{"op":"add"}"#), [c("patch.not-array", "")]);
        assert_eq!(codes("[]"), [c("patch.empty", "")]);
        assert_eq!(codes("[1]"), [c("patch.not-object", "/0")]);
        assert_eq!(
            codes(r#"[{"path":"/applicationXml"}]"#),
            [c("patch.missing-member", "/0")]
        );
        assert_eq!(
            codes(r#"[{"op":"merge","path":"/applicationXml"}]"#),
            [c("patch.unknown-op", "/0/op")]
        );
        assert_eq!(
            codes(r#"[{"op":"remove","path":"/connectorMetadata/x","valeu":1}]"#),
            [c("patch.unknown-member", "/0/valeu")]
        );
    }

    #[test]
    fn value_and_from_are_required_where_rfc_6902_says() {
        assert_eq!(
            codes(r#"[{"op":"replace","path":"/applicationXml"}]"#),
            [c("patch.missing-value", "/0")]
        );
        assert_eq!(
            codes(r#"[{"op":"move","path":"/connectorMetadata/a"}]"#),
            [c("patch.missing-from", "/0")]
        );
        assert_eq!(
            codes(r#"[{"op":"copy","from":"/name","path":"/connectorMetadata/a"}]"#),
            [c("patch.not-patchable", "/0/from")]
        );
    }

    #[test]
    fn paths_must_be_patchable_pointers() {
        assert_eq!(
            codes(r#"[{"op":"replace","path":"/name","value":"x"}]"#),
            [c("patch.not-patchable", "/0/path")]
        );
        assert_eq!(
            codes(r#"[{"op":"remove","path":"connectorMetadata"}]"#),
            [c("patch.bad-pointer", "/0/path")]
        );
        assert_eq!(
            codes(r#"[{"op":"remove","path":"/connectorMetadata/a~2"}]"#),
            [c("patch.bad-pointer", "/0/path")]
        );
        assert_eq!(
            codes(r#"[{"op":"replace","path":"/connectorMetadata","value":[]}]"#),
            [c("patch.metadata-not-object", "/0/value")]
        );
    }

    #[test]
    fn xml_values_are_checked_with_positions_in_the_body() {
        let body = r#"[{"op":"add","path":"/connectorMetadata/k","value":1},
  {"op":"replace","path":"/correlationConfigXml","value":"<a>\n <b>\"é\"</a>"}]"#;
        let findings = JsonPatchValidator.validate(BodyKind::JsonPatch, body.as_bytes());
        assert_eq!(findings.len(), 1, "{findings:?}");
        let f = &findings[0];
        assert_eq!(f.code, "xml.not-well-formed");
        assert_eq!(f.pointer.as_deref(), Some("/1/value"));
        // `</a>` in the XML is at line 2, column 77 of the body as written.
        let (line, column) = (f.line.unwrap(), f.column.unwrap());
        let line_text = body.lines().nth(line as usize - 1).unwrap();
        let rest: String = line_text.chars().skip(column as usize - 1).collect();
        assert!(
            rest.starts_with("</a>"),
            "{line}:{column} points at {rest:?}"
        );
        assert!(f.message.contains("/correlationConfigXml"), "{}", f.message);
        assert_eq!(
            codes(r#"[{"op":"replace","path":"/sourceConfigXml","value":5}]"#),
            [c("patch.xml-not-string", "/0/value")]
        );
    }

    #[test]
    fn json_syntax_errors_are_located() {
        let f = &JsonPatchValidator.validate(BodyKind::JsonPatch, b"[\n{\"op\" \"add\"}]")[0];
        assert_eq!(f.code, "json.syntax");
        assert_eq!(f.line, Some(2));
    }
}
