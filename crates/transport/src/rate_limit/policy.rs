//! [`RateLimitPolicy`] and [`Limit`]: what the user asks of the client-side limiter, in
//! the one text form the CLI flag, the environment variable and profiles share.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::{BaseUrl, DurationError, HumanDuration, TransportError};

/// At most `max` requests in any window of `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    max: u32,
    window: Duration,
}

impl Limit {
    /// The documented ISC limit: 100 requests per 10 seconds per client id.
    pub const ISC_DEFAULT: Limit = Limit {
        max: 100,
        window: Duration::from_secs(10),
    };

    /// The longest window accepted: a day.
    pub const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

    /// `max` requests per `window`; both must be above zero, the window at most a day
    /// and a whole number of milliseconds.
    pub fn new(max: u32, window: Duration) -> Result<Self, TransportError> {
        if max == 0 {
            return Err(TransportError::config(
                "rate limit: the number of requests per window must be at least 1",
            ));
        }
        if window < Duration::from_millis(1) || window > Self::MAX_WINDOW {
            return Err(TransportError::config(
                "rate limit: the window must be at least 1 ms and at most a day",
            ));
        }
        if window.subsec_nanos() % 1_000_000 != 0 {
            return Err(TransportError::config(
                "rate limit: the window must be a whole number of milliseconds",
            ));
        }
        Ok(Limit { max, window })
    }

    /// Requests allowed per window.
    pub fn max(&self) -> u32 {
        self.max
    }

    /// The window length.
    pub fn window(&self) -> Duration {
        self.window
    }
}

impl fmt::Display for Limit {
    /// `100/10s`, `5/250ms`: the form [`FromStr`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.window.as_millis();
        if ms % 1000 == 0 {
            write!(f, "{}/{}s", self.max, ms / 1000)
        } else {
            write!(f, "{}/{ms}ms", self.max)
        }
    }
}

impl FromStr for Limit {
    type Err = TransportError;

    /// `MAX/WINDOW` with the window a [`HumanDuration`] (a bare number is seconds), e.g.
    /// `100/10s`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| {
            TransportError::config(format!(
                "rate limit '{text}': {why} (expected auto, off or MAX/WINDOW such as 100/10s)"
            ))
        };
        let (max, window) = text
            .split_once('/')
            .ok_or_else(|| bad("no '/' between MAX and WINDOW"))?;
        let max = max.trim();
        let max: u32 = match max.parse::<u64>() {
            Ok(n) => u32::try_from(n)
                .map_err(|_| bad(&format!("'{max}' is too large (at most {})", u32::MAX)))?,
            Err(_) => return Err(bad(&format!("'{max}' is not a whole number"))),
        };
        let window: HumanDuration = window
            .parse()
            .map_err(|e: DurationError| bad(&e.to_string()))?;
        Limit::new(max, window.get()).map_err(|e| match e {
            TransportError::Config(e) => bad(e.message()),
            other => other,
        })
    }
}

/// How the client limits its own request rate. The text form (flag `--rate-limit`,
/// `CONNKIT_RATE_LIMIT`, a profile's key) is `auto`, `off` or `MAX/WINDOW`.
///
/// - [`Auto`](RateLimitPolicy::Auto) (the default): 100 requests per 10 s
///   ([`Limit::ISC_DEFAULT`]) against a hosted tenant; no limit against a loopback host
///   or an in-process backend. Either way a 429 teaches the real limit (see
///   [`RateLimiter`](crate::RateLimiter)).
/// - [`Fixed`](RateLimitPolicy::Fixed): exactly this limit, whatever the server says.
/// - [`Off`](RateLimitPolicy::Off): no client-side limiter; 429s are only retried.
///
/// ```
/// use connkit_transport::RateLimitPolicy;
///
/// let policy: RateLimitPolicy = "50/10s".parse().unwrap();
/// assert_eq!(policy.to_string(), "50/10s");
/// assert_eq!("auto".parse::<RateLimitPolicy>().unwrap(), RateLimitPolicy::Auto);
/// assert!("fast".parse::<RateLimitPolicy>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RateLimitPolicy {
    /// No client-side limit.
    Off,
    /// Exactly this limit, never adapted.
    Fixed(Limit),
    /// Start from what the host suggests and learn from 429s: ISC's documented 100
    /// requests per 10 s ([`Limit::ISC_DEFAULT`]) against a hosted tenant, unthrottled
    /// against a loopback host, no limiter at all for an in-process backend
    /// ([`Transport::is_in_process`](crate::Transport::is_in_process)). A 429 lowers the
    /// limit to nine tenths of what the window had admitted (a window of unknown length
    /// is taken to be 10 s, or `Retry-After` if longer); it then rises by one (or 2 %,
    /// whichever is more) per busy window, never above the start. The lessons are shared through a state file in
    /// `rate-limit/` under [`UserDir::Cache`](crate::UserDir::Cache) (see
    /// [`TransportStackBuilder::rate_limit_state_dir`](crate::TransportStackBuilder::rate_limit_state_dir));
    /// deleting it forgets them, and [`Off`](RateLimitPolicy::Off) turns all of it off.
    #[default]
    Auto,
}

