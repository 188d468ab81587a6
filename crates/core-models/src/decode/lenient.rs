//! Lenient decoding: one member in an unexpected shape never loses the whole answer.
//!
//! Services and gateways answer with odd but readable shapes: SailPoint's own example
//! of a `ConnectorDetail` sends `"uploadedFiles": "[]"` (JSON text where the spec says
//! array), ConductorOne-style answers carry numbers where a string is expected. A
//! strict decode fails the whole call for one such member.
//!
//! [`from_json_lenient`] keeps the strict decoder as its fast path. Only when that
//! fails does it decode the body into a [`Value`] and repair it, one member at a
//! time, at the JSON path the model names:
//!
//! - a **clear coercion** is tried first: a string holding JSON (`"[]"`, `"{…}"`,
//!   `"true"`, `"42"`, `"null"`) is read as that JSON; a number or a boolean where text
//!   is expected is read as its text. It is kept when the model then gets past that
//!   member;
//! - otherwise the member is **left out** (removed from its object, or the item from
//!   its array) and its raw value is kept in the [`Repair`].
//!
//! Each step removes or settles one member, so the loop is bounded by the size of the
//! body. A body that is not JSON, or whose root has the wrong type, still fails with
//! the strict [`DecodeError`] (path, line, column).

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{strict_error, DecodeError};

/// A value decoded leniently, with what had to be repaired to decode it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// The decoded value.
    pub value: T,
    /// The members that did not have the expected shape, in the order the decoder met
    /// them (an object's members in key order); empty when the body decoded as it was.
    pub repairs: Vec<Repair>,
    /// Items of a root array left out whole (for paging by offset, where they still
    /// count toward the page's length).
    dropped_items: usize,
}

impl<T> Decoded<T> {
    fn exact(value: T) -> Self {
        Decoded {
            value,
            repairs: Vec::new(),
            dropped_items: 0,
        }
    }

    /// How many items of a root array were left out whole (each has a [`Repair`]):
    /// a list page received that many more items than [`value`](Self::value) holds.
    pub fn dropped_items(&self) -> usize {
        self.dropped_items
    }
}

/// One member of an answer that did not have the shape the model expects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Repair {
    /// The member's JSON path in the body as received, e.g. `uploadedFiles` or
    /// `[3].features[0]` (`.` would be the root, which is never repaired).
    pub path: String,
    /// The member as received.
    pub raw: Value,
    /// What was done with it.
    pub outcome: RepairOutcome,
    /// Why the model refused it as received (serde's message).
    pub reason: String,
}

/// What a [`Repair`] did with a member.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RepairOutcome {
    /// Read as this value instead: the JSON a string held, or the text of a number or
    /// boolean.
    Coerced(Value),
    /// Left out of the decoded value; [`Repair::raw`] keeps it.
    Dropped,
}

/// The most characters of a raw value a [`Repair`]'s `Display` shows.
const PREVIEW_CHARS: usize = 120;

impl Repair {
    /// `true` when the member was left out rather than read in another shape.
    pub fn is_dropped(&self) -> bool {
        self.outcome == RepairOutcome::Dropped
    }

    /// `true` when the member's name says it holds a secret (`…secret…`, `…token…`,
    /// `…password…`): its value is then never shown.
    pub fn is_secret(&self) -> bool {
        let last_key = self.path.rsplit(['.', '[']).next().unwrap_or_default();
        let lower = last_key.to_ascii_lowercase();
        ["secret", "token", "password"]
            .iter()
            .any(|word| lower.contains(word))
    }

    /// The raw value as compact JSON, at most 120 characters, for logs;
    /// `[redacted]` for a [secret](Self::is_secret).
    pub fn raw_preview(&self) -> String {
        if self.is_secret() {
            return REDACTED.to_owned();
        }
        let text = self.raw.to_string();
        match text.char_indices().nth(PREVIEW_CHARS) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text,
        }
    }
}

