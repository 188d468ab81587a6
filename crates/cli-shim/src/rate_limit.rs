//! The client's rate-limit policy: `--rate-limit`, else `CONNKIT_RATE_LIMIT`, else the
//! profile's `rate_limit`, else `auto`; where it is shared across machines
//! (`--shared-state`); and the concurrency `connectors list --all` picks under it.

use connkit_connectors::Client;
use connkit_transport::{RateLimitPolicy, Resolved, ResolvedConfig, SharedState};

use crate::args::GlobalArgs;
use crate::exit::Failure;

/// The environment variable naming the policy when `--rate-limit` is not given. Read
/// here rather than by clap so that it never sets `sandbox serve`'s limit, which shares
/// the flag.
pub const ENV_RATE_LIMIT: &str = "CONNKIT_RATE_LIMIT";

/// What the profile a tenant was resolved with says about limits (nothing for the
/// embedded sandbox, or without a profile).
#[derive(Debug, Default)]
pub struct ProfileLimits {
    rate_limit: Option<Resolved<RateLimitPolicy>>,
    shared_state: Option<Resolved<String>>,
}

impl ProfileLimits {
    /// The profile's `rate_limit` and `shared_state`, as `resolved` found them.
    pub fn of(resolved: &ResolvedConfig) -> Self {
        ProfileLimits {
            rate_limit: resolved.rate_limit.clone(),
            shared_state: resolved.shared_state.clone(),
        }
    }
}

/// The policy the options ask for, falling back to `profile`'s (already checked when
/// its file was read); a bad value is a usage error naming its source.
pub fn policy(global: &GlobalArgs, profile: &ProfileLimits) -> Result<RateLimitPolicy, Failure> {
    let (text, source) = match &global.rate_limit {
        Some(text) => (text.clone(), "--rate-limit"),
        None => match std::env::var(ENV_RATE_LIMIT) {
            Ok(text) if !text.trim().is_empty() => (text, ENV_RATE_LIMIT),
            _ => {
                return Ok(profile
                    .rate_limit
                    .as_ref()
                    .map_or(RateLimitPolicy::Auto, |p| p.value))
            }
        },
    };
    text.parse()
        .map_err(|e| Failure::usage(format!("{source}: {e}")))
}

/// Where the limit is shared across machines: `--shared-state` (or
/// `CONNKIT_SHARED_STATE`), else the profile's `shared_state`; `off` for nowhere but
/// this machine's state files. A URL that cannot be used is a usage error naming its
/// source, its password never shown.
pub fn shared_state(
    global: &GlobalArgs,
    profile: &ProfileLimits,
) -> Result<Option<SharedState>, Failure> {
    let (url, source) = match (&global.shared_state, &profile.shared_state) {
        (Some(url), _) => (
            url.as_str(),
            "--shared-state / CONNKIT_SHARED_STATE".to_owned(),
        ),
        (None, Some(url)) => (url.value.as_str(), url.origin.to_string()),
        (None, None) => return Ok(None),
    };
    if url.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    SharedState::redis(url.trim())
        .map(Some)
        .map_err(|e| Failure::usage(format!("{source}: {e}")))
}

/// Pages `--all` fetches at a time when `--concurrency` is not given (the paginator
/// uses it once the first page's total shows more pages). With no limit to meet
/// (`off`; `auto` against the embedded sandbox or a loopback server) enough to keep a
/// fast server busy while pages are decoded; under a limit two, so that crossing an
/// unknown, lower limit draws at most two 429s before the limiter learns it, while the
/// limiter, not the concurrency, sets the pace.
pub fn list_concurrency(client: &Client, policy: RateLimitPolicy, sandbox: bool) -> usize {
    const UNLIMITED: usize = 4;
    const LIMITED: usize = 2;
    match policy.starting_limit(client.base_url(), sandbox) {
        None => UNLIMITED,
        Some(_) => LIMITED,
    }
}
