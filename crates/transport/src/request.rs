//! Request extensions the layers read (`Idempotency`, `Deadline`, `Attempt`) and
//! copying a request so it can be sent again.

use std::time::Instant;

use bytes::Bytes;
use http::Method;

/// Overrides whether the [`Retry`](crate::Retry) layer may resend a request after a 5xx
/// or a connection failure. Insert it as a request extension:
///
/// ```
/// use bytes::Bytes;
/// use connkit_transport::Idempotency;
///
/// let mut request = http::Request::post("https://t.example/v2024/x")
///     .body(Bytes::new())
///     .unwrap();
/// request.extensions_mut().insert(Idempotency::Idempotent);
/// ```
///
/// Without it, GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent and POST and
/// PATCH are not (RFC 9110 §9.2.2). A 429 is retried whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Safe to send more than once (e.g. a POST carrying an idempotency key).
    Idempotent,
    /// Must not be sent twice, even if the method is idempotent.
    NonIdempotent,
}

impl Idempotency {
    /// The idempotency of `request`: its extension if present, else its method's.
    pub fn of<B>(request: &http::Request<B>) -> Idempotency {
        if let Some(marked) = request.extensions().get::<Idempotency>() {
            return *marked;
        }
        match *request.method() {
            Method::GET
            | Method::HEAD
            | Method::PUT
            | Method::DELETE
            | Method::OPTIONS
            | Method::TRACE => Idempotency::Idempotent,
            _ => Idempotency::NonIdempotent,
        }
    }
}

/// The instant by which the whole operation must be done. The operation
/// [`Timeout`](crate::Timeout) sets it; a caller may set it too. The
/// [`Retry`](crate::Retry) layer does not start a backoff that would end after it, and
/// the [`RateLimit`](crate::RateLimit) layer does not wait for a slot that opens after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Deadline(pub Instant);

/// Which attempt this is (1 for the first), set by the [`Retry`](crate::Retry) layer and
/// recorded in the request's `tracing` span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attempt(pub u32);

/// Copies a request (method, URI, version, headers, body, extensions) so it can be sent
/// again. The body is reference-counted, so this does not copy its bytes.
pub fn clone_request(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    copy
}

/// The instant of the request's [`Deadline`], if it has one.
pub(crate) fn deadline_of<B>(request: &http::Request<B>) -> Option<Instant> {
    request.extensions().get::<Deadline>().map(|d| d.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method) -> http::Request<Bytes> {
        http::Request::builder()
            .method(method)
            .uri("http://127.0.0.1/x")
            .body(Bytes::new())
            .unwrap()
    }

    #[test]
    fn idempotency_follows_the_method_unless_marked() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert_eq!(Idempotency::of(&req(m)), Idempotency::Idempotent);
        }
        for m in [Method::POST, Method::PATCH] {
            assert_eq!(Idempotency::of(&req(m)), Idempotency::NonIdempotent);
        }
        let mut post = req(Method::POST);
        post.extensions_mut().insert(Idempotency::Idempotent);
        assert_eq!(Idempotency::of(&post), Idempotency::Idempotent);
        let mut get = req(Method::GET);
        get.extensions_mut().insert(Idempotency::NonIdempotent);
        assert_eq!(Idempotency::of(&get), Idempotency::NonIdempotent);
    }

    #[test]
    fn clone_keeps_everything() {
        let mut r = http::Request::builder()
            .method(Method::PATCH)
            .uri("http://127.0.0.1/x?y=1")
            .header("x-a", "1")
            .body(Bytes::from_static(b"body"))
            .unwrap();
        r.extensions_mut().insert(Attempt(3));
        let c = clone_request(&r);
        assert_eq!(c.method(), Method::PATCH);
        assert_eq!(c.uri(), r.uri());
        assert_eq!(c.headers(), r.headers());
        assert_eq!(c.body(), r.body());
        assert_eq!(c.extensions().get::<Attempt>(), Some(&Attempt(3)));
    }
}
