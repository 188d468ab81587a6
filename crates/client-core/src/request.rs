//! [`RequestSpec`]: what every request of every API client is made of, and the one
//! place an `http::Request` is assembled from it.

use bytes::Bytes;
use connkit_transport::BaseUrl;
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use http::Method;

use crate::encode::Query;

/// A request that cannot be made as given (an empty id, a path that is not a URI, a
/// limit out of range); nothing was sent. Each API crate turns it into its own
/// "invalid input" error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidRequest {
    message: String,
}

impl InvalidRequest {
    /// An invalid request, saying what is wrong.
    pub fn new(message: impl Into<String>) -> Self {
        InvalidRequest {
            message: message.into(),
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Method, path, query, `Accept` and body of one request, before it is joined onto a
/// tenant's base URL and the API's prefix.
///
/// ```
/// use connkit_client::{PathBuilder, RequestSpec};
/// use connkit_transport::BaseUrl;
/// use http::Method;
///
/// let base = BaseUrl::parse("https://acme.example").unwrap();
/// let mut spec = RequestSpec::new(Method::GET, PathBuilder::new("/connectors").done(), "application/json");
/// spec.query.push("limit", "5");
/// let request = spec.build(&base, "/v2024")?;
/// assert_eq!(request.uri(), "https://acme.example/v2024/connectors?limit=5");
/// assert_eq!(request.headers()["accept"], "application/json");
/// # Ok::<(), connkit_client::InvalidRequest>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// The HTTP method.
    pub method: Method,
    /// The already-encoded path below the API root, starting with `/`.
    pub path: String,
    /// The query.
    pub query: Query,
    /// The `Accept` header.
    pub accept: &'static str,
    /// `(content type, body)`; `None` sends an empty body and no `Content-Type`.
    pub body: Option<(String, Bytes)>,
}

impl RequestSpec {
    /// A request with no body and no query.
    pub fn new(method: Method, path: String, accept: &'static str) -> Self {
        RequestSpec {
            method,
            path,
            query: Query::default(),
            accept,
            body: None,
        }
    }

    /// Sets the body and its content type.
    pub fn body(mut self, content_type: impl Into<String>, body: Bytes) -> Self {
        self.body = Some((content_type.into(), body));
        self
    }

    /// Sets a JSON body.
    pub fn json(self, body: Bytes) -> Self {
        self.body("application/json", body)
    }

    /// Assembles the request: `{base root}{prefix}{path}{query}`, e.g. ISC's prefix
    /// `/v2024`, ConductorOne's `/api/v1`.
    pub fn build(
        self,
        base: &BaseUrl,
        prefix: &str,
    ) -> Result<http::Request<Bytes>, InvalidRequest> {
        if !self.path.starts_with('/') {
            return Err(InvalidRequest::new(format!(
                "operation path {:?} must start with '/'",
                self.path
            )));
        }
        let uri = format!(
            "{}{prefix}{}{}",
            base.root(),
            self.path,
            self.query.as_str()
        );
        let uri: http::Uri = uri
            .parse()
            .map_err(|e| InvalidRequest::new(format!("request URI {uri:?}: {e}")))?;
        let mut builder = http::Request::builder()
            .method(self.method)
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static(self.accept));
        let body = match self.body {
            Some((content_type, body)) => {
                builder = builder.header(CONTENT_TYPE, content_type);
                body
            }
            None => Bytes::new(),
        };
        builder
            .body(body)
            .map_err(|e| InvalidRequest::new(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("http://127.0.0.1:1").unwrap()
    }

    #[test]
    fn a_body_brings_its_content_type_and_a_bad_path_is_refused() {
        let request = RequestSpec::new(Method::POST, "/x".into(), "application/json")
            .json(Bytes::from_static(b"{}"))
            .build(&base(), "/api/v1")
            .unwrap();
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(&request.body()[..], b"{}");
        let err = RequestSpec::new(Method::GET, "x".into(), "*/*")
            .build(&base(), "")
            .unwrap_err();
        assert_eq!(err.message(), "operation path \"x\" must start with '/'");
    }
}
