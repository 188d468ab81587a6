//! Wall-clock timestamps in the RFC 3339 form ConductorOne writes (UTC, nanoseconds).

use std::time::{SystemTime, UNIX_EPOCH};

use connkit_models::Timestamp;

/// Now, as a [`Timestamp`].
pub(crate) fn now() -> Timestamp {
    at(SystemTime::now())
}

/// `time` as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
pub(crate) fn at(time: SystemTime) -> Timestamp {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    let text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_nanos()
    );
    // The text is built to the grammar `Timestamp` parses.
    Timestamp::parse(&text).unwrap_or_else(|_| unreachable!("{text} is RFC 3339"))
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(UNIX_EPOCH).as_str(), "1970-01-01T00:00:00.000000000Z");
        let t = UNIX_EPOCH + Duration::new(1_709_251_199, 5);
        assert_eq!(at(t).as_str(), "2024-02-29T23:59:59.000000005Z");
    }
}
