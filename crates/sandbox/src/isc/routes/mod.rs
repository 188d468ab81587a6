//! The ISC router: all 13 operations under `/v2024`, the token endpoint, and JSON
//! errors for unknown routes (404, also for paths no other router of the sandbox
//! claims) and methods (405).

mod body;

/// The whole request body, or 413 beyond `limit` (also for ConductorOne's token
/// endpoint).
pub(crate) use body::read as read_body;
mod connectors;
mod documents;
mod query;
mod token;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{middleware, Router};
use http::{HeaderMap, Method, Uri};

use crate::api_error::{method_not_allowed, ApiError};
use crate::emulator::Emulator;
use crate::isc::gate::gate;
use crate::isc::store::{Document, Record, Store};

/// The `{scriptName}` of a route, or why it could not be read.
pub(crate) type ScriptPath = Result<Path<String>, PathRejection>;

/// The script name, or a 400 when the path segment is not valid (e.g. not UTF-8).
pub(crate) fn script_name(path: ScriptPath) -> Result<String, ApiError> {
    path.map(|Path(s)| s)
        .map_err(|e| ApiError::BadRequest(format!("invalid scriptName in the path: {e}")))
}

/// The connector with this script name, or a 404.
pub(crate) fn lookup<'a>(store: &'a Store, script: &str) -> Result<&'a Record, ApiError> {
    store
        .get(script)
        .ok_or_else(|| ApiError::connector_not_found(script))
}

type Shared = State<Arc<Emulator>>;

/// The GET and PUT routes of one XML document.
fn document_routes(document: Document) -> axum::routing::MethodRouter<Arc<Emulator>> {
    get(move |State(e): Shared, path: ScriptPath| documents::get_document(e, path, document)).put(
        move |State(e): Shared, path: ScriptPath, headers: HeaderMap, body: Body| {
            documents::put_document(e, path, headers, body, document)
        },
    )
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {method} {}", uri.path()))
}

/// The ISC router.
pub(crate) fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route(
            "/v2024/connectors",
            get(connectors::list).post(connectors::create),
        )
        .route(
            "/v2024/connectors/{script_name}",
            get(connectors::get_one)
                .delete(connectors::delete)
                .patch(connectors::update),
        )
        .route(
            "/v2024/connectors/{script_name}/source-config",
            document_routes(Document::SourceConfig),
        )
        .route(
            "/v2024/connectors/{script_name}/source-template",
            document_routes(Document::SourceTemplate),
        )
        .route(
            "/v2024/connectors/{script_name}/correlation-config",
            document_routes(Document::CorrelationConfig),
        )
        .route(
            "/v2024/connectors/{script_name}/translations/{locale}",
            get(documents::get_translations).put(documents::put_translations),
        )
        .route("/oauth/token", post(token::token))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(emulator.clone(), gate))
        .with_state(emulator)
}
