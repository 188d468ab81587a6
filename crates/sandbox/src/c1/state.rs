//! The ConductorOne side's data: apps, their connectors, each connector's credentials
//! and syncs, and the client credentials the token endpoint accepts.

use std::collections::BTreeMap;

use connkit_models::c1::{
    Config, Connector, ConnectorCredential, ConnectorStatus, ConnectorSyncCronSchedule, RpcCode,
    SyncStatus, UpdateMask,
};
use connkit_models::Timestamp;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::clock;
use super::status::C1Error;

/// One app and its connectors (by id, so lists are ordered and page tokens stable).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct App {
    pub(crate) display_name: String,
    pub(crate) connectors: BTreeMap<String, StoredConnector>,
}

/// A connector plus what the API keeps beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredConnector {
    pub(crate) connector: Connector,
    pub(crate) credentials: BTreeMap<String, ConnectorCredential>,
    /// Completed syncs, oldest first.
    pub(crate) syncs: Vec<SyncRun>,
    /// Lifecycle ids confirmed valid.
    pub(crate) confirmed: Vec<String>,
}

/// One sync a force-sync ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SyncRun {
    /// The id `download_url` takes.
    pub(crate) id: String,
    /// The id `confirm_sync_valid` takes.
    pub(crate) lifecycle_id: String,
    pub(crate) completed_at: Timestamp,
}

/// A client id the token endpoint knows and the key its assertions must verify with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Client {
    #[serde(with = "key_bytes")]
    pub(crate) key: VerifyingKey,
    /// The connector the credential belongs to (`None` for minted admin credentials).
    pub(crate) owner: Option<(String, String, String)>,
}

/// Everything, behind one lock; stored whole in the state database (it is small).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct C1Store {
    pub(crate) apps: BTreeMap<String, App>,
    pub(crate) clients: BTreeMap<String, Client>,
    counter: u64,
    /// The state database's version this store matches (see `persist`).
    #[serde(skip)]
    pub(crate) seen_version: i64,
}

/// A public key as the unpadded base64url of its 32 bytes.
mod key_bytes {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use ed25519_dalek::VerifyingKey;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(key: &VerifyingKey, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&URL_SAFE_NO_PAD.encode(key.as_bytes()))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<VerifyingKey, D::Error> {
        let text = String::deserialize(d)?;
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&text)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| D::Error::custom("a client key is not 32 base64url bytes"))?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| D::Error::custom("a client key is not an Ed25519 point"))
    }
}

/// The catalog entries and names of the demo apps: `(app id, name, catalog id)`.
const DEMO_APPS: &[(&str, &str, &str)] = &[
    ("2demoapp000okta0000000000001", "Okta", "catalog-okta"),
    ("2demoapp00github00000000002", "GitHub", "catalog-github"),
    ("2demoapp00000aws00000000003", "AWS", "catalog-aws"),
];

impl C1Store {
    /// The demo apps, each with `per_app` connectors (some synced, one paused).
    pub(crate) fn seeded(per_app: usize) -> Self {
        let mut store = C1Store::default();
        let created = Timestamp::parse("2026-01-05T09:30:00.123456789Z")
            .unwrap_or_else(|_| unreachable!("a valid timestamp"));
        for (app_id, name, catalog) in DEMO_APPS {
            let mut app = App {
                display_name: (*name).to_owned(),
                connectors: BTreeMap::new(),
            };
            for n in 1..=per_app {
                let id = format!("{app_id}-c{n:03}");
                let connector = Connector {
                    id: Some(id.clone()),
                    app_id: Some((*app_id).to_owned()),
                    catalog_id: Some((*catalog).to_owned()),
                    display_name: Some(format!("{name} connector {n}")),
                    description: Some(format!("Syncs {name} users and groups")),
                    config: Config::from_json(&format!(
                        r#"{{"@type":"type.googleapis.com/c1.connector.v2.{name}","region":"eu"}}"#
                    ))
                    .ok(),
                    user_ids: Some(Vec::new()),
                    created_at: Some(created.clone()),
                    updated_at: Some(created.clone()),
                    status: Some(ConnectorStatus {
                        status: Some(SyncStatus::Done),
                        completed_at: Some(created.clone()),
                        started_at: Some(created.clone()),
                        updated_at: Some(created.clone()),
                        last_error: None,
                    }),
                    ..Connector::default()
                };
                app.connectors.insert(id, stored(connector));
            }
            store.apps.insert((*app_id).to_owned(), app);
        }
        store
    }

