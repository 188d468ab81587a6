//! The sandbox's own routes under `/__sandbox`: stats, the request journal and its
//! event stream, fault rules, rate-limit windows, a view of the state, and the
//! dashboard page. They are neither gated nor counted nor journaled. Those that change
//! something (clearing, fault rules) answer 403 unless the admin routes are enabled.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get};
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderValue, StatusCode, Uri};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use crate::api_error::{method_not_allowed, ApiError};
use crate::c1::C1Sandbox;
use crate::dashboard;
use crate::emulator::Emulator;
use crate::fault_rules::FaultRule;
use crate::journal::JournalFilter;
use crate::json::json_response;

/// The most ISC connectors `GET /__sandbox/state` lists (a 1 000 000-connector seed
/// would otherwise be one 300 MB answer).
const STATE_CONNECTORS_SHOWN: usize = 500;

/// How often the event stream sends a comment, so that proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the admin handlers share.
#[derive(Clone)]
struct Admin {
    emulator: Arc<Emulator>,
    c1: C1Sandbox,
}

/// The admin routes, outside every API's gate.
pub(crate) fn router(emulator: Arc<Emulator>, c1: C1Sandbox) -> Router {
    Router::new()
        .route("/__sandbox", get(dashboard::to_page))
        .route("/__sandbox/", get(dashboard::page))
        .route("/__sandbox/dashboard.js", get(dashboard::script))
        .route("/__sandbox/dashboard.css", get(dashboard::style))
        .route("/__sandbox/info", get(info))
        .route("/__sandbox/stats", get(stats).delete(reset_stats))
        .route("/__sandbox/requests", get(requests).delete(clear_requests))
        .route("/__sandbox/requests/stream", get(stream))
        .route(
            "/__sandbox/faults",
            get(fault_rules)
                .post(add_fault_rule)
                .delete(clear_fault_rules),
        )
        .route("/__sandbox/faults/{id}", delete(remove_fault_rule))
        .route("/__sandbox/rate-limit", get(rate_limit))
        .route("/__sandbox/state", get(state))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(Admin { emulator, c1 })
}

/// Refuses a change when the admin routes are off.
fn allowed(admin: &Admin) -> Result<(), ApiError> {
    if admin.emulator.admin_routes {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "the sandbox's admin routes are disabled (it listens on a non-loopback address): \
             start it with --admin-routes to allow changes"
                .to_owned(),
        ))
    }
}

/// What the dashboard needs to know of the sandbox.
#[derive(Serialize)]
struct Info {
    admin_routes: bool,
    journal_capacity: usize,
    rate_limited: bool,
}

/// `GET /__sandbox/info`.
async fn info(State(admin): State<Admin>) -> Response {
    let emulator = &admin.emulator;
    json_response(
        StatusCode::OK,
        &Info {
            admin_routes: emulator.admin_routes,
            journal_capacity: emulator.journal.capacity(),
            rate_limited: emulator.rate_limit.is_some(),
        },
    )
}

/// `GET /__sandbox/stats`.
async fn stats(State(admin): State<Admin>) -> Response {
    json_response(StatusCode::OK, &admin.emulator.stats.snapshot())
}

/// `DELETE /__sandbox/stats`: 204.
async fn reset_stats(State(admin): State<Admin>) -> Result<StatusCode, ApiError> {
    allowed(&admin)?;
    admin.emulator.stats.reset();
    Ok(StatusCode::NO_CONTENT)
}

fn filter_of(uri: &Uri) -> Result<JournalFilter, ApiError> {
    JournalFilter::from_query(uri.query().unwrap_or("")).map_err(ApiError::BadRequest)
}

/// `GET /__sandbox/requests?operation=&status=&client_id=&since=&after=&path=`: the
/// journal, oldest first.
async fn requests(State(admin): State<Admin>, uri: Uri) -> Result<Response, ApiError> {
    let filter = filter_of(&uri)?;
    Ok(json_response(
        StatusCode::OK,
        &admin.emulator.journal.list(&filter),
    ))
}

