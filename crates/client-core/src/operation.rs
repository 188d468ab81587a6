//! [`Operation`]: the sans-IO shape every operation of every API client has — typed
//! input to an `http::Request<Bytes>`, an `http::Response<Bytes>` to typed output or
//! the API's error — and never any I/O. Each client runs it the same way: build the
//! request, check [`preflight_body`](Operation::preflight_body), send, decode.

use bytes::Bytes;
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;

/// One API operation, without I/O.
///
/// `connkit-connectors` implements it for each ISC operation by hand (multipart,
/// verbatim XML and text, pre-flight bodies, creates looked up by name);
/// `connkit-c1` derives it from a route description (method, path, query, JSON body).
pub trait Operation {
    /// What a successful response decodes to.
    type Output;

    /// The API's error.
    type Error;

    /// The spec's `operationId`, e.g. `getConnector`.
    fn operation_id(&self) -> &'static str;

    /// The body pre-flight validators must see before `request` (built by
    /// [`build_request`](Operation::build_request)) may leave, if any: the JSON body of
    /// a create or update, the uploaded file of a PUT. `None` by default.
    fn preflight_body<'a>(
        &'a self,
        request: &'a http::Request<Bytes>,
    ) -> Option<(BodyKind, &'a [u8])> {
        let _ = request;
        None
    }

    /// For a create: the name the new resource gets, so that a create whose outcome is
    /// unknown can be looked up by it. `None` (the default) for every other operation.
    fn created_name(&self) -> Option<String> {
        None
    }

    /// Builds the request against the tenant `base`.
    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>, Self::Error>;

    /// Decodes the response: a success into [`Self::Output`], anything else into the
    /// API's error.
    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output, Self::Error>;
}
