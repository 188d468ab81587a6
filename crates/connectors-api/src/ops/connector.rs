//! The connector resource itself: `createCustomConnector`, `getConnector`,
//! `deleteCustomConnector`.

use bytes::Bytes;
use connkit_models::isc::v2024::{ConnectorDetail, Locale, V3ConnectorDto, V3CreateConnectorDto};
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use connkit_client::RequestSpec;

use crate::operation::{connector_path, decode_json, expect_success, BuildOn, Operation};

/// `POST /connectors`: creates a custom connector; answers **200** with the
/// `V3ConnectorDto`. The JSON body goes through pre-flight as
/// [`BodyKind::CreateConnector`].
///
/// ```
/// use connkit_connectors::ops::CreateConnector;
/// use connkit_connectors::Operation;
/// use connkit_models::isc::v2024::V3CreateConnectorDto;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = CreateConnector::new(&V3CreateConnectorDto::new(
///     "My connector",
///     "sailpoint.connector.OpenConnectorAdapter",
/// ));
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(request.method(), "POST");
/// assert_eq!(request.headers()["content-type"], "application/json");
/// assert_eq!(
///     &request.body()[..],
///     br#"{"name":"My connector","className":"sailpoint.connector.OpenConnectorAdapter"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnector {
    body: Bytes,
}

impl CreateConnector {
    /// A create request for `dto`.
    pub fn new(dto: &V3CreateConnectorDto) -> Self {
        // A struct of strings, bools and an open enum always serializes.
        let body = serde_json::to_vec(dto).unwrap_or_default();
        CreateConnector {
            body: Bytes::from(body),
        }
    }

    /// A create request whose JSON body is given as is (e.g. read from a file); pre-flight
    /// checks it before it is sent.
    pub fn from_json(body: impl Into<Bytes>) -> Self {
        CreateConnector { body: body.into() }
    }

    /// The JSON body that will be sent.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl Operation for CreateConnector {
    type Output = V3ConnectorDto;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        "createCustomConnector"
    }

    fn preflight_body<'a>(
        &'a self,
        request: &'a http::Request<Bytes>,
    ) -> Option<(BodyKind, &'a [u8])> {
        Some((BodyKind::CreateConnector, request.body()))
    }

    fn created_name(&self) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        body.get("name")?.as_str().map(str::to_owned)
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        RequestSpec::new(Method::POST, "/connectors".to_owned(), "application/json")
            .body("application/json", self.body.clone())
            .build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let response = expect_success(self.operation_id(), None, response)?;
        decode_json(self.operation_id(), response)
    }
}

/// `GET /connectors/{scriptName}?locale`: one connector in full.
///
/// ```
/// use connkit_connectors::ops::GetConnector;
/// use connkit_connectors::Operation;
/// use connkit_models::isc::v2024::Locale;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let request = GetConnector::new("a b")
///     .locale(Locale::ZhTw)
///     .build_request(&base)
///     .unwrap();
/// assert_eq!(
///     request.uri(),
///     "https://acme.api.identitynow.com/v2024/connectors/a%20b?locale=zh-TW"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetConnector {
    /// The connector's script name.
    pub script_name: String,
    /// `locale` of the answer.
    pub locale: Option<Locale>,
}

impl GetConnector {
    /// Gets the connector `script_name`.
    pub fn new(script_name: impl Into<String>) -> Self {
        GetConnector {
            script_name: script_name.into(),
            locale: None,
        }
    }

    /// Sets `locale`.
    pub fn locale(mut self, locale: Locale) -> Self {
        self.locale = Some(locale);
        self
    }
}

impl Operation for GetConnector {
    type Output = ConnectorDetail;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        "getConnector"
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = connector_path(&self.script_name, "")?;
        let mut spec = RequestSpec::new(Method::GET, path, "application/json");
        spec.query.push_opt("locale", self.locale.as_ref());
        spec.build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let response = expect_success(self.operation_id(), Some(&self.script_name), response)?;
        decode_json(self.operation_id(), response)
    }
}

/// `DELETE /connectors/{scriptName}`: deletes a custom connector (204).
///
/// ```
/// use connkit_connectors::ops::DeleteConnector;
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = DeleteConnector::new("old-one");
/// assert_eq!(op.build_request(&base).unwrap().method(), "DELETE");
/// let gone = http::Response::builder().status(204).body(bytes::Bytes::new()).unwrap();
/// op.parse_response(gone).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteConnector {
    /// The connector's script name.
    pub script_name: String,
}

impl DeleteConnector {
    /// Deletes the connector `script_name`.
    pub fn new(script_name: impl Into<String>) -> Self {
        DeleteConnector {
            script_name: script_name.into(),
        }
    }
}

impl Operation for DeleteConnector {
    type Output = ();
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        "deleteCustomConnector"
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = connector_path(&self.script_name, "")?;
        RequestSpec::new(Method::DELETE, path, "application/json").build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        expect_success(self.operation_id(), Some(&self.script_name), response).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://t.example/").unwrap()
    }

    #[test]
    fn create_sends_the_given_json_verbatim() {
        let op = CreateConnector::from_json(&b"{\"name\":\"x\"}"[..]);
        let r = op.build_request(&base()).unwrap();
        assert_eq!(r.uri(), "https://t.example/v2024/connectors");
        assert_eq!(&r.body()[..], b"{\"name\":\"x\"}");
        let (kind, body) = op.preflight_body(&r).unwrap();
        assert_eq!(
            (kind, body),
            (BodyKind::CreateConnector, &b"{\"name\":\"x\"}"[..])
        );
    }

    #[test]
    fn not_found_names_the_connector() {
        let op = GetConnector::new("ghost");
        let r = http::Response::builder()
            .status(404)
            .body(Bytes::from_static(br#"{"detailCode":"404.0 Object Not Found","trackingId":"abc","messages":[{"text":"nope"}]}"#))
            .unwrap();
        let err = op.parse_response(r).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::NotFound);
        assert!(
            err.to_string().contains("connector `ghost` not found"),
            "{err}"
        );
        assert!(matches!(
            DeleteConnector::new("").build_request(&base()),
            Err(crate::Error::InvalidInput { .. })
        ));
    }
}
