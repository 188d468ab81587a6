//! `TokenCache`: client-credentials tokens kept on disk, so that consecutive runs of a
//! program (a shell loop of `connkit` commands) share one token instead of each asking
//! the token endpoint, whose requests count against the tenant's rate limit.
//!
//! One file per (token URL, client id) in the cache's directory (by default
//! `tokens/` in [`UserDir::Cache`]): JSON holding the token URL, the client id, the
//! access token and when it expires. Never the client secret. Files are mode 0600 and
//! replaced atomically, so concurrent processes read a whole file or none. A file that
//! cannot be read or parsed is treated as absent and replaced by the next fetch: the
//! cache can make a run cheaper, never make it fail.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::private_file::write_private;
use crate::{Secret, UserDir};

/// Where cached tokens live: one 0600 file per (token URL, client id) holding the
/// access token and its expiry, never the client secret; unreadable files count as
/// absent. Clones share the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    dir: PathBuf,
}

/// What the cache holds for one client, without the token: what `connkit auth status`
/// shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CachedTokenInfo {
    /// The token endpoint that issued it.
    pub token_url: String,
    /// The client it was issued to.
    pub client_id: String,
    /// When it expires; `None` when the endpoint gave no lifetime (used until a 401).
    pub expires_at: Option<SystemTime>,
    /// The file holding it.
    pub path: PathBuf,
}

/// A token read back from the cache.
pub(crate) struct StoredToken {
    pub(crate) access_token: Secret,
    /// When to stop using it (a margin before it expires), `None` for "until a 401".
    pub(crate) refresh_at: Option<SystemTime>,
}

/// The file format. Times are seconds since the Unix epoch.
#[derive(Serialize, Deserialize)]
struct Entry {
    token_url: String,
    client_id: String,
    access_token: String,
    expires_at: Option<u64>,
    refresh_at: Option<u64>,
}

impl TokenCache {
    /// The subdirectory of [`UserDir::Cache`] that [`user`](TokenCache::user) uses.
    pub const SUBDIR: &'static str = "tokens";

