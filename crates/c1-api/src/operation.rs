//! The sans-IO [`Operation`] trait: typed input to `http::Request`, `http::Response` to
//! typed output, with no I/O. Every operation shares one request and one response
//! pipeline (the provided methods); an operation only says what differs.

use bytes::Bytes;
use connkit_models::decode::from_json;
use connkit_transport::BaseUrl;
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use http::Method;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, ServiceError};

/// Where every ConnectorService path starts, below the tenant root.
pub const API_PREFIX: &str = "/api/v1";

/// One ConnectorService operation, without I/O.
///
/// ```
/// use connkit_c1::ops::GetConnector;
/// use connkit_c1::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.conductor.one").unwrap();
/// let request = GetConnector::new("app 1", "c/2").build_request(&base).unwrap();
/// assert_eq!(request.uri(), "https://acme.conductor.one/api/v1/apps/app%201/connectors/c%2F2");
///
/// // An empty id would hit the list route (the API redirects a trailing slash there).
/// assert!(GetConnector::new("app", "").build_request(&base).is_err());
/// ```
pub trait Operation {
    /// What a success decodes to.
    type Output: DeserializeOwned;

    /// The spec's `operationId` without its `c1.api.app.v1.ConnectorService.` prefix.
    fn operation_id(&self) -> &'static str;

    /// The HTTP method.
    fn method(&self) -> Method;

    /// The percent-encoded path below [`API_PREFIX`], starting with `/`.
    fn path(&self) -> Result<String>;

    /// The query pairs (names as the API spells them: snake_case).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The JSON body; `None` for a GET. Bodiless POSTs send `{}`.
    fn body(&self) -> Result<Option<Bytes>> {
        Ok(None)
    }

    /// Builds the request against `base` (its root; any `/v2024` is ISC's and ignored).
    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let mut uri = format!("{}{API_PREFIX}{}", base.root(), self.path()?);
        let query = self.query();
        if !query.is_empty() {
            let mut pairs = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &query {
                pairs.append_pair(name, value);
            }
            uri.push('?');
            uri.push_str(&pairs.finish());
        }
        let mut builder = http::Request::builder()
            .method(self.method())
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        let body = match self.body()? {
            Some(body) => {
                builder =
                    builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                body
            }
            None => Bytes::new(),
        };
        builder
            .body(body)
            .map_err(|e| Error::invalid_input(format!("{}: {e}", self.operation_id())))
    }

    /// Decodes the answer: 200 into [`Self::Output`], anything else into
    /// [`Error::Service`]. An empty 200 body reads as `{}`.
    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let operation = self.operation_id();
        if !response.status().is_success() {
            return Err(Error::Service(Box::new(ServiceError::from_response(
                operation, &response,
            ))));
        }
        let body = if response.body().is_empty() {
            Bytes::from_static(b"{}")
        } else {
            response.body().clone()
        };
        from_json(&body).map_err(|source| Error::Decode {
            operation,
            status: response.status(),
            body,
            source: Box::new(source),
        })
    }
}

/// A JSON body for `value`.
pub(crate) fn json_body(value: &impl serde::Serialize) -> Result<Option<Bytes>> {
    serde_json::to_vec(value)
        .map(|v| Some(Bytes::from(v)))
        .map_err(|e| Error::invalid_input(format!("the request body does not serialize: {e}")))
}

/// Builds a path from literal parts and ids: each id must be non-empty (an empty one
/// would change which route answers) and is percent-encoded as one segment.
pub(crate) struct PathBuilder(String);

impl PathBuilder {
    pub(crate) fn new(literal: &str) -> Self {
        PathBuilder(literal.to_owned())
    }

    /// Appends `/literal`.
    pub(crate) fn lit(mut self, literal: &str) -> Self {
        self.0.push('/');
        self.0.push_str(literal);
        self
    }

    /// Appends `/{id}`, refusing an empty id and naming it.
    pub(crate) fn id(mut self, what: &str, id: &str) -> Result<Self> {
        if id.trim().is_empty() {
            return Err(Error::invalid_input(format!("the {what} is empty")));
        }
        self.0.push('/');
        for b in id.bytes() {
            // Unreserved bytes stay, except `.`: an id of `.` or `..` must not become
            // a dot segment that URL normalisation removes.
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
                self.0.push(char::from(b));
            } else {
                self.0.push_str(&format!("%{b:02X}"));
            }
        }
        Ok(self)
    }

    pub(crate) fn done(self) -> Result<String> {
        Ok(self.0)
    }
}
