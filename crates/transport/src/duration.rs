//! [`HumanDuration`]: the one text form of a duration that every connkit setting
//! reads (`--timeout`, the sandbox's `--faults latency=…` and rate-limit windows,
//! `MAX/WINDOW` rate-limit policies), so that a unit accepted in one is accepted in all.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The units, smallest first, with their length in nanoseconds.
const UNITS: [(&str, u64); 6] = [
    ("ns", 1),
    ("us", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// The unit list for messages.
const UNIT_LIST: &str = "ns, us, ms, s, m or h";

/// A duration written as a decimal number and a unit: `250us`, `5ms`, `1.5s`, `2m`,
/// `1h`; `ns` is accepted too, and a bare number is seconds.
///
/// ```
/// use std::time::Duration;
/// use connkit_transport::HumanDuration;
///
/// let d: HumanDuration = "1.5s".parse().unwrap();
/// assert_eq!(d.get(), Duration::from_millis(1500));
/// assert_eq!(d.to_string(), "1500ms");
/// assert_eq!("250us".parse::<HumanDuration>().unwrap().get(), Duration::from_micros(250));
/// assert_eq!("30".parse::<HumanDuration>().unwrap().get(), Duration::from_secs(30));
/// assert!("3d".parse::<HumanDuration>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HumanDuration(Duration);

impl HumanDuration {
    /// The duration.
    pub fn get(self) -> Duration {
        self.0
    }
}

impl From<Duration> for HumanDuration {
    fn from(duration: Duration) -> Self {
        HumanDuration(duration)
    }
}

impl From<HumanDuration> for Duration {
    fn from(duration: HumanDuration) -> Self {
        duration.0
    }
}

/// Why a text is not a [`HumanDuration`]; each message quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Nothing was given.
    #[error("a duration is empty (write e.g. 30s, 500ms or 250us)")]
    Empty,
    /// The text does not start with a non-negative decimal number.
    #[error("duration `{text}` does not start with a number (write e.g. 30s, 500ms or 250us)")]
    NotANumber {
        /// The text as given.
        text: String,
    },
    /// The unit after the number is not one of the known ones.
    #[error("duration `{text}` has unknown unit `{unit}` (use {UNIT_LIST})")]
    UnknownUnit {
        /// The text as given.
        text: String,
        /// The unit as given.
        unit: String,
    },
    /// The number is too large for a duration.
    #[error("duration `{text}` is too long")]
    TooLong {
        /// The text as given.
        text: String,
    },
}

impl FromStr for HumanDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DurationError::Empty);
        }
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let not_a_number = || DurationError::NotANumber {
            text: text.to_owned(),
        };
        // Digits with at most one '.', and a digit somewhere (`.5` and `5.` are fine).
        if number.matches('.').count() > 1 || !number.contains(|c: char| c.is_ascii_digit()) {
            return Err(not_a_number());
        }
        let scale = match unit.trim() {
            "" => 1_000_000_000,
            unit => {
                UNITS
                    .iter()
                    .find(|(name, _)| *name == unit)
                    .ok_or_else(|| DurationError::UnknownUnit {
                        text: text.to_owned(),
                        unit: unit.to_owned(),
                    })?
                    .1
            }
        };
        let nanos = scaled(number, scale).ok_or_else(|| DurationError::TooLong {
            text: text.to_owned(),
        })?;
        let secs = u64::try_from(nanos / 1_000_000_000).map_err(|_| DurationError::TooLong {
            text: text.to_owned(),
        })?;
        // The remainder is below 10^9, so it fits.
        let subsec = (nanos % 1_000_000_000) as u32;
        Ok(HumanDuration(Duration::new(secs, subsec)))
    }
}

/// `number` (digits, at most one '.') times `scale` nanoseconds, exactly, with digits
/// past a nanosecond dropped; `None` on overflow.
fn scaled(number: &str, scale: u64) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(u128::from(scale))?;
    let mut place = u128::from(scale);
    for digit in fraction.bytes() {
        place /= 10;
        if place == 0 {
            break;
        }
        nanos = nanos.checked_add(u128::from(digit - b'0') * place)?;
    }
    Some(nanos)
}

impl fmt::Display for HumanDuration {
    /// The largest unit that writes it as a whole number: `1500ms`, `2m`, `250us`
    /// (zero is `0s`); [`FromStr`] reads it back to the same duration.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.as_nanos();
        if nanos == 0 {
            return f.write_str("0s");
        }
        let (name, scale) = UNITS
            .iter()
            .rev()
            .find(|(_, scale)| nanos % u128::from(*scale) == 0)
            .unwrap_or(&UNITS[0]);
        write!(f, "{}{name}", nanos / u128::from(*scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Duration, DurationError> {
        text.parse::<HumanDuration>().map(HumanDuration::get)
    }

    #[test]
    fn every_unit_and_fractions() {
        assert_eq!(parse("7ns"), Ok(Duration::from_nanos(7)));
        assert_eq!(parse("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("5ms"), Ok(Duration::from_millis(5)));
        assert_eq!(parse("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse(" 15 "), Ok(Duration::from_secs(15)));
        assert_eq!(parse("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse(".5m"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("0.1ms"), Ok(Duration::from_micros(100)));
        assert_eq!(parse("1.0000000019s"), Ok(Duration::new(1, 1)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn errors_quote_the_text() {
        assert_eq!(parse(""), Err(DurationError::Empty));
        for bad in ["fast", "-1s", "1.2.3s", ".s"] {
            let err = parse(bad).unwrap_err();
            assert!(matches!(err, DurationError::NotANumber { .. }), "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
        assert_eq!(
            parse("3d").unwrap_err().to_string(),
            "duration `3d` has unknown unit `d` (use ns, us, ms, s, m or h)"
        );
        assert!(matches!(
            parse("99999999999999999999999h"),
            Err(DurationError::TooLong { .. })
        ));
    }

    #[test]
    fn display_reads_back() {
        for text in ["1500ms", "2m", "250us", "1h", "7ns", "0s", "90s"] {
            let d: HumanDuration = text.parse().unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(d.to_string().parse::<HumanDuration>(), Ok(d));
        }
    }
}
