//! ConductorOne connectors as code: the connectors of one app as a folder, planned and
//! pushed with the same engine as ISC's (the confined tree reader, the atomic pull, the
//! plan and the apply driver with its report).
//!
//! ```text
//! DIR/
//!   okta-connector-1/          # a slug of the display name
//!     connector.json           # Spec: the fields a user owns, no id, no secret
//! ```
//!
//! # How a folder maps to a connector
//!
//! A ConductorOne connector has no unique name: only its id is unique, and ids are
//! given by each tenant. A tree holds no id, so that it can be pushed to another tenant
//! (promotion) and a pull of that tenant gives the same tree. Instead, within the app
//! given (`--app`), a folder is the connector whose `displayName` equals the folder's
//! `displayName` after Unicode NFC normalisation and case folding
//! ([`name_key`]). To keep that safe:
//!
//! - two folders with one display name are a `tree.duplicate-name` finding;
//! - a pull refuses an app where two connectors share a display name (naming both
//!   ids), and a plan marks a folder whose display name two connectors of the app share
//!   as a conflict: nothing is guessed, nothing is sent (rename one on the tenant);
//! - a folder whose display name no connector of the app has is **created**
//!   (`CreateDelegated` with `catalogId`, `displayName`, `description` and `userIds`,
//!   then one update for `config`, `syncConfig` and the schedule); the plan shows it as
//!   `create` before anything is sent, and a folder without `catalogId` cannot be
//!   created (a conflict). Renaming a connector in the tree therefore plans a create:
//!   rename it on the tenant first.
//! - a create whose answer was lost (a connection error or a 5xx) is reconciled on the
//!   display name: the app is listed again and a connector of that name is updated
//!   instead of created twice.
//!
//! # What `connector.json` holds
//!
//! The fields a user owns ([`Spec`]): `displayName`, `description`, `userIds`,
//! `config`, `syncConfig`, `connectorSyncCronSchedule`, and `catalogId` (create-only:
//! a different value on the tenant is a conflict). A field left out is not managed.
//! Read-only and per-tenant fields (`id`, `appId`, `status`, timestamps, OAuth) are
//! refused with a finding saying why.
//!
//! **No secret is written.** The connector's credentials are never read. In `config`,
//! a key that names a secret ([`is_secret_key`]: `…secret…`, `…password…`, `…token`,
//! `…apiKey…`, `…privateKey…`, `…credential…`, …, at any depth) is left out by a pull,
//! and a tree that holds one is refused (`connector.secret`): secrets stay on the
//! tenant. When a push changes `config`, the tenant's own secret values are sent back
//! with it, so a push never erases one.
//!
//! # Requests
//!
//! `pull` and `plan` list the app once (every page): the list carries every field, so
//! nothing else is read. A push sends, per connector, one update whose `updateMask`
//! names exactly the fields that differ, or a create and at most one update.

use connkit_c1::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use cap_std::fs::Dir;
use connkit_c1::Client;
use connkit_models::c1::{
    Connector, ConnectorSyncCronSchedule, SyncConfig, UpdateMask, READ_ONLY_FIELDS,
};
use connkit_models::preflight::Finding;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::apply::{drive, Named, Outcome};
use crate::error::{Error, FileFinding, Result};
use crate::identity::{name_key, quoted};
use crate::plan::{unified_diff, PlannedConnector};
use crate::spec::{empty_field, json_file, parse_fields, Fields};
use crate::tree::{folder_spec, read_folders, unexpected, write_folders, Layout};
use crate::{
    Action, ApplyEvent, ApplyOptions, ApplyReport, Plan, ReadTree, Step, StepKind, CONNECTOR_FILE,
};

/// The contents of a C1 connector's `connector.json`: the fields a user owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// The display name: the connector's identity within its app (see the module docs).
    pub display_name: String,
    /// The catalog entry (create-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The integration owners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
    /// The configuration, `{"@type": …}`, without its secrets; keys sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Which resource types to sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_config: Option<SyncConfig>,
    /// The sync schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_sync_cron_schedule: Option<ConnectorSyncCronSchedule>,
}

