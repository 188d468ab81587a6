//! A cached token's expiry in words, as `auth status` and `whoami` show it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `valid until <HTTP date>`, `expired at <HTTP date>` (against `now`), or
/// `valid until a 401` when the token endpoint gave no lifetime.
pub fn describe(expires_at: Option<SystemTime>, now: SystemTime) -> String {
    match expires_at {
        None => "valid until a 401".to_owned(),
        Some(t) if t > now => format!("valid until {}", http_date(t)),
        Some(t) => format!("expired at {}", http_date(t)),
    }
}

/// `t` as an HTTP date; one past what that format holds (the year 9999), which a
/// cache file written by anyone may claim, is said in words instead of panicking.
fn http_date(t: SystemTime) -> String {
    const LAST_HTTP_DATE: Duration = Duration::from_secs(253_402_300_799);
    match t.duration_since(UNIX_EPOCH) {
        Ok(since) if since <= LAST_HTTP_DATE => httpdate::fmt_http_date(t),
        Ok(_) => "after the year 9999".to_owned(),
        Err(_) => "before 1970".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_expiry_is_shown_without_panicking() {
        let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(at(253_402_300_799)),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert_eq!(http_date(at(253_402_300_800)), "after the year 9999");
        assert_eq!(http_date(at(u64::MAX / 4)), "after the year 9999");
        assert_eq!(describe(None, at(5)), "valid until a 401");
        assert!(describe(Some(at(4)), at(5)).starts_with("expired at"));
    }
}
