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
//! connectors (room for a README, `.git` or overlays). A document or locale file that is
//! absent is not managed: the plan leaves it as it is on the tenant. What a tree may
//! hold and how it is read and written safely: see [`Tree`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use bytes::Bytes;
use cap_std::fs::Dir;
use connkit_connectors::ops::Document;
use connkit_connectors::preflight::SizeLimit;
use connkit_models::preflight::{BodyKind, Finding};

use crate::atomic::{replace_tree, write_atomic};
use crate::confined::{self, Bounded, Kind};
use crate::error::{Error, FileFinding, Result};
use crate::identity::{name_key, quoted};
use crate::spec::ConnectorSpec;

/// The largest XML document a tree may hold: the pre-flight size limit of an upload
/// ([`SizeLimit::DEFAULT_MAX_BYTES`]), since a larger one could not be sent anyway.
pub const MAX_DOCUMENT_BYTES: u64 = SizeLimit::DEFAULT_MAX_BYTES as u64;
/// The largest `connector.json`: a name, a class name and UI metadata.
pub const MAX_CONNECTOR_FILE_BYTES: u64 = 1024 * 1024;
/// The largest `translations/<locale>.properties`: one catalog of UI strings.
pub const MAX_TRANSLATIONS_BYTES: u64 = 1024 * 1024;

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
///
/// # A tree is untrusted input
///
/// A tree comes from git, where anyone can commit a symlink, a huge file or two folders
/// that look alike. Reading and writing it is confined to `DIR`:
///
/// - every file under `DIR` is reached through one directory handle that cannot escape
///   it (`DIR` itself may be a symlink the user chose; nothing under it is followed);
/// - a symlink or special file (FIFO, socket, device) at the top of `DIR` or anywhere in
///   a folder not starting with `.` is an error finding naming it (`tree.symlink`,
///   `tree.special-file`): [`Tree::read`] never reads through it and [`Tree::write`]
///   refuses to write into such a tree, so nothing is ever written or deleted through
///   one; folders starting with `.` (`.git`) are not the tree's and are never read;
/// - sizes are checked from the metadata before a file is read, then the read itself is
///   bounded: a file over its limit ([`MAX_DOCUMENT_BYTES`], [`MAX_CONNECTOR_FILE_BYTES`],
///   [`MAX_TRANSLATIONS_BYTES`]) is a `tree.too-large` finding with its size and the
///   limit, and is never read whole;
/// - two folders whose `connector.json` names are equal after Unicode NFC normalisation
///   and case folding are a `tree.duplicate-name` finding naming both folders: a tenant
///   tells connectors apart by name.
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
///
/// `T` is the tree of either API: [`Tree`] (ISC, the default) or
/// [`c1::Tree`](crate::c1::Tree).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadTree<T = Tree> {
    /// What could be read.
    pub tree: T,
    /// Problems with the files (all errors).
    pub findings: Vec<FileFinding>,
}

impl<T> ReadTree<T> {
    /// The same findings with `tree` turned into another type.
    pub(crate) fn map<U>(self, into: impl FnOnce(T) -> U) -> ReadTree<U> {
        ReadTree {
            tree: into(self.tree),
            findings: self.findings,
        }
    }
}

impl Tree {
    /// Reads the tree in `dir`, confined to it (see [`Tree`]): symlinks,
    /// special files, files over their size limit and look-alike connector names come
    /// back as findings, never followed or read whole.
    pub fn read(dir: &Path) -> Result<ReadTree> {
        Ok(read_folders::<IscLayout>(dir)?.map(|connectors| Tree { connectors }))
    }

