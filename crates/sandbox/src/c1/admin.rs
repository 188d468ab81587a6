//! `GET /__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs`: the sync runs of
//! a connector, which the ConnectorService itself never lists but
//! `GetConnectorSyncDownloadURL` and `ConfirmSyncValid` need the ids of. Like every
//! `/__sandbox` route it is neither gated nor counted; an unknown app or connector is a
//! 404 `google.rpc.Status`.

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
