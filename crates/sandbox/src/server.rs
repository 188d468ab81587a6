//! Serving the router over HTTP/1.1 on a socket, with header names written in title
//! case (`X-Total-Count`, `Retry-After`, `Content-Type`) as the service writes them:
//! some official clients read headers case-sensitively.
//!
//! The server also carries out injected faults that only a socket can show: a reset
//! closes the connection without an answer; a truncation declares the full
//! `Content-Length` and sends half the body.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderValue};
use http_body::Frame;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::error::SandboxError;
use crate::faults::{InjectedFailure, Sabotage};

/// A running server. [`shutdown`](ServerHandle::shutdown) stops it gracefully (requests
/// in flight get up to 10 s to finish); dropping the handle stops it at once, closing
/// open connections.
#[derive(Debug)]
pub struct ServerHandle {
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The tenant root, e.g. `http://127.0.0.1:PORT`, without `/v2024`: the API lives
    /// under `{base_url}/v2024`, the token endpoint at `{base_url}/oauth/token`. A
    /// wildcard bind address is reported as the loopback address of its family.
    pub fn base_url(&self) -> String {
        let ip = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.local_addr.port()))
    }

    /// Stops accepting, lets requests in flight finish, and returns when every
    /// connection is closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds `addr` and serves `router` until the handle says stop.
pub(crate) async fn serve(router: Router, addr: SocketAddr) -> Result<ServerHandle, SandboxError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(accept_loop(listener, router, stopped));
    Ok(ServerHandle {
        local_addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// How long a graceful shutdown waits for requests in flight before closing anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

async fn accept_loop(listener: TcpListener, router: Router, mut stopped: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    // Owns every connection task: when this task is aborted (the handle was dropped),
    // dropping the set aborts them too.
    let mut connections = JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.title_case_headers(true).timer(TokioTimer::new());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a little, keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = &mut stopped => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            answer(router.clone(), request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        connections.spawn(async move {
            // A failed connection (client gone, injected reset) concerns only itself.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    connections.shutdown().await;
}

/// Answers one request, carrying out injected resets and truncations.
async fn answer(
    router: Router,
    request: http::Request<Incoming>,
) -> Result<Response, InjectedFailure> {
    let response = router
        .oneshot(request.map(Body::new))
        .await
        .unwrap_or_else(|never: Infallible| match never {});
    match response.extensions().get::<Sabotage>() {
        None => Ok(response),
        Some(Sabotage::Reset) => Err(InjectedFailure("connection reset before any response")),
        Some(Sabotage::Truncate) => {
            let (mut parts, body) = response.into_parts();
            let full = axum::body::to_bytes(body, usize::MAX)
                .await
                .map_err(|_| InjectedFailure("response body truncated"))?;
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            let half = full.slice(..full.len() / 2);
            Ok(Response::from_parts(parts, Body::new(Truncated::new(half))))
        }
    }
}

/// A body that yields its bytes, waits a moment (so the server flushes them), then
/// fails, so the connection is cut short.
struct Truncated {
    data: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl Truncated {
    fn new(data: Bytes) -> Self {
        Truncated {
            data: Some(data),
            pause: Box::pin(tokio::time::sleep(Duration::from_millis(20))),
        }
    }
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = InjectedFailure;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, InjectedFailure>>> {
        if let Some(bytes) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(InjectedFailure("response body truncated")))),
        }
    }
}
