//! JSON response helper: every JSON answer goes out with `Content-Type: application/json`.

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

/// Serializes `value` as the body of a `status` answer.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    // Serializing our own model types cannot fail (string keys, no non-finite floats).
    json_bytes_response(status, serde_json::to_vec(value).unwrap_or_default())
}

/// A `status` answer whose body is JSON already serialized (a list page spliced from
/// cached items).
pub(crate) fn json_bytes_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
