//! Drives two identical sandboxes, one in-process (the `Transport` impl) and one over
//! real HTTP on 127.0.0.1 (the reqwest `HttpBackend`), asserts that they answer the
//! same, and validates every answer against the spec.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use connkit_sandbox::{AuthMode, Sandbox, SandboxBuilder, ServerHandle};
use connkit_transport::{HttpBackend, Transport};
use http::{HeaderMap, Method};
use serde_json::Value;

use crate::spec::Spec;

/// The spec, loaded once.
pub fn spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(Spec::load).as_ref()
}

/// The ConductorOne spec, loaded once.
pub fn c1_spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(Spec::load_c1).as_ref()
}

/// One multipart part: name, filename, content type, bytes.
pub type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A request to send to both sandboxes.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Req {
    pub fn new(method: Method, path: impl Into<String>) -> Req {
        Req {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }
    pub fn get(path: impl Into<String>) -> Req {
        Req::new(Method::GET, path)
    }
    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn body(mut self, body: impl Into<Bytes>) -> Req {
        self.body = body.into();
        self
    }
    pub fn json(self, value: Value) -> Req {
        self.header("Content-Type", "application/json")
            .body(serde_json::to_vec(&value).unwrap())
    }
    /// A multipart/form-data body: `(name, filename, content type, bytes)` per part.
    pub fn multipart(self, parts: &[Part<'_>]) -> Req {
        let boundary = "connkit-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, filename, content_type, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
            if let Some(filename) = filename {
                disposition.push_str(&format!("; filename=\"{filename}\""));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(ct) = content_type {
                body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
    }

    fn to_http(&self, base: &str) -> http::Request<Bytes> {
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(format!("{base}{}", self.path));
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder
            .body(self.body.clone())
            .expect("test requests are valid")
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a text body")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The first error message of an `ErrorResponseDto` body.
    pub fn error_text(&self) -> String {
        self.json()["messages"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("not an ErrorResponseDto: {}", self.text()))
            .to_owned()
    }
    fn from_response(response: http::Response<Bytes>) -> Answer {
        let (parts, body) = response.into_parts();
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        }
    }
}

/// Checks an answer against the spec (and the error shape where the spec has no entry).
pub fn check_spec(method: &Method, path: &str, answer: &Answer) {
    let path = path.split('?').next().unwrap_or_default();
    let spec = if path.starts_with("/api/v1/") {
        c1_spec()
    } else {
        spec()
    };
    let Some(spec) = spec else { return };
    let content_type = answer.header("content-type");
    let checked = spec
        .check(
            method.as_str(),
            path,
            answer.status,
            content_type,
            &answer.body,
        )
        .unwrap_or_else(|e| {
            panic!(
                "{method} {path}: {e}\nbody: {}",
                String::from_utf8_lossy(&answer.body)
            )
        });
    if checked.is_none() && path.starts_with("/v2024") && answer.status >= 400 {
        // 404 for unknown routes, 405, 413, 503: not in the spec's table for the
        // route, but the body must still be an ErrorResponseDto.
        spec.check_component("ErrorResponseDto", &answer.json())
            .unwrap_or_else(|e| panic!("{method} {path} {}: {e}", answer.status));
        assert!(answer.json()["trackingId"]
            .as_str()
            .is_some_and(|t| t.len() == 32));
    }
}

/// Removes what legitimately differs between two sandboxes: fresh ids and tokens.
fn normalized(answer: &Answer) -> Value {
    let mut value = match serde_json::from_slice::<Value>(&answer.body) {
        Ok(v) => v,
        Err(_) => return Value::String(String::from_utf8_lossy(&answer.body).into_owned()),
    };
    if let Some(object) = value.as_object_mut() {
        for field in ["trackingId", "access_token"] {
            if object.remove(field).is_some() {
                object.insert(field.to_owned(), Value::from("<fresh>"));
            }
        }
    }
    value
}

/// Two sandboxes built alike: one answered in-process, one over HTTP.
pub struct Pair {
    pub local: Sandbox,
    pub remote: Sandbox,
    pub server: ServerHandle,
    http: Arc<HttpBackend>,
}

/// The shared HTTP client.
pub fn http_backend() -> Arc<HttpBackend> {
    static BACKEND: OnceLock<Arc<HttpBackend>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            Arc::new(
                HttpBackend::builder()
                    .system_proxy(false)
                    .build()
                    .expect("the reqwest backend builds"),
            )
        })
        .clone()
}

/// Sends `req` to one in-process sandbox only (checked against the spec).
pub async fn send_local(sandbox: &Sandbox, req: Req) -> Answer {
    let answer = Answer::from_response(
        sandbox
            .send(req.to_http("http://sandbox.invalid"))
            .await
            .unwrap_or_else(|e| panic!("in-process {} {}: {e}", req.method, req.path)),
    );
    check_spec(&req.method, &req.path, &answer);
    answer
}

/// Sends `req` over HTTP to the pair's served sandbox only (checked against the spec).
pub async fn send_remote(pair: &Pair, req: Req) -> Answer {
    let answer = Answer::from_response(
        pair.http
            .send(req.to_http(&pair.server.base_url()))
            .await
            .unwrap_or_else(|e| panic!("HTTP {} {}: {e:?}", req.method, req.path)),
    );
    check_spec(&req.method, &req.path, &answer);
    answer
}

impl Pair {
    pub async fn new(builder: impl Fn() -> SandboxBuilder) -> Pair {
        let local = builder().build().expect("sandbox builds");
        let remote = builder().build().expect("sandbox builds");
        let server = remote
            .serve("127.0.0.1:0".parse().unwrap())
            .await
            .expect("serves on 127.0.0.1");
        Pair {
            local,
            remote,
            server,
            http: http_backend(),
        }
    }

    pub async fn seeded(n: usize) -> Pair {
        Pair::new(|| Sandbox::builder().seed(n)).await
    }

    /// Seeded with `n` connectors, every API request needing an issued token.
    pub async fn authed(n: usize) -> Pair {
        Pair::new(|| {
            Sandbox::builder()
                .seed(n)
                .require_auth(AuthMode::AnyIssuedToken)
        })
        .await
    }

    /// Sends `req` to both sandboxes, asserts the same answer, checks it against the
    /// spec, and returns the HTTP one.
    pub async fn send(&self, req: Req) -> Answer {
        let local = send_local(&self.local, req.clone()).await;
        let remote = send_remote(self, req.clone()).await;
        let what = format!("{} {}", req.method, req.path);
        assert_eq!(local.status, remote.status, "{what}: status differs");
        for header in ["content-type", "x-total-count"] {
            assert_eq!(
                local.header(header),
                remote.header(header),
                "{what}: {header} differs"
            );
        }
        assert_eq!(
            local.header("retry-after").is_some(),
            remote.header("retry-after").is_some(),
            "{what}: Retry-After differs"
        );
        assert_eq!(
            normalized(&local),
            normalized(&remote),
            "{what}: body differs"
        );
        remote
    }
}
