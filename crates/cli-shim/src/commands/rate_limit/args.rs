//! The command line of `connkit rate-limit …`.

use clap::Subcommand;

/// `connkit rate-limit …`
#[derive(Debug, Subcommand)]
pub enum RateLimitCommand {
    /// Show each shared state: tenant, caller, learned limit, hold left, requests
    /// counted. With `--profile` or `--base-url`, only that tenant's.
    Status,
    /// Forget what 429s taught (learned limit and hold), also for running processes.
    /// With `--profile` or `--base-url`, only that tenant's.
    Reset,
}
