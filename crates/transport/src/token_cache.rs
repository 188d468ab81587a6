//! `TokenCache`: client-credentials tokens kept on disk, so that consecutive runs of a
//! program (a shell loop of `connkit` commands) share one token instead of each asking
//! the token endpoint, whose requests count against the tenant's rate limit.
//!
//! One file per (token URL, client id, client secret) in the cache's directory (by
//! default `tokens/` in [`UserDir::Cache`]): JSON holding the token URL, the client id,
//! a SHA-256 digest of the secret (salted with the URL and id), the access token and
//! when it expires. Never the client secret itself. A run with the right client id but
//! a wrong secret finds no token: the cache never authenticates what the token
//! endpoint would refuse. Files are mode 0600 and replaced atomically, so concurrent
//! processes read a whole file or none. A file that cannot be read or parsed is
//! treated as absent and replaced by the next fetch: the cache can make a run cheaper,
//! never make it fail.
//!
//! Processes that find no token take a per-key lock file ([`TokenCache::fetch_lock`])
//! around the fetch, so twenty of them racing on an empty cache make one token request,
//! and the others read what it stored.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// Which token a cache file holds: the token endpoint, the client, and a digest of
/// the client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenKey {
    token_url: String,
    client_id: String,
    secret_digest: String,
}

impl TokenKey {
    /// The salted digest of (token URL, client id, secret), hex: a name for the token
    /// that reveals none of them.
    #[cfg(feature = "redis")]
    pub(crate) fn digest(&self) -> &str {
        &self.secret_digest
    }

    /// The key of the token that `client_id` with `secret` gets from `token_url`.
    pub fn new(token_url: &str, client_id: &str, secret: &Secret) -> Self {
        let mut digest = Sha256::new();
        for part in [
            b"connkit token cache v1",
            token_url.as_bytes(),
            client_id.as_bytes(),
        ] {
            digest.update(part);
            digest.update([0]);
        }
        digest.update(secret.expose().as_bytes());
        let secret_digest = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        TokenKey {
            token_url: token_url.to_owned(),
            client_id: client_id.to_owned(),
            secret_digest,
        }
    }
}

/// Held while this process fetches the token for one key; other processes wait for it
/// (see [`TokenCache::fetch_lock`]). Released when dropped.
#[derive(Debug)]
pub struct FetchLock {
    file: File,
}

impl Drop for FetchLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first is just prompt.
        let _ = fs4::FileExt::unlock(&self.file);
    }
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
    /// [`TokenKey`]'s digest of the secret; entries without one (older versions) are
    /// never used.
    #[serde(default)]
    secret_digest: Option<String>,
    access_token: String,
    expires_at: Option<u64>,
    refresh_at: Option<u64>,
}

impl Entry {
    /// The token, if this entry belongs to `key` and is still within its usable time.
    fn usable_for(self, key: &TokenKey) -> Option<StoredToken> {
        if self.token_url != key.token_url
            || self.client_id != key.client_id
            || self.secret_digest.as_deref() != Some(key.secret_digest.as_str())
        {
            return None;
        }
        // The file may say anything: no token is used longer than any token lives.
        let latest = SystemTime::now() + crate::auth::MAX_TOKEN_LIFETIME;
        let refresh_at = self.refresh_at.map(|t| from_epoch(t).min(latest));
        if refresh_at.is_some_and(|t| SystemTime::now() >= t) {
            return None;
        }
        Some(StoredToken {
            access_token: Secret::new(self.access_token),
            refresh_at,
        })
    }
}

