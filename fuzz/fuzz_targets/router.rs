//! The sandbox's router, in-process: up to four requests with any method, path, query,
//! headers and body against a fresh sandbox of five seeded connectors.
//!
//! The input is text shaped like HTTP/1.1 requests, separated by a line `%%`:
//!
//! ```text
//! METHOD TARGET
//! Header: value
//!
//! body
//! ```
//!
//! A first line `#auth` makes the sandbox require tokens from its `/oauth/token`.
//! Bytes a URI cannot hold are percent-encoded; a request whose method or URI `http`
//! refuses is skipped (a server never routes those), and so is a header it refuses.
//!
//! Properties: no panic and never a 500; every error (but to `HEAD`) answers JSON shaped
//! as its API's spec says. ConductorOne's routes (`/api/v1/…`, `/auth/v1/token`) answer
//! a `google.rpc.Status` (`{code, message, details}`) with a `c1-trace-id`. ISC and
//! everything else answer `{error}` for 401 and for a 400 from `/oauth/token` as
//! OAuth 2.0 has it, `{message}` and `Retry-After` for 429, an `ErrorResponseDto`
//! otherwise. Afterwards the list with `count=true` still answers `200` with an array
//! whose length agrees with `X-Total-Count`.
#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use connkit_sandbox::{AuthMode, Sandbox};
use connkit_transport::Transport;
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use libfuzzer_sys::fuzz_target;

#[path = "sections.rs"]
mod sections;
use serde_json::Value;

const MAX_REQUESTS: usize = 4;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a Tokio runtime")
});

fuzz_target!(|data: &[u8]| {
    let (auth, data) = match data.strip_prefix(b"#auth\n") {
        Some(rest) => (AuthMode::AnyIssuedToken, rest),
        None => (AuthMode::Off, data),
    };
    let checks_list = auth == AuthMode::Off;
    let sandbox = Sandbox::builder()
        .seed(5)
        .require_auth(auth)
        .max_body_bytes(64 * 1024)
        .build()
        .expect("an in-memory sandbox builds");
    RUNTIME.block_on(async {
        for text in sections::split(data, b"\n%%\n").take(MAX_REQUESTS) {
            if let Some(request) = request(text) {
                let path = request.uri().path();
                let asked = Asked {
                    head: request.method() == Method::HEAD,
                    token_endpoint: path == "/oauth/token",
                    conductor_one: path.starts_with("/api/v1/") || path == "/auth/v1/token",
                };
                let response = sandbox
                    .send(request)
                    .await
                    .expect("no faults, no transport error");
                assert_well_formed(&response, asked);
            }
        }
        let list = Request::get("/v2024/connectors?count=true")
            .body(Bytes::new())
            .expect("a valid request");
        let response = sandbox.send(list).await.expect("no transport error");
        if checks_list {
            assert_list_consistent(&response);
        }
    });
});

/// The request that `text` describes, if `http` can represent it.
fn request(text: &[u8]) -> Option<Request<Bytes>> {
    let (head, body) = match text.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&text[..at], &text[at + 2..]),
        None => (text, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n');
    let start = lines.next()?;
    let space = start.iter().position(|b| *b == b' ').unwrap_or(start.len());
    let method = Method::from_bytes(&start[..space]).ok()?;
    let target = percent_encode(start.get(space + 1..).unwrap_or_default());
    let mut builder = Request::builder().method(method).uri(target);
    for line in lines {
        let colon = line.iter().position(|b| *b == b':').unwrap_or(line.len());
        let name = HeaderName::from_bytes(&line[..colon]);
        let value = HeaderValue::from_bytes(line.get(colon + 1..).unwrap_or_default().trim_ascii());
        if let (Ok(name), Ok(value)) = (name, value) {
            builder = builder.header(name, value);
        }
    }
    builder.body(Bytes::copy_from_slice(body)).ok()
}

/// `target` with every byte that a request target cannot hold percent-encoded (`%`
/// itself is kept, so malformed escapes reach the router).
fn percent_encode(target: &[u8]) -> String {
    const KEPT: &[u8] = b"-._~!$&'()*+,;=:@/?%";
    let mut out = String::with_capacity(target.len());
    for &b in target {
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

fn json_body(response: &Response<Bytes>) -> Value {
    let content_type = response.headers().get(http::header::CONTENT_TYPE);
    assert!(
        content_type.is_some_and(|ct| ct.as_bytes().starts_with(b"application/json")),
        "{} with Content-Type {content_type:?}",
        response.status()
    );
    serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("{} with a body that is not JSON: {e}", response.status()))
}

/// What the answer depends on besides its status.
#[derive(Clone, Copy)]
struct Asked {
    /// A `HEAD` request: the answer has headers only.
    head: bool,
    /// `/oauth/token`, whose refusals are OAuth 2.0 errors.
    token_endpoint: bool,
    /// A ConductorOne route, whose errors are `google.rpc.Status`.
    conductor_one: bool,
}

fn assert_well_formed(response: &Response<Bytes>, asked: Asked) {
    let status = response.status();
    assert_ne!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{:?}",
        response.body()
    );
    if !(status.is_client_error() || status.is_server_error()) || asked.head {
        return;
    }
    let body = json_body(response);
    if asked.conductor_one {
        assert!(body["code"].is_u64(), "{status}: {body}");
        assert!(body["message"].is_string(), "{status}: {body}");
        assert!(body["details"].is_array(), "{status}: {body}");
        assert!(response.headers().contains_key("c1-trace-id"), "{status}");
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key(http::header::RETRY_AFTER));
        }
        return;
    }
    match status {
        StatusCode::UNAUTHORIZED => assert!(body["error"].is_string(), "{body}"),
        // RFC 6749 §5.2: `{"error": "invalid_request", "error_description": …}`.
        StatusCode::BAD_REQUEST if asked.token_endpoint => {
            assert!(body["error"].is_string(), "{body}")
        }
        StatusCode::TOO_MANY_REQUESTS => {
            assert!(body["message"].is_string(), "{body}");
            assert!(response.headers().contains_key(http::header::RETRY_AFTER));
        }
        _ => {
            assert!(body["detailCode"].is_string(), "{status}: {body}");
            assert!(body["trackingId"].is_string(), "{status}: {body}");
            assert!(body["messages"].is_array(), "{status}: {body}");
        }
    }
}

fn assert_list_consistent(response: &Response<Bytes>) {
    assert_eq!(response.status(), StatusCode::OK, "{:?}", response.body());
    let total: usize = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("X-Total-Count is a number");
    let page = json_body(response);
    let shown = page.as_array().expect("the list is an array").len();
    assert_eq!(
        shown,
        total.min(250),
        "X-Total-Count {total}, {shown} shown"
    );
}