    /// Writes every connector into `dir` (created if missing) as one step, so a pull
    /// that is killed leaves the old tree or the new one, never a mix.
    ///
    /// In each connector folder written, `connector.json`, the documents and the
    /// translations are replaced, and translations files the tree no longer has are
    /// removed; everything else in `dir` (other folders, `.git`, a README, overlays,
    /// stray files) is kept byte for byte. A `dir` holding a symlink or special file is
    /// refused ([`Error::Invalid`]) before anything is written.
    ///
    /// How: leftovers of killed pulls beside `dir` (`.DIR.connkit-pull.<pid>-<n>` whose
    /// process is gone) are removed; the new tree is built in `.DIR.connkit-pull.<pid>-<n>`
    /// as hard links of everything `dir` holds (copies where the file system has no
    /// hard links), the pulled files then written through new files and renames, so
    /// the old tree's files are never changed in place; once the new tree is durable
    /// (one `syncfs` on Linux, a sync per file elsewhere), the two folders are
    /// swapped in one step (`renameat2(RENAME_EXCHANGE)` on Linux, `RENAME_SWAP` on
    /// macOS; elsewhere two renames, and a kill between them leaves the new tree
    /// complete beside a missing `dir`) and the old one removed.
    ///
    /// Because the folder itself is replaced: the folder holding `dir` must be
    /// writable and `dir` must not be a mount point (the sibling must be on its file
    /// system); a shell whose working directory is `dir` keeps the old folder until it
    /// changes directory (`cd "$PWD"`); another program writing into `dir` during the
    /// pull may lose what it wrote; of two pulls into one `dir` at once, the last to
    /// finish wins. `dir` itself may be a symlink: the folder it points to is replaced.
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_folders::<IscLayout>(dir, &self.connectors)
    }
}

/// What differs between the trees of the two APIs: the files of one connector's folder
/// and the name that identifies it on a tenant. Everything else (confinement, size
/// caps, look-alike names, the atomic swap of a pull) is the same code for both, in
/// [`read_folders`] and [`write_folders`].
pub(crate) trait Layout {
    /// The files of one connector folder.
    type Files;
    /// What the name is called in findings (`name`, `displayName`).
    const NAME_FIELD: &'static str;
    /// The name that identifies a connector on a tenant.
    fn name(files: &Self::Files) -> &str;
    /// Reads one connector folder (`dir`, named `folder`, shown as `shown`); every
    /// problem goes into `findings`, `None` when the folder cannot be a connector.
    fn read_folder(
        dir: &Dir,
        folder: &str,
        shown: &Path,
        findings: &mut Vec<FileFinding>,
    ) -> Result<Option<Self::Files>>;
    /// Writes one connector's files into its folder `dir` (shown as `shown`).
    fn write_folder(dir: &Dir, files: &Self::Files, shown: &Path) -> Result<()>;
}

/// The ISC layout: `connector.json`, three documents, `translations/`.
struct IscLayout;

impl Layout for IscLayout {
    type Files = ConnectorFiles;
    const NAME_FIELD: &'static str = "name";

    fn name(files: &ConnectorFiles) -> &str {
        &files.spec.create.name
    }

    fn read_folder(
        dir: &Dir,
        folder: &str,
        shown: &Path,
        findings: &mut Vec<FileFinding>,
    ) -> Result<Option<ConnectorFiles>> {
        let Some((entries, spec)) =
            folder_spec(dir, folder, shown, findings, ConnectorSpec::parse)?
        else {
            return Ok(None);
        };
        // The other files are checked even when connector.json is wrong: every problem
        // of the folder is reported at once.
        let (mut documents, mut translations) = ([None, None, None], BTreeMap::new());
        for entry in entries {
            let name = entry.name.as_str();
            if name.starts_with('.') || name == CONNECTOR_FILE {
                continue;
            }
            if !entry.utf8 || matches!(entry.kind, Kind::Symlink | Kind::Special) {
                // Already a finding of its own (`tree.file-name`, `tree.symlink`,
                // `tree.special-file`).
                continue;
            }
            let document = Document::ALL
                .into_iter()
                .find(|d| document_file(*d) == name);
            match (document, entry.kind) {
                (Some(document), Kind::File) => {
                    documents[index(document)] = read_limited(
                        dir,
                        name,
                        MAX_DOCUMENT_BYTES,
                        format!("{folder}/{name}"),
                        shown,
                        findings,
                    )?;
                }
                (None, Kind::Dir) if name == TRANSLATIONS_DIR => {
                    let at = shown.join(TRANSLATIONS_DIR);
                    let locales = confined::open_dir(dir, TRANSLATIONS_DIR, &at)?;
                    for file in confined::entries(&locales, &at)? {
                        let path = format!("{TRANSLATIONS_DIR}/{}", file.name);
                        match file.name.strip_suffix(PROPERTIES) {
                            _ if file.name.starts_with('.') || !file.utf8 => {}
                            _ if matches!(file.kind, Kind::Symlink | Kind::Special) => {}
                            Some(locale) if !locale.is_empty() && file.kind == Kind::File => {
                                if let Some(bytes) = read_limited(
                                    &locales,
                                    &file.name,
                                    MAX_TRANSLATIONS_BYTES,
                                    format!("{folder}/{path}"),
                                    &at,
                                    findings,
                                )? {
                                    translations.insert(locale.to_owned(), bytes);
                                }
                            }
                            _ => findings.push(unexpected(
                                folder,
                                &path,
                                "not a translations file: expected <locale>.properties",
                            )),
                        }
                    }
                }
                _ => findings.push(unexpected(
                    folder,
                    name,
                    "not a connector file: expected connector.json, source-config.xml, \
                     source-template.xml, correlation-config.xml or translations/<locale>.properties",
                )),
            }
        }
        Ok(spec.map(|spec| ConnectorFiles {
            spec,
            documents,
            translations,
        }))
    }

