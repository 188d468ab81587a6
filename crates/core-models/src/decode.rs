//! JSON decoding whose errors say where: the JSON path of the bad field, the line,
//! the column and the byte offset.
//!
//! [`from_json`] is strict: one member in the wrong shape fails the value.
//! [`from_json_lenient`], what the API clients decode answers with, repairs such a
//! member (reads it in its clear other shape, or leaves it out) and says so in its
//! [`Repair`]s.

use serde::de::DeserializeOwned;

mod lenient;

pub use lenient::{from_json_lenient, Decoded, Repair, RepairOutcome};

/// A JSON body that did not decode into the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at `{path}` (line {line}, column {column}, byte {offset}): {message}")]
pub struct DecodeError {
    /// The JSON path of the bad field, e.g. `[3].status` or `.` for the root.
    pub path: String,
    /// 1-based line (0 when the input ended early at the very start).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0-based byte offset of the byte at `line`/`column` in the input.
    pub offset: usize,
    /// What serde said was wrong.
    pub message: String,
    /// `true` when the input ended before the value did (a truncated body).
    pub is_eof: bool,
}

/// Decodes `bytes` as JSON into `T`, naming the path of the bad field on failure.
///
/// Tracking the path costs about a third of the decode time, and almost every body
/// decodes fine, so the fast path is plain `serde_json`; only a body that fails is
/// decoded a second time with path tracking to say where.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(plain) => Err(strict_error::<T>(bytes, plain)),
    }
}

/// The error of a body that failed the plain decode with `plain`, placed at its path.
fn strict_error<T: DeserializeOwned>(bytes: &[u8], plain: serde_json::Error) -> DecodeError {
    locate::<T>(bytes).unwrap_or_else(|| DecodeError::new(bytes, ".".to_owned(), plain))
}

/// Decodes again with path tracking; `None` if, against expectation, it succeeds.
fn locate<T: DeserializeOwned>(bytes: &[u8]) -> Option<DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => {
            let path = err.path().to_string();
            Some(DecodeError::new(bytes, path, err.into_inner()))
        }
        Ok(_) => de
            .end()
            .err()
            .map(|err| DecodeError::new(bytes, ".".to_owned(), err)),
    }
}

impl DecodeError {
    fn new(bytes: &[u8], path: String, inner: serde_json::Error) -> Self {
        let (line, column) = (inner.line(), inner.column());
        DecodeError {
            path,
            line,
            column,
            offset: byte_offset(bytes, line, column),
            is_eof: inner.is_eof(),
            message: strip_position(&inner.to_string()),
        }
    }
}

/// serde_json appends " at line L column C"; we report position separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .nth(line.saturating_sub(2))
        .filter(|_| line > 1)
        .unwrap_or(0);
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::v2024::V3ConnectorDto;

    #[test]
    fn wrong_type_names_the_path_and_position() {
        let body = b"[{\"name\":\"a\"},\n {\"name\":\"b\",\"features\":[1]}]";
        let err = from_json::<Vec<V3ConnectorDto>>(body).unwrap_err();
        assert_eq!(err.path, "[1].features[0]");
        assert_eq!(err.line, 2);
        assert_eq!(body[err.offset], b'1');
        assert!(
            err.message.contains("invalid type: integer `1`"),
            "{}",
            err.message
        );
        assert!(!err.is_eof);
    }

    #[test]
    fn truncated_body_is_eof() {
        let err = from_json::<Vec<V3ConnectorDto>>(b"[{\"name\":\"a\"").unwrap_err();
        assert!(err.is_eof);
        assert!(err.to_string().contains("EOF"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_refused() {
        let err = from_json::<V3ConnectorDto>(b"{} x").unwrap_err();
        assert!(
            err.message.contains("trailing characters"),
            "{}",
            err.message
        );
        assert_eq!(err.offset, 3);
    }
}
