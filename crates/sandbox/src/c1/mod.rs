//! The ConductorOne ConnectorService, under `/api/v1/…`, and its token endpoint
//! `POST /auth/v1/token`.
//!
//! It shares the sandbox's infrastructure: the token store (a token from either
//! token endpoint works on both APIs when auth is on), the rate limit, fault
//! injection and stats; its errors are `google.rpc.Status` with the HTTP status
//! mapped from the gRPC code and a `c1-trace-id` header.
//!
//! Documented behaviour:
//! - Demo apps (Okta, GitHub, AWS) are seeded with two synced connectors each
//!   ([`C1Sandbox::demo_app_ids`]); apps themselves are not created through this API.
//! - Every success is `200 application/json`, `{}` when empty; bodies may be absent
//!   (no `Content-Type`) and fields may be `null`, as the official Python SDK sends them.
//! - `List` orders by id, clamps `page_size` to 10..=100 (absent or ≤ 0: 25), and
//!   answers `nextPageToken: ""` on the last page; a token it did not issue is a 400.
//! - Updates apply the `updateMask` (all set writable fields when absent); read-only
//!   fields (`createdAt`, `updatedAt`, …) are ignored, an unknown path is a 400.
//! - `ForceSync` runs a sync to completion at once (`SYNC_STATUS_DONE`, `startedAt`,
//!   `completedAt`) and records a sync id and a lifecycle id ([`C1Sandbox::syncs`]);
//!   `PauseSync` sets `SYNC_STATUS_DISABLED` and `syncDisabledAt`, a force-sync while
//!   paused is a 400 (`FAILED_PRECONDITION`); `ResumeSync` undoes the pause.
//!   `GetConnectorSyncDownloadURL` answers for a recorded sync id, `ConfirmSyncValid`
//!   for the most recent lifecycle id.
//! - `RotateCredential` answers the new secret once (top level and inside
//!   `credential`); `GetCredentials` never does; `RevokeCredential` removes it and its
//!   client id gets no more tokens.
//! - `ValidateHTTPConnectorConfig` reads the text as JSON: an empty text, a non-object
//!   or a syntax error gives an `ERROR` marker at its line and column.
//! - A path with a trailing slash answers `301` to the path without it (as the real
//!   API does: `/connectors/` lands on the list). Other unknown `/api/v1` paths are a
//!   404 `Status`.
//! - The token endpoint takes the form `grant_type=client_credentials`, `client_id`,
//!   `client_assertion_type` (JWT bearer) and `client_assertion`: an EdDSA JWS signed
//!   with the key of a credential this sandbox minted ([`C1Sandbox::mint_credentials`])
//!   or rotated, with `iss` = `sub` = the client id, `aud` = its host without the port,
//!   and the time inside `nbf..exp` (60 s leeway). Anything else is a 401 `Status`
//!   saying what is wrong.
//! - With a state database the C1 state is kept in it too (one JSON document, written
//!   in the transaction of each change; see `persist`), and the state's JSON form
//!   carries the same document.
//! - `GET /__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs` lists a
//!   connector's sync runs (`admin`): the ids the API takes but never lists, for
//!   clients of a sandbox served over HTTP.

mod admin;
mod clock;
mod handlers;
pub(crate) mod persist;
mod state;
mod status;
pub(crate) use status::TRACE_ID as TRACE_ID_HEADER;
pub(crate) mod token;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use connkit_models::c1::RpcCode;
use connkit_models::Timestamp;
use http::{header, HeaderValue, Method, StatusCode, Uri};
use serde::{Deserialize, Serialize};

use crate::emulator::Emulator;
use crate::gate::{self, Gated, Refusals};
use crate::state_db::StateDb;
use crate::SandboxError;
pub(crate) use state::C1Store;
use status::C1Error;

/// How many connectors each demo app is seeded with.
const DEMO_CONNECTORS_PER_APP: usize = 2;

/// The demo C1 state a sandbox starts from when nothing is stored.
pub(crate) fn demo_store() -> C1Store {
    C1Store::seeded(DEMO_CONNECTORS_PER_APP)
}

