//! `Timestamp`: an RFC 3339 date-time that keeps the text it was given.
//!
//! Services send timestamps with anything from 0 to 9 fractional digits
//! (`2025-08-05T12:00:00Z`, `…:00.123456789Z`) and offsets other than `Z`. A client
//! that parses into a calendar type and formats back changes bytes it never meant to
//! touch (trailing zeros, offset style). This type validates the text on decode,
//! exposes the parts, and writes the original text back unchanged, so nanosecond
//! precision and the exact spelling survive a round trip. It has no dependencies.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// An RFC 3339 `date-time` with up to 9 fractional digits, kept verbatim.
///
/// Equality and hashing are on the text: `…T12:00:00Z` and `…T12:00:00.000Z` are
/// different values (they serialize differently). Compare instants with
/// [`Timestamp::unix_nanos`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: Box<str>,
    parts: Parts,
}

/// The parsed fields of a [`Timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Parts {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
    /// Offset from UTC in minutes (`Z` is 0).
    offset_minutes: i16,
}

/// Text that is not an RFC 3339 `date-time` this crate accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 timestamp `{text}`: {reason}")]
pub struct TimestampError {
    /// The text that was refused.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Timestamp {
    /// `time` in UTC with nanoseconds, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (the form
    /// ConductorOne writes); a time before 1970 is taken as 1970-01-01.
    pub fn from_system_time(time: SystemTime) -> Timestamp {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since.as_secs();
        let (days, rest) = (secs / 86_400, secs % 86_400);
        let (year, month, day) = civil_from_days(i64::try_from(days).unwrap_or(i64::MAX));
        let text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60,
            since.subsec_nanos()
        );
        // The text is built to the grammar `parse` reads.
        Timestamp::parse(&text).unwrap_or_else(|_| unreachable!("{text} is RFC 3339"))
    }

    /// Parses and validates `text` (`YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`).
    ///
    /// `t`/`z` in lower case are accepted (RFC 3339 §5.6 allows them); a second of
    /// 60 is accepted as a leap second.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let parts = parse_parts(text.as_bytes()).map_err(|reason| TimestampError {
            text: text.to_owned(),
            reason,
        })?;
        Ok(Timestamp {
            text: text.into(),
            parts,
        })
    }

    /// The timestamp exactly as received (or as given to [`Timestamp::parse`]).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The calendar year (0000–9999).
    pub fn year(&self) -> u16 {
        self.parts.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.parts.month
    }

    /// The day of the month, 1–31.
    pub fn day(&self) -> u8 {
        self.parts.day
    }

    /// The hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.parts.hour
    }

    /// The minute, 0–59.
    pub fn minute(&self) -> u8 {
        self.parts.minute
    }

    /// The second, 0–60 (60 only for a leap second).
    pub fn second(&self) -> u8 {
        self.parts.second
    }

    /// The fraction of the second in nanoseconds (missing digits count as zeros).
    pub fn nanosecond(&self) -> u32 {
        self.parts.nanosecond
    }

    /// The offset from UTC in minutes; `Z` is 0, `-05:00` is -300.
    pub fn offset_minutes(&self) -> i16 {
        self.parts.offset_minutes
    }

    /// The instant as nanoseconds since 1970-01-01T00:00:00Z, for comparing
    /// timestamps written with different offsets or precisions. A leap second
    /// counts as the first second of the next minute.
    pub fn unix_nanos(&self) -> i128 {
        let p = self.parts;
        let days = days_from_civil(i64::from(p.year), u32::from(p.month), u32::from(p.day));
        let seconds = days * 86_400
            + i64::from(p.hour) * 3_600
            + i64::from(p.minute) * 60
            + i64::from(p.second)
            - i64::from(p.offset_minutes) * 60;
        i128::from(seconds) * 1_000_000_000 + i128::from(p.nanosecond)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// Byte-level RFC 3339 parser; returns the reason on failure.
fn parse_parts(b: &[u8]) -> Result<Parts, &'static str> {
    const SHAPE: &str = "expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)";
    if b.len() < 19 {
        return Err(SHAPE);
    }
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(13, b':') && sep(16, b':')) {
        return Err(SHAPE);
    }
    if !matches!(b[10], b'T' | b't') {
        return Err("expected `T` between date and time");
    }
    let year = digits(&b[0..4]).ok_or(SHAPE)?;
    let month = digits(&b[5..7]).ok_or(SHAPE)?;
    let day = digits(&b[8..10]).ok_or(SHAPE)?;
    let hour = digits(&b[11..13]).ok_or(SHAPE)?;
    let minute = digits(&b[14..16]).ok_or(SHAPE)?;
    let second = digits(&b[17..19]).ok_or(SHAPE)?;
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("day out of range for the month");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("time of day out of range");
    }

    let mut rest = &b[19..];
    let mut nanosecond = 0u32;
    if let Some((b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err("expected digits after `.`");
        }
        if n > 9 {
            return Err("more than 9 fractional digits");
        }
        let value = digits(&frac[..n]).ok_or(SHAPE)?;
        nanosecond = value * 10u32.pow(9 - n as u32);
        rest = &frac[n..];
    }

    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0i16,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2]).ok_or(SHAPE)?;
            let om = digits(&[*m1, *m2]).ok_or(SHAPE)?;
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            let total = (oh * 60 + om) as i16;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        [] => return Err("missing offset (`Z` or `±HH:MM`)"),
        _ => return Err(SHAPE),
    };

    Ok(Parts {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond,
        offset_minutes,
    })
}