/// Fields of a C1 `Connector` that `connector.json` cannot carry (besides those the
/// service sets: [`READ_ONLY_FIELDS`]), and why.
const NOT_SETTABLE: &[(&str, &str)] = &[
    (
        "id",
        "ids are per tenant; a folder is matched by displayName within the app",
    ),
    ("appId", "the app is chosen with --app"),
    (
        "status",
        "the service sets it; pause and resume are commands",
    ),
    ("syncDisabledReason", "pausing is not managed as code"),
    ("syncDisabledCategory", "pausing is not managed as code"),
    (
        "credentials",
        "secrets are never kept in a tree; rotate them on the tenant",
    ),
];

/// What a `connector.json` may and may not hold.
const FIELDS: Fields = Fields {
    settable: &[
        "displayName",
        "catalogId",
        "description",
        "userIds",
        "config",
        "syncConfig",
        "connectorSyncCronSchedule",
    ],
    service_set: READ_ONLY_FIELDS,
    not_settable: NOT_SETTABLE,
};

impl Spec {
    /// The owned fields of `connector` (secrets left out of its config); an error names
    /// what a tree cannot hold.
    pub fn from_connector(connector: &Connector) -> Result<Self> {
        let id = connector.id.as_deref().unwrap_or("(no id)");
        let display_name = connector
            .display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| {
                Error::Remote(format!(
                    "connector {id} has no displayName; a tree names connectors by it (set one \
                     on the tenant)"
                ))
            })?;
        let config = match &connector.config {
            Some(config) => {
                let mut map = config.to_map().map_err(|e| {
                    Error::Remote(format!("connector {id}: its config cannot be read: {e}"))
                })?;
                strip_secrets(&mut map);
                Some(map)
            }
            None => None,
        };
        Ok(Spec {
            display_name,
            catalog_id: connector.catalog_id.clone(),
            description: connector.description.clone(),
            user_ids: connector.user_ids.clone(),
            config,
            sync_config: connector.sync_config.clone(),
            connector_sync_cron_schedule: connector.connector_sync_cron_schedule.clone(),
        })
    }

    /// `connector.json` as written: pretty, keys sorted, a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        json_file(self)
    }

    /// Parses `connector.json`, reporting every problem with its line and column: an
    /// unknown or read-only field, an empty `displayName`, a secret in `config`, a cron
    /// spec the service would refuse.
    pub fn parse(bytes: &[u8]) -> Result<Self, Vec<Finding>> {
        let spec: Self = parse_fields(bytes, &FIELDS)?;
        if spec.display_name.trim().is_empty() {
            return Err(vec![empty_field(bytes, "displayName")]);
        }
        let mut findings = Vec::new();
        if let Some(config) = &spec.config {
            secret_findings("/config", &Value::Object(config.clone()), &mut findings);
        }
        let cron = spec
            .connector_sync_cron_schedule
            .as_ref()
            .and_then(|s| s.cron_spec.as_deref());
        if let Some(cron) = cron {
            let fields = cron.split_whitespace().count();
            if !(5..=6).contains(&fields) {
                findings.push(
                    Finding::error(
                        "connector.cron",
                        format!(
                            "cron spec {cron:?} has {fields} fields; expected 5 (or 6 with seconds)"
                        ),
                    )
                    .at_pointer("/connectorSyncCronSchedule/cronSpec"),
                );
            }
        }
        if findings.is_empty() {
            Ok(spec)
        } else {
            Err(findings)
        }
    }

    /// The owned fields as JSON, by wire name; `None` for a field left out.
    fn fields(&self) -> [(&'static str, Option<Value>); 6] {
        [
            (
                "displayName",
                Some(Value::String(self.display_name.clone())),
            ),
            ("description", json(&self.description)),
            ("userIds", json(&self.user_ids)),
            ("config", self.config.clone().map(Value::Object)),
            ("syncConfig", json(&self.sync_config)),
            (
                "connectorSyncCronSchedule",
                json(&self.connector_sync_cron_schedule),
            ),
        ]
    }
}

