//! Small real HTTP servers on 127.0.0.1 for the tests: an axum server that records
//! every arrival and answers through a closure, and raw TCP servers that misbehave.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use connkit_transport::{BaseUrl, HttpBackend, TransportStack, TransportStackBuilder};
use http::{HeaderMap, Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    /// The client's address: one per TCP connection.
    pub peer: SocketAddr,
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<binary>")
    }
}

/// A running axum server.
pub struct TestServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    pub fn base(&self) -> BaseUrl {
        BaseUrl::parse(&format!("http://{}", self.addr)).unwrap()
    }

    /// `http://127.0.0.1:port/v2024{path}`
    pub fn api(&self, path: &str) -> String {
        format!("http://{}/v2024{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    pub fn seen_at(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

/// A stack over reqwest whose rate limiters keep what they learn in this process.
///
/// Test servers listen on ports that the OS hands out again, and a 429 or a long
/// `Retry-After` taught to one server must not hold back a later test whose server
/// gets the same port; by default the state would outlive the test in the user's
/// cache directory.
pub fn stack_builder() -> TransportStackBuilder {
    TransportStack::builder(HttpBackend::new().unwrap()).rate_limit_state_dir(None)
}

/// Serves `handler(request, index of this request among all arrivals)`.
pub async fn serve<F, Fut>(handler: F) -> TestServer
where
    F: Fn(Seen, usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let counter = Arc::new(AtomicUsize::new(0));
    let app_log = Arc::clone(&log);
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let handler = handler.clone();
        let log = Arc::clone(&app_log);
        let counter = Arc::clone(&counter);
        async move {
            let at = Instant::now();
            let (parts, body) = request.into_parts();
            let peer = parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|info| info.0)
                .expect("served with connect info");
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let seen = Seen {
                at,
                peer,
                method: parts.method,
                path: parts.uri.path().to_owned(),
                headers: parts.headers,
                body,
            };
            log.lock().unwrap().push(seen.clone());
            let index = counter.fetch_add(1, Ordering::SeqCst);
            handler(seen, index).await
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).await.unwrap();
    });
    TestServer { addr, log }
}

/// A response with a status, headers and a body.
pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Body>) -> Response {
    let mut builder = Response::builder().status(StatusCode::from_u16(status).unwrap());
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> Response {
    respond(
        status,
        &[("content-type", "application/json")],
        body.to_owned(),
    )
}

/// A port on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// What a raw TCP server does with a connection once it has read the request.
#[derive(Debug, Clone, Copy)]
pub enum Raw {
    /// Reset it (RST, not FIN).
    Reset,
    /// Never answer.
    Hang,
    /// Answer `200 ok` and close.
    Ok,
}

/// A raw TCP server: `behaviour(connection index)` decides what each connection gets.
/// Returns the address and a count of accepted connections.
pub async fn raw_server(behaviour: fn(usize) -> Raw) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let index = count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                match behaviour(index) {
                    Raw::Reset => {
                        // RST instead of FIN: the client sees "connection reset".
                        let _ = stream.set_zero_linger();
                        drop(stream);
                    }
                    Raw::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                    Raw::Ok => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                            .await;
                    }
                }
            });
        }
    });
    (addr, accepted)
}

/// An empty-bodied request.
pub fn request(method: Method, uri: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .body(Bytes::new())
        .unwrap()
}

/// Every message of an error's `source()` chain, joined with ": ".
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
