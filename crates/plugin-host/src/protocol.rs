//! The isolated mode's wire format between host and worker, over the worker's stdin
//! and stdout.
//!
//! Every message is one frame: a 4-byte little-endian length, then that many bytes of
//! UTF-8 JSON. The worker speaks first, once, with a [`Hello`]; then each
//! [`Request`] from the host gets exactly one [`Response`]. The host closing stdin ends
//! the worker.
//!
//! Bodies travel base64-encoded in a JSON string: 4/3 of the raw size and a fast,
//! allocation-light decode, where a JSON array of numbers costs up to 4 bytes per byte
//! and a parse per element (bodies can be megabytes of XML).

use std::io::{self, Read, Write};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use connkit_models::preflight::Finding;
use connkit_plugin_abi::PluginInfo;
use serde::{Deserialize, Serialize};

use crate::outcome::{CallError, CallResult};
use crate::LoadError;

/// Bumped whenever a message changes shape; host and worker must agree.
pub(crate) const PROTOCOL_VERSION: u32 = 2;

/// The largest frame the host sends (a request's body, base64): a corrupt length must
/// not make the worker allocate gigabytes.
pub(crate) const MAX_REQUEST_FRAME: u32 = 256 << 20;

/// The largest frame the worker sends, and all the host reads of one: an answer holds
/// at most [`MAX_RESULT_BYTES`](crate::MAX_RESULT_BYTES) of the plugin's JSON
/// (re-encoded, plus the truncation finding), so 4 MiB leaves room and no more.
pub(crate) const MAX_ANSWER_FRAME: u32 = 4 << 20;

/// The worker's first message: the plugin loaded, or why not.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Hello {
    /// The plugin is loaded and checked.
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The plugin's info.
        info: PluginInfo,
        /// What confines the worker, for people (see `confinement::confine`). Absent
        /// from a version-1 worker's hello, which then fails the version check by name.
        #[serde(default)]
        confinement: String,
    },
    /// The plugin was refused.
    LoadFailed(LoadError),
}

/// One validation request.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Request {
    /// The ABI kind number.
    pub(crate) kind: u32,
    /// The body, base64 (standard alphabet, padded).
    body: String,
}

impl Request {
    pub(crate) fn new(kind: u32, body: &[u8]) -> Self {
        Self {
            kind,
            body: BASE64.encode(body),
        }
    }

    pub(crate) fn body(&self) -> Result<Vec<u8>, String> {
        BASE64
            .decode(&self.body)
            .map_err(|e| format!("request body is not base64: {e}"))
    }
}

/// The answer to one [`Request`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Response {
    /// The plugin's findings.
    Findings(Vec<Finding>),
    /// Why there are none.
    Error(CallError),
}

impl From<CallResult> for Response {
    fn from(result: CallResult) -> Self {
        match result {
            Ok(findings) => Response::Findings(findings),
            Err(error) => Response::Error(error),
        }
    }
}

impl From<Response> for CallResult {
    fn from(response: Response) -> Self {
        match response {
            Response::Findings(findings) => Ok(findings),
            Response::Error(error) => Err(error),
        }
    }
}

/// Writes `message` as one frame of at most `max` bytes and flushes.
pub(crate) fn write_frame<T: Serialize>(
    out: &mut impl Write,
    message: &T,
    max: u32,
) -> io::Result<()> {
    let json = serde_json::to_vec(message).map_err(io::Error::other)?;
    let len = u32::try_from(json.len())
        .ok()
        .filter(|&len| len <= max)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "frame of {} bytes is larger than the {max} allowed",
                    json.len()
                ),
            )
        })?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&json)?;
    out.flush()
}

/// Reads one frame of at most `max` bytes (a longer one is refused before anything of
/// it is read); `None` at a clean end of stream (before a frame starts).
pub(crate) fn read_frame(input: &mut impl Read, max: u32) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    let mut filled = 0;
    while filled < len.len() {
        match input.read(&mut len[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_le_bytes(len);
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is larger than the {max} allowed"),
        ));
    }
    let mut frame = vec![0; len as usize];
    input.read_exact(&mut frame)?;
    Ok(Some(frame))
}

/// Parses a frame's JSON.
pub(crate) fn decode<'a, T: Deserialize<'a>>(frame: &'a [u8]) -> io::Result<T> {
    serde_json::from_slice(frame).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut wire = Vec::new();
        let body: Vec<u8> = (0..=255).collect();
        write_frame(&mut wire, &Request::new(5, &body), MAX_REQUEST_FRAME).unwrap();
        let response = Response::from(Err(CallError::UnsupportedKind));
        write_frame(&mut wire, &response, MAX_ANSWER_FRAME).unwrap();
        let mut input = wire.as_slice();
        let frame = read_frame(&mut input, MAX_REQUEST_FRAME).unwrap().unwrap();
        let request: Request = decode(&frame).unwrap();
        assert_eq!((request.kind, request.body().unwrap()), (5, body));
        let frame = read_frame(&mut input, MAX_ANSWER_FRAME).unwrap().unwrap();
        let response: Response = decode(&frame).unwrap();
        assert_eq!(CallResult::from(response), Err(CallError::UnsupportedKind));
        assert!(read_frame(&mut input, MAX_ANSWER_FRAME).unwrap().is_none());
    }

    #[test]
    fn an_answer_frame_over_its_cap_is_neither_written_nor_read() {
        let big = Response::Error(CallError::Failed("x".repeat(MAX_ANSWER_FRAME as usize)));
        let mut wire = Vec::new();
        assert!(write_frame(&mut wire, &big, MAX_ANSWER_FRAME).is_err());
        assert!(wire.is_empty());
        write_frame(&mut wire, &big, MAX_REQUEST_FRAME).unwrap();
        // The host refuses it from the length alone: nothing past the prefix is read.
        let mut input = wire.as_slice();
        let error = read_frame(&mut input, MAX_ANSWER_FRAME).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(input.len(), wire.len() - 4);
    }

    #[test]
    fn truncated_and_oversized_frames_are_errors() {
        let mut input: &[u8] = &[3, 0];
        assert_eq!(
            read_frame(&mut input, MAX_REQUEST_FRAME)
                .unwrap_err()
                .kind(),
            io::ErrorKind::UnexpectedEof
        );
        let mut input: &[u8] = &[3, 0, 0, 0, b'{'];
        assert_eq!(
            read_frame(&mut input, MAX_REQUEST_FRAME)
                .unwrap_err()
                .kind(),
            io::ErrorKind::UnexpectedEof
        );
        let huge = (MAX_REQUEST_FRAME + 1).to_le_bytes();
        let mut input: &[u8] = &huge;
        assert_eq!(
            read_frame(&mut input, MAX_REQUEST_FRAME)
                .unwrap_err()
                .kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn load_errors_cross_the_wire_unchanged() {
        let error = LoadError::WrongAbiVersion {
            path: "/p/libx.so".into(),
            found: 2,
            expected: 1,
        };
        let mut wire = Vec::new();
        write_frame(
            &mut wire,
            &Hello::LoadFailed(error.clone()),
            MAX_ANSWER_FRAME,
        )
        .unwrap();
        let frame = read_frame(&mut wire.as_slice(), MAX_ANSWER_FRAME)
            .unwrap()
            .unwrap();
        match decode::<Hello>(&frame).unwrap() {
            Hello::LoadFailed(back) => assert_eq!(back, error),
            other => panic!("{other:?}"),
        }
    }
}
