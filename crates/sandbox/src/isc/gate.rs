//! The ISC side of the shared [gate](crate::gate): the middleware of the ISC router,
//! which names each request's `operationId` and answers refusals in ISC's shapes.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;
use crate::emulator::Emulator;
use crate::gate::{run, Gated, Refusals};
use crate::isc::operation::{classify, Target};

/// ISC's shapes.
struct Isc;

impl Refusals for Isc {
    fn unavailable() -> Response {
        ApiError::Unavailable.into_response()
    }
    fn rate_limited(wait: Duration) -> Response {
        ApiError::RateLimited(wait).into_response()
    }
    fn unauthorized(text: String) -> Response {
        ApiError::Unauthorized(text).into_response()
    }
}

/// The ISC middleware.
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
    let gated = Gated {
        operation,
        token_endpoint: operation == Some("oauthToken"),
    };
    run::<Isc>(&emulator, gated, request, next).await
}