/// An optional field as JSON.
fn json<T: Serialize>(value: &Option<T>) -> Option<Value> {
    value.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

/// `true` for a config key that names a secret: after removing `_`, `-` and case, it
/// contains `secret`, `password`, `passwd`, `passphrase`, `apikey`, `privatekey`,
/// `accesskey` or `credential`, or ends with `token`. Such values never enter a tree.
pub fn is_secret_key(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    [
        "secret",
        "password",
        "passwd",
        "passphrase",
        "apikey",
        "privatekey",
        "accesskey",
        "credential",
    ]
    .iter()
    .any(|s| key.contains(s))
        || key.ends_with("token")
}

/// Removes every secret key (see [`is_secret_key`]) at any depth.
fn strip_secrets(map: &mut Map<String, Value>) {
    map.retain(|key, _| !is_secret_key(key));
    for value in map.values_mut() {
        strip_value(value);
    }
}

fn strip_value(value: &mut Value) {
    match value {
        Value::Object(map) => strip_secrets(map),
        Value::Array(items) => items.iter_mut().for_each(strip_value),
        _ => {}
    }
}

/// Puts the tenant's secrets (`remote`'s secret keys) back into `wanted` where it has
/// the same object, so a config sent from a tree keeps them.
fn restore_secrets(wanted: &mut Map<String, Value>, remote: &Map<String, Value>) {
    for (key, value) in remote {
        if is_secret_key(key) {
            wanted.entry(key.clone()).or_insert_with(|| value.clone());
        } else if let Some(mine) = wanted.get_mut(key) {
            restore_value(mine, value);
        }
    }
}

fn restore_value(wanted: &mut Value, remote: &Value) {
    match (wanted, remote) {
        (Value::Object(mine), Value::Object(theirs)) => restore_secrets(mine, theirs),
        (Value::Array(mine), Value::Array(theirs)) => {
            for (mine, theirs) in mine.iter_mut().zip(theirs) {
                restore_value(mine, theirs);
            }
        }
        _ => {}
    }
}

/// A finding for every secret key in a tree's config (`value`, at the JSON pointer `at`).
fn secret_findings(at: &str, value: &Value, out: &mut Vec<Finding>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = format!("{at}/{}", connkit_models::json_pointer::escape(key));
                if is_secret_key(key) {
                    out.push(
                        Finding::error(
                            "connector.secret",
                            format!(
                                "`{key}` names a secret: a tree never holds one (set it on the \
                                 tenant; a push keeps the tenant's value)"
                            ),
                        )
                        .at_pointer(path),
                    );
                } else {
                    secret_findings(&path, value, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                secret_findings(&format!("{at}/{i}"), item, out);
            }
        }
        _ => {}
    }
}

/// The connectors of one app, by folder name. Read and written like ISC's
/// [`Tree`](crate::Tree): confined to its folder, symlinks and special files refused,
/// `connector.json` at most [`MAX_CONNECTOR_FILE_BYTES`](crate::MAX_CONNECTOR_FILE_BYTES),
/// look-alike display names an error, a pull swapped in whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// The connectors, by folder (a slug of the display name when pulled).
    pub connectors: BTreeMap<String, Spec>,
}

impl Tree {
    /// Reads the tree in `dir` (see [`crate::Tree::read`]).
    pub fn read(dir: &Path) -> Result<ReadTree<Tree>> {
        Ok(read_folders::<C1Layout>(dir)?.map(|connectors| Tree { connectors }))
    }

    /// Writes the tree into `dir` in one step (see [`crate::Tree::write`]).
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_folders::<C1Layout>(dir, &self.connectors)
    }
}

/// The C1 layout: a folder holds `connector.json` and nothing else.
struct C1Layout;

impl Layout for C1Layout {
    type Files = Spec;
    const NAME_FIELD: &'static str = "displayName";

    fn name(spec: &Spec) -> &str {
        &spec.display_name
    }

    fn read_folder(
        dir: &Dir,
        folder: &str,
        shown: &Path,
        findings: &mut Vec<FileFinding>,
    ) -> Result<Option<Spec>> {
        let Some((entries, spec)) = folder_spec(dir, folder, shown, findings, Spec::parse)? else {
            return Ok(None);
        };
        for entry in &entries {
            let name = entry.name.as_str();
            let hostile = !entry.utf8
                || matches!(
                    entry.kind,
                    crate::confined::Kind::Symlink | crate::confined::Kind::Special
                );
            // Hidden files are not the tree's; links and odd names have findings of
            // their own.
            if name != CONNECTOR_FILE && !name.starts_with('.') && !hostile {
                findings.push(unexpected(
                    folder,
                    name,
                    "not a ConductorOne connector file: a folder holds connector.json only",
                ));
            }
        }
        Ok(spec)
    }

