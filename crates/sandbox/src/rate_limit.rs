//! The optional rate limit, keyed as ISC's gateway keys it: per client id. A request
//! whose bearer token this sandbox issued counts against that token's client (so
//! several tokens of one client share one window); any other bearer token counts on
//! its own; requests without one (the token endpoint among them) share a window. Each
//! window is a sliding log, the strictest reading of "N requests per W": no window of
//! length W ever holds more than N admitted requests, and a refused request is not
//! counted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a client may make in any window of the given length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests admitted per window.
    pub max: u32,
    /// The window length.
    pub window: Duration,
}

impl Default for RateLimitConfig {
    /// The documented ISC limit: 100 requests per 10 seconds.
    fn default() -> Self {
        RateLimitConfig {
            max: 100,
            window: Duration::from_secs(10),
        }
    }
}

impl std::str::FromStr for RateLimitConfig {
    type Err = String;

    /// Parses `100/10s` (also `ms`, `m`; a bare number is seconds).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (max, window) = s.split_once('/').ok_or_else(|| {
            format!("rate limit '{s}' is not of the form MAX/WINDOW, e.g. 100/10s")
        })?;
        let max: u32 = max
            .trim()
            .parse()
            .map_err(|_| format!("rate limit '{s}': '{max}' is not a whole number"))?;
        let window = window.trim();
        let window = if window.bytes().all(|b| b.is_ascii_digit()) {
            crate::faults::parse_duration(&format!("{window}s"))
        } else {
            crate::faults::parse_duration(window)
        }
        .map_err(|e| format!("rate limit '{s}': {e}"))?;
        if max == 0 || window.is_zero() {
            return Err(format!(
                "rate limit '{s}': both MAX and WINDOW must be above zero"
            ));
        }
        Ok(RateLimitConfig { max, window })
    }
}

/// The server side's windows, one per client: admits or refuses requests.
#[derive(Debug)]
pub(crate) struct ClientWindows {
    config: RateLimitConfig,
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys kept before idle windows are pruned.
const PRUNE_ABOVE: usize = 1024;

impl ClientWindows {
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        ClientWindows {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Admits a request from `client` at `now`, or says how long until one would be.
    pub(crate) fn check(&self, client: &str, now: Instant) -> Result<(), Duration> {
        let window = self.config.window;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.saturating_duration_since(*last) < window)
            });
        }
        let times = windows.entry(client.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|first| now.saturating_duration_since(*first) >= window)
        {
            times.pop_front();
        }
        if times.len() < self.config.max as usize {
            times.push_back(now);
            return Ok(());
        }
        // Full: the oldest admitted request leaves the window first.
        let oldest = times.front().copied().unwrap_or(now);
        Err((oldest + window).saturating_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window_admits_max_then_waits_for_the_oldest() {
        let limiter = ClientWindows::new(RateLimitConfig {
            max: 3,
            window: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        assert_eq!(limiter.check("a", t0), Ok(()));
        assert_eq!(limiter.check("a", t0 + Duration::from_secs(4)), Ok(()));
        assert_eq!(limiter.check("a", t0 + Duration::from_secs(5)), Ok(()));
        assert_eq!(
            limiter.check("a", t0 + Duration::from_secs(6)),
            Err(Duration::from_secs(4))
        );
        assert_eq!(limiter.check("b", t0 + Duration::from_secs(6)), Ok(()));
        assert_eq!(limiter.check("a", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(
            limiter.check("a", t0 + Duration::from_secs(11)),
            Err(Duration::from_secs(3))
        );
    }

    #[test]
    fn parses_flag_syntax() {
        assert_eq!(
            "100/10s".parse::<RateLimitConfig>(),
            Ok(RateLimitConfig::default())
        );
        assert_eq!(
            "5/250ms".parse::<RateLimitConfig>().map(|c| c.window),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(
            "7/2".parse::<RateLimitConfig>().map(|c| c.window),
            Ok(Duration::from_secs(2))
        );
        assert!("0/10s".parse::<RateLimitConfig>().is_err());
        assert!("ten/10s".parse::<RateLimitConfig>().is_err());
        assert!("100".parse::<RateLimitConfig>().is_err());
    }
}
