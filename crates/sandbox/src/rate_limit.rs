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

use connkit_transport::HumanDuration;

/// How many requests a client may make in any window of the given length: the limit
/// the emulated **server** enforces with 429s (not the client's own limiter,
/// `connkit_transport::RateLimiter`).
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

    /// Parses `100/10s`: the window in any unit of [`HumanDuration`] (a bare number is
    /// seconds).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (max, window) = s.split_once('/').ok_or_else(|| {
            format!("rate limit '{s}' is not of the form MAX/WINDOW, e.g. 100/10s")
        })?;
        let max: u32 = max
            .trim()
            .parse()
            .map_err(|_| format!("rate limit '{s}': '{max}' is not a whole number"))?;
        let window = window
            .parse::<HumanDuration>()
            .map_err(|e| format!("rate limit '{s}': {e}"))?
            .get();
        if max == 0 || window.is_zero() {
            return Err(format!(
                "rate limit '{s}': both MAX and WINDOW must be above zero"
            ));
        }
        Ok(RateLimitConfig { max, window })
    }
}

/// The server side's windows, one per client: admits or refuses requests. Named apart
/// from the client side's `connkit_transport::RateLimiter`, which holds requests back
/// before they leave.
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

/// One client's window as `GET /__sandbox/rate-limit` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct WindowView {
    /// The client id, or `(no token)` / `(a token not issued here)`: a raw token is
    /// a credential and is never shown.
    pub(crate) client: String,
    /// Requests admitted in the current window.
    pub(crate) used: usize,
    /// Milliseconds until the oldest of them leaves the window.
    pub(crate) frees_in_ms: u64,
}

/// The limit and every client's window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct WindowsView {
    pub(crate) max: u32,
    pub(crate) window_ms: u64,
    pub(crate) windows: Vec<WindowView>,
}

impl ClientWindows {
    /// Every window that still holds a request at `now`, busiest first.
    pub(crate) fn snapshot(&self, now: Instant) -> WindowsView {
        let window = self.config.window;
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut views: Vec<WindowView> = windows
            .iter()
            .filter_map(|(key, times)| {
                let live: Vec<&Instant> = times
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) < window)
                    .collect();
                let oldest = **live.first()?;
                let client = match key.split_once(':') {
                    Some(("client", id)) => id.to_owned(),
                    Some((_, "")) => "(no token)".to_owned(),
                    _ => "(a token not issued here)".to_owned(),
                };
                let frees_in = (oldest + window).saturating_duration_since(now);
                Some(WindowView {
                    client,
                    used: live.len(),
                    frees_in_ms: u64::try_from(frees_in.as_millis()).unwrap_or(u64::MAX),
                })
            })
            .collect();
        views.sort_by(|a, b| b.used.cmp(&a.used).then_with(|| a.client.cmp(&b.client)));
        WindowsView {
            max: self.config.max,
            window_ms: u64::try_from(window.as_millis()).unwrap_or(u64::MAX),
            windows: views,
        }
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
    fn the_snapshot_names_clients_and_never_shows_a_token() {
        let limiter = ClientWindows::new(RateLimitConfig {
            max: 3,
            window: Duration::from_secs(10),
        });
        let old = Instant::now();
        limiter.check("client:old", old).unwrap();
        let t0 = old + Duration::from_secs(20);
        for key in [
            "client:ci",
            "client:ci",
            "header:Bearer raw-secret",
            "header:",
        ] {
            limiter.check(key, t0).unwrap();
        }
        let view = limiter.snapshot(t0 + Duration::from_secs(4));
        let shown: Vec<(&str, usize, u64)> = view
            .windows
            .iter()
            .map(|w| (w.client.as_str(), w.used, w.frees_in_ms))
            .collect();
        assert_eq!(
            shown,
            [
                ("ci", 2, 6000),
                ("(a token not issued here)", 1, 6000),
                ("(no token)", 1, 6000)
            ]
        );
        assert!(!format!("{view:?}").contains("raw-secret"));
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