    /// A cache in `dir` (created with mode 0700 on first write).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        TokenCache { dir: dir.into() }
    }

    /// The per-user cache: `tokens/` in [`UserDir::Cache`] (`$CONNKIT_CACHE_DIR`, else
    /// the XDG cache directory). `None` when no variable names a cache directory.
    pub fn user() -> Option<Self> {
        UserDir::Cache
            .path()
            .map(|dir| TokenCache::in_dir(dir.join(Self::SUBDIR)))
    }

    /// The directory holding the token files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for one (token URL, client id): a stable FNV-1a hash of both, so no
    /// part of a URL or id has to be made safe for a file name.
    pub fn path_for(&self, token_url: &str, client_id: &str) -> PathBuf {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in token_url.bytes().chain([0]).chain(client_id.bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.dir.join(format!("{hash:016x}.json"))
    }

    /// Every readable entry, oldest expiry first; unreadable files are skipped. An
    /// absent directory is an empty cache.
    pub fn entries(&self) -> io::Result<Vec<CachedTokenInfo>> {
        let mut entries: Vec<CachedTokenInfo> = self
            .token_files()?
            .into_iter()
            .filter_map(|path| {
                let entry = read_entry(&path)?;
                Some(CachedTokenInfo {
                    token_url: entry.token_url,
                    client_id: entry.client_id,
                    expires_at: entry.expires_at.map(from_epoch),
                    path,
                })
            })
            .collect();
        entries.sort_by_key(|e| e.expires_at);
        Ok(entries)
    }

    /// Removes every cached token (readable or not); how many files were removed.
    pub fn clear(&self) -> io::Result<usize> {
        let files = self.token_files()?;
        for path in &files {
            match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(files.len())
    }

    /// The token cached for this client, if its file is readable, belongs to it, and
    /// is still within its usable time.
    pub(crate) fn load(&self, token_url: &str, client_id: &str) -> Option<StoredToken> {
        let entry = read_entry(&self.path_for(token_url, client_id))?;
        if entry.token_url != token_url || entry.client_id != client_id {
            return None;
        }
        let refresh_at = entry.refresh_at.map(from_epoch);
        if refresh_at.is_some_and(|t| SystemTime::now() >= t) {
            return None;
        }
        Some(StoredToken {
            access_token: Secret::new(entry.access_token),
            refresh_at,
        })
    }

    /// Writes the token for this client (mode 0600, atomically).
    pub(crate) fn store(
        &self,
        token_url: &str,
        client_id: &str,
        access_token: &Secret,
        expires_at: Option<SystemTime>,
        refresh_at: Option<SystemTime>,
    ) -> io::Result<()> {
        let entry = Entry {
            token_url: token_url.to_owned(),
            client_id: client_id.to_owned(),
            access_token: access_token.expose().to_owned(),
            expires_at: expires_at.map(to_epoch),
            refresh_at: refresh_at.map(to_epoch),
        };
        let json = serde_json::to_vec_pretty(&entry).map_err(io::Error::other)?;
        write_private(&self.path_for(token_url, client_id), &json)
    }

    /// Forgets the token for this client (after a 401); absent is fine.
    pub(crate) fn remove(&self, token_url: &str, client_id: &str) -> io::Result<()> {
        match fs::remove_file(self.path_for(token_url, client_id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn token_files(&self) -> io::Result<Vec<PathBuf>> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files = Vec::new();
        for item in listing {
            let path = item?.path();
            let is_token = path.extension().is_some_and(|e| e == "json")
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if is_token {
                files.push(path);
            }
        }
        Ok(files)
    }
}

fn read_entry(path: &Path) -> Option<Entry> {
    let bytes = fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(entry) => Some(entry),
        Err(e) => {
            tracing::debug!(file = %path.display(), error = %e, "ignoring an unreadable token cache file");
            None
        }
    }
}

fn to_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn from_epoch(seconds: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .unwrap_or(UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(name: &str) -> TokenCache {
        let dir =
            std::env::temp_dir().join(format!("connkit-token-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        TokenCache::in_dir(dir)
    }

    const URL: &str = "https://t.example/oauth/token";

    #[test]
    fn stores_loads_and_expires_per_client() {
        let cache = cache("roundtrip");
        let later = SystemTime::now() + Duration::from_secs(600);
        let token = Secret::new("tok-1");
        cache
            .store(URL, "a", &token, Some(later), Some(later))
            .unwrap();
        assert_eq!(cache.load(URL, "a").unwrap().access_token, token);
        assert!(cache.load(URL, "b").is_none());
        assert!(cache
            .load("https://other.example/oauth/token", "a")
            .is_none());

        let past = SystemTime::now() - Duration::from_secs(1);
        cache
            .store(URL, "b", &token, Some(later), Some(past))
            .unwrap();
        assert!(cache.load(URL, "b").is_none(), "past its refresh time");

        let listed = cache.entries().unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|e| e.token_url == URL));
        cache.remove(URL, "a").unwrap();
        assert!(cache.load(URL, "a").is_none());
        assert_eq!(cache.clear().unwrap(), 1);
        assert!(cache.entries().unwrap().is_empty());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_a_miss() {
        let cache = cache("corrupt");
        let path = cache.path_for(URL, "a");
        write_private(&path, b"{not json").unwrap();
        assert!(cache.load(URL, "a").is_none());
        assert!(cache.entries().unwrap().is_empty());
        // A file whose content names another client (a hash collision, a copied file).
        cache
            .store(URL, "other", &Secret::new("t"), None, None)
            .unwrap();
        fs::rename(cache.path_for(URL, "other"), &path).unwrap();
        assert!(cache.load(URL, "a").is_none());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn file_names_are_stable_and_distinct() {
        let cache = TokenCache::in_dir("/c");
        assert_eq!(cache.path_for(URL, "a"), cache.path_for(URL, "a"));
        assert_ne!(cache.path_for(URL, "a"), cache.path_for(URL, "b"));
        assert_ne!(cache.path_for("ab", "c"), cache.path_for("a", "bc"));
    }
}
