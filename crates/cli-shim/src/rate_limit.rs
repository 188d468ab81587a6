//! The client's rate-limit policy: `--rate-limit`, else `CONNKIT_RATE_LIMIT`, else
//! `auto`; and the concurrency `connectors list --all` picks under it.

use connkit_connectors::Client;
use connkit_transport::RateLimitPolicy;

use crate::args::GlobalArgs;
use crate::exit::Failure;

/// The environment variable naming the policy when `--rate-limit` is not given. Read
/// here rather than by clap so that it never sets `sandbox serve`'s limit, which shares
/// the flag.
pub const ENV_RATE_LIMIT: &str = "CONNKIT_RATE_LIMIT";

/// The policy the options ask for; a bad value is a usage error naming its source.
pub fn policy(global: &GlobalArgs) -> Result<RateLimitPolicy, Failure> {
    let (text, source) = match &global.rate_limit {
        Some(text) => (text.clone(), "--rate-limit"),
        None => match std::env::var(ENV_RATE_LIMIT) {
            Ok(text) if !text.trim().is_empty() => (text, ENV_RATE_LIMIT),
            _ => return Ok(RateLimitPolicy::Auto),
        },
    };
    text.parse()
        .map_err(|e| Failure::usage(format!("{source}: {e}")))
}

/// Pages `--all` fetches at a time when `--concurrency` is not given (the paginator
/// uses it once the first page's total shows more pages). With no limit to meet
/// (`off`; `auto` against the embedded sandbox or a loopback server) enough to keep a
/// fast server busy while pages are decoded; under a limit two, so that crossing an
/// unknown, lower limit draws at most two 429s before the limiter learns it, while the
/// limiter, not the concurrency, sets the pace.
pub fn list_concurrency(client: &Client, global: &GlobalArgs) -> Result<usize, Failure> {
    const UNLIMITED: usize = 4;
    const LIMITED: usize = 2;
    let start = policy(global)?.starting_limit(client.base_url(), global.sandbox);
    Ok(if start.is_none() { UNLIMITED } else { LIMITED })
}
