//! The isolated plugin mode's wire format (`connkit-plugin-host`): length-prefixed
//! frames and the JSON messages inside them, read as the worker reads the host's
//! requests and as the host reads the worker's hello and answers.
//!
//! Properties: reading a stream never panics;
//! a request the worker decodes, framed again by the host, decodes to the same kind
//! and body; a hello or answer the host decodes, framed again, is a fixed point (it
//! decodes and frames to the same bytes).
#![no_main]

use connkit_plugin_host::fuzzing::{
    decode_request, encode_request, read_frames, reframe_hello, reframe_response,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (frames, _error) = read_frames(data);
    for frame in &frames {
        if let Ok((kind, body)) = decode_request(frame) {
            let wire = encode_request(kind, &body).expect("a request frames");
            let (again, error) = read_frames(&wire);
            assert!(error.is_none(), "{error:?}");
            assert_eq!(again.len(), 1);
            assert_eq!(decode_request(&again[0]), Ok((kind, body)));
        }
        for reframe in [reframe_hello, reframe_response] {
            if let Ok(wire) = reframe(frame) {
                let (again, error) = read_frames(&wire);
                assert!(error.is_none(), "{error:?}");
                assert_eq!(again.len(), 1);
                assert_eq!(reframe(&again[0]).as_ref(), Ok(&wire), "not a fixed point");
            }
        }
    }
});
