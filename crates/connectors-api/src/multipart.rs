//! `multipart/form-data` bodies (RFC 7578) for the PUT operations.
//!
//! The encoder is a few lines, so it is written here rather than pulled in: the body is
//! built once into [`Bytes`], which the retry layer can resend without copying, and the
//! boundary is chosen deterministically (the first `connkit-boundary-N` that does not
//! occur in the content), so the same upload always produces the same bytes.

use bytes::Bytes;

/// A file to upload as the `file` part: its name, media type and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The `filename` of the part.
    pub filename: String,
    /// The part's `Content-Type`, e.g. `application/xml`.
    pub content_type: &'static str,
    /// The content, sent verbatim.
    pub data: Bytes,
}

impl FilePart {
    /// A part with the given name, media type and content.
    pub fn new(filename: impl Into<String>, content_type: &'static str, data: Bytes) -> Self {
        FilePart {
            filename: filename.into(),
            content_type,
            data,
        }
    }
}

/// An encoded multipart body and the `Content-Type` header that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Multipart {
    pub(crate) content_type: String,
    pub(crate) body: Bytes,
}

/// Encodes a form with one part, `file`.
pub(crate) fn encode_file(part: &FilePart) -> Multipart {
    let content = &part.data[..];
    let boundary = boundary_for(content);
    let mut body = Vec::with_capacity(content.len() + 256);
    body.extend_from_slice(b"--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"");
    body.extend_from_slice(quote_filename(&part.filename).as_bytes());
    body.extend_from_slice(b"\"\r\nContent-Type: ");
    body.extend_from_slice(part.content_type.as_bytes());
    body.extend_from_slice(b"\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    Multipart {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: Bytes::from(body),
    }
}

/// The first `connkit-boundary-N` that does not occur in `content`.
fn boundary_for(content: &[u8]) -> String {
    (0u64..)
        .map(|n| format!("connkit-boundary-{n}"))
        .find(|b| !contains(content, b.as_bytes()))
        .unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Escapes a filename for a quoted `Content-Disposition` parameter the way browsers do
/// (WHATWG): `"` → `%22`, CR → `%0D`, LF → `%0A`.
fn quote_filename(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_one_file_part_exactly() {
        let part = FilePart::new(
            "source-config.xml",
            "application/xml",
            Bytes::from_static(b"<a/>"),
        );
        let m = encode_file(&part);
        assert_eq!(
            m.content_type,
            "multipart/form-data; boundary=connkit-boundary-0"
        );
        assert_eq!(
            &m.body[..],
            b"--connkit-boundary-0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"source-config.xml\"\r\nContent-Type: application/xml\r\n\r\n<a/>\r\n--connkit-boundary-0--\r\n"
        );
    }

    #[test]
    fn boundary_avoids_the_content_and_filename_is_escaped() {
        let part = FilePart::new(
            "a\"b\r\n.txt",
            "text/plain",
            Bytes::from_static(b"x--connkit-boundary-0 connkit-boundary-1"),
        );
        let m = encode_file(&part);
        assert!(m.content_type.ends_with("boundary=connkit-boundary-2"));
        let text = String::from_utf8(m.body.to_vec()).unwrap();
        assert!(text.contains("filename=\"a%22b%0D%0A.txt\""), "{text}");
    }
}