/// What stands for a secret's value.
const REDACTED: &str = "[redacted]";

/// `` `path`: raw read as value (reason) `` or `` `path`: raw left out (reason) ``; a
/// secret's value, and serde's reason (which may quote it), are never shown.
impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = self.raw_preview();
        let reason = if self.is_secret() {
            "not the expected shape"
        } else {
            &self.reason
        };
        match &self.outcome {
            RepairOutcome::Coerced(_) if self.is_secret() => {
                write!(f, "`{}`: {raw} read as {REDACTED} ({reason})", self.path)
            }
            RepairOutcome::Coerced(to) => {
                write!(f, "`{}`: {raw} read as {to} ({reason})", self.path)
            }
            RepairOutcome::Dropped => write!(f, "`{}`: {raw} left out ({reason})", self.path),
        }
    }
}

/// Decodes `bytes` as JSON into `T`, repairing members in an unexpected shape instead
/// of failing the whole value.
///
/// The fast path is the plain decode: a body that decodes as it is costs nothing more
/// than [`from_json`](super::from_json). Only a body that fails is read into a
/// [`Value`] and repaired, one member at a time, at the JSON path the model names:
///
/// - a clear coercion first: a string holding JSON (`"[]"`, `"{…}"`, `"true"`, `"42"`,
///   `"null"`) is read as that JSON, a number or a boolean where text is expected as
///   its text; it is kept when the model then gets past that member;
/// - otherwise the member is left out (removed from its object, or the item from its
///   array; an array where an object is expected goes whole) and its raw value is kept
///   in the [`Repair`].
///
/// Every step settles or removes a member, so the work is bounded by the size of the
/// body. Fails only when the body is not JSON or its root has the wrong type, with the
/// same error `from_json` gives. Duplicate keys are read as [`Value`] reads them: the
/// last one wins.
///
/// ```
/// use connkit_models::decode::{from_json_lenient, RepairOutcome};
/// use connkit_models::isc::v2024::ConnectorDetail;
///
/// let body = br#"{"name": "Acme", "uploadedFiles": "[]", "fileUpload": {"x": 1}}"#;
/// let decoded = from_json_lenient::<ConnectorDetail>(body)?;
/// assert_eq!(decoded.value.name.as_deref(), Some("Acme"));
/// assert_eq!(decoded.value.uploaded_files, Some(vec![]));
/// assert_eq!(decoded.value.file_upload, None);
/// assert_eq!(decoded.repairs[0].path, "fileUpload");
/// assert_eq!(decoded.repairs[0].outcome, RepairOutcome::Dropped);
/// assert_eq!(decoded.repairs[1].path, "uploadedFiles");
/// assert!(matches!(decoded.repairs[1].outcome, RepairOutcome::Coerced(_)));
/// # Ok::<(), connkit_models::decode::DecodeError>(())
/// ```
pub fn from_json_lenient<T: DeserializeOwned>(bytes: &[u8]) -> Result<Decoded<T>, DecodeError> {
    let plain = match serde_json::from_slice(bytes) {
        Ok(value) => return Ok(Decoded::exact(value)),
        Err(plain) => plain,
    };
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|tree| Repairer::new(tree).run())
        .ok_or_else(|| strict_error::<T>(bytes, plain))
}

/// One step of a JSON path in the tree being repaired.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why a decode of the tree failed: where (`None` when the path cannot be followed in
/// a JSON tree) and serde's message.
struct Failure {
    path: Option<Vec<Step>>,
    message: String,
}

/// The repair loop's state: the tree, what was done, and how to name paths of the
/// body as received once items have been removed from arrays.
struct Repairer {
    tree: Value,
    repairs: Vec<Repair>,
    /// For each array (by its path as received) the indices, as received, of the items
    /// removed from it, ascending.
    removed: HashMap<Vec<Step>, Vec<usize>>,
    dropped_items: usize,
    /// Steps left; every step settles or removes a member, so the size of the tree
    /// (twice: a member may be coerced, then dropped) bounds the loop.
    budget: usize,
}

