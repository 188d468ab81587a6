//! The 17 ConnectorService routes and the token endpoint.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use connkit_models::c1::{
    ConnectorCredential, ConnectorServiceCreateDelegatedRequest, ConnectorServiceCreateRequest,
    ConnectorServiceGetCredentialsResponse, ConnectorServiceGetResponse,
    ConnectorServiceListResponse, ConnectorServiceRotateCredentialRequest,
    ConnectorServiceRotateCredentialResponse, ConnectorServiceUpdateRequest, ConnectorView,
    EditorMarker, EditorValidateRequest, EditorValidateResponse, Empty,
    GetConnectorSyncDownloadURLResponse, MarkerSeverity, UpdateConnectorScheduleRequest,
    UpdateMask,
};
use connkit_models::decode::from_json;
use http::{header, HeaderMap, StatusCode, Uri};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::state::{Client, StoredConnector};
use super::status::C1Error;
use super::{clock, token, C1};
use crate::json::json_response;

type Shared = State<Arc<C1>>;
type Answer = Result<Response, C1Error>;

/// The smallest, default and largest page size.
const PAGE_SIZES: (usize, usize, usize) = (10, 25, 100);

/// 200 with a JSON body.
fn ok<T: Serialize>(value: &T) -> Answer {
    Ok(json_response(StatusCode::OK, value))
}

/// Decodes a JSON body; an empty body (official SDKs send bodyless POSTs) is `{}`.
fn body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, C1Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    from_json(bytes).map_err(|e| C1Error::invalid(format!("invalid request body: {e}")))
}

fn view(stored: &StoredConnector) -> ConnectorServiceGetResponse {
    ConnectorServiceGetResponse {
        connector_view: Some(ConnectorView {
            connector: Some(stored.connector.clone()),
            ..ConnectorView::default()
        }),
        expanded: Some(Vec::new()),
    }
}

/// `List`: ordered by id; `page_size` clamped to 10..=100 (default 25); the token is
/// the id to start from.
pub(crate) async fn list(State(c1): Shared, Path(app_id): Path<String>, uri: Uri) -> Answer {
    let query: Vec<(String, String)> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let size = match param("page_size") {
        None => PAGE_SIZES.1,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n <= 0 => PAGE_SIZES.1,
            Ok(n) => usize::try_from(n)
                .unwrap_or(usize::MAX)
                .clamp(PAGE_SIZES.0, PAGE_SIZES.2),
            Err(_) => {
                return Err(C1Error::invalid(format!(
                    "page_size {text:?} is not an integer"
                )))
            }
        },
    };
    let store = c1.read()?;
    let app = store.app(&app_id)?;
    let start = match param("page_token") {
        None => None,
        Some(token) => Some(decode_token(token)?),
    };
    let mut items = app
        .connectors
        .range(start.clone().unwrap_or_default()..)
        .map(|(_, stored)| ConnectorView {
            connector: Some(stored.connector.clone()),
            ..ConnectorView::default()
        });
    let list: Vec<ConnectorView> = items.by_ref().take(size).collect();
    let next = items
        .next()
        .and_then(|v| v.connector.and_then(|c| c.id))
        .map(|id| encode_token(&id))
        .unwrap_or_default();
    ok(&ConnectorServiceListResponse {
        expanded: Some(Vec::new()),
        list: Some(list),
        next_page_token: Some(next),
    })
}

fn encode_token(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Result<String, C1Error> {
    let bad = || {
        C1Error::invalid(format!(
            "page_token {token:?} is not one this service issued"
        ))
    };
    if token.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes.ok_or_else(bad)?).map_err(|_| bad())
}

/// `Get`.
pub(crate) async fn get(State(c1): Shared, Path((app_id, id)): Path<(String, String)>) -> Answer {
    ok(&view(c1.read()?.connector(&app_id, &id)?))
}

/// `Delete`.
pub(crate) async fn delete(
    State(c1): Shared,
    Path((app_id, id)): Path<(String, String)>,
) -> Answer {
    c1.commit(|store| {
        store.connector(&app_id, &id)?;
        store.app_mut(&app_id)?.connectors.remove(&id);
        store.clients.retain(|_, c| {
            c.owner
                .as_ref()
                .is_none_or(|(a, conn, _)| !(a == &app_id && conn == &id))
        });
        Ok(())
    })?;
    ok(&Empty {})
}

/// `Create`: a configured connector.
pub(crate) async fn create(State(c1): Shared, Path(app_id): Path<String>, bytes: Bytes) -> Answer {
    let request: ConnectorServiceCreateRequest = body(&bytes)?;
    let connector = connkit_models::c1::Connector {
        catalog_id: request.catalog_id,
        config: request.config,
        description: request.description,
        user_ids: request.user_ids,
        ..Default::default()
    };
    let created = c1.commit(|store| store.insert(&app_id, connector))?;
    ok(&view_of(created))
}

