//! Reading request bodies (with the size limit) and checking their content types.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use http::{header, HeaderMap};

use crate::api_error::ApiError;

/// The request's `Content-Type`, if it is readable text.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// The media type without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Accepts a JSON body: no `Content-Type`, or one of `accepted` (parameters such as
/// `charset` ignored).
pub(crate) fn require_content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), ApiError> {
    match content_type(headers) {
        None => Ok(()),
        Some(ct) if accepted.contains(&essence(ct).as_str()) => Ok(()),
        Some(ct) => Err(ApiError::BadRequest(format!(
            "unsupported Content-Type '{ct}': send {}",
            accepted.join(" or ")
        ))),
    }
}

/// The whole body, or 413 when it is larger than `limit`.
pub(crate) async fn read(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let mut stream = body.into_data_stream();
    let mut buffer = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::BadRequest(format!("the request body could not be read: {e}"))
        })?;
        if buffer.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}
