//! A connector's translations: `GET`/`PUT /connectors/{scriptName}/translations/{locale}`.

use bytes::Bytes;
use connkit_models::isc::v2024::Locale;
use connkit_models::preflight::BodyKind;
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use connkit_client::path_segment;
use connkit_client::RequestSpec;

use crate::operation::{connector_path, decode_text, expect_success, BuildOn, Operation};
use crate::ops::upload::{PutFile, UploadTarget};

/// The media type of translations.
pub const TEXT: &str = "text/plain";

fn translations_path(script_name: &str, locale: &Locale) -> Result<String> {
    connector_path(
        script_name,
        &format!("/translations/{}", path_segment(locale.as_str())),
    )
}

/// `GET /connectors/{scriptName}/translations/{locale}`: the `.properties` text, verbatim.
///
/// ```
/// use connkit_connectors::ops::GetTranslations;
/// use connkit_connectors::Operation;
/// use connkit_models::isc::v2024::Locale;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = GetTranslations::new("my-connector", Locale::No);
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(request.uri().path(), "/v2024/connectors/my-connector/translations/no");
/// let response = http::Response::new(bytes::Bytes::from("greeting=Hei\r\n"));
/// assert_eq!(op.parse_response(response).unwrap(), "greeting=Hei\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetTranslations {
    /// The connector's script name.
    pub script_name: String,
    /// The locale.
    pub locale: Locale,
}

impl GetTranslations {
    /// Gets the `locale` translations of the connector `script_name`.
    pub fn new(script_name: impl Into<String>, locale: Locale) -> Self {
        GetTranslations {
            script_name: script_name.into(),
            locale,
        }
    }
}

impl Operation for GetTranslations {
    type Output = String;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        "getConnectorTranslations"
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        let path = translations_path(&self.script_name, &self.locale)?;
        RequestSpec::new(Method::GET, path, "text/plain, application/json").build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let response = expect_success(self.operation_id(), Some(&self.script_name), response)?;
        decode_text(self.operation_id(), response)
    }
}

/// The translations of one locale, as an [`UploadTarget`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Translations(pub Locale);

/// `PUT /connectors/{scriptName}/translations/{locale}`: uploads `.properties` text as
/// the multipart `file` part (`text/plain`), or an empty body when no content is given
/// (the spec names no field; the official clients send an empty body). The text goes
/// through pre-flight as [`BodyKind::Translations`].
///
/// ```
/// use connkit_connectors::ops::PutTranslations;
/// use connkit_connectors::Operation;
/// use connkit_models::isc::v2024::Locale;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = PutTranslations::new("my-connector", Locale::De).with_content("greeting=Hallo\n");
/// let request = op.build_request(&base).unwrap();
/// let body = String::from_utf8(request.body().to_vec()).unwrap();
/// assert!(body.contains("filename=\"de.properties\"\r\nContent-Type: text/plain\r\n\r\ngreeting=Hallo\n\r\n"));
/// ```
pub type PutTranslations = PutFile<Translations>;

impl PutTranslations {
    /// Replaces the `locale` translations of the connector `script_name`.
    pub fn new(script_name: impl Into<String>, locale: Locale) -> Self {
        PutFile::to(script_name, Translations(locale))
    }
}

impl UploadTarget for Translations {
    fn operation_id(&self) -> &'static str {
        "putConnectorTranslations"
    }

    fn path(&self, script_name: &str) -> Result<String> {
        translations_path(script_name, &self.0)
    }

    fn body_kind(&self) -> BodyKind {
        BodyKind::Translations
    }

    fn content_type(&self) -> &'static str {
        TEXT
    }

    fn default_filename(&self) -> String {
        format!("{}.properties", self.0)
    }

    fn requires_content(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_locales_are_path_encoded() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        let op = GetTranslations::new("s", Locale::from("x/y z"));
        let r = op.build_request(&base).unwrap();
        assert_eq!(r.uri().path(), "/v2024/connectors/s/translations/x%2Fy%20z");
    }

    #[test]
    fn without_content_an_empty_body_is_sent_and_nothing_is_checked() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        let op = PutTranslations::new("s", Locale::En);
        let r = op.build_request(&base).unwrap();
        assert!(r.body().is_empty());
        assert!(r.headers().get("content-type").is_none());
        assert_eq!(op.preflight_body(&r), None);
    }
}
