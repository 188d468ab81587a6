//! A token cache file (`connkit_transport::fuzzing::token_cache_entry`): any bytes
//! in its place, read as the auth layer reads its own key's file.
//!
//! Properties: never a panic, and no file makes a token be used for longer than any
//! token lives (24 h) from now.
#![no_main]

use std::time::Duration;

use connkit_transport::fuzzing::token_cache_entry;
use libfuzzer_sys::fuzz_target;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fuzz_target!(|data: &[u8]| {
    if let Some(Some(usable_for)) = token_cache_entry(data) {
        assert!(usable_for <= DAY, "a cached token used for {usable_for:?}");
    }
});
