//! The command line of `connkit login`.

use clap::Args;
use connkit_transport::{PLATFORM_C1, PLATFORM_ISC};

/// `connkit login …`: every answer the prompts ask for, as a flag. `--client-id` is the
/// global option.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile's name [prompted on a terminal; default: `default`].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The platform: `isc` (SailPoint Identity Security Cloud) or `c1` (ConductorOne)
    /// [prompted on a terminal; default: isc].
    #[arg(long, value_name = "P", value_parser = [PLATFORM_ISC, PLATFORM_C1])]
    pub platform: Option<String>,
    /// The tenant's URL, e.g. https://TENANT.api.identitynow.com or
    /// https://TENANT.conductor.one (`--base-url` is taken too).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Read the client secret from this environment variable whenever the profile is
    /// used.
    #[arg(long, value_name = "VAR", group = "secret_source")]
    pub secret_env: Option<String>,
    /// Run this command whenever the profile is used; its stdout is the secret. Split on
    /// whitespace and run without a shell, e.g. `--secret-command "pass show acme"`.
    #[arg(long, value_name = "CMD", group = "secret_source")]
    pub secret_command: Option<String>,
    /// Store the secret itself in the profiles file (mode 0600): read from stdin, or
    /// asked for without echo on a terminal. Prefer `--secret-env` or
    /// `--secret-command`.
    #[arg(long, group = "secret_source")]
    pub store_secret: bool,
    /// Save the profile without getting a token and making a read call with it.
    #[arg(long)]
    pub no_verify: bool,
}