    fn write_folder(dir: &Dir, spec: &Spec, at: &Path) -> Result<()> {
        crate::atomic::write_atomic(dir, CONNECTOR_FILE, &spec.to_json(), at)
    }
}

/// A folder name for a display name: lower-case ASCII letters and digits, other runs
/// as one `-` (`Okta connector 1` → `okta-connector-1`), `connector` when nothing is
/// left.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "connector".to_owned()
    } else {
        out.to_owned()
    }
}

/// Every connector of `app` (every page of the list, which carries every field).
async fn list(client: &Client, app: &str) -> Result<Vec<Connector>> {
    client
        .list_connectors(app)
        .into_paginator()
        .try_collect()
        .await
        .map_err(|e| Error::c1(format!("listing the connectors of app {app}"), e))
}

/// The listed connectors by display name key; an error names two that share one.
fn by_name(listed: &[Connector]) -> HashMap<String, Vec<&Connector>> {
    let mut by_name: HashMap<String, Vec<&Connector>> = HashMap::new();
    for connector in listed {
        if let Some(name) = connector.display_name.as_deref() {
            by_name.entry(name_key(name)).or_default().push(connector);
        }
    }
    by_name
}

/// The ids of connectors, for messages.
fn ids(connectors: &[&Connector]) -> String {
    connectors
        .iter()
        .map(|c| c.id.as_deref().unwrap_or("(no id)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads every connector of `app` into a [`Tree`], one folder each, named by a slug of
/// its display name (`-2`, `-3`, … when two slugs meet, in display name order). An app
/// where two connectors share a display name is refused, naming both: a tree could not
/// tell them apart.
pub async fn pull(client: &Client, app: &str) -> Result<Tree> {
    let listed = list(client, app).await?;
    // By name key: sorted, so folder suffixes do not depend on the listing's order.
    let mut by_key: BTreeMap<String, (Spec, &Connector)> = BTreeMap::new();
    for connector in &listed {
        let spec = Spec::from_connector(connector)?;
        let key = name_key(&spec.display_name);
        if let Some((_, first)) = by_key.get(&key) {
            return Err(Error::Remote(format!(
                "connectors {} of app {app} share the display name {} (after Unicode \
                 normalisation and case folding); a tree names connectors by it, so none is \
                 pulled (rename one on the tenant)",
                ids(&[first, connector]),
                quoted(&spec.display_name),
            )));
        }
        by_key.insert(key, (spec, connector));
    }
    let mut tree = Tree::default();
    for (spec, _) in by_key.into_values() {
        let base = slug(&spec.display_name);
        let folder = (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}-{n}"),
            })
            .find(|f| !tree.connectors.contains_key(f))
            .unwrap_or(base);
        tree.connectors.insert(folder, spec);
    }
    Ok(tree)
}

/// One owned field that differs, with the unified diff of its JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// The camelCase field, as named in the update mask.
    pub field: String,
    /// Tenant (`a/`) to tree (`b/`), pretty JSON.
    pub diff: String,
}

/// The plan for one ConductorOne connector.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorPlan {
    /// What to do.
    pub action: Action,
    /// Its display name.
    pub name: String,
    /// Its folder in the tree.
    pub folder: String,
    /// Its id on the tenant (absent for a create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The fields to update: the update mask, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Changes the API cannot make: a push refuses the whole plan while there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FileFinding>,
    /// What the folder wants.
    #[serde(skip)]
    wanted: Spec,
    /// The tenant's config, whose secrets an update of `config` sends back.
    #[serde(skip)]
    remote_config: Option<TenantConfig>,
}

/// A tenant's config with its secrets: kept only to send them back, never shown (its
/// `Debug` says how many keys it has, nothing else).
#[derive(Clone, PartialEq)]
struct TenantConfig(Map<String, Value>);

impl std::fmt::Debug for TenantConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TenantConfig({} keys, not shown)", self.0.len())
    }
}

