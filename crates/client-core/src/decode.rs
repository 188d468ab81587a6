//! [`DecodeFailure`]: a success answer whose body is not what the spec says, as both
//! clients report it (the raw body kept, the JSON path of the bad field named).

use bytes::Bytes;
use connkit_models::decode::DecodeError;
use http::StatusCode;

/// A success answer that did not decode. Its `source()` says where and why (the JSON
/// path of the bad field, or the line and column).
#[derive(Debug, thiserror::Error)]
#[error("{operation}: could not decode the {status} response")]
#[non_exhaustive]
pub struct DecodeFailure {
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The body as received.
    pub body: Bytes,
    /// Where and why decoding failed.
    #[source]
    pub source: Box<DecodeError>,
}

impl DecodeFailure {
    /// `operation`'s answer with `status` and `body` failed to decode for `source`.
    pub fn new(
        operation: &'static str,
        status: StatusCode,
        body: Bytes,
        source: DecodeError,
    ) -> Self {
        DecodeFailure {
            operation,
            status,
            body,
            source: Box::new(source),
        }
    }
}
