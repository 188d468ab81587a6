//! `UpdateMask`: which fields of a [`Connector`] an update applies.
//!
//! On the wire it is one string of comma-separated camelCase paths
//! (`"displayName,userIds"`). Both sides need the same rules: the client computes the
//! mask from the fields it sets, the sandbox applies it, so both live here.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Connector;

/// The fields of a [`Connector`] the service sets itself; never sent, ignored if
/// named in a mask.
pub const READ_ONLY_FIELDS: &[&str] = &[
    "configUpdatedAt",
    "connectorApiVersion",
    "createdAt",
    "deletedAt",
    "downloadUrl",
    "oauthAuthorizedAs",
    "syncDisabledAt",
    "updatedAt",
];

/// The fields that identify a connector (taken from the path, never updated).
pub const IDENTITY_FIELDS: &[&str] = &["appId", "id"];

/// A comma-separated list of camelCase field paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UpdateMask(Vec<String>);

/// A mask path that names no field a connector update can change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("update mask path `{path}` {why}")]
pub struct MaskError {
    /// The offending path.
    pub path: String,
    /// Why it is refused.
    pub why: &'static str,
}

impl UpdateMask {
    /// A mask of these paths, in order, without duplicates or empty entries.
    pub fn new<I, S>(paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut mask = UpdateMask::default();
        for path in paths {
            mask.push(path);
        }
        mask
    }

    /// Adds one path unless it is empty or already present.
    pub fn push(&mut self, path: impl Into<String>) {
        let path = path.into();
        let path = path.trim();
        if !path.is_empty() && !self.0.iter().any(|p| p == path) {
            self.0.push(path.to_owned());
        }
    }

    /// The paths, in order.
    pub fn paths(&self) -> &[String] {
        &self.0
    }

    /// `true` when the mask names no path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The writable top-level fields `connector` sets: what a client sends as the mask
    /// when the caller named none.
    pub fn of_set_fields(connector: &Connector) -> Self {
        let Ok(Value::Object(fields)) = serde_json::to_value(connector) else {
            return UpdateMask::default();
        };
        UpdateMask::new(
            fields
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| is_writable(k)),
        )
    }

    /// Copies the masked fields of `from` onto `target` (a field `from` leaves unset
    /// is cleared), skipping read-only and identity fields. An empty mask applies
    /// every writable field `from` sets. Refuses a path that names no field of a
    /// connector, or a nested path, naming it.
    pub fn apply(&self, target: &mut Connector, from: &Connector) -> Result<(), MaskError> {
        let mask = if self.is_empty() {
            UpdateMask::of_set_fields(from)
        } else {
            self.clone()
        };
        let mut source = to_map(from);
        let mut merged = to_map(target);
        for path in mask.paths() {
            let refuse = |why| MaskError {
                path: path.clone(),
                why,
            };
            if path.contains('.') {
                return Err(refuse(
                    "is nested; only top-level connector fields can be masked",
                ));
            }
            if !KNOWN_FIELDS.contains(&path.as_str()) {
                return Err(refuse("is not a field of Connector"));
            }
            if !is_writable(path) {
                continue;
            }
            match source.remove(path) {
                Some(value) => merged.insert(path.clone(), value),
                None => merged.remove(path),
            };
        }
        // Every field came from a `Connector`, so the merged map decodes back into one.
        *target = serde_json::from_value(Value::Object(merged))
            .unwrap_or_else(|_| unreachable!("a map of Connector fields decodes"));
        Ok(())
    }
}

/// Every field of [`Connector`], by wire name.
const KNOWN_FIELDS: &[&str] = &[
    "appId",
    "canResumeSync",
    "catalogId",
    "config",
    "configUpdatedAt",
    "connectorApiVersion",
    "connectorSyncCronSchedule",
    "createdAt",
    "deletedAt",
    "description",
    "disableCheckBadSync",
    "displayName",
    "downloadUrl",
    "id",
    "oauthAuthorizedAs",
    "parallelSyncWorkerCount",
    "profileAllowList",
    "profileIgnoreList",
    "status",
    "syncConfig",
    "syncDisabledAt",
    "syncDisabledCategory",
    "syncDisabledReason",
    "updatedAt",
    "userIds",
];

fn is_writable(field: &str) -> bool {
    !READ_ONLY_FIELDS.contains(&field) && !IDENTITY_FIELDS.contains(&field)
}

fn to_map(connector: &Connector) -> Map<String, Value> {
    match serde_json::to_value(connector) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

impl fmt::Display for UpdateMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl std::str::FromStr for UpdateMask {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(UpdateMask::new(s.split(',')))
    }
}

impl Serialize for UpdateMask {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UpdateMask {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(UpdateMask::new(text.split(',')))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for UpdateMask {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UpdateMask".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Comma-separated camelCase field paths, e.g. \"displayName,userIds\".",
            "type": "string"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_of_set_fields_skips_read_only_and_identity_fields() {
        let connector: Connector = serde_json::from_str(
            r#"{"id":"c","appId":"a","displayName":"D","userIds":[],"createdAt":"2025-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        let mask = UpdateMask::of_set_fields(&connector);
        assert_eq!(mask.to_string(), "displayName,userIds");
        assert_eq!(
            serde_json::to_string(&mask).unwrap(),
            r#""displayName,userIds""#
        );
        let parsed: UpdateMask = serde_json::from_str(r#"" displayName,,userIds""#).unwrap();
        assert_eq!(parsed, mask);
    }

    #[test]
    fn apply_copies_masked_fields_clears_unset_ones_and_ignores_read_only() {
        let mut target: Connector =
            serde_json::from_str(r#"{"id":"c","displayName":"old","description":"keep me?"}"#)
                .unwrap();
        let from: Connector = serde_json::from_str(
            r#"{"id":"other","displayName":"new","createdAt":"2020-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        UpdateMask::new(["displayName", "description", "createdAt", "id"])
            .apply(&mut target, &from)
            .unwrap();
        assert_eq!(target.display_name.as_deref(), Some("new"));
        assert_eq!(target.description, None);
        assert_eq!(target.created_at, None);
        assert_eq!(target.id.as_deref(), Some("c"));
    }

    #[test]
    fn apply_refuses_unknown_and_nested_paths() {
        let mut target = Connector::default();
        let err = UpdateMask::new(["nope"])
            .apply(&mut target, &Connector::default())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "update mask path `nope` is not a field of Connector"
        );
        let err = UpdateMask::new(["status.status"])
            .apply(&mut target, &Connector::default())
            .unwrap_err();
        assert!(err.to_string().contains("nested"), "{err}");
    }
}
