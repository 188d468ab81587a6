//! The rate-limit state file that every process of a client id shares
//! (`connkit_transport::fuzzing::rate_limit_wait`): any bytes in its place, read as a
//! limiter reads them, pruned and asked for a slot, with or without a 429 teaching.
//!
//! Properties: never a panic; a file that is not a state reads as an error (the limiter
//! then starts afresh); and no state, however poisoned, makes a request wait longer than
//! `LONGEST_WAIT` (the longest window a limit may have plus an attempt's lease).
//!
//! The first byte picks the rule (adaptive or an explicit limit) and whether a 429
//! with the next eight bytes as its `Retry-After` (in milliseconds) teaches first.
#![no_main]

use std::time::Duration;

use connkit_transport::fuzzing::{rate_limit_wait, LONGEST_WAIT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (refused_after, state) = match (mode & 2 != 0, rest.split_first_chunk::<8>()) {
        (true, Some((millis, state))) => (
            Some(Duration::from_millis(u64::from_le_bytes(*millis))),
            state,
        ),
        _ => (None, rest),
    };
    let now = 1_800_000_000_000;
    if let Ok(wait) = rate_limit_wait(state, now, mode & 1 != 0, refused_after) {
        assert!(wait.is_none_or(|w| w <= LONGEST_WAIT), "waits {wait:?}");
    }
});