    fn write_folder(dir: &Dir, files: &ConnectorFiles, at: &Path) -> Result<()> {
        let translations_at = at.join(TRANSLATIONS_DIR);
        dir.create_dir_all(TRANSLATIONS_DIR)
            .map_err(|e| Error::io("creating", &translations_at, e))?;
        write_atomic(dir, CONNECTOR_FILE, &files.spec.to_json(), at)?;
        for document in Document::ALL {
            if let Some(bytes) = files.document(document) {
                write_atomic(dir, &document_file(document), bytes, at)?;
            }
        }
        let translations = confined::open_dir(dir, TRANSLATIONS_DIR, &translations_at)?;
        for (locale, bytes) in &files.translations {
            let name = format!("{locale}{PROPERTIES}");
            write_atomic(&translations, &name, bytes, &translations_at)?;
        }
        for entry in confined::entries(&translations, &translations_at)? {
            let locale = entry.name.strip_suffix(PROPERTIES);
            if entry.utf8
                && entry.kind == Kind::File
                && locale.is_some_and(|l| !files.translations.contains_key(l))
            {
                translations
                    .remove_file(&entry.name)
                    .map_err(|e| Error::io("removing", translations_at.join(&entry.name), e))?;
            }
        }
        Ok(())
    }
}

/// Reads the connector folders of the tree in `dir`, confined to it (see [`Tree`]), with
/// every problem found: symlinks, special files, files over their size limit and
/// look-alike connector names come back as findings, never followed or read whole.
pub(crate) fn read_folders<L: Layout>(dir: &Path) -> Result<ReadTree<BTreeMap<String, L::Files>>> {
    let root = confined::open(dir)?;
    let mut findings = confined::hostile_entries(&root, dir)?;
    let mut connectors = BTreeMap::new();
    for entry in confined::entries(&root, dir)? {
        let name = entry.name;
        if !entry.utf8 || entry.kind != Kind::Dir || name.starts_with(['.', '_']) {
            continue;
        }
        let shown = dir.join(&name);
        let folder = confined::open_dir(&root, &name, &shown)?;
        if let Some(files) = L::read_folder(&folder, &name, &shown, &mut findings)? {
            connectors.insert(name, files);
        }
    }
    findings.extend(duplicate_names::<L>(&connectors));
    Ok(ReadTree {
        tree: connectors,
        findings,
    })
}

/// Writes the connector folders into `dir` in one step (see [`Tree::write`]): each
/// folder created if missing, its files replaced, the rest of `dir` kept.
pub(crate) fn write_folders<L: Layout>(
    dir: &Path,
    connectors: &BTreeMap<String, L::Files>,
) -> Result<()> {
    replace_tree(dir, |root, shown| {
        for (folder, files) in connectors {
            let at = shown.join(folder);
            root.create_dir_all(folder)
                .map_err(|e| Error::io("creating", &at, e))?;
            let dir = confined::open_dir(root, folder, &at)?;
            L::write_folder(&dir, files, &at)?;
        }
        Ok(())
    })
}

