//! Decoding a JSON answer as both clients do: leniently ([`decode_answer`]), each
//! repaired member noted under [`REPAIR_TARGET`], and a body that cannot be read at all
//! reported as a [`DecodeFailure`] (the raw body kept, the JSON path of the bad field
//! named).

use bytes::Bytes;
use connkit_models::decode::{from_json_lenient, DecodeError, Decoded, Repair};
use http::StatusCode;
use serde::de::DeserializeOwned;

/// The `tracing` target of the notes on repaired answers: one event per member of an
/// answer that did not have the shape the spec gives it, with the fields `operation`,
/// `path` (its JSON path) and `raw` (its value, shortened, secrets redacted); the
/// message says what was done and why.
/// A member read in its clear other shape (a string holding JSON) is noted at `INFO`;
/// one left out of the decoded value at `WARN`. Subscribe to this target to collect
/// them from a library.
pub const REPAIR_TARGET: &str = "connkit::repair";

/// Decodes the JSON `body` of `operation`'s success answer leniently: a member in an
/// unexpected shape is read in its clear other shape or left out, and noted under
/// [`REPAIR_TARGET`], instead of failing the answer. Fails only for a body that is not
/// JSON or whose root has the wrong type.
pub fn decode_answer<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: Bytes,
) -> Result<Decoded<T>, DecodeFailure> {
    match from_json_lenient(&body) {
        Ok(decoded) => {
            decoded
                .repairs
                .iter()
                .for_each(|r| note_repair(operation, r));
            Ok(decoded)
        }
        Err(source) => Err(DecodeFailure::new(operation, status, body, source)),
    }
}

/// Emits the note on one repair of `operation`'s answer: `WARN` when the member was
/// left out of the decoded value, `INFO` when it was read in another shape.
fn note_repair(operation: &'static str, repair: &Repair) {
    let raw = repair.raw_preview();
    macro_rules! note {
        ($level:expr) => {
            tracing::event!(
                target: REPAIR_TARGET,
                $level,
                operation,
                path = %repair.path,
                raw = %raw,
                "{operation}: answer member {repair}"
            )
        };
    }
    if repair.is_dropped() {
        note!(tracing::Level::WARN);
    } else {
        note!(tracing::Level::INFO);
    }
}

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