    /// Checks what the sandbox relies on and decoding cannot: every connector filed
    /// under its app and its own id, every credential under its id and without a
    /// secret (the sandbox answers a secret once, on rotation, and never keeps it),
    /// and every connector-owned client backed by that credential (else a revoked
    /// credential would still get tokens). Errors name the JSON path (`c1.apps.…`).
    pub(crate) fn check(&self) -> Result<(), String> {
        for (app_id, app) in &self.apps {
            for (id, stored) in &app.connectors {
                let at = format!("c1.apps.{app_id}.connectors.{id}");
                let connector = &stored.connector;
                expect_key(&format!("{at}.connector.id"), &connector.id, id)?;
                expect_key(&format!("{at}.connector.appId"), &connector.app_id, app_id)?;
                for (credential_id, credential) in &stored.credentials {
                    let at = format!("{at}.credentials.{credential_id}");
                    expect_key(&format!("{at}.id"), &credential.id, credential_id)?;
                    if credential.client_secret.is_some() {
                        return Err(format!(
                            "`{at}.clientSecret` is set: the sandbox never keeps a client \
                             secret"
                        ));
                    }
                }
            }
        }
        for (client_id, client) in &self.clients {
            let Some((app_id, connector_id, credential_id)) = &client.owner else {
                continue;
            };
            let backed = self
                .connector(app_id, connector_id)
                .ok()
                .and_then(|c| c.credentials.get(credential_id))
                .is_some_and(|c| c.client_id.as_deref() == Some(client_id));
            if !backed {
                return Err(format!(
                    "`c1.clients.{client_id}.owner` names credential {credential_id} of \
                     connector {connector_id} in app {app_id}, which does not hold this client id"
                ));
            }
        }
        Ok(())
    }

    /// A fresh id: 27 characters, like ConductorOne's KSUIDs.
    pub(crate) fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("2{:010x}{:016x}", self.counter, fastrand::u64(..))
    }

    pub(crate) fn app_mut(&mut self, app_id: &str) -> Result<&mut App, C1Error> {
        self.apps
            .get_mut(app_id)
            .ok_or_else(|| C1Error::not_found(format!("app {app_id} not found")))
    }

    pub(crate) fn app(&self, app_id: &str) -> Result<&App, C1Error> {
        self.apps
            .get(app_id)
            .ok_or_else(|| C1Error::not_found(format!("app {app_id} not found")))
    }

    pub(crate) fn connector_mut(
        &mut self,
        app_id: &str,
        connector_id: &str,
    ) -> Result<&mut StoredConnector, C1Error> {
        self.app_mut(app_id)?
            .connectors
            .get_mut(connector_id)
            .ok_or_else(|| connector_not_found(app_id, connector_id))
    }

    pub(crate) fn connector(
        &self,
        app_id: &str,
        connector_id: &str,
    ) -> Result<&StoredConnector, C1Error> {
        self.app(app_id)?
            .connectors
            .get(connector_id)
            .ok_or_else(|| connector_not_found(app_id, connector_id))
    }

    /// Adds a connector to an app, giving it an id and its timestamps.
    pub(crate) fn insert(
        &mut self,
        app_id: &str,
        mut connector: Connector,
    ) -> Result<Connector, C1Error> {
        self.app(app_id)?;
        let id = self.next_id();
        let now = clock::now();
        connector.id = Some(id.clone());
        connector.app_id = Some(app_id.to_owned());
        connector.created_at = Some(now.clone());
        connector.updated_at = Some(now);
        connector.status = Some(ConnectorStatus {
            status: Some(SyncStatus::Unspecified),
            ..ConnectorStatus::default()
        });
        self.app_mut(app_id)?
            .connectors
            .insert(id, stored(connector.clone()));
        Ok(connector)
    }
}

/// `Ok` when the value at `at` is `key`, the key it is filed under.
fn expect_key(at: &str, value: &Option<String>, key: &str) -> Result<(), String> {
    match value {
        Some(value) if value == key => Ok(()),
        other => Err(format!("`{at}` is {other:?}, expected {key:?} (its key)")),
    }
}

fn stored(connector: Connector) -> StoredConnector {
    StoredConnector {
        connector,
        credentials: BTreeMap::new(),
        syncs: Vec::new(),
        confirmed: Vec::new(),
    }
}

fn connector_not_found(app_id: &str, connector_id: &str) -> C1Error {
    C1Error::not_found(format!(
        "connector {connector_id} not found in app {app_id}"
    ))
}

