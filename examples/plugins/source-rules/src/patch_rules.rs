//! House rule for JSON patches: no `applicationXml` change without a change note.

use connkit_plugin_abi::{Finding, LineIndex};
use serde_json::Value;

/// Checks a JSON Patch body: an operation whose path is `/applicationXml` (or below
/// it) must come with a change note in the same patch, i.e. an `add` or `replace` on
/// `/connectorMetadata/changeNote` with a non-empty string, or on `/connectorMetadata`
/// with an object whose `changeNote` is a non-empty string.
///
/// Each offending operation is reported with its JSON Pointer (`/0`, `/1`, …). A body
/// that is not a JSON array of objects cannot be checked and is reported as such.
pub fn check_patch(body: &[u8]) -> Vec<Finding> {
    let ops = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(ops)) => ops,
        Ok(_) => {
            return vec![Finding::error(
                "source-rules.unreadable-patch",
                "cannot check the house rules: a JSON Patch is an array of operations",
            )]
        }
        Err(e) => {
            return vec![Finding::error(
                "source-rules.unreadable-patch",
                format!("cannot check the house rules: {e}"),
            )
            .at_offset(&LineIndex::new(body), error_offset(body, &e))]
        }
    };
    if ops.iter().any(records_change_note) {
        return Vec::new();
    }
    ops.iter()
        .enumerate()
        .filter(|(_, op)| touches_application_xml(op))
        .map(|(i, _)| {
            Finding::error(
                "source-rules.undocumented-xml-change",
                "this operation changes applicationXml; the house rules want a change note \
                 in the same patch (add or replace /connectorMetadata/changeNote)",
            )
            .at_pointer(format!("/{i}"))
        })
        .collect()
}

fn path(op: &Value) -> &str {
    op.get("path").and_then(Value::as_str).unwrap_or_default()
}

fn touches_application_xml(op: &Value) -> bool {
    let path = path(op);
    path == "/applicationXml" || path.starts_with("/applicationXml/")
}

fn records_change_note(op: &Value) -> bool {
    let writes = matches!(
        op.get("op").and_then(Value::as_str),
        Some("add" | "replace")
    );
    let value = op.get("value");
    let note = match path(op) {
        "/connectorMetadata/changeNote" => value,
        "/connectorMetadata" => value.and_then(|v| v.get("changeNote")),
        _ => None,
    };
    writes
        && note
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
}

/// The byte offset of a serde_json error. serde_json counts columns in bytes and says
/// column 0 before the first byte of a line (an empty body); findings count characters
/// from 1, so the position goes through a [`LineIndex`].
fn error_offset(body: &[u8], e: &serde_json::Error) -> usize {
    let line_start = body
        .split_inclusive(|&b| b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(<[u8]>::len)
        .sum::<usize>();
    line_start + e.column().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::check_patch;

    fn pointers(patch: &str) -> Vec<Option<String>> {
        check_patch(patch.as_bytes())
            .into_iter()
            .map(|f| {
                assert_eq!(f.code, "source-rules.undocumented-xml-change");
                f.pointer
            })
            .collect()
    }

    #[test]
    fn xml_change_without_note_is_refused_per_operation() {
        let patch = r#"[
            {"op":"replace","path":"/applicationXml","value":"<x/>"},
            {"op":"replace","path":"/sourceConfigXml","value":"<y/>"},
            {"op":"remove","path":"/applicationXml/0"}
        ]"#;
        assert_eq!(pointers(patch), vec![Some("/0".into()), Some("/2".into())]);
    }

    #[test]
    fn a_change_note_lets_it_through() {
        let direct = r#"[{"op":"replace","path":"/applicationXml","value":"<x/>"},
            {"op":"add","path":"/connectorMetadata/changeNote","value":"JIRA-1: new field"}]"#;
        assert!(check_patch(direct.as_bytes()).is_empty());
        let nested = r#"[{"op":"replace","path":"/connectorMetadata","value":{"changeNote":"why"}},
            {"op":"replace","path":"/applicationXml","value":"<x/>"}]"#;
        assert!(check_patch(nested.as_bytes()).is_empty());
    }

    #[test]
    fn blank_or_removed_notes_do_not_count() {
        let blank = r#"[{"op":"replace","path":"/applicationXml","value":"<x/>"},
            {"op":"add","path":"/connectorMetadata/changeNote","value":"  "}]"#;
        assert_eq!(pointers(blank), vec![Some("/0".into())]);
        let removed = r#"[{"op":"replace","path":"/applicationXml","value":"<x/>"},
            {"op":"remove","path":"/connectorMetadata/changeNote","value":"x"}]"#;
        assert_eq!(pointers(removed), vec![Some("/0".into())]);
        assert!(
            check_patch(br#"[{"op":"replace","path":"/applicationXmlOther","value":1}]"#)
                .is_empty()
        );
    }

    #[test]
    fn unreadable_patches_are_reported() {
        let not_array = check_patch(br#"{"op":"add"}"#);
        assert_eq!(not_array[0].code, "source-rules.unreadable-patch");
        let broken = check_patch(b"[\n  {\"op\": }");
        assert_eq!(broken[0].code, "source-rules.unreadable-patch");
        assert_eq!(broken[0].line, Some(2));
        // serde_json says column 0 for an empty body; a finding says column 1.
        let empty = check_patch(b"");
        assert_eq!((empty[0].line, empty[0].column), (Some(1), Some(1)));
        // Columns count characters: `é` is two bytes.
        let accented = check_patch("[\"é\" x".as_bytes());
        assert_eq!((accented[0].line, accented[0].column), (Some(1), Some(6)));
    }
}