impl Repairer {
    fn new(tree: Value) -> Self {
        let budget = 2 * node_count(&tree) + 1;
        Repairer {
            tree,
            repairs: Vec::new(),
            removed: HashMap::new(),
            dropped_items: 0,
            budget,
        }
    }

    /// Repairs until `T` decodes; `None` when the failure is at the root or cannot be
    /// placed in the tree.
    fn run<T: DeserializeOwned>(mut self) -> Option<Decoded<T>> {
        let mut outcome = attempt::<T>(&self.tree);
        loop {
            let failure = match outcome {
                Ok(value) => {
                    return Some(Decoded {
                        value,
                        repairs: self.repairs,
                        dropped_items: self.dropped_items,
                    })
                }
                Err(failure) => failure,
            };
            let mut path = failure.path?;
            let mut reason = failure.message;
            // serde reads a struct from an array too, field by field in order: an
            // array where an object is expected must go whole, not item by item.
            if let Some((Step::Index(_), array)) = path.split_last() {
                if self.expects_object::<T>(array)? {
                    path.truncate(array.len());
                    reason = "invalid type: sequence, expected an object".to_owned();
                }
            }
            if path.is_empty() {
                return None;
            }
            self.budget = self.budget.checked_sub(1)?;
            outcome = self.repair::<T>(&path, reason)?;
        }
    }

    /// `true` when the model expects an object where the tree has the array at `path`:
    /// with `{}` there instead, decoding gets past it.
    fn expects_object<T: DeserializeOwned>(&mut self, path: &[Step]) -> Option<bool> {
        let array = std::mem::take(node_mut(&mut self.tree, path)?);
        *node_mut(&mut self.tree, path)? = Value::Object(serde_json::Map::new());
        let outcome = attempt::<T>(&self.tree);
        *node_mut(&mut self.tree, path)? = array;
        Some(match outcome {
            Ok(_) => true,
            Err(failure) => failure.path.as_deref() != Some(path),
        })
    }

    /// Repairs the member at `path`, which the model refused for `reason`, and returns
    /// the outcome of decoding the repaired tree.
    fn repair<T: DeserializeOwned>(
        &mut self,
        path: &[Step],
        reason: String,
    ) -> Option<Result<T, Failure>> {
        let raw = node_mut(&mut self.tree, path)?.clone();
        let original = self.original(path);
        for candidate in coercions(&raw) {
            *node_mut(&mut self.tree, path)? = candidate.clone();
            let outcome = attempt::<T>(&self.tree);
            let settled = match &outcome {
                Ok(_) => true,
                Err(failure) => failure.path.as_deref() != Some(path),
            };
            if settled {
                self.budget += node_count(&candidate);
                self.note(&original, raw, RepairOutcome::Coerced(candidate), reason);
                return Some(outcome);
            }
        }
        *node_mut(&mut self.tree, path)? = raw.clone();
        self.remove(path, &original)?;
        self.note(&original, raw, RepairOutcome::Dropped, reason);
        Some(attempt::<T>(&self.tree))
    }

    fn note(&mut self, path: &[Step], raw: Value, outcome: RepairOutcome, reason: String) {
        self.repairs.push(Repair {
            path: display_path(path),
            raw,
            outcome,
            reason,
        });
    }

    /// Removes the member at `path` (as decoded now; `original` as received) from its
    /// parent.
    fn remove(&mut self, path: &[Step], original: &[Step]) -> Option<()> {
        let (last, parent) = path.split_last()?;
        match (node_mut(&mut self.tree, parent)?, last) {
            (Value::Object(object), Step::Key(key)) => object.remove(key).map(drop),
            (Value::Array(items), Step::Index(index)) if *index < items.len() => {
                items.remove(*index);
                let (Some(Step::Index(at)), array) = (original.last(), &original[..parent.len()])
                else {
                    return None;
                };
                let removed = self.removed.entry(array.to_vec()).or_default();
                let slot = removed.partition_point(|r| r < at);
                removed.insert(slot, *at);
                if parent.is_empty() {
                    self.dropped_items += 1;
                }
                Some(())
            }
            _ => None,
        }
    }