impl PlannedConnector for ConnectorPlan {
    fn action(&self) -> Action {
        self.action
    }
    fn conflicts(&self) -> &[FileFinding] {
        &self.conflicts
    }
    fn steps(&self) -> Vec<Step> {
        let step = |kind| Step {
            connector: self.name.clone(),
            kind,
        };
        let mut steps = Vec::new();
        if self.action == Action::Create {
            steps.push(step(StepKind::Create));
        }
        let fields = self.mask();
        if !fields.is_empty() {
            steps.push(step(StepKind::Update { fields }));
        }
        steps
    }
}

impl Named for ConnectorPlan {
    fn name(&self) -> &str {
        &self.name
    }
}

/// The fields the create request itself sets.
const CREATED_WITH: [&str; 3] = ["displayName", "description", "userIds"];

impl ConnectorPlan {
    /// The plan that turns `remote` (absent: a create) into `wanted`.
    fn compare(folder: &str, wanted: &Spec, remote: Option<&Connector>) -> Result<Self> {
        let file = format!("{folder}/{CONNECTOR_FILE}");
        let conflict = |field: &str, message: String| {
            FileFinding::new(
                &file,
                Finding::error("connector.create-only", message).at_pointer(format!("/{field}")),
            )
        };
        let mut conflicts = Vec::new();
        let (have, remote_config) = match remote {
            Some(remote) => {
                let have = Spec::from_connector(remote)?;
                if wanted.catalog_id.is_some() && wanted.catalog_id != have.catalog_id {
                    conflicts.push(conflict(
                        "catalogId",
                        format!(
                            "`catalogId` is {} on the tenant but {} here; it can only be set \
                             when a connector is created",
                            have.catalog_id.as_deref().unwrap_or("absent"),
                            wanted.catalog_id.as_deref().unwrap_or("absent"),
                        ),
                    ));
                }
                let remote_config = remote
                    .config
                    .as_ref()
                    .and_then(|c| c.to_map().ok())
                    .map(TenantConfig);
                (Some(have), remote_config)
            }
            None => {
                if wanted.catalog_id.is_none() {
                    conflicts.push(conflict(
                        "catalogId",
                        "no connector of the app has this displayName, and creating one needs \
                         `catalogId`"
                            .to_owned(),
                    ));
                }
                (None, None)
            }
        };
        let theirs = have.as_ref().map(Spec::fields);
        let fields = wanted
            .fields()
            .into_iter()
            .enumerate()
            .filter_map(|(i, (field, value))| {
                let value = value?;
                let old = theirs.as_ref().and_then(|t| t[i].1.clone());
                // A create sends these itself; an update only what differs.
                let skip = remote.is_none() && CREATED_WITH.contains(&field);
                (!skip && old.as_ref() != Some(&value)).then(|| FieldChange {
                    field: field.to_owned(),
                    diff: unified_diff(field, &pretty(old.as_ref()), &pretty(Some(&value))),
                })
            })
            .collect::<Vec<_>>();
        let action = match (remote, fields.is_empty()) {
            (None, _) => Action::Create,
            (Some(_), true) => Action::Unchanged,
            (Some(_), false) => Action::Update,
        };
        Ok(ConnectorPlan {
            action,
            name: wanted.display_name.clone(),
            folder: folder.to_owned(),
            id: remote.and_then(|r| r.id.clone()),
            fields,
            conflicts,
            wanted: wanted.clone(),
            remote_config,
        })
    }

    /// The update mask: the fields that differ, in order.
    fn mask(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.field.clone()).collect()
    }

    /// The connector an update sends: the masked fields from the tree, the config with
    /// the tenant's secrets put back.
    fn update(&self) -> Connector {
        let wanted = &self.wanted;
        let config = wanted.config.clone().map(|mut config| {
            if let Some(TenantConfig(remote)) = &self.remote_config {
                restore_secrets(&mut config, remote);
            }
            connkit_models::c1::Config::from_map(config)
        });
        let mask = self.mask();
        let masked = |field: &str| mask.iter().any(|m| m == field);
        Connector {
            display_name: Some(wanted.display_name.clone()).filter(|_| masked("displayName")),
            description: wanted.description.clone().filter(|_| masked("description")),
            user_ids: wanted.user_ids.clone().filter(|_| masked("userIds")),
            config: config.filter(|_| masked("config")),
            sync_config: wanted.sync_config.clone().filter(|_| masked("syncConfig")),
            connector_sync_cron_schedule: wanted
                .connector_sync_cron_schedule
                .clone()
                .filter(|_| masked("connectorSyncCronSchedule")),
            ..Connector::default()
        }
    }
}

