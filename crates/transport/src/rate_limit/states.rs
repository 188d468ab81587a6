//! The shared state files as a person sees them: which tenant and caller each is for,
//! what the server taught, and how long it still holds requests back. For showing the
//! state (`connkit rate-limit status`) and forgetting it (`reset`) without reading JSON
//! by hand or deleting files under a running process.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::ledger::{millis, Ledger};
use super::store::Store;
use super::{unescape, Caller, STATE_DIR};
use crate::UserDir;

/// The rate-limit state files in one directory: by default `rate-limit/` in the
/// user's cache directory, where the transport stack shares them.
#[derive(Debug, Clone)]
pub struct RateLimitStates {
    dir: PathBuf,
}

/// One state file: the tenant and caller it counts for and what it holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitStateInfo {
    /// The file.
    pub path: PathBuf,
    /// The host (and port) the requests went to, as in their URLs.
    pub authority: String,
    /// Who the server counts them against: the OAuth client id, or `None` for a static
    /// bearer token or no credentials (see [`RateLimitStateInfo::caller`]).
    pub client_id: Option<String>,
    /// `client <id>`, `bearer` or `anonymous`.
    pub caller: String,
    /// The limit that 429s taught, as (requests, window), if any.
    pub learned: Option<(u32, Duration)>,
    /// How long adaptive limiters of this caller still wait for a 429's `Retry-After`.
    pub hold: Duration,
    /// Requests still counted in their window.
    pub counted: usize,
}

impl RateLimitStates {
    /// The user's state files (`rate-limit/` in [`UserDir::Cache`]), if the cache
    /// directory is known.
    pub fn user() -> Option<Self> {
        UserDir::Cache
            .path()
            .map(|dir| Self::in_dir(dir.join(STATE_DIR)))
    }

    /// The state files in `dir`.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        RateLimitStates { dir: dir.into() }
    }

    /// Where they are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every state file whose name connkit wrote, sorted by name; an absent directory
    /// has none. A file that cannot be read shows as holding nothing.
    pub fn entries(&self) -> io::Result<Vec<RateLimitStateInfo>> {
        let listing = match std::fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, millis);
        let mut entries = Vec::new();
        for entry in listing {
            let entry = entry?;
            let name = entry.file_name();
            let Some((authority, caller)) = name.to_str().and_then(parse_file_name) else {
                continue;
            };
            if !entry.file_type()?.is_file() {
                continue;
            }
            let ledger = Store::file(entry.path(), false).peek().unwrap_or_default();
            entries.push(info(entry.path(), authority, caller, &ledger, now));
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// Forgets what 429s taught `entry`'s limiters (the learned limit and the hold),
    /// under the lock that running processes take, so they forget it too. Requests in
    /// their window stay counted.
    pub fn reset(&self, entry: &RateLimitStateInfo) {
        Store::file(entry.path.clone(), true).with(Ledger::forget_lessons);
    }
}

impl RateLimitStateInfo {
    /// Whether this state counts the requests of `client_id` (`None`: any caller) to
    /// `authority`.
    pub fn is_for(&self, authority: &str, client_id: Option<&str>) -> bool {
        self.authority.eq_ignore_ascii_case(authority)
            && client_id.is_none_or(|id| self.client_id.as_deref() == Some(id))
    }
}

fn info(
    path: PathBuf,
    authority: String,
    caller: Caller,
    ledger: &Ledger,
    now: u64,
) -> RateLimitStateInfo {
    let (learned, hold, counted) = ledger.summary(now);
    let (client_id, caller) = match caller {
        Caller::Client(id) => (Some(id.clone()), format!("client {id}")),
        Caller::Bearer => (None, "bearer".to_owned()),
        Caller::Anonymous => (None, "anonymous".to_owned()),
    };
    RateLimitStateInfo {
        path,
        authority,
        client_id,
        caller,
        learned: learned.map(|(max, window)| (max, Duration::from_millis(window))),
        hold: Duration::from_millis(hold),
        counted,
    }
}

/// `<authority>~<who>.json` back into its parts; `None` for any other name.
fn parse_file_name(name: &str) -> Option<(String, Caller)> {
    let (authority, who) = name.strip_suffix(".json")?.split_once('~')?;
    let caller = match who {
        "bearer" => Caller::Bearer,
        "anonymous" => Caller::Anonymous,
        other => Caller::Client(unescape(other.strip_prefix("client-")?)?),
    };
    Some((unescape(authority)?, caller))
}

#[cfg(test)]
mod tests {
    use super::super::{state_name, RateLimiter};
    use super::*;
    use crate::Limit;

    #[test]
    fn file_names_read_back_as_written() {
        for caller in [
            Caller::Client("svc@acme/prod ~ é".into()),
            Caller::Bearer,
            Caller::Anonymous,
        ] {
            let name = format!("{}.json", state_name("127.0.0.1:8080", &caller));
            assert_eq!(
                parse_file_name(&name),
                Some(("127.0.0.1:8080".to_owned(), caller))
            );
        }
        for foreign in [
            "notes.txt",
            "x.json",
            "a~client-%zz.json",
            "a~client-%.json",
        ] {
            assert_eq!(parse_file_name(foreign), None, "{foreign}");
        }
    }

    #[tokio::test]
    async fn a_state_shows_what_a_429_taught_and_resets_for_running_limiters() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!(
            "{}.json",
            state_name("tenant.example:443", &Caller::Client("svc".into()))
        );
        let limiter =
            RateLimiter::adaptive(Some(Limit::ISC_DEFAULT)).shared_through(dir.path().join(name));
        limiter.acquire(None).await.unwrap().answered(&ok(200));
        let refused = http::Response::builder()
            .status(429)
            .header("retry-after", "99999999999")
            .body(bytes::Bytes::new())
            .unwrap();
        limiter.acquire(None).await.unwrap().answered(&refused);

        let states = RateLimitStates::in_dir(dir.path());
        let [entry] = states.entries().unwrap().try_into().unwrap();
        assert!(entry.is_for("TENANT.example:443", Some("svc")));
        assert!(!entry.is_for("tenant.example:443", Some("other")));
        assert_eq!(entry.caller, "client svc");
        assert_eq!(entry.learned, Some((1, Duration::from_secs(15 * 60))));
        assert!(
            entry.hold > Duration::from_secs(14 * 60),
            "{:?}",
            entry.hold
        );
        assert_eq!(entry.counted, 2);

        states.reset(&entry);
        let [after] = states.entries().unwrap().try_into().unwrap();
        assert_eq!((after.learned, after.hold), (None, Duration::ZERO));
        assert_eq!(after.counted, 2);
        // The running limiter reads the reset state: no hold, no learned limit.
        let deadline = std::time::Instant::now() + Duration::from_millis(100);
        limiter.acquire(Some(deadline)).await.unwrap().failed();
        assert_eq!(limiter.current_limit(), Some(Limit::ISC_DEFAULT));
    }

    fn ok(status: u16) -> http::Response<bytes::Bytes> {
        http::Response::builder()
            .status(status)
            .body(bytes::Bytes::new())
            .unwrap()
    }
}
