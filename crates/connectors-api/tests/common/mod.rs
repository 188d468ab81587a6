//! The two ways every integration test reaches the sandbox: in-process (the sandbox is
//! the transport) and over real HTTP on 127.0.0.1 (the reqwest backend under the
//! standard stack). Both record every request as it leaves.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::Arc;
use std::time::Duration;

use connkit_connectors::Client;
use connkit_sandbox::{Sandbox, ServerHandle};
use connkit_transport::test_util::{RecordedRequest, Recorder};
use connkit_transport::{HttpBackend, RetryPolicy, Transport};

/// How the client reaches the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The sandbox is the transport.
    InProcess,
    /// reqwest over 127.0.0.1 under the full transport stack.
    Http,
}

pub const MODES: [Mode; 2] = [Mode::InProcess, Mode::Http];

/// A sandbox, a client of it, and the record of what the client sent.
pub struct Harness {
    pub mode: Mode,
    pub sandbox: Sandbox,
    pub client: Client,
    pub recorder: Recorder<Arc<dyn Transport>>,
    server: Option<ServerHandle>,
}

/// Retries fast enough for tests.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(12)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(4))
}

impl Harness {
    /// A sandbox seeded with `seed` connectors, reached in `mode`.
    pub async fn new(mode: Mode, seed: usize) -> Harness {
        let sandbox = Sandbox::builder().seed(seed).build().expect("sandbox");
        Harness::with_sandbox(mode, sandbox, |b| b).await
    }

    /// `sandbox` reached in `mode`; `configure` may adjust the client builder.
    pub async fn with_sandbox(
        mode: Mode,
        sandbox: Sandbox,
        configure: impl FnOnce(connkit_connectors::ClientBuilder) -> connkit_connectors::ClientBuilder,
    ) -> Harness {
        let (base_url, wire, server): (String, Arc<dyn Transport>, _) = match mode {
            Mode::InProcess => (
                "http://127.0.0.1:9".to_owned(),
                Arc::new(sandbox.clone()),
                None,
            ),
            Mode::Http => {
                let server = sandbox
                    .serve("127.0.0.1:0".parse().expect("address"))
                    .await
                    .expect("serve");
                (
                    server.base_url(),
                    Arc::new(HttpBackend::new().expect("reqwest backend")),
                    Some(server),
                )
            }
        };
        let recorder = Recorder::new(wire);
        let builder = Client::builder()
            .base_url(base_url)
            .backend_with_stack(Arc::new(recorder.clone()))
            .configure_stack(|s| s.retry(fast_retries()).no_rate_limit());
        let client = configure(builder).build().expect("client");
        Harness {
            mode,
            sandbox,
            client,
            recorder,
            server,
        }
    }

    /// Every request sent so far.
    pub fn sent(&self) -> Vec<RecordedRequest> {
        self.recorder.requests()
    }

    /// The last request sent.
    pub fn last(&self) -> RecordedRequest {
        self.sent().pop().expect("a request was sent")
    }

    /// Over HTTP: the sandbox's own `GET /__sandbox/stats` (in-process: its stats).
    pub async fn stats(&self) -> connkit_sandbox::Stats {
        match &self.server {
            None => self.sandbox.stats(),
            Some(server) => {
                let backend = HttpBackend::new().expect("backend");
                let request = http::Request::get(format!("{}/__sandbox/stats", server.base_url()))
                    .body(bytes::Bytes::new())
                    .expect("request");
                let response = backend.send(request).await.expect("stats");
                serde_json::from_slice(response.body()).expect("stats JSON")
            }
        }
    }
}

/// `path?query` of a recorded request.
pub fn path_and_query(request: &RecordedRequest) -> String {
    request
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default()
}
