//! The text of a document's bytes: UTF-8 (with or without a BOM), or ISO-8859-1 and
//! windows-1252 where the XML declaration says so; anything else is refused with a
//! finding that says what to do.

use std::borrow::Cow;

use super::position::line_column;
use crate::preflight::Finding;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the bytes of a document are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (also what `US-ASCII` documents are).
    Utf8,
    /// ISO-8859-1 (latin1): each byte is the character of the same number.
    Latin1,
    /// windows-1252: latin1 with printable characters in 0x80..=0x9F.
    Windows1252,
}

/// A document's text: the BOM removed, decoded as the declaration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'b> {
    /// The text without its BOM.
    pub text: Cow<'b, str>,
    /// The encoding the bytes were in.
    pub encoding: Encoding,
    /// Bytes of a UTF-8 BOM before the text (0 or 3).
    pub bom: usize,
}

/// Decodes `body` as its BOM and XML declaration say. Every character of a latin1 or
/// windows-1252 document is one byte, so lines and columns counted in the text are the
/// lines and columns of the bytes.
pub fn decode(body: &[u8]) -> Result<Decoded<'_>, Finding> {
    let (bom, rest) = match body.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, body),
    };
    if bom == 0 && looks_wide(rest) {
        return Err(Finding::error(
            "xml.unsupported-encoding",
            "the document is not UTF-8: it looks like UTF-16 or UTF-32 (a byte-order mark or NUL \
             bytes at its start); \
             connkit reads UTF-8, ISO-8859-1 and windows-1252 only: re-save the file as UTF-8 \
             and declare encoding='UTF-8'",
        )
        .at(1, 1));
    }
    let declared = declared_encoding(rest).map_err(|at| {
        let (line, column) = line_column(rest, at);
        Finding::error(
            "xml.bad-declaration",
            "the XML declaration cannot be read: it must be `<?xml version='1.0' encoding='…'?>` \
             with name='value' pairs in single or double quotes",
        )
        .at(line, column)
    })?;
    let encoding = match declared {
        None => Encoding::Utf8,
        Some((label, at)) => {
            let encoding = encoding_named(label).ok_or_else(|| {
                let (line, column) = line_column(rest, at);
                Finding::error(
                    "xml.unsupported-encoding",
                    format!(
                        "the declaration says encoding='{label}', which connkit does not read \
                         (it reads UTF-8, ISO-8859-1 and windows-1252): re-save the file as \
                         UTF-8 and declare encoding='UTF-8'"
                    ),
                )
                .at(line, column)
            })?;
            if bom > 0 && encoding != Encoding::Utf8 {
                let (line, column) = line_column(rest, at);
                return Err(Finding::error(
                    "xml.encoding-mismatch",
                    format!(
                        "the file starts with a UTF-8 byte-order mark but declares encoding='{label}': \
                         declare encoding='UTF-8' or remove the byte-order mark"
                    ),
                )
                .at(line, column));
            }
            encoding
        }
    };
    let text = match encoding {
        Encoding::Utf8 => Cow::Borrowed(std::str::from_utf8(rest).map_err(|e| {
            let at = e.valid_up_to();
            let (line, column) = line_column(rest, at);
            Finding::error(
                "xml.not-utf8",
                format!(
                    "the content is not valid UTF-8 (invalid byte 0x{:02X}); if the file is in \
                     another encoding, declare it (ISO-8859-1 and windows-1252 are read) or \
                     re-save it as UTF-8",
                    rest[at]
                ),
            )
            .at(line, column)
        })?),
        Encoding::Latin1 => Cow::Owned(rest.iter().map(|b| char::from(*b)).collect()),
        Encoding::Windows1252 => Cow::Owned(rest.iter().map(|b| windows_1252(*b)).collect()),
    };
    Ok(Decoded {
        text,
        encoding,
        bom,
    })
}

/// UTF-16/UTF-32 byte-order marks, or NUL bytes among the first four.
fn looks_wide(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFE\xFF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.iter().take(4).any(|b| *b == 0)
}

