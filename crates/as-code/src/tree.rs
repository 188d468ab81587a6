//! The tree: one folder per connector, as files a team keeps in git.
//!
//! ```text
//! DIR/
//!   acme-hr/                         # the scriptName where it was pulled
//!     connector.json                 # ConnectorSpec
//!     source-config.xml              # byte for byte as served
//!     source-template.xml
//!     correlation-config.xml
//!     translations/en.properties     # one file per locale
//!   _overlays/prod.json              # optional, see `Overlay`
//! ```
//!
//! Folders whose name starts with `.` or `_`, and files directly in `DIR`, are not
//! connectors (room for a README or overlays). A document or locale file that is
//! absent is not managed: the plan leaves it as it is on the tenant.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bytes::Bytes;
use connkit_connectors::ops::Document;
use connkit_models::preflight::{BodyKind, Finding};

use crate::atomic::write_atomic;
use crate::error::{Error, FileFinding, Result};
use crate::spec::ConnectorSpec;

/// The file holding a connector's [`ConnectorSpec`].
pub const CONNECTOR_FILE: &str = "connector.json";
/// The folder of a connector's translations, one `<locale>.properties` each.
pub const TRANSLATIONS_DIR: &str = "translations";
const PROPERTIES: &str = ".properties";

/// The file name of a document in a connector's folder (`source-config.xml`, …).
pub fn document_file(document: Document) -> String {
    format!("{}.xml", document.segment())
}

/// The path of a locale's translations in a connector's folder.
pub fn translations_file(locale: &str) -> String {
    format!("{TRANSLATIONS_DIR}/{locale}{PROPERTIES}")
}

/// A file of a connector's folder other than `connector.json`, and where a push sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileTarget {
    /// An XML document, uploaded as multipart.
    Document(Document),
    /// One locale's translations, PUT as multipart.
    Translations(String),
}

impl FileTarget {
    /// Its path in the connector's folder.
    pub fn path(&self) -> String {
        match self {
            FileTarget::Document(document) => document_file(*document),
            FileTarget::Translations(locale) => translations_file(locale),
        }
    }

    /// The pre-flight kind of its content.
    pub fn body_kind(&self) -> BodyKind {
        match self {
            FileTarget::Document(document) => document.body_kind(),
            FileTarget::Translations(_) => BodyKind::Translations,
        }
    }
}

/// Every connector of a tree, by folder name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// The connectors, by folder name (the `scriptName` they were pulled with).
    pub connectors: BTreeMap<String, ConnectorFiles>,
}

/// The files of one connector.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorFiles {
    /// `connector.json`.
    pub spec: ConnectorSpec,
    /// `source-config.xml`, `source-template.xml`, `correlation-config.xml` (in
    /// [`Document::ALL`] order), each absent when not managed.
    pub documents: [Option<Bytes>; 3],
    /// `translations/<locale>.properties`, by locale.
    pub translations: BTreeMap<String, Bytes>,
}

impl ConnectorFiles {
    /// Files holding only `connector.json`.
    pub fn new(spec: ConnectorSpec) -> Self {
        Self {
            spec,
            documents: [None, None, None],
            translations: BTreeMap::new(),
        }
    }

    /// One document, if managed.
    pub fn document(&self, document: Document) -> Option<&Bytes> {
        self.documents[index(document)].as_ref()
    }

    /// One document's slot.
    pub fn document_mut(&mut self, document: Document) -> &mut Option<Bytes> {
        &mut self.documents[index(document)]
    }

    /// Every managed file but `connector.json`, documents first.
    pub fn files(&self) -> impl Iterator<Item = (FileTarget, &Bytes)> {
        let documents = Document::ALL.into_iter().filter_map(|d| {
            self.document(d)
                .map(|bytes| (FileTarget::Document(d), bytes))
        });
        let translations = self
            .translations
            .iter()
            .map(|(locale, bytes)| (FileTarget::Translations(locale.clone()), bytes));
        documents.chain(translations)
    }

    /// Sets the file `target` names.
    pub fn set_file(&mut self, target: &FileTarget, bytes: Bytes) {
        match target {
            FileTarget::Document(document) => *self.document_mut(*document) = Some(bytes),
            FileTarget::Translations(locale) => {
                self.translations.insert(locale.clone(), bytes);
            }
        }
    }

    /// The file `target` names, if managed.
    pub fn file(&self, target: &FileTarget) -> Option<&Bytes> {
        match target {
            FileTarget::Document(document) => self.document(*document),
            FileTarget::Translations(locale) => self.translations.get(locale),
        }
    }
}

fn index(document: Document) -> usize {
    Document::ALL
        .iter()
        .position(|d| *d == document)
        .unwrap_or_default()
}