/// The C1 side's state and the sandbox it shares infrastructure with.
#[derive(Debug)]
pub(crate) struct C1 {
    emulator: Arc<Emulator>,
    store: RwLock<C1Store>,
    /// Assertions the token endpoint already exchanged.
    seen: token::SeenAssertions,
}

/// A handle on a sandbox's ConductorOne side (see [`Sandbox::c1`](crate::Sandbox::c1)).
///
/// Documented behaviour of the routes:
/// - Three demo apps (Okta, GitHub, AWS), two synced connectors each; apps are not
///   created through this API.
/// - Every success is `200 application/json`, `{}` when empty; bodies may be absent
///   (no `Content-Type`) and fields `null`, as the official Python SDK sends them.
/// - `List` orders by id, clamps `page_size` to 10..=100 (absent or ≤ 0: 25) and
///   answers `nextPageToken: ""` on the last page; a token it did not issue is a 400.
/// - Updates apply the `updateMask` (the fields set when absent); read-only fields are
///   ignored, an unknown path is a 400.
/// - `ForceSync` completes a sync at once (`SYNC_STATUS_DONE`, timestamps, a sync id and
///   a lifecycle id: [`C1Sandbox::syncs`]); `PauseSync` sets `SYNC_STATUS_DISABLED` and
///   `syncDisabledAt` (a force-sync then is a 400 `FAILED_PRECONDITION`); `ResumeSync`
///   undoes it. The schedule is stored.
/// - `RotateCredential` answers the secret once; `GetCredentials` never; revoking
///   removes the credential and its client id gets no more tokens.
/// - `ValidateHTTPConnectorConfig` reads the text as JSON and marks where it is not.
/// - Errors are `google.rpc.Status` (numeric code, message ending in ` (request-id:
///   …)`, `details: []`) with the mapped HTTP status and a `c1-trace-id` header; a
///   path with a trailing slash answers 301 to the path without it.
/// - `/auth/v1/token` takes `grant_type=client_credentials`, `client_id`,
///   `client_assertion_type` (JWT bearer) and an EdDSA `client_assertion` signed with
///   the key of a credential this sandbox minted ([`C1Sandbox::mint_credentials`]) or
///   rotated, `iss` = `sub` = the client id, `aud` = its host without the port, now
///   inside `nbf..exp` (60 s leeway, at most 10 minutes long); else a 401 saying why.
/// - `GET /__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs` answers
///   `{"syncs": [`[`SyncRecord`]`, …]}` (camelCase, oldest first) without a token and
///   without being counted; an unknown app or connector is a 404 `Status`.
#[derive(Debug, Clone)]
pub struct C1Sandbox(Arc<C1>);

/// A completed sync of a sandbox connector, as [`C1Sandbox::syncs`] and
/// `GET /__sandbox/c1/apps/{app}/connectors/{id}/syncs` (camelCase JSON) answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncRecord {
    /// The id `GetConnectorSyncDownloadURL` takes.
    pub sync_id: String,
    /// The id `ConfirmSyncValid` takes.
    pub lifecycle_id: String,
    /// When the sync completed (the sandbox runs a sync at once: also when it started).
    pub completed_at: Timestamp,
    /// Whether `ConfirmSyncValid` confirmed its lifecycle id.
    pub confirmed: bool,
}

/// A stored connector's syncs, oldest first.
fn sync_records(stored: &state::StoredConnector) -> Vec<SyncRecord> {
    stored
        .syncs
        .iter()
        .map(|s| SyncRecord {
            sync_id: s.id.clone(),
            lifecycle_id: s.lifecycle_id.clone(),
            completed_at: s.completed_at.clone(),
            confirmed: stored.confirmed.contains(&s.lifecycle_id),
        })
        .collect()
}

/// The C1 state a new sandbox starts from: the stored one, else the demo seed (stored
/// at once when there is a state database).
pub(crate) fn initial_store(state: Option<&StateDb>) -> Result<C1Store, SandboxError> {
    let seed = demo_store();
    match state {
        Some(state) => persist::load_or_seed(state, seed),
        None => Ok(seed),
    }
}

