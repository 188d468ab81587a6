//! The connector store: records keyed by `scriptName`, the name index, script-name
//! derivation and single-record mutations that can be undone.

use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

use connkit_models::isc::v2024::{
    ConnectorDetail, ConnectorStatus, JsonObject, V3ConnectorDto, V3CreateConnectorDto,
};
use serde::{Deserialize, Serialize};

use crate::isc::templates::{self, Identity};

/// A string that is usually one of the seed data's constants.
pub(crate) type Text = Cow<'static, str>;

/// One connector as the sandbox keeps it.
///
/// Besides the wire fields it keeps `category` and `labels`, which the list filter
/// accepts but `V3ConnectorDto` does not carry. The three XML documents (and a seeded
/// connector's metadata) are `None` until a PUT or PATCH sets them: reads then answer a
/// template derived from the connector, and the seed's constant strings are borrowed,
/// which keeps 100 000 seeded connectors small and quick to build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) connector_type: Text,
    pub(crate) class_name: Text,
    pub(crate) script_name: String,
    pub(crate) direct_connect: bool,
    pub(crate) file_upload: bool,
    pub(crate) status: ConnectorStatus,
    pub(crate) features: Vec<Text>,
    pub(crate) category: Text,
    pub(crate) labels: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) connector_metadata: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) application_xml: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) correlation_config_xml: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) source_config_xml: Option<String>,
    /// Translations PUT per locale; `en` falls back to a template when absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) translations: BTreeMap<String, String>,
    /// The list item's JSON, made on first listing.
    #[serde(skip)]
    pub(crate) listed: ListedJson,
}

/// A record's list item (`V3ConnectorDto`) as compact JSON, serialized once and then
/// spliced into every page that lists the record: a page costs copies of bytes, not
/// 250 metadata templates built and serialized.
///
/// Records are never changed in place (a change replaces the record by an edited
/// clone), so the cache cannot go stale: a clone starts without one, and it takes no
/// part in equality.
#[derive(Debug, Default)]
pub(crate) struct ListedJson(OnceLock<Box<str>>);

impl Clone for ListedJson {
    fn clone(&self) -> Self {
        ListedJson::default()
    }
}

impl PartialEq for ListedJson {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The three XML documents of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    /// `source-config` ↔ `sourceConfigXml`.
    SourceConfig,
    /// `source-template` ↔ `applicationXml`.
    SourceTemplate,
    /// `correlation-config` ↔ `correlationConfigXml`.
    CorrelationConfig,
}

impl Document {
    /// The file name reported in `UpdateDetail.updatedFiles`.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Document::SourceConfig => "source-config.xml",
            Document::SourceTemplate => "source-template.xml",
            Document::CorrelationConfig => "correlation-config.xml",
        }
    }
}

impl Record {
    /// A connector as a create makes it: category `custom`, no labels, features or
    /// metadata, documents from templates.
    pub(crate) fn custom(
        name: String,
        script_name: String,
        connector_type: Text,
        class_name: Text,
        direct_connect: bool,
        status: ConnectorStatus,
    ) -> Record {
        Record {
            name,
            connector_type,
            class_name,
            script_name,
            direct_connect,
            file_upload: false,
            status,
            features: Vec::new(),
            category: Cow::Borrowed("custom"),
            labels: Vec::new(),
            connector_metadata: Some(JsonObject::new()),
            application_xml: None,
            correlation_config_xml: None,
            source_config_xml: None,
            translations: BTreeMap::new(),
            listed: ListedJson::default(),
        }
    }

    /// `true` for a connector created through the API (`deleteCustomConnector` may
    /// delete it); seeded connectors are built-in.
    pub(crate) fn is_custom(&self) -> bool {
        self.category == "custom"
    }

