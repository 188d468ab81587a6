//! The command line of `connkit auth …`.

use clap::Subcommand;

/// `connkit auth …`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// List the cached tokens: platform, token endpoint, client id and expiry (never
    /// the token).
    Status,
    /// Remove every cached token; the next run asks the token endpoint again.
    Logout,
}
