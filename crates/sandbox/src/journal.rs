//! The request journal: the last N requests to either API, credentials redacted, so
//! that a test (or a person at the dashboard) can see what a client really sent.
//! Served at `GET /__sandbox/requests`, streamed at `/__sandbox/requests/stream`, and
//! read in-process with [`Sandbox::requests`](crate::Sandbox::requests).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::emulator::Emulator;
use crate::redact::{redact_body, redact_headers, redact_query};

/// How many requests the journal keeps by default.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// How much of a request body the journal keeps (a 16 MiB upload would otherwise fill
/// memory a thousand times over).
pub const JOURNAL_BODY_LIMIT: usize = 4096;

/// The largest error answer read for its tracking id.
const TRACKED_BODY_LIMIT: u64 = 64 * 1024;

/// One request as the sandbox saw and answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Increasing from 1 over the sandbox's life (clearing does not restart it).
    pub id: u64,
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// `isc` or `c1`.
    pub api: String,
    /// The `operationId` (`getConnectorList`, `c1.List`, …; `unmatched` for unknown
    /// routes), as in the stats.
    pub operation: String,
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, secret parameters redacted.
    pub query: Option<String>,
    /// The client the request's token was issued to (or the `client_id` a token
    /// request named), when the sandbox knows it.
    pub client_id: Option<String>,
    /// The request headers, in order, with every credential redacted.
    pub request_headers: Vec<(String, String)>,
    /// The request body read by the handler: UTF-8 text with secrets redacted, cut at
    /// [`JOURNAL_BODY_LIMIT`] bytes; `None` when empty; binary bodies are described.
    pub body: Option<String>,
    /// The body's full size in bytes as read by the handler.
    pub body_bytes: usize,
    /// The status answered; `None` when an injected reset dropped the connection.
    pub status: Option<u16>,
    /// From arrival to the answer's headers, injected delays included.
    pub latency_ms: f64,
    /// The fault injected, if any (`error`, `reset`, `truncate`, or `rule N: …`).
    pub fault: Option<String>,
    /// The `trackingId` of an ISC error or the `c1-trace-id` answered.
    pub tracking_id: Option<String>,
}

/// Which journal entries to list; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalFilter {
    /// Exactly this operation.
    pub operation: Option<String>,
    /// Exactly this status.
    pub status: Option<u16>,
    /// Exactly this client id.
    pub client_id: Option<String>,
    /// Arrived at or after this time (milliseconds since the Unix epoch).
    pub since_ms: Option<u64>,
    /// With an id above this one (what a poller saw last).
    pub after_id: Option<u64>,
    /// The path contains this text (e.g. a connector's id).
    pub path_contains: Option<String>,
}

impl JournalFilter {
    /// Entries of this operation.
    pub fn operation(operation: impl Into<String>) -> Self {
        JournalFilter {
            operation: Some(operation.into()),
            ..JournalFilter::default()
        }
    }

    /// Also: whose path contains `text`.
    pub fn path_contains(mut self, text: impl Into<String>) -> Self {
        self.path_contains = Some(text.into());
        self
    }

    /// Also: answered with `status`.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Also: sent by `client_id`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Whether `entry` passes.
    pub fn matches(&self, entry: &JournalEntry) -> bool {
        self.operation
            .as_ref()
            .is_none_or(|o| *o == entry.operation)
            && self.status.is_none_or(|s| Some(s) == entry.status)
            && (self.client_id.is_none() || self.client_id == entry.client_id)
            && self.since_ms.is_none_or(|t| entry.time_ms >= t)
            && self.after_id.is_none_or(|id| entry.id > id)
            && self
                .path_contains
                .as_ref()
                .is_none_or(|p| entry.path.contains(p.as_str()))
    }

    /// Parses the query of `GET /__sandbox/requests`: `operation`, `status`,
    /// `client_id`, `since` (ms since the epoch), `after` (an id), `path`.
    pub fn from_query(query: &str) -> Result<Self, String> {
        let mut filter = JournalFilter::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let number = |what: &str| {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("query parameter {key}: '{value}' is not {what}"))
            };
            match key.as_ref() {
                "operation" => filter.operation = Some(value.into_owned()),
                "client_id" => filter.client_id = Some(value.into_owned()),
                "path" => filter.path_contains = Some(value.into_owned()),
                "status" => {
                    filter.status = Some(value.parse().map_err(|_| {
                        format!("query parameter status: '{value}' is not an HTTP status")
                    })?)
                }
                "since" => filter.since_ms = Some(number("milliseconds since the epoch")?),
                "after" => filter.after_id = Some(number("an entry id")?),
                other => {
                    return Err(format!(
                        "unknown query parameter '{other}' (known: operation, status, \
                         client_id, since, after, path)"
                    ))
                }
            }
        }
        Ok(filter)
    }
}

/// The last requests, and a channel that tells listeners of each new one.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    state: Mutex<Kept>,
    live: broadcast::Sender<JournalEntry>,
}

#[derive(Debug, Default)]
struct Kept {
    entries: VecDeque<JournalEntry>,
    last_id: u64,
}