/// A tree as read from disk, with every problem found while reading it. Connectors
/// whose `connector.json` is invalid are left out of `tree` and named in `findings`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadTree {
    /// What could be read.
    pub tree: Tree,
    /// Problems with the files (all errors).
    pub findings: Vec<FileFinding>,
}

impl Tree {
    /// Reads the tree in `dir`.
    pub fn read(dir: &Path) -> Result<ReadTree> {
        let mut read = ReadTree::default();
        for (folder, path) in entries(dir)? {
            if !path.is_dir() || folder.starts_with('.') || folder.starts_with('_') {
                continue;
            }
            if let Some(files) = read_connector(&path, &folder, &mut read.findings)? {
                read.tree.connectors.insert(folder, files);
            }
        }
        Ok(read)
    }

    /// Writes every connector into `dir` (created if missing), each file through a
    /// temporary file and a rename. Translations files of a written connector that
    /// the tree no longer has are removed; other folders in `dir` are left alone.
    pub fn write(&self, dir: &Path) -> Result<()> {
        for (folder, files) in &self.connectors {
            let path = dir.join(folder);
            let translations = path.join(TRANSLATIONS_DIR);
            fs::create_dir_all(&translations)
                .map_err(|e| Error::io("creating", &translations, e))?;
            write_atomic(&path.join(CONNECTOR_FILE), &files.spec.to_json())?;
            for (target, bytes) in files.files() {
                write_atomic(&path.join(target.path()), bytes)?;
            }
            for (name, stale) in entries(&translations)? {
                let locale = name.strip_suffix(PROPERTIES);
                if locale.is_some_and(|l| !files.translations.contains_key(l)) {
                    fs::remove_file(&stale).map_err(|e| Error::io("removing", &stale, e))?;
                }
            }
        }
        Ok(())
    }
}

/// The entries of a folder as (UTF-8 name, path), sorted; names that are not UTF-8
/// are kept lossily (they then fail as unexpected files or folder names).
fn entries(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let listing = fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))?;
    let mut out = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| Error::io("reading", dir, e))?;
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    out.sort();
    Ok(out)
}

fn read_file(path: &Path) -> Result<Bytes> {
    fs::read(path)
        .map(Bytes::from)
        .map_err(|e| Error::io("reading", path, e))
}

fn read_connector(
    path: &Path,
    folder: &str,
    findings: &mut Vec<FileFinding>,
) -> Result<Option<ConnectorFiles>> {
    let unexpected = |name: &str, why: &str| {
        FileFinding::new(
            format!("{folder}/{name}"),
            Finding::error("tree.unexpected-file", why.to_owned()),
        )
    };
    let spec_path = path.join(CONNECTOR_FILE);
    if !spec_path.is_file() {
        findings.push(unexpected(
            CONNECTOR_FILE,
            "missing: every connector folder needs a connector.json (folders starting with `_` or `.` are not connectors)",
        ));
        return Ok(None);
    }
    let spec = match ConnectorSpec::parse(&read_file(&spec_path)?) {
        Ok(spec) => Some(spec),
        Err(problems) => {
            findings.extend(
                problems
                    .into_iter()
                    .map(|f| FileFinding::new(format!("{folder}/{CONNECTOR_FILE}"), f)),
            );
            None
        }
    };
    // The other files are checked even when connector.json is wrong: every problem
    // of the folder is reported at once.
    let (mut documents, mut translations) = ([None, None, None], BTreeMap::new());
    for (name, entry) in entries(path)? {
        if name.starts_with('.') || name == CONNECTOR_FILE {
            continue;
        }
        if let Some(document) = Document::ALL
            .into_iter()
            .find(|d| document_file(*d) == name)
        {
            documents[index(document)] = Some(read_file(&entry)?);
        } else if name == TRANSLATIONS_DIR && entry.is_dir() {
            for (file, locale_path) in entries(&entry)? {
                match file.strip_suffix(PROPERTIES) {
                    _ if file.starts_with('.') => {}
                    Some(locale) if !locale.is_empty() && locale_path.is_file() => {
                        translations.insert(locale.to_owned(), read_file(&locale_path)?);
                    }
                    _ => findings.push(unexpected(
                        &format!("{TRANSLATIONS_DIR}/{file}"),
                        "not a translations file: expected <locale>.properties",
                    )),
                }
            }
        } else {
            findings.push(unexpected(
                &name,
                "not a connector file: expected connector.json, source-config.xml, \
                 source-template.xml, correlation-config.xml or translations/<locale>.properties",
            ));
        }
    }
    Ok(spec.map(|spec| ConnectorFiles {
        spec,
        documents,
        translations,
    }))
}