/// `DELETE /__sandbox/requests`: 204.
async fn clear_requests(State(admin): State<Admin>) -> Result<StatusCode, ApiError> {
    allowed(&admin)?;
    admin.emulator.journal.clear();
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /__sandbox/requests/stream`: server-sent events, one `request` event (the
/// entry as JSON) per journaled request that passes the query's filter, from now on.
async fn stream(State(admin): State<Admin>, uri: Uri) -> Result<Response, ApiError> {
    let filter = filter_of(&uri)?;
    let receiver = admin.emulator.journal.subscribe();
    let events = futures::stream::unfold((receiver, filter), |(mut receiver, filter)| async move {
        loop {
            let event = match tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await {
                Err(_) => Bytes::from_static(b": keep-alive\n\n"),
                Ok(Ok(entry)) if filter.matches(&entry) => {
                    let json = serde_json::to_string(&entry).unwrap_or_default();
                    Bytes::from(format!("event: request\ndata: {json}\n\n"))
                }
                Ok(Ok(_)) => continue,
                Ok(Err(RecvError::Lagged(missed))) => {
                    Bytes::from(format!("event: lagged\ndata: {{\"missed\":{missed}}}\n\n"))
                }
                Ok(Err(RecvError::Closed)) => return None,
            };
            return Some((Ok::<_, std::convert::Infallible>(event), (receiver, filter)));
        }
    });
    let mut response = Response::new(Body::from_stream(events));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// `GET /__sandbox/faults`: the rules with their match counts.
async fn fault_rules(State(admin): State<Admin>) -> Response {
    json_response(StatusCode::OK, &admin.emulator.fault_rules.list())
}

/// `POST /__sandbox/faults` with a rule (JSON, or the flag syntax as text): 201 with
/// the rule and its id.
async fn add_fault_rule(State(admin): State<Admin>, body: Bytes) -> Result<Response, ApiError> {
    allowed(&admin)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("the fault rule is not UTF-8".to_owned()))?;
    let rule: FaultRule = text.parse().map_err(ApiError::BadRequest)?;
    let rule = admin
        .emulator
        .fault_rules
        .add(rule)
        .map_err(ApiError::BadRequest)?;
    Ok(json_response(StatusCode::CREATED, &rule))
}

/// `DELETE /__sandbox/faults`: 204.
async fn clear_fault_rules(State(admin): State<Admin>) -> Result<StatusCode, ApiError> {
    allowed(&admin)?;
    admin.emulator.fault_rules.clear();
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /__sandbox/faults/{id}`: 204, or 404.
async fn remove_fault_rule(
    State(admin): State<Admin>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    allowed(&admin)?;
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("fault rule id '{id}' is not a number")))?;
    if admin.emulator.fault_rules.remove(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("no fault rule {id}")))
    }
}

/// `GET /__sandbox/rate-limit`: `{"max", "window_ms", "windows": [...]}`, or `null`
/// members when the sandbox has no rate limit.
async fn rate_limit(State(admin): State<Admin>) -> Response {
    let windows = admin
        .emulator
        .rate_limit
        .as_ref()
        .map(|w| w.snapshot(Instant::now()));
    json_response(StatusCode::OK, &windows)
}

/// `GET /__sandbox/state`: both APIs' state, as the export holds it, with at most
/// [`STATE_CONNECTORS_SHOWN`] ISC connectors (`connectors_total` says how many exist).
async fn state(State(admin): State<Admin>) -> Result<Response, ApiError> {
    let store = admin.emulator.read()?;
    let c1 = admin.c1.snapshot();
    let view = serde_json::json!({
        "connectors_total": store.len(),
        "connectors": store.records().take(STATE_CONNECTORS_SHOWN).collect::<Vec<_>>(),
        "c1": &*c1,
    });
    Ok(json_response(StatusCode::OK, &view))
}
