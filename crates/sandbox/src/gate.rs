//! The middleware every non-admin request passes: fault injection, rate limit, auth,
//! then the handler; and the stats count of what came out.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header;

use crate::api_error::ApiError;
use crate::emulator::Emulator;
use crate::faults::{Fault, Sabotage};
use crate::operation::{classify, Target};

/// The middleware.
pub(crate) async fn gate(
    State(emulator): State<Arc<Emulator>>,
    request: Request,
    next: Next,
) -> Response {
    let operation = match classify(request.method(), request.uri().path()) {
        Target::Admin => return next.run(request).await,
        Target::Api(id) => Some(id),
        Target::Unmatched => None,
    };
    let fault = emulator.faults.as_ref().and_then(|f| f.roll());
    if let Some(latency) = emulator.faults.as_ref().map(|f| f.latency()) {
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    let mut response = match fault {
        Some(Fault::Error) => ApiError::Unavailable.into_response(),
        Some(Fault::Reset) => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(Sabotage::Reset);
            response
        }
        Some(Fault::Truncate) | None => admit(&emulator, operation, request, next).await,
    };
    if fault == Some(Fault::Truncate) {
        response.extensions_mut().insert(Sabotage::Truncate);
    }
    let status = (fault != Some(Fault::Reset)).then(|| response.status().as_u16());
    emulator.stats.record(
        operation.unwrap_or("unmatched"),
        status,
        fault.map(Fault::name),
    );
    response
}

/// Rate limit and auth for the API's routes, then the handler.
async fn admit(
    emulator: &Emulator,
    operation: Option<&str>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(operation) = operation {
        let now = Instant::now();
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if let Some(windows) = &emulator.rate_limit {
            let client = match emulator.auth.client_of(authorization) {
                Some(client_id) => format!("client:{client_id}"),
                None => format!("header:{}", authorization.unwrap_or("")),
            };
            if let Err(wait) = windows.check(&client, now) {
                return ApiError::RateLimited(wait).into_response();
            }
        }
        if operation != "oauthToken" {
            if let Err(text) = emulator.auth.check(authorization, now) {
                return ApiError::Unauthorized(text).into_response();
            }
        }
    }
    next.run(request).await
}
