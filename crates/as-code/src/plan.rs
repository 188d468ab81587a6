//! The plan: what a push would do to make a tenant match a tree, as data.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use connkit_connectors::Client;
use connkit_models::isc::v2024::JsonPatchOperation;
use connkit_models::preflight::Finding;
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;

use crate::error::{FileFinding, Result};
use crate::identity::name_key;
use crate::patch::metadata_patch;
use crate::remote::{fetch, is_custom, list, RemoteConnector};
use crate::tree::{ConnectorFiles, FileTarget, Tree, CONNECTOR_FILE};

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Also delete the custom connectors (see [`is_custom`]) that the tenant has and the
    /// tree does not.
    pub prune: bool,
    /// Connectors read at a time.
    pub concurrency: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            prune: false,
            concurrency: 4,
        }
    }
}

/// What to do to one connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Create it, then set its metadata, documents and translations.
    Create,
    /// Patch its metadata and/or upload documents and translations.
    Update,
    /// Nothing: the tenant already matches the tree.
    Unchanged,
    /// Delete it (`--prune`).
    Delete,
}

/// One file to send, with the unified diff from the tenant's version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    /// The file in the connector's folder (`source-config.xml`,
    /// `translations/de.properties`).
    pub file: String,
    /// The unified diff, tenant (`a/`) to tree (`b/`).
    pub diff: String,
    /// Where it goes.
    #[serde(skip)]
    pub target: FileTarget,
    /// What is sent.
    #[serde(skip)]
    pub content: Bytes,
}

/// The plan for one connector.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorPlan {
    /// What to do.
    pub action: Action,
    /// The connector's name, its identity on a tenant.
    pub name: String,
    /// Its folder in the tree (absent for a delete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// Its `scriptName` on the tenant (absent for a create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// The minimal JSON Patch of `connectorMetadata`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patch: Vec<JsonPatchOperation>,
    /// Documents and translations to send.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileChange>,
    /// Changes the API cannot make (a create-only field that differs, a name used
    /// twice): a push refuses the whole plan while there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FileFinding>,
    /// The files wanted, for a create (compared with the connector found if the create
    /// finds its name taken).
    #[serde(skip)]
    pub(crate) wanted: Option<ConnectorFiles>,
}

/// The plan for a whole tree: of ISC connectors ([`ConnectorPlan`], the default) or of
/// ConductorOne ones ([`c1::ConnectorPlan`](crate::c1::ConnectorPlan)). One type for
/// both APIs, so that what a push is (changes, conflicts, the report) is decided once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan<C = ConnectorPlan> {
    /// Every connector of the tree (in folder order), then the deletes.
    pub connectors: Vec<C>,
}

impl<C> Default for Plan<C> {
    fn default() -> Self {
        Self {
            connectors: Vec::new(),
        }
    }
}

/// What the API-neutral parts of a push need to know of one connector's plan.
pub trait PlannedConnector {
    /// What to do.
    fn action(&self) -> Action;
    /// Changes the API cannot make: a push refuses the whole plan while there is one.
    fn conflicts(&self) -> &[FileFinding];
    /// The writes it will take, in order (see [`planned_steps`](crate::planned_steps)).
    fn steps(&self) -> Vec<crate::Step>;
}

impl PlannedConnector for ConnectorPlan {
    fn action(&self) -> Action {
        self.action
    }
    fn conflicts(&self) -> &[FileFinding] {
        &self.conflicts
    }
    fn steps(&self) -> Vec<crate::Step> {
        crate::apply::planned_steps(self)
    }
}

impl<C: PlannedConnector> Plan<C> {
    /// `true` when a push would send something.
    pub fn has_changes(&self) -> bool {
        self.connectors
            .iter()
            .any(|c| c.action() != Action::Unchanged)
    }

    /// Every conflict of every connector.
    pub fn conflicts(&self) -> impl Iterator<Item = &FileFinding> {
        self.connectors.iter().flat_map(|c| c.conflicts())
    }

    /// Every write a push of this plan would make.
    pub fn steps(&self) -> usize {
        self.connectors.iter().map(|c| c.steps().len()).sum()
    }
}

impl Plan {
    /// `true` when a push would send `file` (`folder/path`, as in a [`FileFinding`]):
    /// a file that differs from the tenant's, or any file of a connector to create.
    /// Pre-flight findings in files that are not sent need not stop a push.
    pub fn sends(&self, file: &str) -> bool {
        self.connectors.iter().any(|c| {
            let Some(folder) = c.folder.as_deref() else {
                return false;
            };
            file.strip_prefix(folder)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|path| c.files.iter().any(|f| f.file == path))
        })
    }
}