/// A finding on the second of two folders whose names are one connector's.
fn duplicate_names<L: Layout>(connectors: &BTreeMap<String, L::Files>) -> Vec<FileFinding> {
    let mut first: HashMap<String, &str> = HashMap::new();
    let mut findings = Vec::new();
    for (folder, files) in connectors {
        let name = L::name(files);
        match first.get(&name_key(name)) {
            Some(other) => findings.push(FileFinding::new(
                format!("{folder}/{CONNECTOR_FILE}"),
                Finding::error(
                    "tree.duplicate-name",
                    format!(
                        "the name {} is also the name of folder {other} (equal after Unicode \
                         normalisation and case folding); a tenant tells connectors apart by \
                         name, so folders {other} and {folder} would be one connector: rename \
                         one of them",
                        quoted(name)
                    ),
                )
                .at_pointer(format!("/{}", L::NAME_FIELD)),
            )),
            None => {
                first.insert(name_key(name), folder);
            }
        }
    }
    findings
}

/// Reads the regular file `name` of `dir` if it is at most `limit` bytes; a larger file
/// (or one that became a link or special file since it was listed) is a finding.
fn read_limited(
    dir: &Dir,
    name: &str,
    limit: u64,
    file: String,
    shown: &Path,
    findings: &mut Vec<FileFinding>,
) -> Result<Option<Bytes>> {
    match confined::read_bounded(dir, name, limit, &shown.join(name))? {
        Bounded::Read(bytes) => return Ok(Some(bytes)),
        Bounded::TooLarge { size } => findings.push(FileFinding::new(
            file,
            Finding::error(
                "tree.too-large",
                format!(
                    "{size} bytes, more than the limit of {limit} bytes for this file; it was \
                     not read"
                ),
            ),
        )),
        Bounded::NotAFile(kind) => findings.extend(confined::refused(kind, file)),
    }
    Ok(None)
}

/// A finding for `name` in the connector folder `folder`, a file that has no place there.
pub(crate) fn unexpected(folder: &str, name: &str, why: &str) -> FileFinding {
    FileFinding::new(
        format!("{folder}/{name}"),
        Finding::error("tree.unexpected-file", why.to_owned()),
    )
}

/// The entries of a connector folder and its `connector.json` as `parse` reads it
/// (`None` inside when it could not be read or parsed: findings say why); `None` with a
/// finding when it has none.
pub(crate) fn folder_spec<S>(
    dir: &Dir,
    folder: &str,
    shown: &Path,
    findings: &mut Vec<FileFinding>,
    parse: fn(&[u8]) -> Result<S, Vec<Finding>>,
) -> Result<Option<(Vec<confined::Entry>, Option<S>)>> {
    let entries = confined::entries(dir, shown)?;
    let spec_entry = entries.iter().find(|e| e.name == CONNECTOR_FILE);
    let spec_bytes = match spec_entry.map(|e| e.kind) {
        Some(Kind::File) => read_limited(
            dir,
            CONNECTOR_FILE,
            MAX_CONNECTOR_FILE_BYTES,
            format!("{folder}/{CONNECTOR_FILE}"),
            shown,
            findings,
        )?,
        // A link or special file: already a finding of its own.
        Some(Kind::Symlink | Kind::Special) => None,
        _ => {
            findings.push(unexpected(
                folder,
                CONNECTOR_FILE,
                "missing: every connector folder needs a connector.json (folders starting with `_` or `.` are not connectors)",
            ));
            return Ok(None);
        }
    };
    let spec = spec_bytes.and_then(|bytes| match parse(&bytes) {
        Ok(spec) => Some(spec),
        Err(problems) => {
            let file = format!("{folder}/{CONNECTOR_FILE}");
            findings.extend(problems.into_iter().map(|f| FileFinding::new(&file, f)));
            None
        }
    });
    Ok(Some((entries, spec)))
}
