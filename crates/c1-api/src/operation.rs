//! The sans-IO [`Operation`] trait: typed input to `http::Request`, `http::Response` to
//! typed output, with no I/O. Every operation shares one request and one response
//! pipeline (the provided methods); an operation only says what differs.

use bytes::Bytes;
use connkit_client::{DecodeFailure, RequestSpec};
use connkit_models::decode::from_json;
use connkit_transport::BaseUrl;
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
        let mut spec = RequestSpec::new(self.method(), self.path()?, "application/json");
        for (name, value) in self.query() {
            spec.query.push(name, value);
        }
        if let Some(body) = self.body()? {
            spec = spec.json(body);
        }
        Ok(spec.build(&format!("{}{API_PREFIX}", base.root()))?)
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
        let status = response.status();
        from_json(&body)
            .map_err(|source| Error::Decode(DecodeFailure::new(operation, status, body, source)))
    }
}

/// A JSON body for `value`.
pub(crate) fn json_body(value: &impl serde::Serialize) -> Result<Option<Bytes>> {
    serde_json::to_vec(value)
        .map(|v| Some(Bytes::from(v)))
        .map_err(|e| Error::invalid_input(format!("the request body does not serialize: {e}")))
}
