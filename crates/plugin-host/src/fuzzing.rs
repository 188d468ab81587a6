//! The isolated mode's wire format, driven directly by the fuzz targets in `fuzz/`
//! (feature `fuzzing`).
//!
//! Not a stable API: it follows the internals it exposes, and nothing but the fuzz
//! targets should use it.

use std::io;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::protocol::{
    decode, read_frame, write_frame, Hello, Request, Response, MAX_REQUEST_FRAME,
};

/// The frames of `stream`, read one after the other as host and worker read each
/// other's output, and the error that stopped the reading, if any (none at a clean end).
pub fn read_frames(mut stream: &[u8]) -> (Vec<Vec<u8>>, Option<io::Error>) {
    let mut frames = Vec::new();
    loop {
        match read_frame(&mut stream, MAX_REQUEST_FRAME) {
            Ok(Some(frame)) => frames.push(frame),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(e)),
        }
    }
}

/// `frame` decoded as the worker decodes a request: the kind and the body bytes.
pub fn decode_request(frame: &[u8]) -> Result<(u32, Vec<u8>), String> {
    let request: Request = decode(frame).map_err(|e| e.to_string())?;
    Ok((request.kind, request.body()?))
}

/// A request for `kind` and `body`, framed as the host writes it.
pub fn encode_request(kind: u32, body: &[u8]) -> io::Result<Vec<u8>> {
    let mut wire = Vec::new();
    write_frame(&mut wire, &Request::new(kind, body), MAX_REQUEST_FRAME)?;
    Ok(wire)
}

/// `frame` decoded as the host decodes the worker's hello, then framed again.
pub fn reframe_hello(frame: &[u8]) -> Result<Vec<u8>, String> {
    reframe::<Hello>(frame)
}

/// `frame` decoded as the host decodes the answer to a request, then framed again.
pub fn reframe_response(frame: &[u8]) -> Result<Vec<u8>, String> {
    reframe::<Response>(frame)
}

fn reframe<T: Serialize + DeserializeOwned>(frame: &[u8]) -> Result<Vec<u8>, String> {
    let message: T = decode(frame).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    write_frame(&mut wire, &message, MAX_REQUEST_FRAME).map_err(|e| e.to_string())?;
    Ok(wire)
}
