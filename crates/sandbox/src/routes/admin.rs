//! `/__sandbox/stats`: what clients sent.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::emulator::Emulator;
use crate::json::json_response;

/// `GET /__sandbox/stats`.
pub(crate) async fn stats(State(emulator): State<Arc<Emulator>>) -> Response {
    json_response(StatusCode::OK, &emulator.stats.snapshot())
}

/// `DELETE /__sandbox/stats`: 204.
pub(crate) async fn reset_stats(State(emulator): State<Arc<Emulator>>) -> Response {
    emulator.stats.reset();
    StatusCode::NO_CONTENT.into_response()
}