impl C1Sandbox {
    pub(crate) fn new(emulator: Arc<Emulator>, store: C1Store) -> Self {
        C1Sandbox(Arc::new(C1 {
            emulator,
            store: RwLock::new(store),
            seen: token::SeenAssertions::default(),
        }))
    }

    /// The store for the accessors below: caught up with the state database when it
    /// can be read, else as this sandbox last saw it.
    pub(crate) fn snapshot(&self) -> std::sync::RwLockReadGuard<'_, C1Store> {
        self.0.read().unwrap_or_else(|_| self.0.cached())
    }

    /// The ids of the seeded demo apps.
    pub fn demo_app_ids(&self) -> Vec<String> {
        self.snapshot().apps.keys().cloned().collect()
    }

    /// The apps, as `(id, display name)`.
    pub fn apps(&self) -> Vec<(String, String)> {
        let store = self.snapshot();
        store
            .apps
            .iter()
            .map(|(id, app)| (id.clone(), app.display_name.clone()))
            .collect()
    }

    /// Registers a new client credential for `host` (what clients connect to, e.g.
    /// `127.0.0.1:8080`) and returns `(client_id, client_secret)`: the token endpoint
    /// accepts assertions signed with it.
    pub fn mint_credentials(&self, host: &str) -> Result<(String, String), String> {
        let (key, secret) = token::mint_key()?;
        let client_id = self
            .0
            .commit(|store| {
                let client_id = format!("connkit-sandbox@{host}/admin/{}", store.next_id());
                store.clients.insert(
                    client_id.clone(),
                    state::Client {
                        key: key.verifying_key(),
                        owner: None,
                    },
                );
                Ok(client_id)
            })
            .map_err(|e| e.message)?;
        Ok((client_id, secret))
    }

    /// The completed syncs of a connector, oldest first (empty if there is none, or no
    /// such connector).
    pub fn syncs(&self, app_id: &str, connector_id: &str) -> Vec<SyncRecord> {
        self.connector_syncs(app_id, connector_id)
            .unwrap_or_default()
    }

    /// The completed syncs of a connector, oldest first; `None` when the app or the
    /// connector does not exist (what `connkit sandbox c1-syncs` tells apart).
    pub fn connector_syncs(&self, app_id: &str, connector_id: &str) -> Option<Vec<SyncRecord>> {
        let store = self.snapshot();
        store.connector(app_id, connector_id).ok().map(sync_records)
    }

    /// The routes, with their own gate, and the ungated C1 admin route, to merge into
    /// the sandbox's router.
    pub(crate) fn router(&self) -> Router {
        use handlers as h;
        const CONNECTOR: &str = "/api/v1/apps/{app_id}/connectors/{connector_id}";
        Router::new()
            .route("/api/v1/apps/connectors/credentials", post(h::rotate))
            .route(
                "/api/v1/apps/connectors/validate_config/http",
                post(h::validate_config),
            )
            .route(
                "/api/v1/apps/{app_id}/connectors",
                get(h::list).post(h::create_delegated),
            )
            .route("/api/v1/apps/{app_id}/connectors/create", post(h::create))
            .route(CONNECTOR, get(h::get).post(h::update).delete(h::delete))
            .route(&format!("{CONNECTOR}/delegated"), post(h::update))
            .route(&format!("{CONNECTOR}/force_sync"), post(h::force_sync))
            .route(&format!("{CONNECTOR}/pause"), post(h::pause))
            .route(&format!("{CONNECTOR}/resume"), post(h::resume))
            .route(&format!("{CONNECTOR}/schedule"), post(h::schedule))
            .route(
                &format!("{CONNECTOR}/syncs/{{sync_id}}/download_url"),
                get(h::download_url),
            )
            .route(
                &format!("{CONNECTOR}/confirm_sync_valid/{{sync_lifecycle_id}}"),
                post(h::confirm_sync_valid),
            )
            .route(
                &format!("{CONNECTOR}/credentials/{{credential_id}}"),
                get(h::get_credential).post(h::revoke_credential),
            )
            .route("/auth/v1/token", post(h::token))
            .route_layer(middleware::from_fn_with_state(self.0.clone(), gate))
            .route(admin::SYNCS, get(admin::syncs))
            .route(admin::SYNC_FILE, get(admin::sync_file))
            .route("/api/v1/{*rest}", axum::routing::any(unrouted))
            .with_state(self.0.clone())
    }
}

