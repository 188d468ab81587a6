//! A small RFC 6902 (JSON Patch) applier over `serde_json::Value`, with RFC 6901
//! pointers. All six operations, `from` for `move` and `copy`; the caller makes a
//! patch atomic by applying it to a copy.
//!
//! Written here rather than taken from the `json-patch` crate: the sandbox needs only
//! the applier (~150 lines), wants error texts that name the failing operation, and
//! would otherwise pull in a second pointer implementation and its dependencies; the
//! pointers are parsed by [`connkit_models::json_pointer`], as pre-flight parses them.

use connkit_models::isc::v2024::{JsonPatchOp, JsonPatchOperation};
use connkit_models::json_pointer;
use serde_json::Value;

/// Why a patch could not be applied; the text names the operation (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatchError(pub(crate) String);

impl std::fmt::Display for PatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reference tokens of `pointer` (the models' one RFC 6901 parser), with its
/// message as this module's error text.
fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    json_pointer::parse(pointer).map_err(|e| e.to_string())
}

/// An array index token: digits without leading zeros.
fn index(token: &str) -> Option<usize> {
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    if valid {
        token.parse().ok()
    } else {
        None
    }
}

fn get<'a>(doc: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(doc, |node, token| match node {
        Value::Object(map) => map.get(token),
        Value::Array(items) => index(token).and_then(|i| items.get(i)),
        _ => None,
    })
}

fn get_mut<'a>(doc: &'a mut Value, tokens: &[String]) -> Option<&'a mut Value> {
    tokens.iter().try_fold(doc, |node, token| match node {
        Value::Object(map) => map.get_mut(token),
        Value::Array(items) => index(token).and_then(move |i| items.get_mut(i)),
        _ => None,
    })
}

fn add(doc: &mut Value, tokens: &[String], value: Value) -> Result<(), String> {
    let Some((last, parent)) = tokens.split_last() else {
        *doc = value;
        return Ok(());
    };
    match get_mut(doc, parent) {
        Some(Value::Object(map)) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            match index(last) {
                Some(i) if i <= items.len() => {
                    items.insert(i, value);
                    Ok(())
                }
                _ => Err(format!(
                    "'{last}' is not an index from 0 to {} or '-'",
                    items.len()
                )),
            }
        }
        Some(_) => Err("the parent is neither an object nor an array".to_owned()),
        None => Err("the parent does not exist".to_owned()),
    }
}

fn remove(doc: &mut Value, tokens: &[String]) -> Result<Value, String> {
    let Some((last, parent)) = tokens.split_last() else {
        return Err("the whole document cannot be removed".to_owned());
    };
    let removed = match get_mut(doc, parent) {
        Some(Value::Object(map)) => map.remove(last),
        Some(Value::Array(items)) => match index(last) {
            Some(i) if i < items.len() => Some(items.remove(i)),
            _ => None,
        },
        _ => None,
    };
    removed.ok_or_else(|| "the path does not exist".to_owned())
}

fn apply_one(doc: &mut Value, op: &JsonPatchOperation) -> Result<(), String> {
    let path = parse_pointer(&op.path)?;
    let value = || {
        op.value
            .clone()
            .ok_or_else(|| format!("'{}' needs a 'value'", op.op))
    };
    let from = || {
        op.from
            .as_deref()
            .ok_or_else(|| format!("'{}' needs a 'from'", op.op))
            .and_then(parse_pointer)
    };
    match &op.op {
        JsonPatchOp::Add => add(doc, &path, value()?),
        JsonPatchOp::Remove => remove(doc, &path).map(drop),
        JsonPatchOp::Replace => {
            let value = value()?;
            let target = get_mut(doc, &path).ok_or("the path does not exist")?;
            *target = value;
            Ok(())
        }
        JsonPatchOp::Move => {
            let from = from()?;
            if path.len() > from.len() && path.starts_with(&from) {
                return Err("a value cannot be moved into one of its own children".to_owned());
            }
            let moved = remove(doc, &from).map_err(|e| format!("from: {e}"))?;
            add(doc, &path, moved)
        }
        JsonPatchOp::Copy => {
            let from = from()?;
            let copied = get(doc, &from)
                .cloned()
                .ok_or("from: the path does not exist")?;
            add(doc, &path, copied)
        }
        JsonPatchOp::Test => {
            let expected = value()?;
            match get(doc, &path) {
                Some(actual) if json_equal(actual, &expected) => Ok(()),
                Some(_) => Err("test failed: the value differs".to_owned()),
                None => Err("test failed: the path does not exist".to_owned()),
            }
        }
        other => Err(format!(
            "'{other}' is not a JSON Patch operation (add, remove, replace, move, copy, test)"
        )),
    }
}

