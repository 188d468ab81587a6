//! ConductorOne's operations as [`Route`]s: each says only its name, method, path,
//! query and JSON body; one request pipeline ([`build`]) and one response pipeline
//! ([`parse`]) serve them all, and [`c1_operations!`] makes each route the shared sans-IO
//! [`Operation`] with this crate's [`Error`].

use bytes::Bytes;
use connkit_client::{decode_answer, RequestSpec};
use connkit_transport::BaseUrl;
use http::Method;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, ServiceError};
use crate::ops::CreatedConnector;

/// Where every ConnectorService path starts, below the tenant root.
pub const API_PREFIX: &str = "/api/v1";

/// One ConnectorService operation, without I/O: the shared
/// [`connkit_client::Operation`], whose error here is this crate's [`Error`]. Every
/// operation of [`ops`](crate::ops) implements it through its [`Route`].
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
pub use connkit_client::Operation;

/// What a ConnectorService operation says about itself; everything else is shared.
pub trait Route {
    /// What a success decodes to.
    type Output: DeserializeOwned;

    /// The spec's `operationId` without its `c1.api.app.v1.ConnectorService.` prefix.
    fn name(&self) -> &'static str;

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

    /// For a create: what identifies the connector it makes, carried on the request as
    /// an `http` extension, so that a create whose answer is lost can be looked for
    /// ([`Reconciliation`](crate::Reconciliation)). `None` (the default) for every other
    /// operation.
    fn created(&self) -> Option<CreatedConnector> {
        None
    }
}

/// Builds `route`'s request against `base` (its root; any `/v2024` is ISC's and ignored).
pub(crate) fn build<R: Route + ?Sized>(route: &R, base: &BaseUrl) -> Result<http::Request<Bytes>> {
    let mut spec = RequestSpec::new(route.method(), route.path()?, "application/json");
    for (name, value) in route.query() {
        spec.query.push(name, value);
    }
    if let Some(body) = route.body()? {
        spec = spec.json(body);
    }
    let mut request = spec.build(base, API_PREFIX)?;
    if let Some(created) = route.created() {
        request.extensions_mut().insert(created);
    }
    Ok(request)
}

/// Decodes the answer to `route`: 200 into its output, anything else into
/// [`Error::Service`]. An empty 200 body reads as `{}`. Decoding is lenient (see
/// [`decode_answer`]): a member in an unexpected shape is repaired and noted.
pub(crate) fn parse<R: Route + ?Sized>(
    route: &R,
    response: http::Response<Bytes>,
) -> Result<R::Output> {
    let operation = route.name();
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
    decode_answer(operation, response.status(), body)
        .map(|decoded| decoded.value)
        .map_err(Error::Decode)
}

/// Implements the shared [`Operation`] for each listed [`Route`], with [`build`] and
/// [`parse`] (Rust's orphan rule rules out one blanket impl).
macro_rules! c1_operations {
    ($($route:ty),* $(,)?) => {$(
        impl $crate::operation::Operation for $route {
            type Output = <$route as $crate::operation::Route>::Output;
            type Error = $crate::error::Error;

            fn operation_id(&self) -> &'static str {
                $crate::operation::Route::name(self)
            }

            fn build_request(
                &self,
                base: &connkit_transport::BaseUrl,
            ) -> $crate::error::Result<http::Request<bytes::Bytes>> {
                $crate::operation::build(self, base)
            }

            fn parse_response(
                &self,
                response: http::Response<bytes::Bytes>,
            ) -> $crate::error::Result<Self::Output> {
                $crate::operation::parse(self, response)
            }
        }
    )*};
}
pub(crate) use c1_operations;

/// A JSON body for `value`.
pub(crate) fn json_body(value: &impl serde::Serialize) -> Result<Option<Bytes>> {
    serde_json::to_vec(value)
        .map(|v| Some(Bytes::from(v)))
        .map_err(|e| Error::invalid_input(format!("the request body does not serialize: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::GetConnector;

    #[test]
    fn members_in_odd_shapes_are_repaired_not_fatal() {
        let body = br#"{"connectorView":{"connector":{"id":"c","displayName":7,"userIds":{"a":1},"parallelSyncWorkerCount":"4"}}}"#;
        let response = http::Response::new(Bytes::from_static(body));
        let answer = parse(&GetConnector::new("app", "c"), response).unwrap();
        let connector = answer.connector_view.unwrap().connector.unwrap();
        assert_eq!(connector.id.as_deref(), Some("c"));
        assert_eq!(connector.display_name.as_deref(), Some("7"));
        assert_eq!(connector.user_ids, None);
        assert_eq!(
            connector.parallel_sync_worker_count.map(|n| n.get()),
            Some(4)
        );

        let not_json = http::Response::new(Bytes::from_static(b"<html>"));
        let err = parse(&GetConnector::new("app", "c"), not_json).unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
    }
}
