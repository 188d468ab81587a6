//! The sans-IO [`Operation`] trait and the one request/response pipeline every
//! operation shares.
//!
//! An operation turns typed input into an `http::Request<Bytes>` and an
//! `http::Response<Bytes>` into typed output or an [`Error`]; it never does I/O. The
//! [`Client`](crate::Client) runs pre-flight on [`Operation::preflight_body`], sends the
//! request through its transport and hands the response back.

use bytes::Bytes;
use connkit_models::decode::{DecodeError, Decoded};
use connkit_models::isc::v2024::UpdateDetail;
use connkit_transport::BaseUrl;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, ServiceError};
use crate::settings::API_VERSION_PREFIX;
use connkit_client::{decode_answer, path_segment, DecodeFailure, RequestSpec};

/// One API operation, without I/O: the shared [`connkit_client::Operation`], whose
/// error here is this crate's [`Error`].
///
/// ```
/// use connkit_connectors::ops::GetConnector;
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = GetConnector::new("my-connector");
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(
///     request.uri(),
///     "https://acme.api.identitynow.com/v2024/connectors/my-connector"
/// );
///
/// let response = http::Response::builder()
///     .status(200)
///     .body(bytes::Bytes::from_static(br#"{"name":"My connector"}"#))
///     .unwrap();
/// let detail = op.parse_response(response).unwrap();
/// assert_eq!(detail.name.as_deref(), Some("My connector"));
/// ```
pub use connkit_client::Operation;

/// Joins a [`RequestSpec`] onto the ISC API root of a tenant (`{base}/v2024`).
pub(crate) trait BuildOn {
    /// The `http::Request` for `base`.
    fn build_on(self, base: &BaseUrl) -> Result<http::Request<Bytes>>;
}

impl BuildOn for RequestSpec {
    fn build_on(self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        Ok(self.build(base, API_VERSION_PREFIX)?)
    }
}

/// `/connectors/{scriptName}{suffix}`, refusing an empty script name.
pub(crate) fn connector_path(script_name: &str, suffix: &str) -> Result<String> {
    if script_name.is_empty() {
        return Err(Error::invalid_input("the connector script name is empty"));
    }
    Ok(format!("/connectors/{}{suffix}", path_segment(script_name)))
}

/// Passes a success response through; turns any other status into
/// [`Error::Service`]. `script_name` names the connector for per-connector routes.
pub(crate) fn expect_success(
    operation: &'static str,
    script_name: Option<&str>,
    response: http::Response<Bytes>,
) -> Result<http::Response<Bytes>> {
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(Error::Service(Box::new(ServiceError::from_response(
            operation,
            script_name,
            &response,
        ))))
    }
}

/// Decodes a JSON success body leniently (see [`decode_answer`]): a member in an
/// unexpected shape is repaired and noted, not fatal; errors name the JSON path of the
/// bad field.
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation: &'static str,
    response: http::Response<Bytes>,
) -> Result<T> {
    decode_repaired(operation, response).map(|decoded| decoded.value)
}

/// [`decode_json`], with what was repaired.
pub(crate) fn decode_repaired<T: DeserializeOwned>(
    operation: &'static str,
    response: http::Response<Bytes>,
) -> Result<Decoded<T>> {
    let status = response.status();
    decode_answer(operation, status, response.into_body()).map_err(Error::Decode)
}

/// Decodes a `text/plain` success body as UTF-8, verbatim.
pub(crate) fn decode_text(
    operation: &'static str,
    response: http::Response<Bytes>,
) -> Result<String> {
    match std::str::from_utf8(response.body()) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let offset = e.valid_up_to();
            let (line, column) = crate::preflight::line_column(response.body(), offset);
            let source = DecodeError {
                path: ".".to_owned(),
                line: line as usize,
                column: column as usize,
                offset,
                message: "the text is not valid UTF-8".to_owned(),
                is_eof: e.error_len().is_none(),
            };
            Err(decode_error(operation, response, source))
        }
    }
}

fn decode_error(
    operation: &'static str,
    response: http::Response<Bytes>,
    source: DecodeError,
) -> Error {
    let status = response.status();
    Error::Decode(DecodeFailure::new(
        operation,
        status,
        response.into_body(),
        source,
    ))
}

/// Decodes the answer to a PUT: an error status into [`Error::Service`], an
/// `UpdateDetail` with `status: ERROR` into [`Error::UpdateFailed`].
pub(crate) fn decode_update(
    operation: &'static str,
    script_name: &str,
    response: http::Response<Bytes>,
) -> Result<UpdateDetail> {
    let response = expect_success(operation, Some(script_name), response)?;
    let detail: UpdateDetail = decode_json(operation, response)?;
    if detail.is_error() {
        return Err(Error::UpdateFailed {
            operation,
            script_name: script_name.to_owned(),
            detail: Box::new(detail),
        });
    }
    Ok(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &'static [u8]) -> http::Response<Bytes> {
        http::Response::new(Bytes::from_static(body))
    }

    #[test]
    fn update_detail_error_is_an_error_with_its_message() {
        let err = decode_update(
            "putConnectorSourceConfig",
            "s",
            ok(br#"{"status":"ERROR","message":"bad xml"}"#),
        )
        .unwrap_err();
        assert!(matches!(err, Error::UpdateFailed { .. }));
        assert_eq!(
            err.to_string(),
            "putConnectorSourceConfig: the service reported status ERROR for connector `s`: bad xml"
        );
        let fine = decode_update("x", "s", ok(br#"{"status":"SOMETHING_NEW"}"#)).unwrap();
        assert!(!fine.is_error());
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let err = decode_json::<Vec<connkit_models::isc::v2024::V3ConnectorDto>>(
            "getConnectorList",
            ok(b"{\"features\":[1]}"),
        )
        .unwrap_err();
        match &err {
            Error::Decode(e) => {
                assert_eq!(e.source.path, ".");
                assert!(e.source.message.contains("expected a sequence"), "{err}");
                assert_eq!(e.body.len(), 16);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn members_in_odd_shapes_are_repaired_not_fatal() {
        let decoded = decode_repaired::<Vec<connkit_models::isc::v2024::V3ConnectorDto>>(
            "getConnectorList",
            ok(b"[{\"name\":\"a\"},{\"features\":[1,{}]},\"junk\"]"),
        )
        .unwrap();
        assert_eq!(decoded.value.len(), 2);
        assert_eq!(decoded.dropped_items(), 1);
        assert_eq!(
            decoded.value[1].features.as_deref(),
            Some(&["1".to_owned()][..])
        );
        let paths: Vec<_> = decoded.repairs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["[1].features[0]", "[1].features[1]", "[2]"]);
    }

    #[test]
    fn text_must_be_utf8_and_is_otherwise_verbatim() {
        assert_eq!(
            decode_text("t", ok("a=é\r\n".as_bytes())).unwrap(),
            "a=é\r\n"
        );
        let err = decode_text("t", ok(b"a=1\nb=\xff")).unwrap_err();
        match err {
            Error::Decode(e) => {
                let source = &e.source;
                assert_eq!((source.line, source.column, source.offset), (2, 3, 6));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_script_names_are_refused() {
        assert!(matches!(
            connector_path("", ""),
            Err(Error::InvalidInput { .. })
        ));
        assert_eq!(
            connector_path("a b/c", "/source-config").unwrap(),
            "/connectors/a%20b%2Fc/source-config"
        );
    }
}
