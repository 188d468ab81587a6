//! The dashboard at `/__sandbox/`: one page of vanilla HTML, CSS and JavaScript
//! embedded in the binary, reading the admin routes. No build step and no framework: it
//! needs nothing but `fetch` and `EventSource`, and nothing to install keeps the
//! sandbox a single self-contained binary. Its `Content-Security-Policy` allows this
//! origin only, so the page cannot reach any other host.

use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue};

/// Allows this origin only: no script, style, image or connection elsewhere.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; base-uri 'none'; \
                      form-action 'none'; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /__sandbox/`: the page.
pub(crate) async fn page() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("dashboard/index.html"),
    )
}

/// `GET /__sandbox/dashboard.js`.
pub(crate) async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("dashboard/dashboard.js"),
    )
}

/// `GET /__sandbox/dashboard.css`.
pub(crate) async fn style() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("dashboard/dashboard.css"),
    )
}

/// `GET /__sandbox`: to the page.
pub(crate) async fn to_page() -> Redirect {
    Redirect::permanent("/__sandbox/")
}
