//! The XML documents and translations: GETs answer the stored bytes verbatim with
//! `application/xml` / `text/plain` whatever `Accept` says; PUTs take a multipart `file`
//! part (any part content type) and answer `UpdateDetail`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use connkit_models::isc::v2024::{UpdateDetail, UpdateStatus};
use http::{header, HeaderMap, HeaderValue, StatusCode};

use super::{body, lookup, query, script_name, ScriptPath};
use crate::api_error::ApiError;
use crate::emulator::Emulator;
use crate::isc::multipart::{self, file_part};
use crate::isc::store::Document;
use crate::isc::xml_policy;
use crate::json::json_response;

fn text_response(content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn update_detail(script: &str, status: UpdateStatus, file: &str, message: String) -> UpdateDetail {
    let updated = status == UpdateStatus::Updated;
    UpdateDetail {
        message: Some(message),
        script_name: Some(script.to_owned()),
        updated_files: Some(if updated {
            vec![format!("custom-connector/{script}/{file}")]
        } else {
            Vec::new()
        }),
        status: Some(status),
    }
}

fn utf8(bytes: Bytes) -> Result<String, ApiError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::BadRequest("the uploaded file is not UTF-8 text".to_owned()))
}

/// `GET /v2024/connectors/{scriptName}/{source-config|source-template|correlation-config}`.
pub(crate) async fn get_document(
    emulator: Arc<Emulator>,
    path: ScriptPath,
    document: Document,
) -> Result<Response, ApiError> {
    let script = script_name(path)?;
    let store = emulator.read()?;
    let record = lookup(&store, &script)?;
    let text = record.document(document);
    Ok(text_response(
        "application/xml",
        xml_policy::served_bytes(&text).into_owned(),
    ))
}

/// `PUT` of one of the three XML documents.
pub(crate) async fn put_document(
    emulator: Arc<Emulator>,
    path: ScriptPath,
    headers: HeaderMap,
    request_body: Body,
    document: Document,
) -> Result<Response, ApiError> {
    let script = script_name(path)?;
    let bytes = body::read(&headers, request_body, emulator.max_body_bytes).await?;
    let parts = multipart::parts(body::content_type(&headers), bytes)
        .await
        .map_err(ApiError::BadRequest)?;
    let file = file_part(parts)
        .map_err(ApiError::BadRequest)?
        .ok_or_else(|| {
            ApiError::BadRequest("the multipart body has no part named 'file'".to_owned())
        })?;
    let file_name = document.file_name();
    // A blank file is answered 200 `ERROR` below, as the service does; anything else
    // must pass the XML policy.
    let text = if file.trim_ascii().is_empty() {
        None
    } else {
        Some(xml_policy::accept_upload(file_name, &file)?)
    };
    let detail = emulator.commit(|store| {
        let record = lookup(store, &script)?;
        let Some(text) = &text else {
            let message = format!("{file_name} is empty: nothing was stored");
            return Ok((
                update_detail(&script, UpdateStatus::Error, file_name, message),
                None,
            ));
        };
        if record.document(document) == *text {
            let message = format!("{file_name} is unchanged");
            return Ok((
                update_detail(&script, UpdateStatus::Unchanged, file_name, message),
                None,
            ));
        }
        let mut updated = record.clone();
        updated.set_document(document, text.clone());
        let undo = store.replace(updated);
        let message = format!("{file_name} was updated");
        Ok((
            update_detail(&script, UpdateStatus::Updated, file_name, message),
            undo,
        ))
    })?;
    Ok(json_response(StatusCode::OK, &detail))
}

/// The locale of a translations route, or why it is not one.
type TranslationPath = Result<Path<(String, String)>, PathRejection>;

fn translation_path(path: TranslationPath) -> Result<(String, String), ApiError> {
    path.map(|Path(p)| p)
        .map_err(|e| ApiError::BadRequest(format!("invalid path: {e}")))
}

/// `GET /v2024/connectors/{scriptName}/translations/{locale}`: a locale with no
/// translations falls back to `en`; one outside the spec's list is a 400.
pub(crate) async fn get_translations(
    State(emulator): State<Arc<Emulator>>,
    path: TranslationPath,
) -> Result<Response, ApiError> {
    let (script, locale) = translation_path(path)?;
    query::locale(&locale)?;
    let store = emulator.read()?;
    let record = lookup(&store, &script)?;
    let mut translations = record.translations();
    let text = translations
        .remove(&locale)
        .or_else(|| translations.remove("en"))
        .unwrap_or_default();
    Ok(text_response("text/plain", text.into_owned()))
}

/// `PUT /v2024/connectors/{scriptName}/translations/{locale}`.
///
/// Leniency (deliberate, against the spec's "body required"): an empty body, with no or
/// any `Content-Type`, answers 200 `UNCHANGED` and keeps the stored translations, as
/// official clients send exactly that. A multipart body's `file` part (else its first
/// part) is stored.
pub(crate) async fn put_translations(
    State(emulator): State<Arc<Emulator>>,
    path: TranslationPath,
    headers: HeaderMap,
    request_body: Body,
) -> Result<Response, ApiError> {
    let (script, locale) = translation_path(path)?;
    query::locale(&locale)?;
    let bytes = body::read(&headers, request_body, emulator.max_body_bytes).await?;
    let text = if bytes.is_empty() {
        None
    } else {
        let parts = multipart::parts(body::content_type(&headers), bytes)
            .await
            .map_err(ApiError::BadRequest)?;
        let first = parts.first().map(|p| p.bytes.clone());
        match file_part(parts).map_err(ApiError::BadRequest)?.or(first) {
            Some(file) => Some(utf8(file)?),
            None => None,
        }
    };
    let file_name = format!("{locale}.properties");
    let detail = emulator.commit(|store| {
        let record = lookup(store, &script)?;
        let Some(text) = text else {
            let message = "no file was sent: the stored translations are kept".to_owned();
            return Ok((
                update_detail(&script, UpdateStatus::Unchanged, &file_name, message),
                None,
            ));
        };
        if record
            .translations()
            .get(&locale)
            .is_some_and(|t| *t == text)
        {
            let message = format!("{file_name} is unchanged");
            return Ok((
                update_detail(&script, UpdateStatus::Unchanged, &file_name, message),
                None,
            ));
        }
        let mut updated = record.clone();
        updated.translations.insert(locale.clone(), text);
        let undo = store.replace(updated);
        let message = format!("{file_name} was updated");
        Ok((
            update_detail(&script, UpdateStatus::Updated, &file_name, message),
            undo,
        ))
    })?;
    Ok(json_response(StatusCode::OK, &detail))
}
