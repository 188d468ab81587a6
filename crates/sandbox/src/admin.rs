//! `/__sandbox/stats`: what clients sent. Admin routes are neither gated nor counted.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::StatusCode;

use crate::api_error::method_not_allowed;
use crate::emulator::Emulator;
use crate::json::json_response;

/// The admin routes, outside every API's gate.
pub(crate) fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/__sandbox/stats", get(stats).delete(reset_stats))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(emulator)
}

/// `GET /__sandbox/stats`.
async fn stats(State(emulator): State<Arc<Emulator>>) -> Response {
    json_response(StatusCode::OK, &emulator.stats.snapshot())
}

/// `DELETE /__sandbox/stats`: 204.
async fn reset_stats(State(emulator): State<Arc<Emulator>>) -> Response {
    emulator.stats.reset();
    StatusCode::NO_CONTENT.into_response()
}
