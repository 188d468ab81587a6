//! Byte offsets to 1-based line and column (the XML policy's), and the UTF-8 check
//! every text body needs.

use connkit_models::preflight::Finding;

/// The 1-based line and column of a byte offset, counted as the XML policy counts them.
pub(crate) use connkit_models::preflight::xml::line_column;

/// A finding located at byte `offset` of `body`.
pub(crate) fn finding_at(body: &[u8], offset: usize, code: &str, message: String) -> Finding {
    let (line, column) = line_column(body, offset);
    Finding::error(code, message).at(line, column)
}

/// `body` as text, or a `{prefix}.not-utf8` finding at the first invalid byte.
pub(crate) fn utf8<'a>(body: &'a [u8], prefix: &str) -> Result<&'a str, Finding> {
    std::str::from_utf8(body).map_err(|e| {
        finding_at(
            body,
            e.valid_up_to(),
            &format!("{prefix}.not-utf8"),
            format!(
                "the content is not valid UTF-8 (invalid byte 0x{:02X})",
                body[e.valid_up_to()]
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_errors_point_at_the_bad_byte() {
        let f = utf8(b"ok\nx\xC3(", "xml").unwrap_err();
        assert_eq!(f.code, "xml.not-utf8");
        assert_eq!((f.line, f.column), (Some(2), Some(2)));
        assert!(f.message.contains("0xC3"), "{}", f.message);
    }
}