    /// The path as received of `path` as decoded now (array indices shift as items
    /// are removed).
    fn original(&self, path: &[Step]) -> Vec<Step> {
        let mut original = Vec::with_capacity(path.len());
        for step in path {
            let step = match step {
                Step::Index(index) => {
                    let removed = self.removed.get(&original).map(Vec::as_slice);
                    Step::Index(received_index(removed.unwrap_or_default(), *index))
                }
                key => key.clone(),
            };
            original.push(step);
        }
        original
    }
}

/// The index as received of the item now at `index`, given the indices as received
/// (ascending) of the items removed before it.
fn received_index(removed: &[usize], index: usize) -> usize {
    removed
        .iter()
        .fold(index, |at, &gone| if gone <= at { at + 1 } else { at })
}

/// Decodes the tree into `T`, saying where it failed.
fn attempt<T: DeserializeOwned>(tree: &Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize::<_, T>(tree).map_err(|err| {
        let path = err
            .path()
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        Failure {
            path,
            message: err.into_inner().to_string(),
        }
    })
}

/// The clear readings of `raw` in another shape, best first.
fn coercions(raw: &Value) -> Vec<Value> {
    match raw {
        Value::String(text) => serde_json::from_str::<Value>(text)
            .ok()
            .filter(|parsed| !parsed.is_string())
            .into_iter()
            .collect(),
        Value::Number(number) => vec![Value::String(number.to_string())],
        Value::Bool(flag) => vec![Value::String(flag.to_string())],
        Value::Null | Value::Array(_) | Value::Object(_) => Vec::new(),
    }
}

/// The node at `path`, if the tree has one there.
fn node_mut<'a>(tree: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(tree, |node, step| match (node, step) {
        (Value::Object(object), Step::Key(key)) => object.get_mut(key),
        (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
        _ => None,
    })
}

/// How many values `tree` holds, itself included.
fn node_count(tree: &Value) -> usize {
    1 + match tree {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(object) => object.values().map(node_count).sum(),
        _ => 0,
    }
}

