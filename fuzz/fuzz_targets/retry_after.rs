//! `Retry-After` as the retry layer reads it (`connkit_transport::fuzzing::retry_after`),
//! and what a 429 carrying it can do to the shared rate-limit state.
//!
//! Properties: a whole number of seconds is that many seconds; any other value is an
//! HTTP date and the delay is the distance to it (none for a date past); and
//! whatever the delay, a 429 carrying it makes no request wait longer than
//! `connkit_transport::fuzzing::LONGEST_WAIT` (the cap on what a server can teach).
#![no_main]

use std::time::{Duration, SystemTime};

use connkit_transport::fuzzing::{rate_limit_wait, retry_after, LONGEST_WAIT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let Some(delay) = retry_after(data, now) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let trimmed = text.trim();
    if let Ok(seconds) = trimmed.parse::<u64>() {
        assert_eq!(delay, Duration::from_secs(seconds), "{trimmed:?}");
    } else {
        let date = httpdate_of(trimmed).expect("a delay from text that is no date");
        assert_eq!(delay, date.duration_since(now).unwrap_or_default());
    }
    for adaptive in [true, false] {
        let wait = rate_limit_wait(b"{}", 1_800_000_000_000, adaptive, Some(delay))
            .expect("an empty state reads");
        assert!(
            wait.is_none_or(|w| w <= LONGEST_WAIT),
            "{delay:?} made {wait:?}"
        );
    }
});

/// The date `text` names, read independently of the code under test by formatting
/// back: `httpdate` is the one parser of IMF-fixdate, so it checks itself through its
/// printer (a parsed date prints as a valid IMF-fixdate).
fn httpdate_of(text: &str) -> Option<SystemTime> {
    let date = httpdate::parse_http_date(text).ok()?;
    let printed = httpdate::fmt_http_date(date);
    assert_eq!(httpdate::parse_http_date(&printed).ok(), Some(date));
    Some(date)
}
