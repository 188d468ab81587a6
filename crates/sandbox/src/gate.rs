//! The middleware every non-admin request passes: scripted fault rules, else random
//! fault injection, then rate limit, auth, then the handler; and the stats count of what
//! came out. Both APIs use it, each answering its refusals in its own error shape
//! ([`Refusals`]) from its own middleware (`isc::gate`, `c1`'s `gate`). What it learnt
//! (operation, client, fault) is left on the response for the journal.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{header, StatusCode};

use crate::emulator::Emulator;
use crate::fault_rules::{FaultAction, Hit, RuleInput};
use crate::faults::{Fault, Sabotage};
use crate::journal::GateNote;
use crate::json::json_response;

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

/// What the gate does with one request, whether a rule or the dice chose it.
enum Plan {
    /// Admit (rate limit, auth, handler), after this delay.
    Admit(Duration),
    /// Admit, then cut the body short.
    Truncate,
    /// Drop the connection.
    Reset,
    /// Answer this instead of handling the request.
    Answer(Response),
}

/// Fault rules or random faults, then rate limit and auth, then the handler; counts the
/// outcome.
pub(crate) async fn run<R: Refusals>(
    emulator: &Emulator,
    gated: Gated,
    request: Request,
    next: Next,
) -> Response {
    let operation = gated.operation.unwrap_or("unmatched");
    let client_id = emulator.auth.client_of(authorization(&request));
    let hit = emulator.fault_rules.decide(&RuleInput {
        operation,
        method: request.method().as_str(),
        path: request.uri().path(),
        client_id: client_id.as_deref(),
    });
    let (plan, fault) = match &hit {
        Some(hit) => (planned::<R>(hit), Some(hit.label())),
        None => {
            let fault = emulator.faults.as_ref().and_then(|f| f.roll());
            let latency = emulator
                .faults
                .as_ref()
                .map_or(Duration::ZERO, |f| f.latency());
            let plan = match fault {
                Some(Fault::Error) => Plan::Answer(R::unavailable()),
                Some(Fault::Reset) => Plan::Reset,
                Some(Fault::Truncate) => Plan::Truncate,
                None => Plan::Admit(Duration::ZERO),
            };
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            (plan, fault.map(|f| f.name().to_owned()))
        }
    };
    let mut response = match plan {
        Plan::Admit(delay) => {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            admit::<R>(emulator, gated, request, next).await
        }
        Plan::Truncate => {
            let mut response = admit::<R>(emulator, gated, request, next).await;
            response.extensions_mut().insert(Sabotage::Truncate);
            response
        }
        Plan::Reset => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(Sabotage::Reset);
            response
        }
        Plan::Answer(response) => response,
    };
    let reset = response.extensions().get::<Sabotage>() == Some(&Sabotage::Reset);
    let status = (!reset).then(|| response.status().as_u16());
    let stats_fault = match (&hit, &fault) {
        (Some(_), _) => Some("rule"),
        (None, Some(name)) => Some(name.as_str()),
        (None, None) => None,
    };
    emulator.stats.record(operation, status, stats_fault);
    response.extensions_mut().insert(GateNote {
        operation,
        client_id,
        fault,
    });
    response
}

/// What a fault rule's action makes of a request.
fn planned<R: Refusals>(hit: &Hit) -> Plan {
    match &hit.action {
        FaultAction::Status { status, body } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let body = body.clone().unwrap_or_else(|| {
                serde_json::json!({ "message": format!("injected by sandbox fault rule {}", hit.rule_id) })
            });
            Plan::Answer(json_response(status, &body))
        }
        FaultAction::Delay { ms } => Plan::Admit(Duration::from_millis(*ms)),
        FaultAction::Reset => Plan::Reset,
        FaultAction::Truncate => Plan::Truncate,
        FaultAction::RateLimit { retry_after_secs } => {
            Plan::Answer(R::rate_limited(Duration::from_secs(*retry_after_secs)))
        }
    }
}

fn authorization(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
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
        let authorization = authorization(&request);
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
