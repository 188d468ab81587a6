//! Test doubles (feature `test-util`): [`ReplayTransport`] answers queued responses,
//! [`Recorder`] wraps any transport; both record every request they are given so tests
//! can assert the exact bytes sent, or that nothing was sent. [`RedisServer`] runs a
//! real `redis-server` for the tests of state shared across machines.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};

use crate::{Transport, TransportError};

mod redis_server;
pub use redis_server::RedisServer;

/// One request as it was handed to a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The full URI.
    pub uri: Uri,
    /// Every header (a token is a sensitive value: its `Debug` shows `Sensitive`).
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl RecordedRequest {
    fn of(request: &http::Request<Bytes>) -> Self {
        RecordedRequest {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        }
    }

    /// A header's value, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as UTF-8, if it is.
    pub fn body_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// The shared list of recorded requests.
#[derive(Debug, Clone, Default)]
struct Log(Arc<Mutex<Vec<RecordedRequest>>>);

impl Log {
    fn lock(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        // A panicking test thread must not hide what was recorded.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Wraps a transport and records each request before passing it on. Clones share the
/// record.
#[derive(Debug, Clone)]
pub struct Recorder<T> {
    inner: T,
    log: Log,
}

impl<T> Recorder<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Recorder {
            inner,
            log: Log::default(),
        }
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().clone()
    }

    /// How many requests were sent.
    pub fn len(&self) -> usize {
        self.log.lock().len()
    }

    /// `true` if nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.log.lock().is_empty()
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Recorder<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.log.lock().push(RecordedRequest::of(&request));
        self.inner.send(request).await
    }

    fn is_in_process(&self) -> bool {
        self.inner.is_in_process()
    }
}

/// What a transport answers.
type Outcome = Result<http::Response<Bytes>, TransportError>;

/// Answers each request with the next queued outcome (response or error), in order, and
/// records the request. With nothing queued it answers
/// [`TransportError::InvalidRequest`] naming the request. Clones share the queue and
/// the record.
#[derive(Debug, Clone, Default)]
pub struct ReplayTransport {
    queue: Arc<Mutex<VecDeque<Outcome>>>,
    log: Log,
}

impl ReplayTransport {
    /// An empty replay transport.
    pub fn new() -> Self {
        ReplayTransport::default()
    }

    fn queue(&self) -> MutexGuard<'_, VecDeque<Outcome>> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a whole response.
    pub fn push_response(&self, response: http::Response<Bytes>) -> &Self {
        self.queue().push_back(Ok(response));
        self
    }

    /// Queues a response with this status, headers and body.
    pub fn push(
        &self,
        status: StatusCode,
        headers: &[(&'static str, &str)],
        body: impl Into<Bytes>,
    ) -> Result<&Self, http::Error> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        Ok(self.push_response(builder.body(body.into())?))
    }

    /// Queues a JSON response (`Content-Type: application/json`).
    pub fn push_json(&self, status: StatusCode, json: &str) -> &Self {
        let mut response = http::Response::new(Bytes::copy_from_slice(json.as_bytes()));
        *response.status_mut() = status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        self.push_response(response)
    }

    /// Queues an error.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.queue().push_back(Err(error));
        self
    }

    /// How many queued outcomes are left.
    pub fn remaining(&self) -> usize {
        self.queue().len()
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().clone()
    }

    /// `true` if no request was sent.
    pub fn nothing_sent(&self) -> bool {
        self.log.lock().is_empty()
    }
}

#[async_trait::async_trait]
impl Transport for ReplayTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.log.lock().push(RecordedRequest::of(&request));
        let next = self.queue().pop_front();
        next.unwrap_or_else(|| {
            Err(TransportError::InvalidRequest {
                message: format!(
                    "ReplayTransport has no queued response left for {} {}",
                    request.method(),
                    request.uri()
                ),
            })
        })
    }

    /// Nothing leaves the process.
    fn is_in_process(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> http::Request<Bytes> {
        http::Request::get(path).body(Bytes::new()).unwrap()
    }

    #[tokio::test]
    async fn replay_answers_in_order_records_and_runs_dry() {
        let replay = ReplayTransport::new();
        replay
            .push(StatusCode::CREATED, &[("x-a", "1")], "one")
            .unwrap()
            .push_json(StatusCode::OK, "{}")
            .push_error(TransportError::InvalidRequest {
                message: "boom".into(),
            });
        assert!(replay.nothing_sent());
        let first = replay.send(get("http://127.0.0.1/a")).await.unwrap();
        assert_eq!(
            (first.status(), first.body().as_ref()),
            (StatusCode::CREATED, &b"one"[..])
        );
        assert_eq!(first.headers()["x-a"], "1");
        let second = replay.send(get("http://127.0.0.1/b")).await.unwrap();
        assert_eq!(second.headers()["content-type"], "application/json");
        assert!(replay.send(get("http://127.0.0.1/c")).await.is_err());
        assert_eq!(replay.remaining(), 0);
        let err = replay.send(get("http://127.0.0.1/d")).await.unwrap_err();
        assert!(err.to_string().contains("GET http://127.0.0.1/d"), "{err}");
        let paths: Vec<_> = replay
            .requests()
            .iter()
            .map(|r| r.uri.path().to_owned())
            .collect();
        assert_eq!(paths, ["/a", "/b", "/c", "/d"]);
    }

    #[tokio::test]
    async fn recorder_keeps_exact_requests_and_shares_between_clones() {
        let replay = ReplayTransport::new();
        replay.push_json(StatusCode::OK, "[]");
        let recorder = Recorder::new(replay);
        let clone = recorder.clone();
        assert!(recorder.is_empty());
        let request = http::Request::put("http://127.0.0.1/x?y=1")
            .header("content-type", "text/plain")
            .body(Bytes::from_static(b"hello"))
            .unwrap();
        clone.send(request).await.unwrap();
        let seen = recorder.requests();
        assert_eq!(recorder.len(), 1);
        assert_eq!(seen[0].method, Method::PUT);
        assert_eq!(seen[0].uri.to_string(), "http://127.0.0.1/x?y=1");
        assert_eq!(seen[0].header("content-type"), Some("text/plain"));
        assert_eq!(seen[0].body_str(), Some("hello"));
    }
}
