//! Error answers as ConductorOne sends them: a `google.rpc.Status` body, the HTTP
//! status mapped from its gRPC code, and the request id in `c1-trace-id` and at the
//! end of the message.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use connkit_models::c1::{RpcCode, RpcStatus};
use http::{header, HeaderValue, StatusCode};

use crate::api_error::ApiError;
use crate::json::json_response;

/// The header that carries the request id.
pub(crate) const TRACE_ID: &str = "c1-trace-id";

/// A ConductorOne error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct C1Error {
    pub(crate) code: RpcCode,
    pub(crate) message: String,
    /// Set on `ResourceExhausted`: the `Retry-After` to send.
    pub(crate) retry_after: Option<Duration>,
    /// The HTTP status when it is not the one `code` maps to (413 for a body the
    /// sandbox will not read, as the front proxy answers).
    pub(crate) http_status: Option<StatusCode>,
}

impl C1Error {
    pub(crate) fn new(code: RpcCode, message: impl Into<String>) -> Self {
        C1Error {
            code,
            message: message.into(),
            retry_after: None,
            http_status: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        C1Error::new(RpcCode::InvalidArgument, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        C1Error::new(RpcCode::NotFound, message)
    }

    /// A request body that could not be read: 413 when it is too large, else 400.
    pub(crate) fn unreadable_body(error: ApiError) -> Self {
        match error {
            ApiError::PayloadTooLarge(limit) => C1Error {
                http_status: Some(StatusCode::PAYLOAD_TOO_LARGE),
                ..C1Error::new(
                    RpcCode::ResourceExhausted,
                    format!("the request body is larger than the sandbox accepts ({limit} bytes)"),
                )
            },
            other => C1Error::invalid(format!("the request body could not be read: {other:?}")),
        }
    }
}

/// A fresh request id.
pub(crate) fn request_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// Adds `c1-trace-id` to an answer.
pub(crate) fn with_trace_id(mut response: Response, id: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(TRACE_ID, value);
    }
    response
}

impl IntoResponse for C1Error {
    fn into_response(self) -> Response {
        let id = request_id();
        let status = self.http_status.unwrap_or_else(|| {
            StatusCode::from_u16(self.code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        });
        let body = RpcStatus {
            details: Some(Vec::new()),
            ..RpcStatus::new(self.code, format!("{} (request-id: {id})", self.message))
        };
        let mut response = with_trace_id(json_response(status, &body), &id);
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
