//! The sandbox's `multipart/form-data` reader (what the PUT routes use), chosen by the
//! first byte (even: raw, odd: round trip).
//!
//! Raw: the first line of the input is the `Content-Type`, the rest the body; reading
//! never panics, and every part's bytes come from the body.
//!
//! Round trip: parts (names and bytes) and a boundary are drawn from the input and
//! encoded as a client encodes them; the reader gives back exactly those parts.
#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use connkit_sandbox::fuzzing::multipart_parts;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a Tokio runtime")
});

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((selector, rest)) if selector % 2 == 0 => raw(rest),
        Some((_, rest)) => {
            let _ = round_trip(&mut Unstructured::new(rest));
        }
        None => {}
    }
});

fn raw(data: &[u8]) {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let Ok(content_type) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let body = Bytes::copy_from_slice(data.get(split + 1..).unwrap_or_default());
    if let Ok(parts) = RUNTIME.block_on(multipart_parts(Some(content_type), body.clone())) {
        let total: usize = parts.iter().map(|(_, bytes)| bytes.len()).sum();
        assert!(
            total <= body.len(),
            "{total} bytes of parts from {} bytes",
            body.len()
        );
    }
}

/// Characters a boundary (RFC 2046 `bchars`, no space) or a simple form name draws from.
const TOKEN: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?";

fn token(u: &mut Unstructured<'_>, min: usize, max: usize) -> Result<String> {
    let len = u.int_in_range(min..=max)?;
    (0..len)
        .map(|_| u.choose(TOKEN).map(|b| char::from(*b)))
        .collect()
}

fn round_trip(u: &mut Unstructured<'_>) -> Result<()> {
    let boundary = token(u, 1, 70)?;
    let delimiter = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let name = token(u, 1, 20)?;
        let bytes: Vec<u8> = u.arbitrary()?;
        parts.push((Some(name), Bytes::from(bytes)));
    }
    let mut body = Vec::new();
    for (name, bytes) in &parts {
        let name = name.as_deref().unwrap_or_default();
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    // A part that contains the delimiter cannot be encoded with this boundary.
    let delimited = parts.iter().any(|(_, bytes)| {
        let mut framed = b"\r\n".to_vec();
        framed.extend_from_slice(bytes);
        framed.extend_from_slice(b"\r\n");
        framed
            .windows(delimiter.len())
            .any(|w| w == delimiter.as_bytes())
    });
    if delimited {
        return Ok(());
    }
    let content_type = format!("multipart/form-data; boundary=\"{boundary}\"");
    let read = RUNTIME.block_on(multipart_parts(Some(&content_type), Bytes::from(body)));
    assert_eq!(read, Ok(parts), "boundary {boundary:?}");
    Ok(())
}
