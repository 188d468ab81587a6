//! The XML policy of [`connkit_models::preflight::xml`] (the one the client's
//! pre-flight applies) at the sandbox's door: an uploaded or patched document that the
//! policy refuses is answered 400 with the findings (code, line, column) and is not
//! stored.
//!
//! Documents are stored as text. A document declared ISO-8859-1 or windows-1252 is
//! decoded on upload and encoded back on download, so a GET answers exactly the bytes
//! that were PUT.

use std::borrow::Cow;

use connkit_models::preflight::xml::{check_xml, check_xml_text, decode, encode, line_column};
use connkit_models::preflight::Finding;

use crate::api_error::ApiError;

/// The text to store for an uploaded document `file_name`, or the policy's 400.
pub(crate) fn accept_upload(file_name: &str, bytes: &[u8]) -> Result<String, ApiError> {
    refuse_errors(&format!("{file_name} is refused"), check_xml(bytes))?;
    let decoded = decode(bytes).map_err(|f| refusal(&format!("{file_name} is refused"), &[f]))?;
    Ok(if decoded.bom == 0 {
        decoded.text.into_owned()
    } else {
        // A UTF-8 BOM is text too: keep it, so the GET answers the same bytes.
        String::from_utf8_lossy(bytes).into_owned()
    })
}

/// The policy's 400 for the XML of a patched field, positions inside that XML.
pub(crate) fn accept_patched(field: &str, text: &str) -> Result<(), ApiError> {
    let findings = check_xml_text(text, &|offset| line_column(text.as_bytes(), offset));
    refuse_errors(&format!("the XML of {field} is refused"), findings)
}

/// The bytes a GET answers for a stored document: in the encoding it declares.
pub(crate) fn served_bytes(text: &str) -> Cow<'_, [u8]> {
    let declared = decode(text.as_bytes()).map(|d| d.encoding);
    declared
        .ok()
        .and_then(|encoding| encode(text, encoding))
        .unwrap_or(Cow::Borrowed(text.as_bytes()))
}

fn refuse_errors(what: &str, findings: Vec<Finding>) -> Result<(), ApiError> {
    let errors: Vec<Finding> = findings.into_iter().filter(Finding::is_error).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(refusal(what, &errors))
    }
}

/// `400` naming every finding as `line:column: error: code: message`.
fn refusal(what: &str, findings: &[Finding]) -> ApiError {
    let listed: Vec<String> = findings.iter().map(Finding::to_string).collect();
    ApiError::BadRequest(format!("{what} by the XML policy: {}", listed.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::templates::{self, Identity};

    #[test]
    fn the_default_documents_follow_the_policy() {
        for (name, class_name) in [
            ("LDAP", "sailpoint.connector.LDAPConnector"),
            ("A & <B> \"c\"", templates::OPEN),
        ] {
            let identity = Identity {
                name,
                connector_type: "t'y\"pe",
                class_name,
                direct_connect: true,
                file_upload: false,
            };
            for document in [
                templates::application_xml(&identity),
                templates::correlation_config_xml(&identity),
                templates::source_config_xml(&identity),
            ] {
                assert_eq!(check_xml(document.as_bytes()), [], "{document}");
                assert_eq!(
                    accept_upload("x.xml", document.as_bytes()).unwrap(),
                    document
                );
            }
        }
    }

    #[test]
    fn latin1_uploads_are_served_as_they_came() {
        let bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<Form name='Caf\xE9'/>";
        let text = accept_upload("f.xml", bytes).unwrap();
        assert!(text.contains("Café"));
        assert_eq!(served_bytes(&text).as_ref(), &bytes[..]);
        let bom = "\u{feff}<a/>";
        assert_eq!(accept_upload("f.xml", bom.as_bytes()).unwrap(), bom);
        assert_eq!(served_bytes(bom).as_ref(), bom.as_bytes());
    }

    #[test]
    fn refusals_name_code_line_and_column() {
        let ApiError::BadRequest(text) =
            accept_upload("source-config.xml", b"<!DOCTYPE a [\n<!ENTITY x 'y'>]><a/>")
                .unwrap_err()
        else {
            panic!("not a 400")
        };
        assert!(
            text.starts_with(
                "source-config.xml is refused by the XML policy: 1:13: error: xml.internal-subset"
            ),
            "{text}"
        );
        assert!(
            text.contains("2:1: error: xml.entity-declaration"),
            "{text}"
        );
        assert!(accept_patched("applicationXml", "<a>\n<b></a>").is_err());
    }
}
