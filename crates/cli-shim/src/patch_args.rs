//! `--set KEY=VALUE` and `--unset KEY` as a JSON Patch (RFC 6902), so a field is changed
//! without writing a patch file.
//!
//! A key is a dotted path from the object's root (`connectorMetadata.team` is the pointer
//! `/connectorMetadata/team`); a member whose name holds a dot needs `--patch`. A value is
//! JSON when it parses as JSON (`3`, `true`, `{"a":1}`, `"quoted"`), else the text itself.

use connkit_models::json_pointer;
use serde_json::{json, Value};

use crate::exit::Failure;

/// The JSON Patch for the `--set` and `--unset` flags: an `add` (which replaces a member
/// that exists) per `--set`, then a `remove` per `--unset`, in the order given.
pub fn json_patch(set: &[String], unset: &[String]) -> Result<Vec<u8>, Failure> {
    let mut operations = Vec::with_capacity(set.len() + unset.len());
    for assignment in set {
        let (key, text) = assignment
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--set `{assignment}`: expected KEY=VALUE")))?;
        let value = serde_json::from_str::<Value>(text).unwrap_or_else(|_| json!(text));
        operations.push(json!({"op": "add", "path": pointer("--set", key)?, "value": value}));
    }
    for key in unset {
        operations.push(json!({"op": "remove", "path": pointer("--unset", key)?}));
    }
    serde_json::to_vec(&operations).map_err(|e| Failure::context("encoding the JSON Patch", e))
}

/// The JSON pointer a dotted key names; `flag` says which flag gave it.
fn pointer(flag: &str, key: &str) -> Result<String, Failure> {
    if key.split('.').any(str::is_empty) {
        return Err(Failure::usage(format!(
            "{flag} `{key}`: a key is member names joined by dots (connectorMetadata.team), \
             none empty"
        )));
    }
    Ok(key
        .split('.')
        .map(|name| format!("/{}", json_pointer::escape(name)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(set: &[&str], unset: &[&str]) -> Value {
        let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        serde_json::from_slice(&json_patch(&owned(set), &owned(unset)).unwrap()).unwrap()
    }

    #[test]
    fn values_are_json_when_they_parse_and_text_otherwise() {
        let ops = patch(
            &[
                "a=3",
                "b=true",
                "c.d={\"x\":1}",
                "e=hello world",
                "f=\"7\"",
                "g=",
            ],
            &["connectorMetadata.old/key~"],
        );
        assert_eq!(
            ops,
            json!([
                {"op": "add", "path": "/a", "value": 3},
                {"op": "add", "path": "/b", "value": true},
                {"op": "add", "path": "/c/d", "value": {"x": 1}},
                {"op": "add", "path": "/e", "value": "hello world"},
                {"op": "add", "path": "/f", "value": "7"},
                {"op": "add", "path": "/g", "value": ""},
                {"op": "remove", "path": "/connectorMetadata/old~1key~0"},
            ])
        );
    }

    #[test]
    fn malformed_flags_are_usage_errors_naming_them() {
        for (set, unset) in [
            (vec!["novalue".to_owned()], vec![]),
            (vec![], vec!["a..b".to_owned()]),
        ] {
            let error = format!("{:?}", json_patch(&set, &unset).unwrap_err());
            assert!(
                error.contains("novalue") || error.contains("a..b"),
                "{error}"
            );
        }
    }
}