/// The `encoding` pseudo-attribute of the XML declaration that starts `bytes` and its
/// offset, `None` without a declaration or an encoding; `Err` with the offset where
/// the declaration stops making sense.
fn declared_encoding(bytes: &[u8]) -> Result<Option<(&str, usize)>, usize> {
    let Some(after) = bytes.strip_prefix(b"<?xml") else {
        return Ok(None);
    };
    if !after.first().is_some_and(|b| is_space(*b)) {
        return Ok(None); // a PI whose target merely starts with "xml": quick-xml judges it
    }
    let start = 5;
    let Some(length) = after.windows(2).position(|w| w == b"?>") else {
        return Err(0);
    };
    let declaration = &after[..length];
    let mut at = 0;
    let mut encoding = None;
    loop {
        while declaration.get(at).is_some_and(|b| is_space(*b)) {
            at += 1;
        }
        if at == declaration.len() {
            return Ok(encoding);
        }
        let name_start = at;
        while declaration.get(at).is_some_and(u8::is_ascii_alphabetic) {
            at += 1;
        }
        let name = &declaration[name_start..at];
        while declaration.get(at).is_some_and(|b| is_space(*b)) {
            at += 1;
        }
        if name.is_empty() || declaration.get(at) != Some(&b'=') {
            return Err(start + at);
        }
        at += 1;
        while declaration.get(at).is_some_and(|b| is_space(*b)) {
            at += 1;
        }
        let quote = match declaration.get(at) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err(start + at),
        };
        let value_start = at + 1;
        let Some(value_length) = declaration[value_start..].iter().position(|b| *b == quote) else {
            return Err(start + at);
        };
        at = value_start + value_length + 1;
        if name == b"encoding" {
            let value = std::str::from_utf8(&declaration[value_start..at - 1])
                .map_err(|_| start + value_start)?;
            encoding = Some((value, start + value_start));
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn encoding_named(label: &str) -> Option<Encoding> {
    match label.trim().to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => Some(Encoding::Utf8),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "cp819"
        | "ibm819" | "iso-ir-100" => Some(Encoding::Latin1),
        "windows-1252" | "cp1252" | "x-cp1252" => Some(Encoding::Windows1252),
        _ => None,
    }
}

/// windows-1252 as the WHATWG Encoding Standard maps it: 0x80..=0x9F are printable
/// characters except five bytes that stay the C1 controls of the same number.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// `text` in `encoding`, the inverse of [`decode`] (without the BOM); `None` when a
/// character has no byte in that encoding.
pub fn encode(text: &str, encoding: Encoding) -> Option<Cow<'_, [u8]>> {
    match encoding {
        Encoding::Utf8 => Some(Cow::Borrowed(text.as_bytes())),
        Encoding::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()
            .map(Cow::Owned),
        Encoding::Windows1252 => text
            .chars()
            .map(|c| (0..=u8::MAX).find(|b| windows_1252(*b) == c))
            .collect::<Option<Vec<u8>>>()
            .map(Cow::Owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_in_either_quote_style_name_the_encoding() {
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>caf\xE9</a>";
        let decoded = decode(latin).unwrap();
        assert_eq!(decoded.encoding, Encoding::Latin1);
        assert!(decoded.text.ends_with("<a>café</a>"));
        let single = b"<?xml version='1.0' encoding='windows-1252'?><a>\x93x\x94 \x80</a>";
        let decoded = decode(single).unwrap();
        assert_eq!(decoded.encoding, Encoding::Windows1252);
        assert!(decoded.text.ends_with("<a>\u{201C}x\u{201D} \u{20AC}</a>"));
        assert_eq!(decode(b"<a/>").unwrap().encoding, Encoding::Utf8);
    }

    #[test]
    fn every_byte_round_trips_through_the_single_byte_encodings() {
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let latin: String = all.iter().map(|b| char::from(*b)).collect();
        assert_eq!(encode(&latin, Encoding::Latin1).unwrap().as_ref(), &all[..]);
        let windows: String = all.iter().map(|b| windows_1252(*b)).collect();
        assert_eq!(
            encode(&windows, Encoding::Windows1252).unwrap().as_ref(),
            &all[..]
        );
        assert_eq!(encode("€", Encoding::Latin1), None);
    }

    #[test]
    fn wide_and_unknown_encodings_are_refused_with_advice() {
        let utf16: Vec<u8> = "\u{feff}<a/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let f = decode(&utf16).unwrap_err();
        assert_eq!(f.code, "xml.unsupported-encoding");
        assert!(
            f.message.contains("re-save the file as UTF-8"),
            "{}",
            f.message
        );
        let f = decode(b"<?xml version='1.0' encoding='Shift_JIS'?><a/>").unwrap_err();
        assert_eq!(
            (f.code.as_str(), f.column),
            ("xml.unsupported-encoding", Some(31))
        );
        let f = decode(b"\xEF\xBB\xBF<?xml version='1.0' encoding='latin1'?><a/>").unwrap_err();
        assert_eq!(f.code, "xml.encoding-mismatch");
        let f = decode(b"<?xml version='1.0' encoding=UTF-8?><a/>").unwrap_err();
        assert_eq!(
            (f.code.as_str(), f.column),
            ("xml.bad-declaration", Some(30))
        );
        let f = decode(b"<a>\n\xff</a>").unwrap_err();
        assert_eq!(
            (f.code.as_str(), f.line, f.column),
            ("xml.not-utf8", Some(2), Some(1))
        );
    }
}