    /// What the templates are derived from.
    fn identity(&self) -> Identity<'_> {
        Identity {
            name: &self.name,
            connector_type: &self.connector_type,
            class_name: &self.class_name,
            direct_connect: self.direct_connect,
            file_upload: self.file_upload,
        }
    }

    /// The stored document, or the template when none was ever set.
    pub(crate) fn document(&self, document: Document) -> Cow<'_, str> {
        let (stored, template): (&Option<String>, fn(&Identity<'_>) -> String) = match document {
            Document::SourceConfig => (&self.source_config_xml, templates::source_config_xml),
            Document::SourceTemplate => (&self.application_xml, templates::application_xml),
            Document::CorrelationConfig => (
                &self.correlation_config_xml,
                templates::correlation_config_xml,
            ),
        };
        match stored {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(template(&self.identity())),
        }
    }

    /// The stored metadata, or the seed's template.
    pub(crate) fn metadata(&self) -> Cow<'_, JsonObject> {
        match &self.connector_metadata {
            Some(map) => Cow::Borrowed(map),
            None => Cow::Owned(templates::connector_metadata(&self.identity())),
        }
    }

    /// Sets a document.
    pub(crate) fn set_document(&mut self, document: Document, text: String) {
        let slot = match document {
            Document::SourceConfig => &mut self.source_config_xml,
            Document::SourceTemplate => &mut self.application_xml,
            Document::CorrelationConfig => &mut self.correlation_config_xml,
        };
        *slot = Some(text);
    }

    /// Translations by locale: what was PUT, plus the `en` template unless `en` was PUT.
    pub(crate) fn translations(&self) -> BTreeMap<String, Cow<'_, str>> {
        let mut all: BTreeMap<String, Cow<'_, str>> = self
            .translations
            .iter()
            .map(|(k, v)| (k.clone(), Cow::Borrowed(v.as_str())))
            .collect();
        all.entry("en".to_owned())
            .or_insert_with(|| Cow::Owned(templates::translations_en(&self.identity())));
        all
    }

    /// The list item / create answer.
    pub(crate) fn to_dto(&self) -> V3ConnectorDto {
        V3ConnectorDto {
            name: Some(self.name.clone()),
            connector_type: Some(self.connector_type.clone().into_owned()),
            script_name: Some(self.script_name.clone()),
            class_name: Some(self.class_name.clone().into_owned()),
            features: Some(
                self.features
                    .iter()
                    .map(|f| f.clone().into_owned())
                    .collect(),
            ),
            direct_connect: Some(self.direct_connect),
            connector_metadata: Some(self.metadata().into_owned()),
            status: Some(self.status.clone()),
        }
    }

    /// The list item as compact JSON (what serializing [`to_dto`](Self::to_dto) gives),
    /// serialized on first use.
    pub(crate) fn dto_json(&self) -> &str {
        self.listed.0.get_or_init(|| {
            // Serializing our own model cannot fail (string keys, no floats).
            serde_json::to_string(&self.to_dto())
                .unwrap_or_default()
                .into_boxed_str()
        })
    }

    /// The detail answer (`GET` and `PATCH`).
    pub(crate) fn to_detail(&self) -> ConnectorDetail {
        let source_config = self.document(Document::SourceConfig).into_owned();
        ConnectorDetail {
            name: Some(self.name.clone()),
            connector_type: Some(self.connector_type.clone().into_owned()),
            class_name: Some(self.class_name.clone().into_owned()),
            script_name: Some(self.script_name.clone()),
            application_xml: Some(self.document(Document::SourceTemplate).into_owned()),
            correlation_config_xml: Some(self.document(Document::CorrelationConfig).into_owned()),
            source_config: Some(source_config.clone()),
            source_config_xml: Some(source_config),
            source_config_from: Some("sp-connect".to_owned()),
            s3_location: Some(format!("custom-connector/{}", self.script_name)),
            uploaded_files: Some(Vec::new()),
            file_upload: Some(self.file_upload),
            direct_connect: Some(self.direct_connect),
            translation_properties: Some(
                self.translations()
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v.into_owned())))
                    .collect(),
            ),
            connector_metadata: Some(self.metadata().into_owned()),
            status: Some(self.status.clone()),
        }
    }
}

/// How to take back one mutation when it could not be made durable.
#[derive(Debug, PartialEq)]
pub(crate) enum Undo {
    /// Remove the record that was inserted.
    Remove(String),
    /// Put back the record that was removed or replaced.
    Restore(Arc<Record>),
}

impl Undo {
    /// The script name of the record the mutation touched.
    pub(crate) fn script_name(&self) -> &str {
        match self {
            Undo::Remove(script) => script,
            Undo::Restore(record) => &record.script_name,
        }
    }
}