/// A field's JSON as the diff shows it.
fn pretty(value: Option<&Value>) -> String {
    value
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .map(|text| text + "\n")
        .unwrap_or_default()
}

/// Compares `tree` with the connectors of `app`: one listing (every page), each folder
/// matched by display name (see the module docs). A display name that two connectors of
/// the app share is a conflict on the folder that uses it.
pub async fn plan(client: &Client, app: &str, tree: &Tree) -> Result<Plan<ConnectorPlan>> {
    let listed = list(client, app).await?;
    let by_name = by_name(&listed);
    let mut connectors = Vec::with_capacity(tree.connectors.len());
    for (folder, wanted) in &tree.connectors {
        let same = by_name
            .get(&name_key(&wanted.display_name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut plan = ConnectorPlan::compare(folder, wanted, same.first().copied())?;
        if same.len() > 1 {
            plan.conflicts.push(FileFinding::new(
                format!("{folder}/{CONNECTOR_FILE}"),
                Finding::error(
                    "connector.ambiguous-name",
                    format!(
                        "connectors {} of app {app} share this displayName; the tree cannot \
                         tell which one is meant (rename one on the tenant)",
                        ids(same)
                    ),
                )
                .at_pointer("/displayName"),
            ));
        }
        connectors.push(plan);
    }
    Ok(Plan { connectors })
}

/// Sends `plan` to `app` (see [`crate::apply`]: the same driver, report and refusal
/// of a plan with conflicts): per connector one update whose mask names exactly the
/// fields that differ, or a create (`CreateDelegated`) then one update of the fields
/// the create cannot set.
pub async fn apply(
    client: &Client,
    app: &str,
    plan: &Plan<ConnectorPlan>,
    options: &ApplyOptions,
    progress: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Result<ApplyReport> {
    drive(plan, options, progress, |connector, outcome| {
        apply_connector(client, app, connector, outcome)
    })
    .await
}

async fn apply_connector<'p>(
    client: &Client,
    app: &str,
    plan: &'p ConnectorPlan,
    mut outcome: Outcome<'p>,
) -> Outcome<'p> {
    let mut steps = plan.steps().into_iter();
    let (id, update) = match &plan.id {
        Some(id) => (id.clone(), plan.clone()),
        None => {
            let Some(step) = steps.next() else {
                return outcome;
            };
            match create(client, app, plan).await {
                Ok((id, update)) => {
                    outcome.applied(step);
                    (id, update)
                }
                Err(error) => {
                    outcome.failed(step, &error, steps.collect());
                    return outcome;
                }
            }
        }
    };
    let mask = update.mask();
    if mask.is_empty() {
        return outcome;
    }
    let step = outcome.step(StepKind::Update {
        fields: mask.clone(),
    });
    let sent = client
        .update_connector(app, &id)
        .connector(update.update())
        .update_mask(UpdateMask::new(mask))
        .send()
        .await;
    match sent {
        Ok(_) => outcome.applied(step),
        Err(e) => {
            let error = Error::c1(format!("{step} ({id})"), e);
            outcome.failed(step, &error, Vec::new());
        }
    }
    outcome
}

/// Creates the connector of `plan`; its id and the plan of what is left to send (the
/// fields the create cannot set, against what it answered). A create whose answer was
/// lost is reconciled on the display name: the app is listed again, and a connector
/// of that name found there is taken as the one created.
async fn create(
    client: &Client,
    app: &str,
    plan: &ConnectorPlan,
) -> Result<(String, ConnectorPlan)> {
    let wanted = &plan.wanted;
    let catalog = wanted.catalog_id.clone().unwrap_or_default();
    let mut request = client
        .create_delegated_connector(app, catalog)
        .display_name(wanted.display_name.clone());
    if let Some(description) = &wanted.description {
        request = request.description(description.clone());
    }
    if let Some(user_ids) = &wanted.user_ids {
        request = request.user_ids(user_ids.clone());
    }
    let context = || format!("creating {} in app {app}", quoted(&wanted.display_name));
    let created = match request.send().await {
        Ok(answer) => answer
            .connector_view
            .and_then(|v| v.connector)
            .ok_or_else(|| {
                Error::Remote(format!("{}: the service answered no connector", context()))
            })?,
        Err(e) if may_have_been_applied(&e) => {
            // The create may have been made: the connector of that name, if there is
            // one now, is it. A listing that fails leaves the create's own error.
            let key = name_key(&wanted.display_name);
            let found = list(client, app).await.ok().and_then(|listed| {
                listed.into_iter().find(|c| {
                    c.display_name.as_deref().map(name_key).as_deref() == Some(key.as_str())
                })
            });
            found.ok_or_else(|| Error::c1(context(), e))?
        }
        Err(e) => return Err(Error::c1(context(), e)),
    };
    let id = created
        .id
        .clone()
        .ok_or_else(|| Error::Remote(format!("{}: the answer has no id", context())))?;
    let update = ConnectorPlan::compare(&plan.folder, wanted, Some(&created))?;
    Ok((id, update))
}

/// `true` when a create that failed may have been applied anyway: no answer came back
/// (a connection lost, a timeout), or the service failed (5xx). Not when the service
/// refused it, or the client did before sending (invalid input, auth, rate limit). A
/// connection refused outright is looked up too: a needless listing, never a duplicate.
fn may_have_been_applied(error: &connkit_c1::Error) -> bool {
    use connkit_c1::ErrorKind as K;
    match error.status() {
        Some(status) => status.is_server_error(),
        None => !matches!(
            error.kind(),
            K::InvalidInput | K::PreflightRejected | K::Auth | K::RateLimited
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_are_found_at_any_depth_and_put_back_from_the_tenant() {
        for secret in [
            "clientSecret",
            "api_key",
            "PASSWORD",
            "accessToken",
            "token",
            "ssh-private-key",
        ] {
            assert!(is_secret_key(secret), "{secret}");
        }
        for plain in ["region", "tokenUrl", "domain", "userIds"] {
            assert!(!is_secret_key(plain), "{plain}");
        }
        let remote = json!({"@type": "t", "apiToken": "s", "auth": {"password": "p", "user": "u"}, "list": [{"secret": 1}]});
        let Value::Object(remote) = remote else {
            unreachable!()
        };
        let mut mine = remote.clone();
        strip_secrets(&mut mine);
        assert_eq!(
            Value::Object(mine.clone()),
            json!({"@type": "t", "auth": {"user": "u"}, "list": [{}]})
        );
        restore_secrets(&mut mine, &remote);
        assert_eq!(mine, remote);
    }

    #[test]
    fn a_tree_with_a_secret_an_id_or_a_bad_cron_is_refused_where_it_is() {
        let text = b"{\n  \"displayName\": \"A\",\n  \"id\": \"x\"\n}\n";
        let findings = Spec::parse(text).unwrap_err();
        assert_eq!(
            (
                findings[0].code.as_str(),
                findings[0].line,
                findings[0].column
            ),
            ("connector.unpatchable-field", Some(3), Some(3))
        );
        let text = br#"{"displayName": "A", "config": {"nested": {"clientSecret": "s"}}, "connectorSyncCronSchedule": {"cronSpec": "* *"}}"#;
        let codes: Vec<_> = Spec::parse(text)
            .unwrap_err()
            .into_iter()
            .map(|f| (f.code, f.pointer))
            .collect();
        assert_eq!(
            codes,
            [
                (
                    "connector.secret".to_owned(),
                    Some("/config/nested/clientSecret".to_owned())
                ),
                (
                    "connector.cron".to_owned(),
                    Some("/connectorSyncCronSchedule/cronSpec".to_owned())
                ),
            ]
        );
        let findings = Spec::parse(br#"{"displayName": " "}"#).unwrap_err();
        assert_eq!(findings[0].code, "connector.empty-field");
    }

    #[test]
    fn folders_are_slugs_of_display_names() {
        assert_eq!(slug("Okta connector 1"), "okta-connector-1");
        assert_eq!(slug("  Ünïcode!! "), "n-code");
        assert_eq!(slug("—"), "connector");
    }
}
