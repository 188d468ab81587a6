//! Internals that the fuzz targets in `fuzz/` drive directly (feature `fuzzing`).
//!
//! Not a stable API: it follows the internals it exposes, and nothing but the fuzz
//! targets should use it. Each function takes what an untrusted source supplies (a
//! header's bytes, a file's bytes) and runs it through the code that reads it for real.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::rate_limit::fuzzing as rate_limit;
use crate::{ProfileFile, TransportError};

/// `Retry-After` as the retry layer reads it, or `None` when it is not a header value
/// or not a delay.
pub fn retry_after(value: &[u8], now: SystemTime) -> Option<Duration> {
    let value = http::HeaderValue::from_bytes(value).ok()?;
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::RETRY_AFTER, value);
    crate::retry::retry_after(&headers, now)
}

/// The longest a request may be told to wait by a rate-limit state file, however
/// poisoned, or by any 429: the longest window a limit may have plus the lease of an
/// open slot.
pub const LONGEST_WAIT: Duration = rate_limit::LONGEST_WAIT;

/// Reads `state` as a rate-limit state file, prunes it as a limiter does at `now_ms`,
/// lets a 429 with `retry_after` (if any) teach it, and asks for a slot: how long from
/// now the request must wait (`None`: admitted at once), or the error that made the
/// file unreadable (a limiter then starts afresh).
pub fn rate_limit_wait(
    state: &[u8],
    now_ms: u64,
    adaptive: bool,
    refused_after: Option<Duration>,
) -> Result<Option<Duration>, serde_json::Error> {
    rate_limit::wait(state, now_ms, adaptive, refused_after)
}

/// Reads `bytes` as a token cache file (as if it were this key's own) and says for how
/// long from now its token would be used: `None` when it would not be, `Some(None)`
/// until the server refuses it.
pub fn token_cache_entry(bytes: &[u8]) -> Option<Option<Duration>> {
    let stored = crate::token_cache::fuzzing::usable_as_own(bytes)?;
    let now = SystemTime::now();
    Some(
        stored
            .refresh_at
            .map(|t| t.duration_since(now).unwrap_or_default()),
    )
}

/// Parses `text` as `profiles.toml`; when that succeeds, writes every profile back
/// with [`ProfileFile::set`] and parses the result again. The error says which
/// property failed: a parse error without a line and column, or a round trip that
/// changed a profile.
pub fn profiles_round_trip(text: &str) -> Result<(), String> {
    let path = Path::new("/fuzz/profiles.toml");
    let parsed = match ProfileFile::parse(path, text) {
        Ok(parsed) => parsed,
        Err(e) => return named_position(&e),
    };
    let mut edited = parsed.clone();
    for (name, profile) in parsed.profiles() {
        edited
            .set(name, profile.clone())
            .map_err(|e| format!("setting `{name}` back failed: {e}"))?;
    }
    let written = edited.text();
    let again = ProfileFile::parse(path, &written)
        .map_err(|e| format!("the written file does not parse: {e}\n{written}"))?;
    for (name, profile) in parsed.profiles() {
        if again.get(name) != Some(profile) {
            return Err(format!(
                "`{name}` changed on the way back: {profile:?} became {:?}\n{written}",
                again.get(name)
            ));
        }
    }
    Ok(())
}

fn named_position(error: &TransportError) -> Result<(), String> {
    let message = error.to_string();
    if message.contains("line ") && message.contains("column ") {
        Ok(())
    } else {
        Err(format!("a parse error without its position: {message}"))
    }
}
