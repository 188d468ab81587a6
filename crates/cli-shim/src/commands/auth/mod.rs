//! `connkit auth status|logout`: the client-credentials tokens cached across runs, of
//! both APIs (ISC's bought with a client secret, ConductorOne's with a signed
//! assertion: one cache, one transport auth layer).

pub mod args;

use std::time::{SystemTime, UNIX_EPOCH};

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
        let status = crate::expiry::describe(entry.expires_at, now);
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
