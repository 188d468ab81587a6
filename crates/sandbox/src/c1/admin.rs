//! The sandbox's own C1 routes. Like every `/__sandbox` route they are neither gated nor
//! counted; what is unknown is a 404 `google.rpc.Status`.
//!
//! - `GET /__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs`: the sync runs
//!   of a connector, which the ConnectorService itself never lists but
//!   `GetConnectorSyncDownloadURL` and `ConfirmSyncValid` need the ids of.
//! - `GET /__sandbox/c1/syncs/{sync_id}.c1z`: what a download URL points at. A real
//!   `.c1z` is the synced data; the sandbox syncs nothing, so it serves the sync's
//!   manifest (JSON: app, connector, sync and lifecycle ids, completion time) instead.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;
use serde::Serialize;

use super::status::C1Error;
use super::{sync_records, SyncRecord, C1};
use crate::json::json_response;

/// The route's path.
pub(crate) const SYNCS: &str = "/__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs";

/// The download route's path (`{file}` is `{sync_id}.c1z`).
pub(crate) const SYNC_FILE: &str = "/__sandbox/c1/syncs/{file}";

/// The answer: `{"syncs": [...]}`, oldest first.
#[derive(Serialize)]
struct Syncs {
    syncs: Vec<SyncRecord>,
}

/// The connector's sync runs, caught up with the state database.
pub(crate) async fn syncs(
    State(c1): State<Arc<C1>>,
    Path((app_id, connector_id)): Path<(String, String)>,
) -> Result<Response, C1Error> {
    let store = c1.read()?;
    let syncs = sync_records(store.connector(&app_id, &connector_id)?);
    Ok(json_response(StatusCode::OK, &Syncs { syncs }))
}

/// What a sync's download URL serves.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncManifest<'a> {
    app_id: &'a str,
    connector_id: &'a str,
    sync_id: &'a str,
    lifecycle_id: &'a str,
    completed_at: String,
}

/// The file a download URL names: the sync's manifest, or 404.
pub(crate) async fn sync_file(
    State(c1): State<Arc<C1>>,
    Path(file): Path<String>,
) -> Result<Response, C1Error> {
    let not_found = || C1Error::not_found(format!("sync file {file} not found"));
    let sync_id = file.strip_suffix(".c1z").ok_or_else(not_found)?;
    let store = c1.read()?;
    let found = store.apps.iter().find_map(|(app_id, app)| {
        app.connectors.iter().find_map(|(connector_id, stored)| {
            let sync = stored.syncs.iter().find(|s| s.id == sync_id)?;
            Some(SyncManifest {
                app_id,
                connector_id,
                sync_id: &sync.id,
                lifecycle_id: &sync.lifecycle_id,
                completed_at: sync.completed_at.to_string(),
            })
        })
    });
    let manifest = found.ok_or_else(not_found)?;
    Ok(json_response(StatusCode::OK, &manifest))
}
