//! The middleware every non-admin request passes: fault injection, rate limit, auth,
//! then the handler; and the stats count of what came out. Both APIs use it, each
//! answering its refusals in its own error shape ([`Refusals`]) from its own middleware
//! (`isc::gate`, `c1`'s `gate`).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header;

use crate::emulator::Emulator;
use crate::faults::{Fault, Sabotage};

/// How an API words the gate's refusals.
pub(crate) trait Refusals {
    /// An injected 503.
    fn unavailable() -> Response;
    /// A 429 with `Retry-After: wait`.
    fn rate_limited(wait: Duration) -> Response;
    /// A 401 saying why.
    fn unauthorized(text: String) -> Response;
}

/// What the gate needs to know of a request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gated {
    /// The operation (stats key); `None` for an unmatched route, which is counted as
    /// `unmatched` and neither rate limited nor authenticated.
    pub(crate) operation: Option<&'static str>,
    /// A token endpoint: rate limited, never authenticated.
    pub(crate) token_endpoint: bool,
}

/// Faults, then rate limit and auth, then the handler; counts the outcome.
pub(crate) async fn run<R: Refusals>(
    emulator: &Emulator,
    gated: Gated,
    request: Request,
    next: Next,
) -> Response {
    let fault = emulator.faults.as_ref().and_then(|f| f.roll());
    if let Some(latency) = emulator.faults.as_ref().map(|f| f.latency()) {
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    let mut response = match fault {
        Some(Fault::Error) => R::unavailable(),
        Some(Fault::Reset) => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(Sabotage::Reset);
            response
        }
        Some(Fault::Truncate) | None => admit::<R>(emulator, gated, request, next).await,
    };
    if fault == Some(Fault::Truncate) {
        response.extensions_mut().insert(Sabotage::Truncate);
    }
    let status = (fault != Some(Fault::Reset)).then(|| response.status().as_u16());
    emulator.stats.record(
        gated.operation.unwrap_or("unmatched"),
        status,
        fault.map(Fault::name),
    );
    response
}

/// Rate limit and auth for the API's routes, then the handler.
async fn admit<R: Refusals>(
    emulator: &Emulator,
    gated: Gated,
    request: Request,
    next: Next,
) -> Response {
    if gated.operation.is_some() {
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
                return R::rate_limited(wait);
            }
        }
        if !gated.token_endpoint {
            if let Err(text) = emulator.auth.check(authorization, now) {
                return R::unauthorized(text);
            }
        }
    }
    next.run(request).await
}
