//! Overlays: the per-tenant values of a tree, kept beside it, for promotion.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use connkit_models::isc::v2024::JsonObject;
use connkit_models::preflight::Finding;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, FileFinding, Result};
use crate::spec::ConnectorSpec;
use crate::tree::Tree;

/// The folder of a tree that holds its overlays.
pub const OVERLAYS_DIR: &str = "_overlays";

/// Tenant-specific overrides applied to a tree before it is planned or pushed: per
/// connector folder, a JSON merge patch (RFC 7396) of `connector.json`, and text
/// replacements in its other files.
///
/// ```json
/// {
///   "connectors": {
///     "acme-hr": {
///       "connector": { "connectorMetadata": { "baseUrl": "https://hr.example.com" } },
///       "replace": {
///         "source-config.xml": { "hr.dev.example.com": "hr.example.com" }
///       }
///     }
///   }
/// }
/// ```
///
/// In the merge patch `null` removes a field. Each replacement replaces every
/// occurrence and must match at least once (a stale overlay is an error, not a silent
/// no-op); a file's replacements run in the order of their search texts.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Overrides by connector folder.
    #[serde(default)]
    pub connectors: BTreeMap<String, ConnectorOverlay>,
}

/// The overrides of one connector.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorOverlay {
    /// A JSON merge patch of `connector.json`.
    #[serde(default)]
    pub connector: Option<JsonObject>,
    /// By file of the connector's folder: search text → replacement.
    #[serde(default)]
    pub replace: BTreeMap<String, BTreeMap<String, String>>,
}

impl Overlay {
    /// Where the overlay called `name` of the tree in `dir` lives:
    /// `DIR/_overlays/NAME.json`. A name with a path separator or starting with `.` is
    /// refused.
    pub fn path(dir: &Path, name: &str) -> std::result::Result<PathBuf, String> {
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return Err(format!(
                "overlay name `{name}` must be a plain name such as `prod`"
            ));
        }
        Ok(dir.join(OVERLAYS_DIR).join(format!("{name}.json")))
    }

    /// Reads an overlay file; `label` names it in findings.
    pub fn read(path: &Path, label: &str) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("reading the overlay", path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            let finding = Finding::error("overlay.invalid", e.to_string());
            let finding = match (u32::try_from(e.line()), u32::try_from(e.column())) {
                (Ok(line), Ok(column)) if line > 0 => finding.at(line, column.max(1)),
                _ => finding,
            };
            Error::Invalid(vec![FileFinding::new(label, finding)])
        })
    }

    /// Applies the overlay to `tree`; every problem is reported against `label`.
    pub fn apply(&self, tree: &mut Tree, label: &str) -> Result<()> {
        let mut findings = Vec::new();
        let mut problem = |pointer: String, message: String| {
            findings.push(FileFinding::new(
                label,
                Finding::error("overlay.does-not-apply", message).at_pointer(pointer),
            ));
        };
        for (folder, overlay) in &self.connectors {
            let Some(files) = tree.connectors.get_mut(folder) else {
                problem(
                    format!("/connectors/{folder}"),
                    format!("the tree has no connector folder `{folder}`"),
                );
                continue;
            };
            if let Some(patch) = &overlay.connector {
                let mut value = serde_json::to_value(&files.spec).unwrap_or_default();
                merge(&mut value, &Value::Object(patch.clone()));
                let text = serde_json::to_vec(&value).unwrap_or_default();
                match ConnectorSpec::parse(&text) {
                    Ok(spec) => files.spec = spec,
                    Err(errors) => {
                        for error in errors {
                            problem(
                                format!("/connectors/{folder}/connector"),
                                format!("after the overlay, connector.json: {}", error.message),
                            );
                        }
                    }
                }
            }
            for (file, replacements) in &overlay.replace {
                let pointer = format!("/connectors/{folder}/replace/{file}");
                let target = files.files().map(|(t, _)| t).find(|t| t.path() == *file);
                let Some(target) = target else {
                    problem(
                        pointer,
                        format!("{folder} has no file `{file}` to replace in"),
                    );
                    continue;
                };
                let bytes = files.file(&target).cloned().unwrap_or_default();
                let Ok(mut text) = String::from_utf8(bytes.to_vec()) else {
                    problem(pointer, format!("{folder}/{file} is not UTF-8 text"));
                    continue;
                };
                for (find, with) in replacements {
                    if find.is_empty() || !text.contains(find.as_str()) {
                        problem(
                            pointer.clone(),
                            format!("`{find}` does not occur in {folder}/{file}"),
                        );
                        continue;
                    }
                    text = text.replace(find.as_str(), with);
                }
                files.set_file(&target, Bytes::from(text));
            }
        }
        if findings.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(findings))
        }
    }
}

/// RFC 7396 JSON merge patch.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(JsonObject::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::ConnectorFiles;
    use serde_json::json;

    fn tree() -> Tree {
        let spec = ConnectorSpec::parse(br#"{"name": "Acme", "className": "c", "connectorMetadata": {"url": "dev", "keep": 1}}"#).unwrap();
        let mut files = ConnectorFiles::new(spec);
        files.documents[0] = Some(Bytes::from_static(b"<a host='dev.example.com'/>"));
        Tree {
            connectors: [("acme".to_owned(), files)].into(),
        }
    }

    #[test]
    fn an_overlay_merges_metadata_and_replaces_text() {
        let overlay: Overlay = serde_json::from_value(json!({"connectors": {"acme": {
            "connector": {"connectorMetadata": {"url": "prod", "keep": null}},
            "replace": {"source-config.xml": {"dev.example.com": "example.com"}}
        }}}))
        .unwrap();
        let mut tree = tree();
        overlay.apply(&mut tree, "prod.json").unwrap();
        let files = &tree.connectors["acme"];
        assert_eq!(
            files.spec.connector_metadata,
            Some(json!({"url": "prod"}).as_object().unwrap().clone())
        );
        assert_eq!(
            files.documents[0].as_deref(),
            Some(&b"<a host='example.com'/>"[..])
        );
    }

    #[test]
    fn a_stale_overlay_is_an_error_naming_every_problem() {
        let overlay: Overlay = serde_json::from_value(json!({"connectors": {
            "acme": {"replace": {"source-config.xml": {"nowhere": "x"}, "source-template.xml": {"a": "b"}},
                     "connector": {"name": ""}},
            "gone": {}
        }}))
        .unwrap();
        let Err(Error::Invalid(findings)) = overlay.apply(&mut tree(), "prod.json") else {
            panic!("the overlay should not apply");
        };
        let messages: Vec<_> = findings
            .iter()
            .map(|f| f.finding.message.as_str())
            .collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages
            .iter()
            .any(|m| m.contains("no connector folder `gone`")));
        assert!(messages
            .iter()
            .any(|m| m.contains("`nowhere` does not occur")));
        assert!(messages
            .iter()
            .any(|m| m.contains("no file `source-template.xml`")));
        assert!(messages
            .iter()
            .any(|m| m.contains("`name` must not be empty")));
    }

    #[test]
    fn overlay_names_are_plain() {
        assert!(Overlay::path(Path::new("t"), "prod")
            .unwrap()
            .ends_with("_overlays/prod.json"));
        assert!(Overlay::path(Path::new("t"), "../x").is_err());
        assert!(Overlay::path(Path::new("t"), "").is_err());
    }
}