impl Journal {
    /// A journal of the last `capacity` requests (0: none).
    pub(crate) fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            state: Mutex::new(Kept::default()),
            live: broadcast::channel(256).0,
        }
    }

    /// How many requests it keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether requests are journaled at all.
    pub(crate) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds one entry, numbering it, and tells the listeners.
    fn push(&self, mut entry: JournalEntry) {
        let mut kept = self.kept();
        kept.last_id += 1;
        entry.id = kept.last_id;
        if kept.entries.len() == self.capacity {
            kept.entries.pop_front();
        }
        kept.entries.push_back(entry.clone());
        drop(kept);
        // Nobody listening is not an error.
        let _ = self.live.send(entry);
    }

    /// The entries that pass `filter`, oldest first.
    pub(crate) fn list(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        self.kept()
            .entries
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    /// Forgets every entry.
    pub(crate) fn clear(&self) {
        self.kept().entries.clear();
    }

    /// New entries from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.live.subscribe()
    }
}

/// What the gate learnt of a request, left in the response's extensions for the
/// journal.
#[derive(Debug, Clone)]
pub(crate) struct GateNote {
    pub(crate) operation: &'static str,
    pub(crate) client_id: Option<String>,
    pub(crate) fault: Option<String>,
}

/// The middleware over the whole router that journals every API request.
pub(crate) async fn record(
    State(emulator): State<Arc<Emulator>>,
    request: Request,
    next: Next,
) -> Response {
    // The sandbox's own routes are not journaled, and an off journal costs nothing.
    let own_route = |path: &str| path.starts_with("/__sandbox/") || path == "/__sandbox";
    if !emulator.journal.enabled() || own_route(request.uri().path()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let time_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let method = request.method().to_string();
    let query = request.uri().query().map(redact_query);
    let request_headers = redact_headers(request.headers());
    let (parts, body) = request.into_parts();
    let seen = Arc::new(Mutex::new(SeenBody::default()));
    let tee = seen.clone();
    let body = body.into_data_stream().inspect(move |chunk| {
        if let Ok(bytes) = chunk {
            tee.lock().unwrap_or_else(|e| e.into_inner()).add(bytes);
        }
    });
    let response = next
        .run(Request::from_parts(parts, Body::from_stream(body)))
        .await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let note = response.extensions().get::<GateNote>().cloned();
    let (response, tracking_id) = tracking_id(response).await;
    let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
    let reset = response.extensions().get::<crate::faults::Sabotage>()
        == Some(&crate::faults::Sabotage::Reset);
    let content_type = request_content_type(&request_headers);
    let body = redact_body(&seen.kept, seen.total, content_type.as_deref());
    let client_id = note
        .as_ref()
        .and_then(|n| n.client_id.clone())
        .or_else(|| form_client_id(&seen.kept));
    emulator.journal.push(JournalEntry {
        id: 0,
        time_ms,
        api: api_of(&path).to_owned(),
        operation: note
            .as_ref()
            .map_or("unmatched", |n| n.operation)
            .to_owned(),
        method,
        path,
        query,
        client_id,
        request_headers,
        body,
        body_bytes: seen.total,
        status: (!reset).then(|| response.status().as_u16()),
        latency_ms,
        fault: note.and_then(|n| n.fault),
        tracking_id,
    });
    response
}

/// Which API a path belongs to.
fn api_of(path: &str) -> &'static str {
    if path.starts_with("/api/") || path.starts_with("/auth/") {
        "c1"
    } else {
        "isc"
    }
}

/// The request's `Content-Type`, from its (redacted) headers.
fn request_content_type(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
}

/// The `client_id` a token request names in its form body.
fn form_client_id(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == "client_id")
        .map(|(_, value)| value.into_owned())
        .filter(|id| !id.is_empty())
}

/// The tracking id a response carries: C1's `c1-trace-id` header, or the `trackingId`
/// of a (small) ISC JSON error body, which is read and put back.
async fn tracking_id(response: Response) -> (Response, Option<String>) {
    if let Some(trace) = response
        .headers()
        .get(crate::c1::TRACE_ID_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        let trace = trace.to_owned();
        return (response, Some(trace));
    }
    let small = http_body::Body::size_hint(response.body())
        .exact()
        .is_some_and(|n| n <= TRACKED_BODY_LIMIT);
    if response.status().as_u16() < 400 || !small || !is_json(response.headers()) {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, TRACKED_BODY_LIMIT as usize)
        .await
        .unwrap_or_default();
    let id = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("trackingId")?.as_str().map(str::to_owned));
    (Response::from_parts(parts, Body::from(bytes)), id)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
}

/// The first [`JOURNAL_BODY_LIMIT`] bytes of a body and its full length.
#[derive(Debug, Default)]
struct SeenBody {
    kept: Vec<u8>,
    total: usize,
}

impl SeenBody {
    fn add(&mut self, chunk: &Bytes) {
        self.total += chunk.len();
        let room = JOURNAL_BODY_LIMIT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
}