/// RFC 6902 equality: as JSON values, numbers compared by value (`1` equals `1.0`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Applies `ops` in order to `doc`. On error `doc` may be partly changed: apply to a
/// copy for atomicity.
pub(crate) fn apply(doc: &mut Value, ops: &[JsonPatchOperation]) -> Result<(), PatchError> {
    for (i, op) in ops.iter().enumerate() {
        apply_one(doc, op)
            .map_err(|e| PatchError(format!("operation {i} ({} {}): {e}", op.op, op.path)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, patch: Value) -> Result<Value, String> {
        let ops: Vec<JsonPatchOperation> = serde_json::from_value(patch).unwrap();
        let mut doc = doc;
        apply(&mut doc, &ops).map_err(|e| e.0)?;
        Ok(doc)
    }

    #[test]
    fn rfc6902_appendix_a_examples() {
        // A.1, A.2, A.3, A.4, A.6, A.7, A.8, A.10, A.16
        assert_eq!(
            run(
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz", "value": "qux"}])
            ),
            Ok(json!({"foo": "bar", "baz": "qux"}))
        );
        assert_eq!(
            run(
                json!({"foo": ["bar", "baz"]}),
                json!([{"op": "add", "path": "/foo/1", "value": "qux"}])
            ),
            Ok(json!({"foo": ["bar", "qux", "baz"]}))
        );
        assert_eq!(
            run(
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "remove", "path": "/baz"}])
            ),
            Ok(json!({"foo": "bar"}))
        );
        assert_eq!(
            run(
                json!({"foo": ["bar", "qux", "baz"]}),
                json!([{"op": "remove", "path": "/foo/1"}])
            ),
            Ok(json!({"foo": ["bar", "baz"]}))
        );
        assert_eq!(
            run(
                json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
                json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}])
            ),
            Ok(json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}))
        );
        assert_eq!(
            run(
                json!({"foo": ["all", "grass", "cows", "eat"]}),
                json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}])
            ),
            Ok(json!({"foo": ["all", "cows", "eat", "grass"]}))
        );
        assert_eq!(
            run(
                json!({"baz": "qux", "foo": ["a", 2, "c"]}),
                json!([
                    {"op": "test", "path": "/baz", "value": "qux"},
                    {"op": "test", "path": "/foo/1", "value": 2}
                ])
            ),
            Ok(json!({"baz": "qux", "foo": ["a", 2, "c"]}))
        );
        assert!(run(
            json!({"baz": "qux"}),
            json!([{"op": "test", "path": "/baz", "value": "bar"}])
        )
        .is_err());
        assert_eq!(
            run(
                json!({"foo": ["bar"]}),
                json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}])
            ),
            Ok(json!({"foo": ["bar", ["abc", "def"]]}))
        );
        assert_eq!(
            run(
                json!({"/": 9, "~1": 10}),
                json!([{"op": "test", "path": "/~01", "value": 10}])
            ),
            Ok(json!({"/": 9, "~1": 10}))
        );
    }

    #[test]
    fn replace_copy_and_errors() {
        assert_eq!(
            run(
                json!({"a": {"b": 1}}),
                json!([
                    {"op": "copy", "from": "/a", "path": "/c"},
                    {"op": "replace", "path": "/c/b", "value": 2}
                ])
            ),
            Ok(json!({"a": {"b": 1}, "c": {"b": 2}}))
        );
        assert_eq!(
            run(
                json!({"a": 1}),
                json!([{"op": "replace", "path": "/b", "value": 2}])
            ),
            Err("operation 0 (replace /b): the path does not exist".to_owned())
        );
        assert!(run(
            json!({"a": {}}),
            json!([{"op": "move", "from": "/a", "path": "/a/b"}])
        )
        .is_err());
        assert!(run(
            json!({"a": [1]}),
            json!([{"op": "add", "path": "/a/01", "value": 2}])
        )
        .is_err());
        assert!(run(
            json!({"a": [1]}),
            json!([{"op": "add", "path": "/a/2", "value": 2}])
        )
        .is_err());
        assert!(run(
            json!({"a": 1}),
            json!([{"op": "add", "path": "/x/y", "value": 2}])
        )
        .is_err());
        assert!(run(
            json!({"a": 1}),
            json!([{"op": "add", "path": "a", "value": 2}])
        )
        .is_err());
        assert!(run(json!({"a": 1}), json!([{"op": "add", "path": "/a"}])).is_err());
        assert!(run(json!({"a": 1}), json!([{"op": "copy", "path": "/b"}])).is_err());
        assert!(run(json!({"a": 1}), json!([{"op": "frob", "path": "/a"}])).is_err());
        assert_eq!(
            parse_pointer("/a~2"),
            Err("`/a~2` is not a JSON Pointer: `~` must be followed by `0` or `1`".to_owned())
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                "[a-z~/]{0,6}".prop_map(Value::from),
            ]
        }

        fn value() -> impl Strategy<Value = Value> {
            leaf().prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                    prop::collection::btree_map("[a-z~/]{1,4}", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        fn op(v: Value) -> JsonPatchOperation {
            serde_json::from_value(v).unwrap()
        }

        proptest! {
            #[test]
            fn add_then_remove_restores(
                base in prop::collection::btree_map("[a-z~/]{1,4}", value(), 0..4),
                key in "[a-z~/]{1,4}",
                v in value(),
            ) {
                let doc = Value::Object(base.into_iter().collect());
                prop_assume!(doc.get(&key).is_none());
                let path = format!("/{}", json_pointer::escape(&key));
                let mut patched = doc.clone();
                apply(&mut patched, &[
                    op(serde_json::json!({"op": "add", "path": path, "value": v})),
                    op(serde_json::json!({"op": "test", "path": path, "value": v})),
                    op(serde_json::json!({"op": "remove", "path": path})),
                ]).unwrap();
                prop_assert_eq!(patched, doc);
            }

            #[test]
            fn move_there_and_back_restores(
                base in prop::collection::btree_map("[a-z~/]{1,4}", value(), 1..5),
                target in "[a-z~/]{1,4}",
            ) {
                let doc = Value::Object(base.into_iter().collect());
                let from = doc.as_object().unwrap().keys().next().unwrap().clone();
                prop_assume!(doc.get(&target).is_none());
                let (a, b) = (format!("/{}", json_pointer::escape(&from)), format!("/{}", json_pointer::escape(&target)));
                let mut patched = doc.clone();
                apply(&mut patched, &[
                    op(serde_json::json!({"op": "move", "from": a, "path": b})),
                    op(serde_json::json!({"op": "copy", "from": b, "path": a})),
                    op(serde_json::json!({"op": "remove", "path": b})),
                ]).unwrap();
                prop_assert_eq!(patched, doc);
            }
        }
    }
}