/// `path` as `serde_path_to_error` writes it: `a.b[0].c`, `.` for the root.
fn display_path(path: &[Step]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut text = String::new();
    for step in path {
        match step {
            Step::Index(index) => text.push_str(&format!("[{index}]")),
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c1::ConnectorServiceListResponse;
    use crate::isc::v2024::{ConnectorDetail, V3ConnectorDto};

    #[test]
    fn items_removed_from_arrays_are_named_by_their_index_as_received() {
        let body = br#"[{"name":"a"}, 7, {"name":"c","features":[{"x":1},"F",2]}, "x", {"directConnect":"yes"}]"#;
        let decoded = from_json_lenient::<Vec<V3ConnectorDto>>(body).unwrap();
        let paths: Vec<_> = decoded.repairs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "[1]",
                "[2].features[0]",
                "[2].features[2]",
                "[3]",
                "[4].directConnect"
            ]
        );
        assert_eq!(decoded.dropped_items(), 2);
        assert_eq!(decoded.value.len(), 3);
        assert_eq!(
            decoded.value[1].features.as_deref(),
            Some(&["F".to_owned(), "2".to_owned()][..])
        );
        assert!(matches!(
            decoded.repairs[2].outcome,
            RepairOutcome::Coerced(Value::String(_))
        ));
        assert!(decoded.repairs[4].is_dropped());
    }

    #[test]
    fn an_array_where_an_object_is_expected_goes_whole() {
        let body = br#"{"list":[{"connector":{"status":[1, "SYNC_STATUS_DONE"],"id":"a"}}, [{"id":"b"}]]}"#;
        let decoded = from_json_lenient::<ConnectorServiceListResponse>(body).unwrap();
        let paths: Vec<_> = decoded.repairs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["list[0].connector.status", "list[1]"]);
        assert!(decoded.repairs.iter().all(Repair::is_dropped));
        assert!(decoded.repairs[0].reason.contains("expected an object"));
        let first = decoded.value.connectors().next().unwrap();
        assert_eq!(
            (first.id.as_deref(), first.status.as_ref()),
            (Some("a"), None)
        );
        // Not a root list: nothing counts as a dropped page item.
        assert_eq!(decoded.dropped_items(), 0);
    }

    #[test]
    fn received_index_skips_removed_items() {
        assert_eq!(received_index(&[], 3), 3);
        assert_eq!(received_index(&[0], 0), 1);
        assert_eq!(received_index(&[1, 2], 1), 3);
        assert_eq!(received_index(&[5], 1), 1);
    }

    #[test]
    fn configs_are_kept_whole_and_repaired_only_when_not_objects() {
        let body = br#"{"list":[{"connector":{"config":{"@type":5},"displayName":"Okta"}}],"expanded":[{"@type":"t/x","k":[1]},"t/y"]}"#;
        let decoded = from_json_lenient::<ConnectorServiceListResponse>(body).unwrap();
        let paths: Vec<_> = decoded.repairs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["expanded[1]"]);
        let okta = decoded.value.connectors().next().unwrap();
        assert_eq!(okta.display_name.as_deref(), Some("Okta"));
        assert_eq!(okta.config.as_ref().unwrap().as_json(), r#"{"@type":5}"#);
        assert_eq!(decoded.value.expanded.unwrap().len(), 1);
    }

    #[test]
    fn the_root_in_the_wrong_shape_still_fails_with_its_position() {
        let err = from_json_lenient::<ConnectorDetail>(b"[1, 2]").unwrap_err();
        assert_eq!(
            err,
            crate::decode::from_json::<ConnectorDetail>(b"[1, 2]").unwrap_err()
        );
        assert_eq!((err.path.as_str(), err.line, err.column), ("[0]", 1, 2));
        let err = from_json_lenient::<ConnectorDetail>(br#""{\"name\":\"a\"}""#).unwrap_err();
        assert_eq!(err.path, ".");
        let err = from_json_lenient::<ConnectorDetail>(b"{\"name\": tru").unwrap_err();
        assert!(err.is_eof, "{err}");
        let err = from_json_lenient::<ConnectorDetail>(b"{\"name\": nope}").unwrap_err();
        assert_eq!((err.line, err.column), (1, 11), "{err}");
    }

    #[test]
    fn secrets_are_not_shown_in_previews() {
        let body = br#"{"clientSecret": 12345, "credential": {"clientSecret": ["s"]}}"#;
        let decoded =
            from_json_lenient::<crate::c1::ConnectorServiceRotateCredentialResponse>(body).unwrap();
        assert_eq!(decoded.repairs.len(), 2);
        for repair in &decoded.repairs {
            assert_eq!(repair.raw_preview(), "[redacted]");
            let shown = repair.to_string();
            assert!(
                !shown.contains("12345") && !shown.contains("\"s\""),
                "{shown}"
            );
        }
    }

    #[test]
    fn long_values_are_shortened_in_previews() {
        let long = "x".repeat(500);
        let body = format!(r#"{{"name": ["{long}"]}}"#);
        let decoded = from_json_lenient::<ConnectorDetail>(body.as_bytes()).unwrap();
        let preview = decoded.repairs[0].raw_preview();
        assert_eq!(preview.chars().count(), PREVIEW_CHARS + 1);
        assert!(preview.ends_with('…'));
    }
}
