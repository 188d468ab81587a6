//! The connector resource: list, create, get, delete and JSON-Patch update.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use connkit_models::decode::from_json;
use connkit_models::isc::v2024::{
    is_patchable, ConnectorStatus, JsonPatchOperation, V3CreateConnectorDto, PATCHABLE_PATHS,
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use serde_json::Value;

use super::query::{self, ListQuery};
use super::{body, lookup, script_name, ScriptPath};
use crate::api_error::ApiError;
use crate::emulator::Emulator;
use crate::isc::filter_eval::matches;
use crate::isc::patch;
use crate::isc::store::{Document, Record};
use crate::isc::xml_policy;
use crate::json::{json_bytes_response, json_response};

/// `X-Total-Count`.
static X_TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");

/// The most items a page's buffer is sized for up front.
const MAX_RESERVED_ITEMS: usize = 250;

/// `GET /v2024/connectors`: RELEASED connectors only, filtered and paged.
pub(crate) async fn list(
    State(emulator): State<Arc<Emulator>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(uri.query().unwrap_or(""))?;
    let (page, total) = {
        let store = emulator.read()?;
        // The page's JSON array, spliced from each record's cached item JSON.
        let mut page = Vec::with_capacity(2 + query.limit.min(MAX_RESERVED_ITEMS) * 512);
        page.push(b'[');
        let mut push = |record: &Record| {
            if page.len() > 1 {
                page.push(b',');
            }
            page.extend_from_slice(record.dto_json().as_bytes());
        };
        let total = match &query.filter {
            None => {
                let released = store.released();
                let from = released.get(query.offset..).unwrap_or_default();
                from.iter().take(query.limit).for_each(|r| push(r));
                released.len()
            }
            Some(filter) => {
                let mut listed = 0usize;
                let mut total = 0usize;
                let matching = store
                    .records()
                    .filter(|r| r.status == ConnectorStatus::Released && matches(filter, r));
                for record in matching {
                    if total >= query.offset && listed < query.limit {
                        push(record);
                        listed += 1;
                    }
                    total += 1;
                    if !query.count && total >= query.offset && listed == query.limit {
                        break;
                    }
                }
                total
            }
        };
        page.push(b']');
        (page, total)
    };
    let mut response = json_bytes_response(StatusCode::OK, page);
    if query.count {
        response
            .headers_mut()
            .insert(X_TOTAL_COUNT.clone(), HeaderValue::from(total));
    }
    Ok(response)
}

/// `POST /v2024/connectors`: 200 with the new `V3ConnectorDto`.
pub(crate) async fn create(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    request_body: Body,
) -> Result<Response, ApiError> {
    body::require_content_type(&headers, &["application/json"])?;
    let bytes = body::read(&headers, request_body, emulator.max_body_bytes).await?;
    let dto: V3CreateConnectorDto = from_json(&bytes).map_err(|e| {
        ApiError::BadRequest(format!("the body is not a V3CreateConnectorDto: {e}"))
    })?;
    if dto.name.trim().is_empty() {
        return Err(ApiError::BadRequest("name must not be empty".to_owned()));
    }
    let name_chars = dto.name.chars().count();
    if name_chars > V3CreateConnectorDto::MAX_NAME_CHARS {
        return Err(ApiError::BadRequest(format!(
            "name is {name_chars} characters long; the limit is {} (longer names would \
             not fit in the URIs that address the connector)",
            V3CreateConnectorDto::MAX_NAME_CHARS
        )));
    }
    if dto.class_name.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "className must not be empty".to_owned(),
        ));
    }
    let status = match dto.status.clone() {
        None => ConnectorStatus::Released,
        Some(
            s @ (ConnectorStatus::Development | ConnectorStatus::Demo | ConnectorStatus::Released),
        ) => s,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "status '{other}' cannot be set on create (use DEVELOPMENT, DEMO or RELEASED)"
            )))
        }
    };
    let created = emulator.commit(|store| {
        if store.has_name(&dto.name) {
            return Err(ApiError::BadRequest(format!(
                "a connector named '{}' already exists (names are unique per tenant, \
                 whatever their case or status)",
                dto.name
            )));
        }
        let record = Record::custom(
            dto.name.clone(),
            store.unique_script_name(&dto.name),
            dto.effective_type().into(),
            dto.class_name.clone().into(),
            dto.effective_direct_connect(),
            status,
        );
        let answer = record.to_dto();
        let undo = store
            .insert(record)
            .map_err(|conflict| ApiError::BadRequest(conflict.to_string()))?;
        Ok((answer, Some(undo)))
    })?;
    Ok(json_response(StatusCode::OK, &created))
}