impl StoredConnector {
    /// Applies an update: the masked writable fields, then `updatedAt`.
    pub(crate) fn update(&mut self, from: &Connector, mask: &UpdateMask) -> Result<(), C1Error> {
        mask.apply(&mut self.connector, from)
            .map_err(|e| C1Error::invalid(e.to_string()))?;
        self.connector.updated_at = Some(clock::now());
        Ok(())
    }

    fn status_mut(&mut self) -> &mut ConnectorStatus {
        self.connector.status.get_or_insert_with(Default::default)
    }

    fn paused(&self) -> bool {
        self.connector.sync_disabled_at.is_some()
    }

    /// Runs a sync to completion: a new sync id and lifecycle id, `SYNC_STATUS_DONE`.
    pub(crate) fn force_sync(
        &mut self,
        sync_id: String,
        lifecycle_id: String,
    ) -> Result<(), C1Error> {
        if self.paused() {
            return Err(C1Error::new(
                RpcCode::FailedPrecondition,
                "syncing is paused for this connector; resume it first",
            ));
        }
        let started = clock::now();
        let completed = clock::now();
        let status = self.status_mut();
        status.status = Some(SyncStatus::Done);
        status.started_at = Some(started);
        status.completed_at = Some(completed.clone());
        status.updated_at = Some(completed.clone());
        status.last_error = None;
        self.syncs.push(SyncRun {
            id: sync_id,
            lifecycle_id,
            completed_at: completed,
        });
        Ok(())
    }

    /// Pauses syncing (`SYNC_STATUS_DISABLED`); pausing twice changes nothing.
    pub(crate) fn pause(&mut self) {
        if self.paused() {
            return;
        }
        let now = clock::now();
        self.connector.sync_disabled_at = Some(now.clone());
        self.connector.sync_disabled_reason = Some("paused through the API".to_owned());
        let status = self.status_mut();
        status.status = Some(SyncStatus::Disabled);
        status.updated_at = Some(now);
    }

    /// Resumes syncing: back to `DONE` if it ever synced, else `UNSPECIFIED`.
    pub(crate) fn resume(&mut self) {
        if !self.paused() {
            return;
        }
        self.connector.sync_disabled_at = None;
        self.connector.sync_disabled_reason = None;
        self.connector.sync_disabled_category = None;
        let synced = self.syncs.last().is_some() || self.status_mut().completed_at.is_some();
        let status = self.status_mut();
        status.status = Some(if synced {
            SyncStatus::Done
        } else {
            SyncStatus::Unspecified
        });
        status.updated_at = Some(clock::now());
    }

    /// Stores a cron schedule.
    pub(crate) fn schedule(
        &mut self,
        cron_spec: String,
        timezone: Option<String>,
    ) -> Result<(), C1Error> {
        let fields = cron_spec.split_whitespace().count();
        if !(5..=6).contains(&fields) {
            return Err(C1Error::invalid(format!(
                "cron spec {cron_spec:?} has {fields} fields; expected 5 (or 6 with seconds)"
            )));
        }
        self.connector.connector_sync_cron_schedule = Some(ConnectorSyncCronSchedule {
            cron_spec: Some(cron_spec),
            start: Some(clock::now()),
            timezone,
        });
        self.connector.updated_at = Some(clock::now());
        Ok(())
    }

    pub(crate) fn sync(&self, sync_id: &str) -> Result<&SyncRun, C1Error> {
        self.syncs
            .iter()
            .find(|s| s.id == sync_id)
            .ok_or_else(|| C1Error::not_found(format!("sync {sync_id} not found")))
    }

    /// Confirms the most recent sync by its lifecycle id.
    pub(crate) fn confirm(&mut self, lifecycle_id: &str) -> Result<(), C1Error> {
        match self.syncs.last() {
            Some(last) if last.lifecycle_id == lifecycle_id => {
                if !self.confirmed.iter().any(|c| c == lifecycle_id) {
                    self.confirmed.push(lifecycle_id.to_owned());
                }
                Ok(())
            }
            Some(_) if self.syncs.iter().any(|s| s.lifecycle_id == lifecycle_id) => {
                Err(C1Error::new(
                    RpcCode::FailedPrecondition,
                    format!("sync lifecycle {lifecycle_id} is not the most recent sync"),
                ))
            }
            _ => Err(C1Error::not_found(format!(
                "sync lifecycle {lifecycle_id} not found"
            ))),
        }
    }
}