/// A token file is a few hundred bytes; anything far larger is not one of ours.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;
/// How often a process waiting for another's fetch looks again.
const LOCK_POLL: Duration = Duration::from_millis(25);

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

    /// The file for one key: a stable FNV-1a hash of it, so no part of a URL or id has
    /// to be made safe for a file name.
    pub fn path_for(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{:016x}.json", fnv1a(key)))
    }

    /// Takes the lock for fetching `key`'s token, waiting while another process holds
    /// it, at most until `deadline` (else for [`LOCK_WAIT`](Self::LOCK_WAIT)). `None`
    /// when the lock could not be had in time, the lock file cannot be opened, or it is
    /// held and no Tokio runtime is running to wait on: then the caller fetches without
    /// it (at worst one more token request, never a hang or a panic).
    pub async fn fetch_lock(&self, key: &TokenKey, deadline: Option<Instant>) -> Option<FetchLock> {
        let path = self.dir.join(format!(".{:016x}.lock", fnv1a(key)));
        let file = crate::private_file::create_private_dir(&self.dir)
            .and_then(|()| {
                OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&path)
            })
            .map_err(|e| tracing::debug!(file = %path.display(), error = %e, "no token fetch lock"))
            .ok()?;
        let give_up = deadline.unwrap_or_else(|| Instant::now() + Self::LOCK_WAIT);
        loop {
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => return Some(FetchLock { file }),
                Err(fs4::TryLockError::WouldBlock) if Instant::now() + LOCK_POLL < give_up => {
                    // Outside a Tokio runtime: no waiting, so no lock (as on any
                    // failure to take it).
                    crate::runtime::sleep(LOCK_POLL).await.ok()?;
                }
                Err(_) => return None,
            }
        }
    }

    /// How long [`fetch_lock`](Self::fetch_lock) waits for another process's fetch
    /// when the request has no deadline.
    pub const LOCK_WAIT: Duration = Duration::from_secs(30);

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

    /// Removes every cached token (readable or not); how many files were removed. Only
    /// regular files named as this cache names them are removed, and never through a
    /// symbolic link: a cache directory that is a link is refused, so that `auth
    /// logout` cannot delete files in a folder it was pointed at.
    pub fn clear(&self) -> io::Result<usize> {
        match fs::symlink_metadata(&self.dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} is a symbolic link; connkit removes nothing through it",
                        self.dir.display()
                    ),
                ))
            }
            _ => {}
        }
        let mut removed = 0;
        for path in self.token_files()? {
            let ours = path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()));
            let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
            if !(ours && regular) {
                continue;
            }
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                Err(_) => {}
            }
        }
        Ok(removed)
    }

    /// The token cached for this client, if its file is readable, belongs to it, and
    /// is still within its usable time.
    pub(crate) fn load(&self, key: &TokenKey) -> Option<StoredToken> {
        read_entry(&self.path_for(key))?.usable_for(key)
    }

    /// Writes the token for this client (mode 0600, atomically).
    pub(crate) fn store(
        &self,
        key: &TokenKey,
        access_token: &Secret,
        expires_at: Option<SystemTime>,
        refresh_at: Option<SystemTime>,
    ) -> io::Result<()> {
        let json = entry_json(key, access_token, expires_at, refresh_at);
        write_private(&self.path_for(key), &json)
    }

    /// Forgets the token for this key (after a 401); absent is fine.
    pub(crate) fn remove(&self, key: &TokenKey) -> io::Result<()> {
        match fs::remove_file(self.path_for(key)) {
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

fn fnv1a(key: &TokenKey) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [&key.token_url, &key.client_id, &key.secret_digest];
    for byte in parts.iter().flat_map(|p| p.bytes().chain([0])) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A token file's entry; `None` for anything that is not a small regular file holding
/// one (a FIFO or a link to a device in the cache must not hang or exhaust connkit).
/// The cache's JSON for this token (also what a shared store keeps, feature `redis`).
pub(crate) fn entry_json(
    key: &TokenKey,
    access_token: &Secret,
    expires_at: Option<SystemTime>,
    refresh_at: Option<SystemTime>,
) -> Vec<u8> {
    let entry = Entry {
        token_url: key.token_url.clone(),
        client_id: key.client_id.clone(),
        secret_digest: Some(key.secret_digest.clone()),
        access_token: access_token.expose().to_owned(),
        expires_at: expires_at.map(to_epoch),
        refresh_at: refresh_at.map(to_epoch),
    };
    serde_json::to_vec_pretty(&entry).unwrap_or_default()
}

/// The usable token that `json` (an [`entry_json`]) holds for `key`; `None` for
/// anything else, whoever wrote it.
#[cfg(feature = "redis")]
pub(crate) fn token_in(json: &[u8], key: &TokenKey) -> Option<StoredToken> {
    serde_json::from_slice::<Entry>(json).ok()?.usable_for(key)
}

fn read_entry(path: &Path) -> Option<Entry> {
    let bytes = crate::read_user_file(path, MAX_ENTRY_BYTES).ok()?;
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

/// What `fuzz/` drives: an untrusted file's bytes through [`Entry::usable_for`].
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzing {
    use super::{Entry, StoredToken, TokenKey};

    /// The token of `bytes` read as a cache file of the key it names itself.
    pub(crate) fn usable_as_own(bytes: &[u8]) -> Option<StoredToken> {
        let entry: Entry = serde_json::from_slice(bytes).ok()?;
        let key = TokenKey {
            token_url: entry.token_url.clone(),
            client_id: entry.client_id.clone(),
            secret_digest: entry.secret_digest.clone().unwrap_or_default(),
        };
        entry.usable_for(&key)
    }
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

    fn key(url: &str, client_id: &str) -> TokenKey {
        TokenKey::new(url, client_id, &Secret::new("s"))
    }

    #[test]
    fn stores_loads_and_expires_per_client() {
        let cache = cache("roundtrip");
        let later = SystemTime::now() + Duration::from_secs(600);
        let token = Secret::new("tok-1");
        cache
            .store(&key(URL, "a"), &token, Some(later), Some(later))
            .unwrap();
        assert_eq!(cache.load(&key(URL, "a")).unwrap().access_token, token);
        assert!(cache.load(&key(URL, "b")).is_none());
        assert!(cache
            .load(&key("https://other.example/oauth/token", "a"))
            .is_none());

        let past = SystemTime::now() - Duration::from_secs(1);
        cache
            .store(&key(URL, "b"), &token, Some(later), Some(past))
            .unwrap();
        assert!(
            cache.load(&key(URL, "b")).is_none(),
            "past its refresh time"
        );

        let listed = cache.entries().unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|e| e.token_url == URL));
        cache.remove(&key(URL, "a")).unwrap();
        assert!(cache.load(&key(URL, "a")).is_none());
        assert_eq!(cache.clear().unwrap(), 1);
        assert!(cache.entries().unwrap().is_empty());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_a_miss() {
        let cache = cache("corrupt");
        let path = cache.path_for(&key(URL, "a"));
        write_private(&path, b"{not json").unwrap();
        assert!(cache.load(&key(URL, "a")).is_none());
        assert!(cache.entries().unwrap().is_empty());
        // A file whose content names another client (a hash collision, a copied file).
        cache
            .store(&key(URL, "other"), &Secret::new("t"), None, None)
            .unwrap();
        fs::rename(cache.path_for(&key(URL, "other")), &path).unwrap();
        assert!(cache.load(&key(URL, "a")).is_none());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_file_cannot_make_a_token_live_longer_than_any_token() {
        let cache = cache("lifetime");
        let k = key(URL, "a");
        let centuries = SystemTime::now() + Duration::from_secs(100 * 365 * 86_400);
        cache
            .store(&k, &Secret::new("t"), Some(centuries), Some(centuries))
            .unwrap();
        let loaded = cache.load(&k).unwrap().refresh_at.unwrap();
        let latest = SystemTime::now() + crate::auth::MAX_TOKEN_LIFETIME;
        assert!(loaded <= latest, "{loaded:?}");
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_token_is_only_for_the_secret_it_was_bought_with() {
        let cache = cache("secret");
        let right = TokenKey::new(URL, "a", &Secret::new("right"));
        let wrong = TokenKey::new(URL, "a", &Secret::new("wrong"));
        cache.store(&right, &Secret::new("t"), None, None).unwrap();
        assert!(cache.load(&right).is_some());
        assert!(cache.load(&wrong).is_none());
        // Even at the right file name, a digest that differs is a miss.
        fs::rename(cache.path_for(&right), cache.path_for(&wrong)).unwrap();
        assert!(cache.load(&wrong).is_none());
        // An entry of an older version, without a digest, is never used.
        let old = br#"{"token_url":"https://t.example/oauth/token","client_id":"a","access_token":"t","expires_at":null,"refresh_at":null}"#;
        write_private(&cache.path_for(&right), old).unwrap();
        assert!(cache.load(&right).is_none());
        let text = fs::read_to_string(cache.path_for(&wrong)).unwrap();
        assert!(!text.contains("right") && !text.contains("wrong"), "{text}");
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_fifo_in_the_cache_is_a_miss_not_a_hang() {
        let cache = cache("fifo");
        let path = cache.path_for(&key(URL, "a"));
        fs::create_dir_all(cache.dir()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(cache.load(&key(URL, "a")).is_none());
        assert!(cache.entries().unwrap().is_empty());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[tokio::test]
    async fn the_fetch_lock_is_held_by_one_and_bounded_by_the_deadline() {
        let cache = cache("lock");
        let first = cache.fetch_lock(&key(URL, "a"), None).await.unwrap();
        let soon = Instant::now() + Duration::from_millis(100);
        assert!(cache.fetch_lock(&key(URL, "a"), Some(soon)).await.is_none());
        assert!(Instant::now() < soon + Duration::from_millis(500));
        assert!(cache.fetch_lock(&key(URL, "b"), Some(soon)).await.is_some());
        drop(first);
        assert!(cache.fetch_lock(&key(URL, "a"), Some(soon)).await.is_some());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn outside_a_tokio_runtime_a_held_fetch_lock_is_no_lock_not_a_panic() {
        use futures::FutureExt as _;

        let cache = cache("lock-no-runtime");
        let first = cache.fetch_lock(&key(URL, "a"), None).now_or_never();
        assert!(
            matches!(first, Some(Some(_))),
            "a free lock is taken at once"
        );
        let second = cache.fetch_lock(&key(URL, "a"), None).now_or_never();
        assert!(matches!(second, Some(None)), "no waiting without a runtime");
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn clearing_never_deletes_through_a_link_or_what_is_not_ours() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = root.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("0123456789abcdef.json"), b"precious").unwrap();
        fs::write(elsewhere.join("notes.json"), b"precious").unwrap();
        let linked = root.path().join("tokens");
        std::os::unix::fs::symlink(&elsewhere, &linked).unwrap();
        let err = TokenCache::in_dir(&linked).clear().unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 2);

        // In a real cache directory: only our regular token files go.
        let cache = TokenCache::in_dir(&elsewhere);
        std::os::unix::fs::symlink(
            elsewhere.join("notes.json"),
            elsewhere.join("fedcba9876543210.json"),
        )
        .unwrap();
        assert_eq!(cache.clear().unwrap(), 1);
        assert!(elsewhere.join("notes.json").is_file());
        assert!(!elsewhere.join("0123456789abcdef.json").exists());
    }

    #[test]
    fn file_names_are_stable_and_distinct() {
        let cache = TokenCache::in_dir("/c");
        assert_eq!(
            cache.path_for(&key(URL, "a")),
            cache.path_for(&key(URL, "a"))
        );
        assert_ne!(
            cache.path_for(&key(URL, "a")),
            cache.path_for(&key(URL, "b"))
        );
        assert_ne!(
            cache.path_for(&key("ab", "c")),
            cache.path_for(&key("a", "bc"))
        );
    }
}
