//! The three XML documents of a connector: source config, source template and
//! correlation config (`GET`/`PUT /connectors/{scriptName}/{document}`).

use bytes::Bytes;
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use connkit_client::RequestSpec;

use crate::operation::{connector_path, expect_success, BuildOn, Operation};
use crate::ops::upload::{PutFile, UploadTarget};

/// The media type of the documents.
pub const XML: &str = "application/xml";

/// Which XML document of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// `…/source-config`.
    SourceConfig,
    /// `…/source-template`.
    SourceTemplate,
    /// `…/correlation-config`.
    CorrelationConfig,
}

impl Document {
    /// Every document.
    pub const ALL: [Document; 3] = [
        Document::SourceConfig,
        Document::SourceTemplate,
        Document::CorrelationConfig,
    ];

    /// The route segment, e.g. `source-config`.
    pub fn segment(self) -> &'static str {
        match self {
            Document::SourceConfig => "source-config",
            Document::SourceTemplate => "source-template",
            Document::CorrelationConfig => "correlation-config",
        }
    }

    /// The pre-flight kind of the document.
    pub fn body_kind(self) -> BodyKind {
        match self {
            Document::SourceConfig => BodyKind::SourceConfig,
            Document::SourceTemplate => BodyKind::SourceTemplate,
            Document::CorrelationConfig => BodyKind::CorrelationConfig,
        }
    }

    /// The `operationId` of the GET.
    pub fn get_operation_id(self) -> &'static str {
        match self {
            Document::SourceConfig => "getConnectorSourceConfig",
            Document::SourceTemplate => "getConnectorSourceTemplate",
            Document::CorrelationConfig => "getConnectorCorrelationConfig",
        }
    }

    /// The `operationId` of the PUT.
    pub fn put_operation_id(self) -> &'static str {
        match self {
            Document::SourceConfig => "putConnectorSourceConfig",
            Document::SourceTemplate => "putConnectorSourceTemplate",
            Document::CorrelationConfig => "putConnectorCorrelationConfig",
        }
    }
}

/// `GET /connectors/{scriptName}/{document}`: the XML exactly as the service sent it.
///
/// ```
/// use connkit_connectors::ops::{Document, GetDocument};
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = GetDocument::new("my-connector", Document::SourceTemplate);
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(request.uri().path(), "/v2024/connectors/my-connector/source-template");
/// let xml = b"<?xml version='1.0' encoding='ISO-8859-1'?><t a='\xe9'/>";
/// let response = http::Response::new(bytes::Bytes::from_static(xml));
/// assert_eq!(&op.parse_response(response).unwrap()[..], &xml[..]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetDocument {
    /// The connector's script name.
    pub script_name: String,
    /// Which document.
    pub document: Document,
}

impl GetDocument {
    /// Gets `document` of the connector `script_name`.
    pub fn new(script_name: impl Into<String>, document: Document) -> Self {
        GetDocument {
            script_name: script_name.into(),
            document,
        }
    }
}

impl Operation for GetDocument {
    type Output = Bytes;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        self.document.get_operation_id()
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = UploadTarget::path(&self.document, &self.script_name)?;
        RequestSpec::new(Method::GET, path, "application/xml, application/json").build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        expect_success(self.operation_id(), Some(&self.script_name), response)
            .map(http::Response::into_body)
    }
}

/// `PUT /connectors/{scriptName}/{document}`: uploads the XML as the multipart `file`
/// part (`application/xml`); content is required.
///
/// ```
/// use connkit_connectors::ops::{Document, PutDocument};
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = PutDocument::new("my-connector", Document::SourceConfig).with_content("<sourceConfig/>");
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(request.method(), "PUT");
/// let body = String::from_utf8(request.body().to_vec()).unwrap();
/// assert!(body.contains("name=\"file\"; filename=\"source-config.xml\""));
/// assert!(body.contains("Content-Type: application/xml\r\n\r\n<sourceConfig/>\r\n"));
/// ```
pub type PutDocument = PutFile<Document>;

impl PutDocument {
    /// Replaces `document` of the connector `script_name`; give the content with
    /// [`with_content`](PutFile::with_content) or [`set_path`](PutFile::set_path).
    pub fn new(script_name: impl Into<String>, document: Document) -> Self {
        PutFile::to(script_name, document)
    }
}

impl UploadTarget for Document {
    fn operation_id(&self) -> &'static str {
        self.put_operation_id()
    }

    fn path(&self, script_name: &str) -> Result<String> {
        connector_path(script_name, &format!("/{}", self.segment()))
    }

    fn body_kind(&self) -> BodyKind {
        Document::body_kind(*self)
    }

    fn content_type(&self) -> &'static str {
        XML
    }

    fn default_filename(&self) -> String {
        format!("{}.xml", self.segment())
    }

    fn requires_content(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_has_its_route_and_ids() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        for doc in Document::ALL {
            let r = GetDocument::new("s", doc).build_request(&base).unwrap();
            assert_eq!(
                r.uri().path(),
                format!("/v2024/connectors/s/{}", doc.segment())
            );
            assert!(doc.get_operation_id().starts_with("getConnector"));
            assert!(doc.put_operation_id().starts_with("putConnector"));
            assert!(doc.body_kind().is_xml());
        }
    }

    #[test]
    fn put_needs_content_and_checks_the_xml_itself() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        let op = PutDocument::new("s", Document::CorrelationConfig);
        assert!(matches!(
            op.build_request(&base),
            Err(crate::Error::InvalidInput { .. })
        ));
        let op = op.with_content("<c/>");
        let r = op.build_request(&base).unwrap();
        assert_eq!(
            op.preflight_body(&r),
            Some((BodyKind::CorrelationConfig, &b"<c/>"[..]))
        );
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary="));
    }
}
