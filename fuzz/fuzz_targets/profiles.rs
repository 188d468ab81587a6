//! `profiles.toml` (`connkit_transport::ProfileFile`), through
//! `connkit_transport::fuzzing::profiles_round_trip`.
//!
//! Properties: never a panic; a refused file's error names a line and column; an
//! accepted file, with every profile written back by `ProfileFile::set`, parses again
//! to the same profiles.
#![no_main]

use connkit_transport::fuzzing::profiles_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(broken) = profiles_round_trip(text) {
            panic!("{broken}");
        }
    }
});
