//! Byte offsets to 1-based line and column, and the UTF-8 check every text body needs.

use connkit_models::preflight::Finding;

/// The 1-based line and column of byte `offset` in `bytes`. Columns count characters
/// (UTF-8 continuation bytes are not counted), so they match what an editor shows.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (u32, u32) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before[line_start..]
        .iter()
        .filter(|b| (**b & 0b1100_0000) != 0b1000_0000)
        .count()
        + 1;
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

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
    fn counts_lines_and_characters() {
        let text = "ab\ncé€d\n".as_bytes();
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 2), (1, 3));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'd' comes after c (1 byte), é (2 bytes), € (3 bytes).
        assert_eq!(line_column(text, 9), (2, 4));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn utf8_errors_point_at_the_bad_byte() {
        let f = utf8(b"ok\nx\xC3(", "xml").unwrap_err();
        assert_eq!(f.code, "xml.not-utf8");
        assert_eq!((f.line, f.column), (Some(2), Some(2)));
        assert!(f.message.contains("0xC3"), "{}", f.message);
    }
}
