//! `connkit whoami`: which tenant each API would be reached at with the options given,
//! and as whom: the profile, base URL, client id and platform the settings resolve
//! to, and the expiry of the cached token for that client (from the token cache, so
//! nothing is sent over the network).

use std::time::{SystemTime, UNIX_EPOCH};

use connkit_transport::{
    CachedTokenInfo, ProfileFile, ResolvedConfig, TokenCache, PLATFORM_C1, PLATFORM_ISC,
};
use serde::Serialize;

use crate::args::GlobalArgs;
use crate::connect::{Api, Isc, C1};
use crate::exit::Failure;
use crate::output::{Row, Sink};
use crate::tenant;

/// What one API would use, as `whoami` shows it.
#[derive(Serialize)]
struct IdentityRow {
    /// `isc` or `c1`.
    platform: &'static str,
    /// The profile that supplied settings, if one did.
    profile: Option<String>,
    /// The tenant's base URL (its root), if one is configured.
    tenant: Option<String>,
    client_id: Option<String>,
    /// How requests would authenticate: `client credentials`, `bearer token`,
    /// `embedded sandbox`, or `not configured`.
    auth: &'static str,
    /// Why the settings do not resolve, when they do not.
    problem: Option<String>,
    /// Seconds since the Unix epoch when the cached token expires, if one is cached.
    token_expires_at: Option<u64>,
    /// `valid until <HTTP date>`, `expired at <HTTP date>`, `none cached`, or `-`.
    token: String,
}

impl Row for IdentityRow {
    const HEADERS: &'static [&'static str] = &[
        "PLATFORM",
        "PROFILE",
        "TENANT",
        "CLIENT ID",
        "AUTH",
        "TOKEN",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.platform.to_owned(),
            self.profile.clone().unwrap_or_default(),
            self.tenant.clone().unwrap_or_default(),
            self.client_id.clone().unwrap_or_default(),
            self.auth.to_owned(),
            self.token.clone(),
        ]
    }
}

/// Runs `connkit whoami`: one row for ISC, one for ConductorOne.
pub fn run(global: &GlobalArgs, mut sink: Sink<'_>) -> Result<(), Failure> {
    let cache = TokenCache::user().filter(|_| !global.no_token_cache);
    let cached = match &cache {
        Some(cache) => cache.entries().map_err(|e| {
            Failure::context(
                format!("reading the token cache {}", cache.dir().display()),
                e,
            )
        })?,
        None => Vec::new(),
    };
    let rows = [
        identity::<Isc>(
            global,
            PLATFORM_ISC,
            |root| format!("{root}/oauth/token"),
            &cached,
        ),
        identity::<C1>(
            global,
            PLATFORM_C1,
            |root| format!("{root}{}", connkit_c1::TOKEN_PATH),
            &cached,
        ),
    ];
    if !global.quiet {
        for row in &rows {
            if let Some(problem) = &row.problem {
                eprintln!("{}: {problem}", row.platform);
            }
        }
    }
    sink.list(&rows)
}

/// What the options resolve to for one API. `token_url` names the API's token
/// endpoint under a tenant's root, where the cache keys its tokens.
fn identity<A: Api>(
    global: &GlobalArgs,
    platform: &'static str,
    token_url: impl Fn(&str) -> String,
    cached: &[CachedTokenInfo],
) -> IdentityRow {
    let mut row = IdentityRow {
        platform,
        profile: None,
        tenant: None,
        client_id: None,
        auth: "not configured",
        problem: None,
        token_expires_at: None,
        token: "-".to_owned(),
    };
    if global.sandbox {
        row.auth = "embedded sandbox";
        return row;
    }
    let bearer = global.token.is_some()
        || A::ENV_TOKEN.is_some_and(|name| std::env::var_os(name).is_some_and(|t| !t.is_empty()));
    let sources = tenant::sources(global, A::SETTINGS);
    let resolved = match sources.needs_credentials(!bearer).resolve() {
        Ok(resolved) => {
            row.auth = if bearer {
                "bearer token"
            } else {
                "client credentials"
            };
            resolved
        }
        Err(error) => {
            row.problem = Some(error.to_string());
            // Without its secret (a variable unset here, say), the tenant and client
            // may still be known, and a token cached for them.
            match tenant::sources(global, A::SETTINGS)
                .needs_credentials(false)
                .resolve()
            {
                Ok(resolved) => resolved,
                Err(_) => return row,
            }
        }
    };
    describe(&mut row, &resolved);
    if bearer {
        return row;
    }
    let (Some(client_id), Some(root)) = (&row.client_id, &row.tenant) else {
        return row;
    };
    let url = token_url(root);
    let latest = cached
        .iter()
        .filter(|e| e.token_url == url && &e.client_id == client_id)
        .max_by_key(|e| e.expires_at.unwrap_or(UNIX_EPOCH));
    row.token = match latest {
        None => "none cached".to_owned(),
        Some(entry) => {
            row.token_expires_at = entry
                .expires_at
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            crate::expiry::describe(entry.expires_at, SystemTime::now())
        }
    };
    row
}

/// Copies the profile, tenant and client id of `resolved` into `row`; the client id
/// from the profile itself when `resolved` has none (its secret could not be read).
fn describe(row: &mut IdentityRow, resolved: &ResolvedConfig) {
    row.profile = resolved.profile.clone();
    row.tenant = Some(resolved.base_url.value.root().to_owned());
    row.client_id = match &resolved.client_id {
        Some(id) => Some(id.value.clone()),
        None => resolved.profile.as_deref().and_then(profile_client_id),
    };
}

/// The client id the profile `name` of the user's profiles file names.
fn profile_client_id(name: &str) -> Option<String> {
    let file = ProfileFile::load(ProfileFile::user_path()?).ok()?;
    file.get(name)?.client_id.clone()
}
