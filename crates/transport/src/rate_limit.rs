//! `RateLimit`: a client-side sliding-window limiter on request starts.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::request::deadline_of;
use crate::{Transport, TransportError};

/// A sliding-window log: never more than `max_requests` request starts in any window of
/// `window`. Cloning shares the window, so every clone of a client (and every stack
/// given the same limiter) counts against one budget.
///
/// Not a token bucket: a bucket of 100 refilling at 10/s lets nearly 200 requests through
/// in the first 10 s and collects 429s from a server that counts per window. Here the
/// `N+1`-th start waits until the first of the last `N` starts is a full window old.
///
/// Waiters are served in arrival order (a fair async mutex). Start times are taken when a
/// request leaves the limiter; the server sees arrivals a little later, so against a
/// server that counts strictly, choose a window slightly longer than the server's.
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

struct Shared {
    max_requests: usize,
    window: Duration,
    starts: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    /// The documented ISC limit: 100 requests per 10 seconds.
    pub const DEFAULT_MAX_REQUESTS: u32 = 100;
    /// The documented ISC window: 10 seconds.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(10);

    /// At most `max_requests` starts in any `window`. Both must be non-zero, and the
    /// window at most a day.
    pub fn new(max_requests: u32, window: Duration) -> Result<Self, TransportError> {
        if max_requests == 0 {
            return Err(TransportError::config(
                "rate limit: the number of requests per window must be at least 1",
            ));
        }
        if window.is_zero() || window > Duration::from_secs(24 * 3600) {
            return Err(TransportError::config(
                "rate limit: the window must be longer than zero and at most a day",
            ));
        }
        let max_requests = usize::try_from(max_requests)
            .map_err(|_| TransportError::config("rate limit: too many requests per window"))?;
        Ok(RateLimiter {
            shared: Arc::new(Shared {
                max_requests,
                window,
                starts: tokio::sync::Mutex::new(VecDeque::with_capacity(max_requests.min(1024))),
            }),
        })
    }

    /// 100 requests per 10 seconds.
    pub fn isc_default() -> Self {
        RateLimiter {
            shared: Arc::new(Shared {
                max_requests: Self::DEFAULT_MAX_REQUESTS as usize,
                window: Self::DEFAULT_WINDOW,
                starts: tokio::sync::Mutex::new(VecDeque::with_capacity(
                    Self::DEFAULT_MAX_REQUESTS as usize,
                )),
            }),
        }
    }

    /// The number of starts allowed per window.
    pub fn max_requests(&self) -> u32 {
        u32::try_from(self.shared.max_requests).unwrap_or(u32::MAX)
    }

    /// The window length.
    pub fn window(&self) -> Duration {
        self.shared.window
    }

    /// Waits for a start slot and takes it. Fails with
    /// [`TransportError::RateLimited`] at once, without waiting, if the slot would open
    /// after `deadline`.
    pub async fn acquire(&self, deadline: Option<Instant>) -> Result<(), TransportError> {
        let shared = &*self.shared;
        let mut starts = shared.starts.lock().await;
        let now = Instant::now();
        while starts
            .front()
            .is_some_and(|&t| now.duration_since(t) >= shared.window)
        {
            starts.pop_front();
        }
        if starts.len() >= shared.max_requests {
            if let Some(&oldest) = starts.front() {
                let opens = oldest + shared.window;
                if deadline.is_some_and(|d| opens > d) {
                    return Err(TransportError::RateLimited {
                        wait: opens.saturating_duration_since(now),
                    });
                }
                tokio::time::sleep_until(tokio::time::Instant::from_std(opens)).await;
                starts.pop_front();
            }
        }
        starts.push_back(Instant::now());
        Ok(())
    }
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("max_requests", &self.shared.max_requests)
            .field("window", &self.shared.window)
            .finish()
    }
}

/// Holds each request until the [`RateLimiter`] grants it a start slot, then sends it.
///
/// Returns what the inner transport returns, or [`TransportError::RateLimited`] when the
/// slot would open after the request's [`Deadline`](crate::Deadline). Put it below the
/// retry and auth layers so that retries and token requests are counted too.
#[derive(Debug, Clone)]
pub struct RateLimit<T> {
    inner: T,
    limiter: RateLimiter,
}

impl<T> RateLimit<T> {
    /// Wraps `inner`; clones of `limiter` share one window.
    pub fn new(inner: T, limiter: RateLimiter) -> Self {
        RateLimit { inner, limiter }
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for RateLimit<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.limiter.acquire(deadline_of(&request)).await?;
        self.inner.send(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_zero_limit_or_window() {
        assert!(RateLimiter::new(0, Duration::from_secs(1)).is_err());
        assert!(RateLimiter::new(1, Duration::ZERO).is_err());
        assert!(RateLimiter::new(1, Duration::MAX).is_err());
        let l = RateLimiter::new(3, Duration::from_millis(10)).unwrap();
        assert_eq!(
            (l.max_requests(), l.window()),
            (3, Duration::from_millis(10))
        );
        let d = RateLimiter::isc_default();
        assert_eq!(
            (d.max_requests(), d.window()),
            (100, Duration::from_secs(10))
        );
    }

    #[tokio::test]
    async fn the_n_plus_first_start_waits_a_full_window() {
        let window = Duration::from_millis(150);
        let l = RateLimiter::new(2, window).unwrap();
        let t0 = Instant::now();
        l.acquire(None).await.unwrap();
        l.acquire(None).await.unwrap();
        assert!(t0.elapsed() < window);
        l.acquire(None).await.unwrap();
        assert!(t0.elapsed() >= window);
    }

    #[tokio::test]
    async fn a_slot_past_the_deadline_fails_without_waiting() {
        let l = RateLimiter::new(1, Duration::from_secs(60)).unwrap();
        l.acquire(None).await.unwrap();
        let t0 = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(1);
        let err = l.acquire(Some(deadline)).await.unwrap_err();
        assert!(
            matches!(err, TransportError::RateLimited { wait } if wait > Duration::from_secs(50))
        );
        assert!(t0.elapsed() < Duration::from_secs(1));
    }
}
