//! `connkit auth status|logout`: the client-credentials tokens cached across runs, of
//! both APIs (ISC's bought with a client secret, ConductorOne's with a signed
//! assertion: one cache, one transport auth layer).

pub mod args;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connkit_transport::{CachedTokenInfo, TokenCache, UserDir, PLATFORM_C1, PLATFORM_ISC};
use serde::Serialize;

use crate::exit::Failure;
use crate::output::{Row, Sink};
use crate::tenant::no_user_dir;
use args::AuthCommand;

/// One cached token as `auth status` shows it.
#[derive(Serialize)]
struct TokenRow {
    /// `isc` or `c1`, told by the token endpoint's path; `-` for neither.
    platform: &'static str,
    token_url: String,
    client_id: String,
    /// Seconds since the Unix epoch; absent when the endpoint gave no lifetime.
    expires_at: Option<u64>,
    /// `valid until <HTTP date>`, `expired at <HTTP date>`, or `valid until a 401`.
    status: String,
}

impl TokenRow {
    fn new(entry: CachedTokenInfo, now: SystemTime) -> Self {
        let status = match entry.expires_at {
            None => "valid until a 401".to_owned(),
            Some(t) if t > now => format!("valid until {}", http_date(t)),
            Some(t) => format!("expired at {}", http_date(t)),
        };
        TokenRow {
            platform: platform(&entry.token_url),
            token_url: entry.token_url,
            client_id: entry.client_id,
            expires_at: entry
                .expires_at
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
            status,
        }
    }
}

/// The platform whose token endpoint `token_url` is: ConductorOne's
/// [`TOKEN_PATH`](connkit_c1::TOKEN_PATH), ISC's `/oauth/token` (below any path prefix of
/// the base URL).
fn platform(token_url: &str) -> &'static str {
    if token_url.ends_with(connkit_c1::TOKEN_PATH) {
        PLATFORM_C1
    } else if token_url.ends_with("/oauth/token") {
        PLATFORM_ISC
    } else {
        "-"
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

impl Row for TokenRow {
    const HEADERS: &'static [&'static str] = &["PLATFORM", "TOKEN URL", "CLIENT ID", "STATUS"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.platform.to_owned(),
            self.token_url.clone(),
            self.client_id.clone(),
            self.status.clone(),
        ]
    }
}

/// Runs `connkit auth status|logout`.
pub fn run(command: &AuthCommand, mut sink: Sink<'_>) -> Result<(), Failure> {
    let quiet = sink.quiet;
    let cache = TokenCache::user().ok_or_else(|| no_user_dir(UserDir::Cache, "cached tokens"))?;
    let dir = cache.dir().display().to_string();
    match command {
        AuthCommand::Status => {
            let entries = cache
                .entries()
                .map_err(|e| Failure::context(format!("reading the token cache {dir}"), e))?;
            if entries.is_empty() && !quiet {
                eprintln!("no cached tokens in {dir}");
            }
            let now = SystemTime::now();
            let rows: Vec<TokenRow> = entries.into_iter().map(|e| TokenRow::new(e, now)).collect();
            sink.list(&rows)
        }
        AuthCommand::Logout => {
            let removed = cache
                .clear()
                .map_err(|e| Failure::context(format!("clearing the token cache {dir}"), e))?;
            if !quiet {
                eprintln!(
                    "removed {} from {dir}",
                    crate::output::counted(removed, "cached token", "cached tokens")
                );
            }
            Ok(())
        }
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
    }
}
