//! The minimal JSON Patch that turns one `connectorMetadata` into another.

use connkit_models::isc::v2024::{JsonObject, JsonPatchOperation};
use serde_json::Value;

const METADATA: &str = "/connectorMetadata";

/// The operations that turn `remote` into `wanted`: `add` and `remove` for keys that
/// appear or go, `replace` for values that differ (descending into objects, so a
/// changed nested key is one operation); none when they are equal as JSON.
pub(crate) fn metadata_patch(
    remote: Option<&JsonObject>,
    wanted: &JsonObject,
) -> Vec<JsonPatchOperation> {
    let mut operations = Vec::new();
    match remote {
        None => operations.push(JsonPatchOperation::add(
            METADATA,
            Value::Object(wanted.clone()),
        )),
        Some(remote) => diff_objects(METADATA, remote, wanted, &mut operations),
    }
    operations
}

fn diff_objects(path: &str, old: &JsonObject, new: &JsonObject, out: &mut Vec<JsonPatchOperation>) {
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(JsonPatchOperation::remove(child(path, key)));
    }
    for (key, value) in new {
        match old.get(key) {
            None => out.push(JsonPatchOperation::add(child(path, key), value.clone())),
            Some(Value::Object(old)) if value.is_object() => {
                if let Value::Object(new) = value {
                    diff_objects(&child(path, key), old, new, out);
                }
            }
            Some(old) if old != value => {
                out.push(JsonPatchOperation::replace(child(path, key), value.clone()));
            }
            Some(_) => {}
        }
    }
}

/// `path/key` with the key escaped as RFC 6901 requires.
fn child(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> JsonObject {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test input is an object"),
        }
    }

    #[test]
    fn one_changed_key_is_one_operation() {
        let old = object(json!({"a": 1, "b": {"c": [1], "d": "x"}, "gone": true, "k/~": 0}));
        let new = object(json!({"a": 1, "b": {"c": [1], "d": "y"}, "new": null, "k/~": 1}));
        let ops = serde_json::to_value(metadata_patch(Some(&old), &new)).unwrap();
        assert_eq!(
            ops,
            json!([
                {"op": "remove", "path": "/connectorMetadata/gone"},
                {"op": "replace", "path": "/connectorMetadata/b/d", "value": "y"},
                {"op": "replace", "path": "/connectorMetadata/k~1~0", "value": 1},
                {"op": "add", "path": "/connectorMetadata/new", "value": null},
            ])
        );
        assert!(metadata_patch(Some(&new), &new).is_empty());
        assert_eq!(metadata_patch(None, &new).len(), 1);
    }
}
