//! Error answers in ISC's shapes, which are also the sandbox's default (admin routes,
//! paths no API claims, the state database's failures), shaped exactly as the ISC spec
//! shapes them: `ErrorResponseDto` with a
//! fresh `trackingId` (400/403/404/405/413/500/503), `{error}` (401), and `{message}`
//! with `Retry-After` (429).

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use connkit_models::isc::v2024::{
    ErrorMessageDto, ErrorResponseDto, LocaleOrigin, RateLimitError, UnauthorizedError,
};
use http::{header, HeaderValue, Method, StatusCode, Uri};

use crate::json::json_response;

/// An error answer of the emulated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 400: the request is malformed; the text says how.
    BadRequest(String),
    /// 401: no or a bad bearer token.
    Unauthorized(String),
    /// 403: the request is understood and refused (e.g. deleting a built-in
    /// connector).
    Forbidden(String),
    /// 404: no such connector or route.
    NotFound(String),
    /// 405: the route exists, the method does not.
    MethodNotAllowed(String),
    /// 413: the body is larger than the sandbox accepts.
    PayloadTooLarge(usize),
    /// 429: rate limited; retry after this long.
    RateLimited(Duration),
    /// 500: the sandbox itself failed (e.g. the state file could not be written).
    Internal(String),
    /// 503: an injected fault.
    Unavailable,
}

impl ApiError {
    /// A 404 for a connector that does not exist.
    pub(crate) fn connector_not_found(script_name: &str) -> Self {
        ApiError::NotFound(format!("connector '{script_name}' was not found"))
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn detail_code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "400.1 Bad Request Content",
            ApiError::Forbidden(_) => "403 Forbidden",
            ApiError::NotFound(_) => "404 Not found",
            ApiError::MethodNotAllowed(_) => "405 Method Not Allowed",
            ApiError::PayloadTooLarge(_) => "413 Payload Too Large",
            ApiError::Internal(_) => "500.0 Internal Fault",
            ApiError::Unavailable => "503 Service Unavailable",
            ApiError::Unauthorized(_) | ApiError::RateLimited(_) => "",
        }
    }
}

/// The 405 answer of a route whose method does not exist (ISC's routes and the admin
/// routes).
pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}

/// A fresh 32-hex-digit tracking id, as the service writes them.
fn tracking_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

fn error_response_dto(detail_code: &str, text: String) -> ErrorResponseDto {
    ErrorResponseDto {
        detail_code: Some(detail_code.to_owned()),
        tracking_id: Some(tracking_id()),
        messages: Some(vec![ErrorMessageDto {
            locale: Some("en-US".to_owned()),
            locale_origin: Some(LocaleOrigin::Default),
            text: Some(text),
        }]),
        causes: Some(Vec::new()),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail_code = self.detail_code();
        match self {
            ApiError::Unauthorized(error) => {
                json_response(status, &UnauthorizedError { error: Some(error) })
            }
            ApiError::RateLimited(wait) => {
                let mut response = json_response(
                    status,
                    &RateLimitError {
                        message: Some(" Rate Limit Exceeded ".to_owned()),
                    },
                );
                // Whole seconds, rounded up: a client that waits this long is admitted.
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
                response
            }
            ApiError::BadRequest(text)
            | ApiError::Forbidden(text)
            | ApiError::NotFound(text)
            | ApiError::MethodNotAllowed(text)
            | ApiError::Internal(text) => {
                json_response(status, &error_response_dto(detail_code, text))
            }
            ApiError::PayloadTooLarge(limit) => json_response(
                status,
                &error_response_dto(
                    detail_code,
                    format!("the request body is larger than the sandbox accepts ({limit} bytes)"),
                ),
            ),
            ApiError::Unavailable => json_response(
                status,
                &error_response_dto(
                    detail_code,
                    "the service is temporarily unavailable (injected fault)".to_owned(),
                ),
            ),
        }
    }
}
