//! `POST /oauth/token`: the client-credentials grant, its parameters form-encoded,
//! multipart or in the query string. Any non-empty client id and secret are accepted.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, StatusCode, Uri};
use serde::Serialize;

use super::body;
use crate::api_error::ApiError;
use crate::emulator::Emulator;
use crate::isc::multipart;
use crate::json::json_response;

#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
    scope: &'static str,
}

#[derive(Serialize)]
struct OAuthError {
    error: &'static str,
    error_description: String,
}

fn oauth_error(
    status: StatusCode,
    error: &'static str,
    description: impl Into<String>,
) -> Response {
    json_response(
        status,
        &OAuthError {
            error,
            error_description: description.into(),
        },
    )
}

/// The handler.
pub(crate) async fn token(
    State(emulator): State<Arc<Emulator>>,
    uri: Uri,
    headers: HeaderMap,
    request_body: Body,
) -> Result<Response, ApiError> {
    let bytes = body::read(&headers, request_body, emulator.max_body_bytes).await?;
    let mut params: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let content_type = body::content_type(&headers);
    if multipart::is_multipart(content_type) {
        // A malformed body is an OAuth error like any other from this endpoint.
        let parts = match multipart::parts(content_type, bytes).await {
            Ok(parts) => parts,
            Err(message) => {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    message,
                ))
            }
        };
        for part in parts {
            if let (Some(name), Ok(value)) = (part.name, String::from_utf8(part.bytes.to_vec())) {
                params.push((name, value));
            }
        }
    } else {
        params.extend(form_urlencoded::parse(&bytes).into_owned());
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    match param("grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type '{other}' is not supported; use client_credentials"),
            ))
        }
        None => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing; use grant_type=client_credentials",
            ))
        }
    }
    let (Some(client_id), Some(_)) = (param("client_id"), param("client_secret")) else {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id and client_secret are required",
        ));
    };
    let issued = emulator.auth.issue(&client_id, Instant::now());
    Ok(json_response(
        StatusCode::OK,
        &TokenResponse {
            access_token: &issued.access_token,
            token_type: "bearer",
            expires_in: issued.expires_in,
            scope: "sp:scopes:all",
        },
    ))
}