/// All connectors, ordered by `scriptName`.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Shared pointers: tree nodes move pointers, not whole records, and the listing
    /// below holds the same records.
    by_script: BTreeMap<String, Arc<Record>>,
    /// Lower-cased names: unique per tenant, whatever the case.
    names: HashSet<String>,
    /// The RELEASED records in `scriptName` order, made on first listing and dropped by
    /// every change: an unfiltered page is then a slice at its offset, not a walk over
    /// every record before it.
    released: OnceLock<Vec<Arc<Record>>>,
}

/// Why records could not be put into a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoreConflict {
    /// Another connector already has this name (compared case-insensitively).
    DuplicateName(String),
    /// Another connector already has this script name.
    DuplicateScriptName(String),
    /// A record (from an imported or loaded state) that the API could never have made:
    /// its script name or name breaks the rules the API keeps.
    Invalid(String),
}

impl std::fmt::Display for StoreConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreConflict::DuplicateName(name) => {
                write!(f, "a connector named '{name}' already exists")
            }
            StoreConflict::DuplicateScriptName(script) => {
                write!(f, "a connector with scriptName '{script}' already exists")
            }
            StoreConflict::Invalid(why) => f.write_str(why),
        }
    }
}

impl Store {
    /// A store holding `records`, refusing duplicate names or script names.
    pub(crate) fn from_records(
        records: impl IntoIterator<Item = Record>,
    ) -> Result<Self, StoreConflict> {
        let records = records.into_iter();
        let mut store = Store {
            by_script: BTreeMap::new(),
            names: HashSet::with_capacity(records.size_hint().0),
            released: OnceLock::new(),
        };
        for record in records {
            check_identity(&record)?;
            store.insert(record)?;
        }
        Ok(store)
    }

    /// Every record, in `scriptName` order.
    pub(crate) fn records(&self) -> impl Iterator<Item = &Record> {
        self.by_script.values().map(|r| &**r)
    }

    /// The RELEASED records (those the list shows), in `scriptName` order.
    pub(crate) fn released(&self) -> &[Arc<Record>] {
        self.released.get_or_init(|| {
            self.by_script
                .values()
                .filter(|r| r.status == ConnectorStatus::Released)
                .cloned()
                .collect()
        })
    }

    /// The number of records.
    pub(crate) fn len(&self) -> usize {
        self.by_script.len()
    }

    /// The record with this script name.
    pub(crate) fn get(&self, script_name: &str) -> Option<&Record> {
        self.by_script.get(script_name).map(|r| &**r)
    }

    /// `true` when a connector with this name exists (case-insensitively).
    pub(crate) fn has_name(&self, name: &str) -> bool {
        self.names.contains(&name.to_lowercase())
    }

    /// A script name derived from `name`, unique in this store: lower case, runs of
    /// anything but ASCII letters and digits become one `-`, then `-2`, `-3`, … on
    /// collision.
    pub(crate) fn unique_script_name(&self, name: &str) -> String {
        let base = slug(name);
        if !self.by_script.contains_key(&base) {
            return base;
        }
        (2u64..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| !self.by_script.contains_key(candidate))
            .unwrap_or(base)
    }

    /// Inserts a new record.
    pub(crate) fn insert(&mut self, record: Record) -> Result<Undo, StoreConflict> {
        let name = record.name.to_lowercase();
        if self.names.contains(&name) {
            return Err(StoreConflict::DuplicateName(record.name));
        }
        let Entry::Vacant(slot) = self.by_script.entry(record.script_name.clone()) else {
            return Err(StoreConflict::DuplicateScriptName(record.script_name));
        };
        let script = record.script_name.clone();
        self.names.insert(name);
        slot.insert(Arc::new(record));
        self.released.take();
        Ok(Undo::Remove(script))
    }

    /// Removes a record.
    pub(crate) fn remove(&mut self, script_name: &str) -> Option<Undo> {
        let record = self.by_script.remove(script_name)?;
        self.names.remove(&record.name.to_lowercase());
        self.released.take();
        Some(Undo::Restore(record))
    }

