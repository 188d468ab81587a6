//! The reqwest backend itself: exact bytes, pooled keep-alive connections, no redirects.

use bytes::Bytes;
use connkit_transport::{HttpBackend, Transport};
use http::Method;

use crate::server::{respond, serve};

#[tokio::test]
async fn sends_exact_bytes_and_returns_every_status_as_ok() {
    let server = serve(|seen, _| async move {
        let content_type = seen.header("content-type").unwrap_or("").to_owned();
        respond(418, &[("x-echo-type", &content_type)], seen.body)
    })
    .await;
    let backend = HttpBackend::new().unwrap();
    let body = Bytes::from_static(b"[{\"op\":\"replace\",\"path\":\"/x\",\"value\":1}]\n");
    let request = http::Request::builder()
        .method(Method::PATCH)
        .uri(server.api("/connectors/a%20b?locale=no"))
        .header("content-type", "application/json-patch+json")
        .header("x-custom", "1")
        .body(body.clone())
        .unwrap();
    let response = backend.send(request).await.unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(
        response.headers()["x-echo-type"],
        "application/json-patch+json"
    );
    assert_eq!(response.body(), &body);
    let seen = &server.seen()[0];
    assert_eq!(seen.method, Method::PATCH);
    assert_eq!(seen.path, "/v2024/connectors/a%20b");
    assert_eq!(seen.body, body);
    assert_eq!(seen.header("x-custom"), Some("1"));
    assert!(seen.header("user-agent").unwrap().starts_with("connkit/"));
}

#[tokio::test]
async fn reuses_one_keep_alive_connection_for_sequential_requests() {
    let server = serve(|_, _| async { respond(200, &[], "ok") }).await;
    let backend = HttpBackend::new().unwrap();
    for _ in 0..5 {
        let request = crate::server::request(Method::GET, &server.api("/connectors"));
        assert_eq!(backend.send(request).await.unwrap().status(), 200);
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 5);
    assert!(seen.iter().all(|s| s.peer == seen[0].peer), "{seen:?}");
}

#[tokio::test]
async fn does_not_follow_redirects() {
    let server = serve(|seen, _| async move {
        if seen.path == "/v2024/elsewhere" {
            respond(200, &[], "followed")
        } else {
            respond(302, &[("location", "/v2024/elsewhere")], "")
        }
    })
    .await;
    let request = crate::server::request(Method::GET, &server.api("/connectors"));
    let response = HttpBackend::new().unwrap().send(request).await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_request_without_scheme_or_host_is_invalid_not_a_panic() {
    let backend = HttpBackend::new().unwrap();
    let err = backend
        .send(crate::server::request(Method::GET, "/v2024/connectors"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            connkit_transport::TransportError::InvalidRequest { .. }
        ),
        "{err:?}"
    );
}