/// The value of an all-ASCII-digit slice (at most 9 digits), else `None`.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01: the inverse of
/// [`days_from_civil`] (Howard Hinnant's `civil_from_days`).
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

    #[test]
    fn formats_system_times() {
        use std::time::Duration;
        let at = Timestamp::from_system_time;
        assert_eq!(at(UNIX_EPOCH).as_str(), "1970-01-01T00:00:00.000000000Z");
        let t = UNIX_EPOCH + Duration::new(1_709_251_199, 5);
        assert_eq!(at(t).as_str(), "2024-02-29T23:59:59.000000005Z");
        for days in [-1, 0, 59, 365, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn keeps_text_and_exposes_parts() {
        let t = Timestamp::parse("2025-08-05T12:34:56.123456789+02:30").unwrap();
        assert_eq!(t.as_str(), "2025-08-05T12:34:56.123456789+02:30");
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2025, 8, 5, 12, 34, 56)
        );
        assert_eq!(t.nanosecond(), 123_456_789);
        assert_eq!(t.offset_minutes(), 150);
        let short = Timestamp::parse("2025-08-05T12:34:56.5Z").unwrap();
        assert_eq!(short.nanosecond(), 500_000_000);
    }

    #[test]
    fn unix_nanos_compares_instants_across_offsets() {
        let epoch = Timestamp::parse("1970-01-01T00:00:00Z").unwrap();
        assert_eq!(epoch.unix_nanos(), 0);
        let a = Timestamp::parse("2024-02-29T23:30:00-01:00").unwrap();
        let b = Timestamp::parse("2024-03-01T00:30:00.000Z").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.unix_nanos(), b.unix_nanos());
        assert_eq!(b.unix_nanos(), 1_709_253_000 * 1_000_000_000);
        let before = Timestamp::parse("1969-12-31T23:59:59.999999999Z").unwrap();
        assert_eq!(before.unix_nanos(), -1);
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        let cases = [
            ("2025-08-05", "expected YYYY"),
            ("2025-08-05 12:00:00Z", "expected `T`"),
            ("2025-13-01T00:00:00Z", "month out of range"),
            ("2023-02-29T00:00:00Z", "day out of range"),
            ("2025-08-05T24:00:00Z", "time of day"),
            ("2025-08-05T12:00:00", "missing offset"),
            ("2025-08-05T12:00:00.Z", "digits after"),
            ("2025-08-05T12:00:00.1234567891Z", "more than 9"),
            ("2025-08-05T12:00:00+24:00", "offset out of range"),
            ("2025-08-05T12:00:00+0200", "expected YYYY"),
            ("２025-08-05T12:00:00Z", "expected YYYY"),
        ];
        for (text, reason) in cases {
            let err = Timestamp::parse(text).unwrap_err();
            assert!(err.reason.contains(reason), "{text}: {err}");
            assert!(err.to_string().contains(text));
        }
    }

    #[test]
    fn leap_day_and_leap_second_and_lowercase_accepted() {
        for ok in [
            "2024-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2016-12-31t23:59:60z",
        ] {
            assert!(Timestamp::parse(ok).is_ok(), "{ok}");
        }
        assert!(Timestamp::parse("1900-02-29T00:00:00Z").is_err());
    }
}
