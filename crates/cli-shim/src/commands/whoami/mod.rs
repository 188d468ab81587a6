//! `connkit whoami`: which tenant each API would be reached at with the options given,
//! and as whom: the profile, base URL, client id and platform the settings resolve
//! to, and the expiry of the cached token for that client (from the token cache, so
//! nothing is sent over the network).

use std::time::{SystemTime, UNIX_EPOCH};

use connkit_transport::{CachedTokenInfo, ResolvedConfig, TokenCache, PLATFORM_C1, PLATFORM_ISC};
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
    /// `embedded sandbox`, or why none.
    auth: String,
    /// Seconds since the Unix epoch when the cached token expires, if one is cached.
    token_expires_at: Option<u64>,
    /// `valid until <HTTP date>`, `expired at <HTTP date>`, `none cached`, or `-`.
    token: String,
}

impl Row for IdentityRow {
    const HEADERS: &'static [&'static str] =
        &["PLATFORM", "PROFILE", "TENANT", "CLIENT ID", "AUTH", "TOKEN"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.platform.to_owned(),
            self.profile.clone().unwrap_or_default(),
            self.tenant.clone().unwrap_or_default(),
            self.client_id.clone().unwrap_or_default(),
            self.auth.clone(),
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
        identity::<Isc>(global, PLATFORM_ISC, |root| format!("{root}/oauth/token"), &cached),
        identity::<C1>(
            global,
            PLATFORM_C1,
            |root| format!("{root}{}", connkit_c1::TOKEN_PATH),
            &cached,
        ),
    ];
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
        auth: String::new(),
        token_expires_at: None,
        token: "-".to_owned(),
    };
    if global.sandbox {
        row.auth = "embedded sandbox".to_owned();
        return row;
    }
    let bearer = global.token.is_some()
        || A::ENV_TOKEN.is_some_and(|name| std::env::var_os(name).is_some_and(|t| !t.is_empty()));
    let resolved = match tenant::sources(global, A::SETTINGS)
        .needs_credentials(!bearer)
        .resolve()
    {
        Ok(resolved) => resolved,
        Err(error) => {
            // Without credentials the tenant may still be known.
            if let Ok(resolved) = tenant::sources(global, A::SETTINGS)
                .needs_credentials(false)
                .resolve()
            {
                describe(&mut row, &resolved);
            }
            row.auth = format!("not configured: {error}");
            return row;
        }
    };
    describe(&mut row, &resolved);
    if bearer {
        row.auth = "bearer token".to_owned();
        return row;
    }
    row.auth = "client credentials".to_owned();
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

/// Copies the profile, tenant and client id of `resolved` into `row`.
fn describe(row: &mut IdentityRow, resolved: &ResolvedConfig) {
    row.profile = resolved.profile.clone();
    row.tenant = Some(resolved.base_url.value.root().to_owned());
    row.client_id = resolved.client_id.as_ref().map(|id| id.value.clone());
}
