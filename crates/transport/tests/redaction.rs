//! No secret in any log line or formatted error; the per-request span is there.
//!
//! A binary of its own: the capturing subscriber is the global default, so no other
//! test thread can race its callsite registration.

// Shared with the `http` test binary, which uses the rest of it.
#[allow(dead_code)]
#[path = "http/server.rs"]
mod server;

use std::io::Write;
use std::sync::{Arc, Mutex};

use connkit_transport::{
    Auth, AuthLayer, ClientCredentials, ConfigSources, ExplicitConfig, HttpBackend, Secret,
    SettingNames, Transport, TransportError, TransportStack,
};
use http::Method;

use connkit_transport::RetryPolicy;
use server::{json, request, serve};

const SECRET: &str = "sekret/CLIENT 9f3";
const SECRET_FORM: &str = "sekret%2FCLIENT+9f3";
const TOKEN: &str = "tok-SENSITIVE-41";
const STATIC_TOKEN: &str = "static-SENSITIVE-77";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, SECRET_FORM, TOKEN, STATIC_TOKEN] {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

/// Display, Debug and every source in the chain.
fn everything_about(err: &TransportError) -> String {
    let mut out = format!("{err}\n{err:?}\n");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    out
}

#[tokio::test]
async fn secrets_never_reach_logs_or_errors() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    // A tenant whose token endpoint accepts SECRET and whose API wants TOKEN; any other
    // token request is refused with a body that echoes the form (secret included).
    let server = serve(|seen, _| async move {
        if seen.path == "/oauth/token" {
            if seen
                .body_str()
                .ends_with(&format!("client_secret={SECRET_FORM}"))
            {
                json(
                    200,
                    &format!(
                        r#"{{"access_token":"{TOKEN}","token_type":"bearer","expires_in":600}}"#
                    ),
                )
            } else {
                json(
                    400,
                    &format!(
                        r#"{{"error":"invalid_client","echo":"{}"}}"#,
                        seen.body_str()
                    ),
                )
            }
        } else if seen.header("authorization") == Some(&format!("Bearer {TOKEN}")) {
            json(200, "[]")
        } else {
            json(401, r#"{"error":"unauthorized"}"#)
        }
    })
    .await;
    let base = server.base();
    let auth = Auth::client_credentials(&base, "client-id", SECRET).unwrap();
    let ok = TransportStack::builder(HttpBackend::new().unwrap())
        .rate_limit_state_dir(None)
        .auth(auth.clone())
        .retry(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();
    let response = ok
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // The endpoint refuses and echoes the secret it was sent (form-encoded).
    let echoing = TransportStack::builder(HttpBackend::new().unwrap())
        .rate_limit_state_dir(None)
        .auth(Auth::client_credentials(&base, "client-id", format!("{SECRET}x")).unwrap())
        .build()
        .unwrap();
    let err = echoing
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap_err();
    assert!(err.is_auth());
    let formatted = everything_about(&err);
    let expected = r#"the token endpoint answered 400 Bad Request: {"error":"invalid_client""#;
    assert!(server::chain(&err).contains(expected), "{formatted}");
    assert!(formatted.contains("[redacted]"), "{formatted}");
    assert_clean("the token endpoint error", &formatted);

    // A static token that the API refuses.
    let static_stack = TransportStack::builder(HttpBackend::new().unwrap())
        .rate_limit_state_dir(None)
        .auth(Auth::bearer(STATIC_TOKEN).unwrap())
        .build()
        .unwrap();
    let response = static_stack
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // Debug of everything that holds a secret.
    let settings = ClientCredentials::new(&base, "client-id", SECRET).unwrap();
    // The wrapped transport does not matter for Debug.
    let layer = AuthLayer::new((), Auth::bearer(STATIC_TOKEN).unwrap()).unwrap();
    let config = ConfigSources::new(SettingNames::new("isc", "A", "B", "C"))
        .env(|_| None)
        .no_config_file()
        .explicit(ExplicitConfig {
            base_url: Some(format!("http://{}", server.addr)),
            client_id: Some("client-id".into()),
            client_secret: Some(Secret::new(SECRET)),
        });
    let resolved = config.resolve().unwrap();
    let debugs = format!(
        "{auth:?} {settings:?} {layer:?} {:?} {config:?} {resolved:?} {}",
        Auth::bearer(STATIC_TOKEN).unwrap(),
        Secret::new(TOKEN)
    );
    assert_clean("Debug output", &debugs);

    // The logs: one span per attempt with method, path, attempt, status and latency.
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_clean("the logs", &logs);
    for needle in [
        "http_request{method=POST",
        "path=/oauth/token",
        "method=GET",
        "path=/v2024/connectors",
        "attempt=1",
        "status=200",
        "status=401",
        "latency_ms=",
    ] {
        assert!(logs.contains(needle), "the logs lack {needle:?}:\n{logs}");
    }
}