/// `GET /v2024/connectors/{scriptName}` (`locale` must be one of the spec's, and has
/// no effect: the data is not localized).
pub(crate) async fn get_one(
    State(emulator): State<Arc<Emulator>>,
    path: ScriptPath,
    uri: Uri,
) -> Result<Response, ApiError> {
    let script = script_name(path)?;
    query::check_locale_param(uri.query().unwrap_or(""))?;
    let store = emulator.read()?;
    let record = lookup(&store, &script)?;
    Ok(json_response(StatusCode::OK, &record.to_detail()))
}

/// `DELETE /v2024/connectors/{scriptName}`: 204, no body; 403 for a built-in
/// connector.
pub(crate) async fn delete(
    State(emulator): State<Arc<Emulator>>,
    path: ScriptPath,
) -> Result<Response, ApiError> {
    let script = script_name(path)?;
    emulator.commit(|store| {
        if !lookup(store, &script)?.is_custom() {
            return Err(ApiError::Forbidden(format!(
                "connector '{script}' is built in: only custom connectors can be deleted"
            )));
        }
        let undo = store
            .remove(&script)
            .ok_or_else(|| ApiError::connector_not_found(&script))?;
        Ok(((), Some(undo)))
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The patchable part of a connector as one JSON document.
fn patch_document(record: &Record) -> Value {
    serde_json::json!({
        "connectorMetadata": record.metadata(),
        "applicationXml": record.document(Document::SourceTemplate),
        "correlationConfigXml": record.document(Document::CorrelationConfig),
        "sourceConfigXml": record.document(Document::SourceConfig),
    })
}

/// Takes the patched fields back into a record, checking their types.
fn apply_document(record: &mut Record, mut doc: Value) -> Result<(), ApiError> {
    let mut take = |field: &str| doc.get_mut(field).map(Value::take);
    match take("connectorMetadata") {
        // Unchanged metadata stays as it was (possibly the seed's template).
        Some(Value::Object(map)) if *record.metadata() == map => {}
        Some(Value::Object(map)) => record.connector_metadata = Some(map),
        _ => {
            return Err(ApiError::BadRequest(
                "after the patch, connectorMetadata must be a JSON object".to_owned(),
            ))
        }
    }
    for (field, document) in [
        ("applicationXml", Document::SourceTemplate),
        ("correlationConfigXml", Document::CorrelationConfig),
        ("sourceConfigXml", Document::SourceConfig),
    ] {
        match take(field) {
            // Unchanged text stays as it was (possibly the template, kept lazily).
            Some(Value::String(text)) if record.document(document) == text => {}
            Some(Value::String(text)) => {
                xml_policy::accept_patched(field, &text)?;
                record.set_document(document, text);
            }
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "after the patch, {field} must be a string"
                )))
            }
        }
    }
    Ok(())
}

/// `PATCH /v2024/connectors/{scriptName}`: RFC 6902, atomic, patchable fields only.
pub(crate) async fn update(
    State(emulator): State<Arc<Emulator>>,
    path: ScriptPath,
    headers: HeaderMap,
    request_body: Body,
) -> Result<Response, ApiError> {
    let script = script_name(path)?;
    body::require_content_type(
        &headers,
        &["application/json-patch+json", "application/json"],
    )?;
    let bytes = body::read(&headers, request_body, emulator.max_body_bytes).await?;
    let ops: Vec<JsonPatchOperation> = from_json(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a JSON Patch array: {e}")))?;
    for (i, op) in ops.iter().enumerate() {
        for pointer in std::iter::once(&op.path).chain(op.from.as_ref()) {
            if !is_patchable(pointer) {
                return Err(ApiError::BadRequest(format!(
                    "operation {i} ({} {}): '{pointer}' is not patchable; only {} and paths \
                     below /connectorMetadata are",
                    op.op,
                    op.path,
                    PATCHABLE_PATHS.join(", ")
                )));
            }
        }
    }
    let detail = emulator.commit(|store| {
        let record = lookup(store, &script)?;
        let mut doc = patch_document(record);
        patch::apply(&mut doc, &ops).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let mut patched = record.clone();
        apply_document(&mut patched, doc)?;
        let detail = patched.to_detail();
        if patched == *record {
            return Ok((detail, None)); // nothing changed: nothing to write
        }
        Ok((detail, store.replace(patched)))
    })?;
    Ok(json_response(StatusCode::OK, &detail))
}
