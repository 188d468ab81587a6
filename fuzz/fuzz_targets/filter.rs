//! The filter parser (`connkit_models::filter`), as the sandbox runs it on `?filters=`.
//!
//! Properties: errors point inside the input (1-based column, at most one past the last
//! character); what parses renders to canonical text that parses back to the same tree
//! and renders to the same text again; checking against the connector list's table of
//! allowed pairs never panics.
#![no_main]

use connkit_models::filter::{Filter, CONNECTOR_LIST};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let filter = match text.parse::<Filter>() {
        Ok(filter) => filter,
        Err(error) => {
            let columns = text.chars().count() + 1;
            assert!(
                (1..=columns).contains(&error.column),
                "column {} outside 1..={columns} for {text:?}: {error}",
                error.column
            );
            return;
        }
    };
    let canonical = filter.to_string();
    let reparsed = canonical
        .parse::<Filter>()
        .unwrap_or_else(|e| panic!("canonical text {canonical:?} of {text:?} does not parse: {e}"));
    assert_eq!(reparsed, filter, "{text:?} rendered as {canonical:?}");
    assert_eq!(reparsed.to_string(), canonical, "rendering is not stable");
    let _ = CONNECTOR_LIST.check(&filter);
});
