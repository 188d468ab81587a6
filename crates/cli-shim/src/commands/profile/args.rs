//! The command line of `connkit profile …`.

use clap::{Args, Subcommand};
use connkit_transport::{PLATFORM_C1, PLATFORM_ISC};

/// `connkit profile …`
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles; `*` marks the default.
    List,
    /// Show one profile (the default when no name is given); never its secret.
    Show(OptionalName),
    /// Add or replace a profile: `--base-url`, `--client-id`, `--ca-cert` and `-o` are
    /// taken from the global options, the secret from `--secret-env VAR` or a command
    /// after `--`.
    Add(AddArgs),
    /// Remove a profile.
    Remove(Name),
    /// Make a profile the default one.
    Use(Name),
}

/// A profile name.
#[derive(Debug, Args)]
pub struct Name {
    /// The profile's name.
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// A profile name, or the default profile.
#[derive(Debug, Args)]
pub struct OptionalName {
    /// The profile's name [default: the default profile].
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// `connkit profile add NAME …`
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The profile's name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The platform whose API the profile is for: `isc` (SailPoint Identity Security
    /// Cloud) or `c1` (ConductorOne).
    #[arg(
        long,
        value_name = "P",
        default_value = PLATFORM_ISC,
        value_parser = [PLATFORM_ISC, PLATFORM_C1]
    )]
    pub platform: String,
    /// Read the client secret from this environment variable when the profile is used.
    #[arg(long, value_name = "VAR", conflicts_with = "secret_command")]
    pub secret_env: Option<String>,
    /// After `--`: a command to run (no shell) when the profile is used, whose stdout is
    /// the secret, e.g. `connkit profile add acme … -- pass show acme`.
    #[arg(last = true, value_name = "SECRET_COMMAND")]
    pub secret_command: Vec<String>,
    /// The client-side rate-limit policy: auto, off or MAX/WINDOW (e.g. 100/10s).
    #[arg(long, value_name = "POLICY")]
    pub rate_limit: Option<String>,
    /// Make it the default profile.
    #[arg(long = "default")]
    pub make_default: bool,
}