impl ConnectorPlan {
    /// The plan that turns `remote` (absent: not on the tenant) into `wanted`.
    pub(crate) fn compare(
        folder: &str,
        wanted: &ConnectorFiles,
        remote: Option<&RemoteConnector>,
    ) -> Self {
        let spec = &wanted.spec;
        let Some(remote) = remote else {
            let files = wanted
                .files()
                .map(|(target, bytes)| change(target, None, bytes))
                .collect();
            return ConnectorPlan {
                action: Action::Create,
                name: spec.create.name.clone(),
                folder: Some(folder.to_owned()),
                script_name: None,
                patch: spec
                    .connector_metadata
                    .as_ref()
                    .map(|m| metadata_patch(None, m))
                    .unwrap_or_default(),
                files,
                conflicts: Vec::new(),
                wanted: Some(wanted.clone()),
            };
        };
        let have = &remote.files;
        let patch = spec
            .connector_metadata
            .as_ref()
            .map(|m| metadata_patch(have.spec.connector_metadata.as_ref(), m))
            .unwrap_or_default();
        let files: Vec<FileChange> = wanted
            .files()
            .filter(|(target, bytes)| have.file(target) != Some(*bytes))
            .map(|(target, bytes)| {
                let old = have.file(&target);
                change(target, old, bytes)
            })
            .collect();
        let create_only = [
            (
                "type",
                opt(&spec.create.connector_type),
                opt(&have.spec.create.connector_type),
            ),
            (
                "className",
                Some(spec.create.class_name.clone()),
                Some(have.spec.create.class_name.clone()),
            ),
            (
                "directConnect",
                opt(&spec.create.direct_connect),
                opt(&have.spec.create.direct_connect),
            ),
            (
                "status",
                opt(&spec.create.status),
                opt(&have.spec.create.status),
            ),
        ];
        let conflicts = create_only
            .into_iter()
            .filter(|(_, want, has)| want.is_some() && want != has)
            .map(|(field, want, has)| {
                let finding = Finding::error(
                    "connector.create-only",
                    format!(
                        "`{field}` is {} on the tenant but {} here; it can only be set when a \
                         connector is created (delete the connector first, or change the file)",
                        has.as_deref().unwrap_or("absent"),
                        want.as_deref().unwrap_or("absent"),
                    ),
                )
                .at_pointer(format!("/{field}"));
                FileFinding::new(format!("{folder}/{CONNECTOR_FILE}"), finding)
            })
            .collect();
        let action = if patch.is_empty() && files.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        };
        ConnectorPlan {
            action,
            name: spec.create.name.clone(),
            folder: Some(folder.to_owned()),
            script_name: Some(remote.script_name.clone()),
            patch,
            files,
            conflicts,
            wanted: None,
        }
    }
}

/// A field's JSON text, for comparing and showing.
fn opt<T: Serialize>(value: &Option<T>) -> Option<String> {
    value.as_ref().and_then(|v| serde_json::to_string(v).ok())
}

/// The unified diff of `file` from the tenant's text (`a/`) to the tree's (`b/`).
pub(crate) fn unified_diff(file: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

fn change(target: FileTarget, old: Option<&Bytes>, new: &Bytes) -> FileChange {
    let file = target.path();
    let old_text = old.map(|b| String::from_utf8_lossy(b)).unwrap_or_default();
    let new_text = String::from_utf8_lossy(new);
    let diff = unified_diff(&file, &old_text, &new_text);
    FileChange {
        file,
        diff,
        target,
        content: new.clone(),
    }
}

/// Compares `tree` with the tenant `client` talks to.
///
/// The tenant is listed once (every page); connectors are matched by name (after
/// Unicode NFC normalisation and case folding: [`name_key`]), and each matched one is read with one `getConnector`. A name
/// the list does not show is planned as a create, without a request: the list shows
/// `RELEASED` connectors only, so a connector of that name in another status is not
/// seen here. Probing every missing name would cost a request per new connector; instead
/// [`apply`](crate::apply) reacts to the create's refusal (the name is taken) by looking
/// the name up then, and sends what differs from the connector it finds. The plan
/// shown for such a connector says "create" where the push ends up updating.
pub async fn plan(client: &Client, tree: &Tree, options: &PlanOptions) -> Result<Plan> {
    let listed = list(client, None).await?;
    let by_name: HashMap<String, (String, bool)> = listed
        .iter()
        .filter_map(|c| {
            let name = name_key(c.name.as_deref()?);
            let custom = is_custom(c.connector_type.as_deref());
            Some((name, (c.script_name.clone()?, custom)))
        })
        .collect();
    let mut first_folder: BTreeMap<String, &str> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (folder, files) in &tree.connectors {
        let name = name_key(&files.spec.create.name);
        if let Some(first) = first_folder.insert(name.clone(), folder) {
            first_folder.insert(name, first);
            duplicates.push((folder.as_str(), first));
        }
    }
    let planned = futures::stream::iter(tree.connectors.iter().map(|(folder, files)| {
        let listed = by_name.get(&name_key(&files.spec.create.name));
        async move {
            let remote = match listed {
                Some((script, _)) => Some(fetch(client, script).await?),
                None => None,
            };
            Ok::<_, crate::Error>(ConnectorPlan::compare(folder, files, remote.as_ref()))
        }
    }))
    .buffered(options.concurrency.max(1));
    let mut connectors: Vec<ConnectorPlan> = planned.try_collect().await?;
    for (folder, first) in duplicates {
        if let Some(plan) = connectors
            .iter_mut()
            .find(|c| c.folder.as_deref() == Some(folder))
        {
            plan.conflicts.push(FileFinding::new(
                format!("{folder}/{CONNECTOR_FILE}"),
                Finding::error(
                    "connector.duplicate-name",
                    format!("folder {first} has the same name (names are unique per tenant, whatever their case or Unicode form)"),
                )
                .at_pointer("/name"),
            ));
        }
    }
    if options.prune {
        for connector in &listed {
            let (Some(name), Some(script)) = (&connector.name, &connector.script_name) else {
                continue;
            };
            let custom = by_name.get(&name_key(name)).is_some_and(|(_, c)| *c);
            if custom && !first_folder.contains_key(&name_key(name)) {
                connectors.push(ConnectorPlan {
                    action: Action::Delete,
                    name: name.clone(),
                    folder: None,
                    script_name: Some(script.clone()),
                    patch: Vec::new(),
                    files: Vec::new(),
                    conflicts: Vec::new(),
                    wanted: None,
                });
            }
        }
    }
    Ok(Plan { connectors })
}