/// `CreateDelegated`: a connector waiting for its configuration.
pub(crate) async fn create_delegated(
    State(c1): Shared,
    Path(app_id): Path<String>,
    bytes: Bytes,
) -> Answer {
    let request: ConnectorServiceCreateDelegatedRequest = body(&bytes)?;
    let connector = connkit_models::c1::Connector {
        catalog_id: request.catalog_id,
        description: request.description,
        display_name: request.display_name,
        user_ids: request.user_ids,
        ..Default::default()
    };
    let created = c1.commit(|store| store.insert(&app_id, connector))?;
    ok(&view_of(created))
}

fn view_of(connector: connkit_models::c1::Connector) -> ConnectorServiceGetResponse {
    view(&StoredConnector {
        connector,
        credentials: Default::default(),
        syncs: Vec::new(),
        confirmed: Vec::new(),
    })
}

/// `Update` and `UpdateDelegated`: the masked writable fields; read-only ones ignored.
pub(crate) async fn update(
    State(c1): Shared,
    Path((app_id, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Answer {
    let request: ConnectorServiceUpdateRequest = body(&bytes)?;
    let from = request.connector.unwrap_or_default();
    let mask = request
        .update_mask
        .unwrap_or_else(|| UpdateMask::of_set_fields(&from));
    let updated = c1.commit(|store| {
        let stored = store.connector_mut(&app_id, &id)?;
        stored.update(&from, &mask)?;
        Ok(view(stored))
    })?;
    ok(&updated)
}

/// `ForceSync`: a sync runs to completion at once.
pub(crate) async fn force_sync(
    State(c1): Shared,
    Path((app_id, id)): Path<(String, String)>,
) -> Answer {
    c1.commit(|store| {
        store.connector(&app_id, &id)?;
        let (sync_id, lifecycle_id) = (store.next_id(), store.next_id());
        store
            .connector_mut(&app_id, &id)?
            .force_sync(sync_id, lifecycle_id)
    })?;
    ok(&Empty {})
}

/// `PauseSync`.
pub(crate) async fn pause(State(c1): Shared, Path((app_id, id)): Path<(String, String)>) -> Answer {
    c1.commit(|store| {
        store.connector_mut(&app_id, &id)?.pause();
        Ok(())
    })?;
    ok(&Empty {})
}

/// `ResumeSync`.
pub(crate) async fn resume(
    State(c1): Shared,
    Path((app_id, id)): Path<(String, String)>,
) -> Answer {
    c1.commit(|store| {
        store.connector_mut(&app_id, &id)?.resume();
        Ok(())
    })?;
    ok(&Empty {})
}

/// `UpdateConnectorSchedule`.
pub(crate) async fn schedule(
    State(c1): Shared,
    Path((app_id, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Answer {
    let request: UpdateConnectorScheduleRequest = body(&bytes)?;
    let cron = request
        .cron
        .ok_or_else(|| C1Error::invalid("the schedule needs `cron`"))?;
    let spec = cron
        .cron_spec
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| C1Error::invalid("cron.cronSpec is empty"))?;
    c1.commit(|store| {
        store
            .connector_mut(&app_id, &id)?
            .schedule(spec, cron.timezone)
    })?;
    ok(&Empty {})
}

/// `GetConnectorSyncDownloadURL`: a URL naming the sync, valid for 5 minutes.
pub(crate) async fn download_url(
    State(c1): Shared,
    headers: HeaderMap,
    Path((app_id, id, sync_id)): Path<(String, String, String)>,
) -> Answer {
    let store = c1.read()?;
    let sync = store.connector(&app_id, &id)?.sync(&sync_id)?;
    ok(&GetConnectorSyncDownloadURLResponse {
        download_url: Some(format!(
            "http://{}/__sandbox/c1/syncs/{}.c1z?completed={}&expires_in=300",
            host(&headers),
            sync.id,
            sync.completed_at
        )),
    })
}

/// `ConfirmSyncValid`: the lifecycle id of the most recent sync.
pub(crate) async fn confirm_sync_valid(
    State(c1): Shared,
    Path((app_id, id, lifecycle_id)): Path<(String, String, String)>,
) -> Answer {
    c1.commit(|store| store.connector_mut(&app_id, &id)?.confirm(&lifecycle_id))?;
    ok(&Empty {})
}

/// The host the client addressed, for URLs and client ids.
fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost")
        .to_owned()
}

/// `RotateCredential`: a new credential whose secret is answered once.
pub(crate) async fn rotate(State(c1): Shared, headers: HeaderMap, bytes: Bytes) -> Answer {
    let request: ConnectorServiceRotateCredentialRequest = body(&bytes)?;
    let app_id = request
        .app_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| C1Error::invalid("appId is required"))?;
    let connector_id = request
        .connector_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| C1Error::invalid("connectorId is required"))?;
    let (key, secret) =
        token::mint_key().map_err(|e| C1Error::new(connkit_models::c1::RpcCode::Internal, e))?;
    let answer = c1.commit(|store| {
        store.connector(&app_id, &connector_id)?;
        let credential_id = store.next_id();
        let client_id = format!("{connector_id}@{}/pcc/{credential_id}", host(&headers));
        let now = clock::now();
        let credential = ConnectorCredential {
            app_id: Some(app_id.clone()),
            client_id: Some(client_id.clone()),
            connector_id: Some(connector_id.clone()),
            created_at: Some(now.clone()),
            updated_at: Some(now),
            display_name: Some(format!("credential {credential_id}")),
            id: Some(credential_id.clone()),
            ..ConnectorCredential::default()
        };
        store.clients.insert(
            client_id,
            Client {
                key: key.verifying_key(),
                owner: Some((app_id.clone(), connector_id.clone(), credential_id.clone())),
            },
        );
        store
            .connector_mut(&app_id, &connector_id)?
            .credentials
            .insert(credential_id, credential.clone());
        Ok(ConnectorServiceRotateCredentialResponse {
            client_secret: Some(secret.clone()),
            credential: Some(ConnectorCredential {
                client_secret: Some(secret),
                ..credential
            }),
        })
    })?;
    ok(&answer)
}

/// `GetCredentials`: never the secret.
pub(crate) async fn get_credential(
    State(c1): Shared,
    Path((app_id, id, credential_id)): Path<(String, String, String)>,
) -> Answer {
    let store = c1.read()?;
    let credential = store
        .connector(&app_id, &id)?
        .credentials
        .get(&credential_id)
        .ok_or_else(|| C1Error::not_found(format!("credential {credential_id} not found")))?;
    ok(&ConnectorServiceGetCredentialsResponse {
        credential: Some(credential.clone()),
    })
}

/// `RevokeCredential`: removes it; its client id gets no more tokens.
pub(crate) async fn revoke_credential(
    State(c1): Shared,
    Path((app_id, id, credential_id)): Path<(String, String, String)>,
) -> Answer {
    c1.commit(|store| {
        let removed = store
            .connector_mut(&app_id, &id)?
            .credentials
            .remove(&credential_id)
            .ok_or_else(|| C1Error::not_found(format!("credential {credential_id} not found")))?;
        if let Some(client_id) = removed.client_id {
            store.clients.remove(&client_id);
        }
        Ok(())
    })?;
    ok(&Empty {})
}

/// `ValidateHTTPConnectorConfig`: the sandbox reads the text as JSON and marks where
/// it is not, and an empty text.
pub(crate) async fn validate_config(bytes: Bytes) -> Answer {
    let request: EditorValidateRequest = body(&bytes)?;
    let text = request.text.unwrap_or_default();
    let marker = |line: usize, column: usize, message: String| EditorMarker {
        start_line_number: Some(line as i32),
        start_column: Some(column as i32),
        end_line_number: Some(line as i32),
        end_column: Some(column as i32 + 1),
        message: Some(message),
        severity: Some(MarkerSeverity::Error),
    };
    let markers = if text.trim().is_empty() {
        vec![marker(1, 1, "the configuration is empty".to_owned())]
    } else {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(_)) => Vec::new(),
            Ok(_) => vec![marker(
                1,
                1,
                "the configuration must be an object".to_owned(),
            )],
            Err(e) => vec![marker(e.line().max(1), e.column().max(1), e.to_string())],
        }
    };
    ok(&EditorValidateResponse {
        markers: Some(markers),
    })
}

/// `POST /auth/v1/token`.
pub(crate) async fn token(
    State(c1): Shared,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    // Over HTTP the host is in `Host`; in-process, in the request's URI.
    let addressed_to = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| uri.authority().map(|authority| authority.as_str()))
        .map(str::to_owned);
    let bytes =
        match crate::isc::routes::read_body(&headers, body, token::MAX_TOKEN_REQUEST_BYTES).await {
            Ok(bytes) => bytes,
            Err(e) => return C1Error::unreadable_body(e).into_response(),
        };
    let form: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let store = match c1.read() {
        Ok(store) => store,
        Err(e) => return e.into_response(),
    };
    match token::exchange(
        &store,
        &c1.emulator.auth,
        &c1.seen,
        &form,
        addressed_to.as_deref(),
    ) {
        Ok(issued) => json_response(
            StatusCode::OK,
            &serde_json::json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
            }),
        ),
        Err(e) => e.into_response(),
    }
}