/// The operation name of a routed request, for stats.
fn operation(method: &Method, path: &str) -> &'static str {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let get = *method == Method::GET;
    match segments.as_slice() {
        ["auth", "v1", "token"] => "c1.Token",
        ["api", "v1", "apps", "connectors", "credentials"] => "c1.RotateCredential",
        ["api", "v1", "apps", "connectors", "validate_config", "http"] => {
            "c1.ValidateHTTPConnectorConfig"
        }
        ["api", "v1", "apps", _, "connectors"] if get => "c1.List",
        ["api", "v1", "apps", _, "connectors"] => "c1.CreateDelegated",
        ["api", "v1", "apps", _, "connectors", "create"] => "c1.Create",
        ["api", "v1", "apps", _, "connectors", _, rest @ ..] => match (rest, method.as_str()) {
            ([], "GET") => "c1.Get",
            ([], "DELETE") => "c1.Delete",
            ([], _) => "c1.Update",
            (["delegated"], _) => "c1.UpdateDelegated",
            (["force_sync"], _) => "c1.ForceSync",
            (["pause"], _) => "c1.PauseSync",
            (["resume"], _) => "c1.ResumeSync",
            (["schedule"], _) => "c1.UpdateConnectorSchedule",
            (["credentials", _], "GET") => "c1.GetCredentials",
            (["credentials", _], _) => "c1.RevokeCredential",
            (["syncs", _, "download_url"], _) => "c1.GetConnectorSyncDownloadURL",
            (["confirm_sync_valid", _], _) => "c1.ConfirmSyncValid",
            _ => "c1.unknown",
        },
        _ => "c1.unknown",
    }
}

/// C1's shapes of the gate's refusals.
struct C1Refusals;

impl Refusals for C1Refusals {
    fn unavailable() -> Response {
        C1Error::new(RpcCode::Unavailable, "injected fault").into_response()
    }
    fn rate_limited(wait: Duration) -> Response {
        C1Error {
            retry_after: Some(wait),
            ..C1Error::new(RpcCode::ResourceExhausted, "rate limit exceeded")
        }
        .into_response()
    }
    fn unauthorized(text: String) -> Response {
        C1Error::new(RpcCode::Unauthenticated, text).into_response()
    }
}

/// The sandbox's gate (faults, rate limit, auth, stats) before a C1 route; every
/// answer carries a `c1-trace-id`.
async fn gate(State(c1): State<Arc<C1>>, request: Request, next: Next) -> Response {
    let operation = operation(request.method(), request.uri().path());
    let gated = Gated {
        operation: Some(operation),
        token_endpoint: operation == "c1.Token",
    };
    let response = gate::run::<C1Refusals>(&c1.emulator, gated, request, next).await;
    if response.headers().contains_key(status::TRACE_ID) {
        response
    } else {
        status::with_trace_id(response, &status::request_id())
    }
}

/// Any other `/api/v1` path: a 301 to the path without its trailing slash, else 404.
async fn unrouted(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') {
        let mut target = path.trim_end_matches('/').to_owned();
        if let Some(query) = uri.query() {
            target = format!("{target}?{query}");
        }
        if let Ok(location) = HeaderValue::from_str(&target) {
            let mut response = (StatusCode::MOVED_PERMANENTLY, Body::empty()).into_response();
            response.headers_mut().insert(header::LOCATION, location);
            return response;
        }
    }
    C1Error::not_found(format!("no route for {method} {path}")).into_response()
}