    /// Replaces a record by one with the same script name and name.
    pub(crate) fn replace(&mut self, record: Record) -> Option<Undo> {
        let slot = self.by_script.get_mut(&record.script_name)?;
        let old = std::mem::replace(slot, Arc::new(record));
        self.released.take();
        Some(Undo::Restore(old))
    }

    /// Takes back one mutation.
    pub(crate) fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Remove(script) => {
                self.remove(&script);
            }
            Undo::Restore(record) => {
                let script = record.script_name.clone();
                if !self.by_script.contains_key(&script) {
                    self.names.insert(record.name.to_lowercase());
                }
                self.by_script.insert(script, record);
                self.released.take();
            }
        }
    }
}

/// The longest script name a record may have: a slug of the longest name the API
/// accepts, with room for the suffix that keeps it unique.
const MAX_SCRIPT_NAME_CHARS: usize = V3CreateConnectorDto::MAX_NAME_CHARS + 16;

/// Refuses a record whose script name or name the API could never have made (an
/// imported state is a file anyone can edit): a script name is 1 to
/// [`MAX_SCRIPT_NAME_CHARS`] of `A-Z a-z 0-9 . _ -`, not starting with `.` (so it is
/// one path segment that addresses the connector), and a name is not blank and at most
/// [`V3CreateConnectorDto::MAX_NAME_CHARS`] characters.
fn check_identity(record: &Record) -> Result<(), StoreConflict> {
    let script = &record.script_name;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let shown = |text: &str| {
        text.chars()
            .take(40)
            .collect::<String>()
            .escape_debug()
            .to_string()
    };
    if script.is_empty()
        || script.len() > MAX_SCRIPT_NAME_CHARS
        || script.starts_with('.')
        || !script.chars().all(allowed)
    {
        return Err(StoreConflict::Invalid(format!(
            "scriptName '{}' is not one the API makes: 1 to {MAX_SCRIPT_NAME_CHARS} of \
             A-Z a-z 0-9 . _ -, not starting with '.'",
            shown(script)
        )));
    }
    let chars = record.name.chars().count();
    if record.name.trim().is_empty() || chars > V3CreateConnectorDto::MAX_NAME_CHARS {
        return Err(StoreConflict::Invalid(format!(
            "connector {script}: its name is blank or longer than {} characters",
            V3CreateConnectorDto::MAX_NAME_CHARS
        )));
    }
    Ok(())
}

/// The URL-friendly form of a name: `"Custom Atlassian Suite - Cloud"` →
/// `"custom-atlassian-suite-cloud"`; `"connector"` when nothing is left.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("connector");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, script: &str) -> Record {
        Record::custom(
            name.to_owned(),
            script.to_owned(),
            Cow::Borrowed("t"),
            Cow::Borrowed("c"),
            true,
            ConnectorStatus::Released,
        )
    }

    #[test]
    fn slugs_are_url_friendly() {
        assert_eq!(
            slug("Custom Atlassian Suite - Cloud"),
            "custom-atlassian-suite-cloud"
        );
        assert_eq!(slug("  ÄÖ  "), "connector");
        assert_eq!(slug("a/b?c#d%20"), "a-b-c-d-20");
    }

    #[test]
    fn script_names_are_unique_and_names_case_insensitively_unique() {
        let mut store = Store::default();
        store.insert(record("My Conn", "my-conn")).unwrap();
        assert_eq!(store.unique_script_name("my conn!"), "my-conn-2");
        assert!(store.has_name("MY CONN"));
        assert_eq!(
            store.insert(record("my conn", "other")),
            Err(StoreConflict::DuplicateName("my conn".to_owned()))
        );
    }

    #[test]
    fn undo_takes_back_each_mutation() {
        let mut store = Store::default();
        let undo = store.insert(record("A", "a")).unwrap();
        store.undo(undo);
        assert_eq!(store.len(), 0);
        assert!(!store.has_name("a"));

        store.insert(record("A", "a")).unwrap();
        let undo = store.remove("a").unwrap();
        store.undo(undo);
        assert!(store.has_name("a"));

        let mut changed = record("A", "a");
        changed.category = Cow::Borrowed("hr");
        let undo = store.replace(changed).unwrap();
        assert_eq!(store.get("a").unwrap().category, "hr");
        store.undo(undo);
        assert_eq!(store.get("a").unwrap().category, "custom");
    }
}