impl RateLimitPolicy {
    /// The limit a client of `base` starts with under this policy: `None` when it
    /// starts unthrottled (`off`; `auto` for an in-process backend or a loopback host).
    /// Callers size their concurrency by it.
    pub fn starting_limit(&self, base: &BaseUrl, in_process: bool) -> Option<Limit> {
        match self {
            RateLimitPolicy::Off => None,
            RateLimitPolicy::Fixed(limit) => Some(*limit),
            RateLimitPolicy::Auto if in_process || base.is_loopback() => None,
            RateLimitPolicy::Auto => Some(Limit::ISC_DEFAULT),
        }
    }
}

impl fmt::Display for RateLimitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateLimitPolicy::Off => f.write_str("off"),
            RateLimitPolicy::Auto => f.write_str("auto"),
            RateLimitPolicy::Fixed(limit) => limit.fmt(f),
        }
    }
}

impl FromStr for RateLimitPolicy {
    type Err = TransportError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            t if t.eq_ignore_ascii_case("auto") => Ok(RateLimitPolicy::Auto),
            t if t.eq_ignore_ascii_case("off") => Ok(RateLimitPolicy::Off),
            t => t.parse().map(RateLimitPolicy::Fixed),
        }
    }
}

impl serde::Serialize for RateLimitPolicy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for RateLimitPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_form() {
        for (text, shown) in [
            ("auto", "auto"),
            ("AUTO", "auto"),
            (" off ", "off"),
            ("100/10s", "100/10s"),
            ("100/10", "100/10s"),
            ("5/250ms", "5/250ms"),
            ("60/1m", "60/60s"),
            ("1000/1h", "1000/3600s"),
        ] {
            let policy: RateLimitPolicy = text.parse().unwrap();
            assert_eq!(policy.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<RateLimitPolicy>().unwrap(), policy);
        }
        assert_eq!(
            "100/10s".parse::<RateLimitPolicy>().unwrap(),
            RateLimitPolicy::Fixed(Limit::ISC_DEFAULT)
        );
    }

    #[test]
    fn bad_text_names_what_is_wrong() {
        for (text, says) in [
            ("fast", "no '/'"),
            ("x/10s", "'x' is not a whole number"),
            (
                "999999999999/1s",
                "'999999999999' is too large (at most 4294967295)",
            ),
            ("0/10s", "at least 1"),
            ("10/0s", "at least 1 ms"),
            ("10/2d", "unknown unit `d`"),
            ("10/25h", "at most a day"),
            ("10/250us", "at least 1 ms"),
            ("10/1.0005s", "whole number of milliseconds"),
            ("10/s", "does not start with a number"),
        ] {
            let err = text.parse::<RateLimitPolicy>().unwrap_err().to_string();
            assert!(err.contains(says) && err.contains(text), "{text}: {err}");
        }
    }

    #[test]
    fn auto_starts_throttled_only_for_a_hosted_tenant() {
        let hosted = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
        let local = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        let auto = RateLimitPolicy::Auto;
        assert_eq!(
            auto.starting_limit(&hosted, false),
            Some(Limit::ISC_DEFAULT)
        );
        assert_eq!(auto.starting_limit(&hosted, true), None);
        assert_eq!(auto.starting_limit(&local, false), None);
        let fixed: RateLimitPolicy = "5/1s".parse().unwrap();
        assert!(fixed.starting_limit(&local, true).is_some());
        assert_eq!(RateLimitPolicy::Off.starting_limit(&hosted, false), None);
    }

    #[test]
    fn serde_is_the_text_form() {
        let policy: RateLimitPolicy = serde_json::from_str("\"20/2s\"").unwrap();
        assert_eq!(serde_json::to_string(&policy).unwrap(), "\"20/2s\"");
        let err = serde_json::from_str::<RateLimitPolicy>("\"often\"").unwrap_err();
        assert!(err.to_string().contains("often"), "{err}");
    }
}
