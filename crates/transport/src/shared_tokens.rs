//! Tokens shared across machines through a [`SharedState`] (feature `redis`): a fleet
//! with one client id makes one token request per token lifetime, not one per machine.
//!
//! A token lives under `connkit:token:<digest>`, the digest being the token cache's
//! salted SHA-256 of (token URL, client id, secret), in the token cache's own JSON,
//! and expires in Redis when it is due for refresh. The machine that finds none takes
//! `connkit:token-lock:<digest>` (`SET NX`, held at most [`LOCK_HOLD`]) and fetches;
//! the others wait for what it stores. Every call is bounded as [`SharedState`]'s
//! are, and a Redis that cannot be used leaves the auth layer to its own files.
//!
//! This puts bearer tokens in Redis: whoever can read it can act as the client until
//! the token expires. Share tokens only through a Redis you trust, with a password
//! and TLS (`rediss://`) off loopback, or turn token sharing off.

use std::time::{Duration, Instant, SystemTime};

use crate::shared_state::{Request, SharedState, TARGET};
use crate::token_cache::{entry_json, token_in, StoredToken, TokenKey};
use crate::Secret;

/// The longest one machine's fetch is waited for by the others.
pub(crate) const LOCK_HOLD: Duration = Duration::from_secs(10);
/// How often a waiting machine looks for the token again.
const POLL: Duration = Duration::from_millis(50);

fn token_key(key: &TokenKey) -> String {
    format!("connkit:token:{}", key.digest())
}

fn lock_key(key: &TokenKey) -> String {
    format!("connkit:token-lock:{}", key.digest())
}

/// The usable token Redis holds for `key`, if any.
pub(crate) async fn load(
    state: &SharedState,
    key: &TokenKey,
    deadline: Option<Instant>,
) -> Option<StoredToken> {
    let mut get = redis::cmd("GET");
    get.arg(token_key(key));
    let json: Option<Vec<u8>> = state.run(Request::Command(get), deadline).await?;
    let json = json?;
    let token = token_in(&json, key);
    if token.is_none() {
        tracing::debug!(target: TARGET, "ignoring a shared token that is not this client's or is due");
    }
    token
}

/// Keeps `token` in Redis until `refresh_at` (at most a day: see the token cache).
pub(crate) async fn store(
    state: &SharedState,
    key: &TokenKey,
    token: &Secret,
    expires_at: Option<SystemTime>,
    refresh_at: Option<SystemTime>,
) {
    let keep = refresh_at
        .and_then(|t| t.duration_since(SystemTime::now()).ok())
        .unwrap_or(crate::auth::MAX_TOKEN_LIFETIME)
        .min(crate::auth::MAX_TOKEN_LIFETIME);
    let mut set = redis::cmd("SET");
    set.arg(token_key(key))
        .arg(entry_json(key, token, expires_at, refresh_at))
        .arg("PX")
        .arg(u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1));
    let _: Option<redis::Value> = state.run(Request::Command(set), None).await;
}

/// Forgets the token Redis holds for `key` (one answered with 401).
pub(crate) async fn forget(state: &SharedState, key: &TokenKey) {
    let mut del = redis::cmd("DEL");
    del.arg(token_key(key));
    let _: Option<redis::Value> = state.run(Request::Command(del), None).await;
}

/// Who fetches `key`'s token.
pub(crate) enum Turn {
    /// This machine: fetch, [`store`], then [`release`] with this id.
    Mine(String),
    /// Another machine fetched it meanwhile: here it is.
    Theirs(StoredToken),
    /// Redis cannot say (down, or the other machine took too long): fetch alone.
    Alone,
}

/// Takes the fetch lock for `key`, or waits (at most [`LOCK_HOLD`] and `deadline`)
/// for the machine that holds it to store the token.
pub(crate) async fn turn(state: &SharedState, key: &TokenKey, deadline: Option<Instant>) -> Turn {
    let id = format!("{:016x}", fastrand::u64(..));
    let until = Instant::now() + LOCK_HOLD;
    let until = deadline.map_or(until, |d| d.min(until));
    loop {
        let mut set = redis::cmd("SET");
        set.arg(lock_key(key))
            .arg(&id)
            .arg("NX")
            .arg("PX")
            .arg(u64::try_from(LOCK_HOLD.as_millis()).unwrap_or(u64::MAX));
        let taken: Option<Option<String>> = state.run(Request::Command(set), deadline).await;
        match taken {
            None => return Turn::Alone,
            // Taken, perhaps just after another machine stored its token and let go:
            // look once more before fetching.
            Some(Some(_)) => {
                return match load(state, key, deadline).await {
                    Some(token) => {
                        release(state, key, &id).await;
                        Turn::Theirs(token)
                    }
                    None => Turn::Mine(id),
                }
            }
            Some(None) => {}
        }
        if let Some(token) = load(state, key, deadline).await {
            return Turn::Theirs(token);
        }
        if Instant::now() + POLL >= until {
            return Turn::Alone;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Releases the fetch lock taken as `id` (only if it is still ours).
pub(crate) async fn release(state: &SharedState, key: &TokenKey, id: &str) {
    static RELEASE: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
        redis::Script::new(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end \
             return 0",
        )
    });
    let (lock, args) = (lock_key(key), [id.to_owned()]);
    let request = Request::Script {
        script: &RELEASE,
        key: &lock,
        args: &args,
    };
    let _: Option<i64> = state.run(request, None).await;
}
