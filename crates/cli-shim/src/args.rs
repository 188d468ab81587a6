//! The command tree: the global options, and the families of commands, each with the
//! arguments it declares in its own `args.rs`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use connkit_transport::HumanDuration;

use crate::commands::{
    auth, c1, completions, connectors, login, plugins, profile, rate_limit, sandbox, schema,
    validate,
};
use crate::output::Requested;

/// `connkit`: work with identity-platform connectors over their HTTP APIs.
#[derive(Debug, Parser)]
#[command(
    name = "connkit",
    version,
    about = "Work with identity-platform connectors (SailPoint ISC v2024, ConductorOne) from the command line",
    long_about = "Work with identity-platform connectors (SailPoint ISC v2024, ConductorOne) from the command line.\n\n\
                  Try it without a tenant: `connkit --sandbox connectors list` runs against an \
                  embedded sandbox whose state lives in your data directory.",
    after_long_help = "Connection settings: flags, then the environment (SAIL_BASE_URL, \
                       SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, CONNKIT_TOKEN), then the profile \
                       (--profile, CONNKIT_PROFILE, else the default one), then ./config.json \
                       (BaseURL, ClientId, ClientSecret). `connkit c1 --help` names \
                       ConductorOne's.\n\n\
                       Exit codes: 0 ok, 1 other error, 2 usage, 3 pre-flight rejected, \
                       4 not found, 5 authentication failed, 6 rate-limited, retries exhausted \
                       or server unreachable (refused, certificate not trusted, no answer, \
                       --timeout ran out), 7 a create or update got no usable answer and may \
                       have been applied; `connectors diff` exits 1 for changes and 8 for \
                       other failures; 9 a plugin failed (crashed, timed out, bad output), so \
                       pre-flight could not judge the body and nothing was sent.",
    propagate_version = true
)]
pub struct Cli {
    /// Options that apply to every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Run against the embedded sandbox (in-process; state kept in the data directory).
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub sandbox: bool,

    /// API base URL, e.g. https://TENANT.api.identitynow.com/v2024 [env: SAIL_BASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// A bearer token to send as is (skips the client-credentials exchange).
    #[arg(
        long,
        global = true,
        value_name = "T",
        env = "CONNKIT_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// OAuth client id for the client-credentials flow [env: SAIL_CLIENT_ID]
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,

    /// OAuth client secret for the client-credentials flow [env: SAIL_CLIENT_SECRET]
    #[arg(long, global = true, value_name = "SECRET")]
    pub client_secret: Option<String>,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(short = 'o', long = "output", global = true, value_enum)]
    pub output: Option<Requested>,

    /// Load a validator plugin (a dynamic library) for pre-flight; repeatable.
    #[arg(long = "plugin", global = true, value_name = "PATH")]
    pub plugins: Vec<PathBuf>,

    /// Load plugins into the connkit process instead of a child process each (the
    /// default). Faster per call, but a plugin that aborts or segfaults then ends
    /// connkit without a word.
    #[arg(long, global = true)]
    pub in_process_plugins: bool,

    /// Accepted for scripts written when plugins ran in-process by default; plugins
    /// are isolated now unless `--in-process-plugins` is given.
    #[arg(
        long,
        global = true,
        hide = true,
        conflicts_with = "in_process_plugins"
    )]
    pub isolate_plugins: bool,

    /// How long one plugin call may take (and an isolated plugin's start-up), e.g.
    /// `2s`, `500ms` [default: 10s]. A plugin that runs out is a failure (exit 9).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub plugin_timeout: Option<Duration>,

    /// Send bodies without running pre-flight validators.
    #[arg(long, global = true)]
    pub no_preflight: bool,

    /// Time limit for the whole command (every page of `--all`, retries, rate-limit
    /// waits), e.g. `30s`, `500ms`, `2m`, `1h` (units ns, us, ms, s, m, h; plain numbers
    /// are seconds).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Also trust the CA certificates in this PEM file (a private CA, a TLS-inspecting
    /// proxy).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "sandbox")]
    pub ca_cert: Option<PathBuf>,

    /// How many times to retry a failed request (0 disables retries). A POST or PATCH
    /// is retried only when it provably was not processed (refused connection, 429).
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Client-side rate limit: `auto` (100 requests per 10 s for a hosted tenant, none
    /// for loopback or --sandbox; learns from 429s; shared with other connkit
    /// processes using the same client id), `off`, or a fixed MAX/WINDOW such as
    /// `50/10s` [env: CONNKIT_RATE_LIMIT; then the profile's rate_limit]. After
    /// `sandbox serve` it is the server's limit instead.
    // Text, parsed by `crate::rate_limit`: `sandbox serve --rate-limit` shares this
    // flag's id (clap allows one `--rate-limit` per command) and keeps its own syntax.
    #[arg(long, global = true, value_name = "auto|off|MAX/WINDOW")]
    pub rate_limit: Option<String>,

    /// Share the rate limit of each client id with every machine that uses this Redis:
    /// `redis://[:PASSWORD@]HOST[:PORT][/DB]`, `rediss://…` (TLS), or `off`. While it
    /// cannot be reached, this machine's state files are used [then the profile's
    /// shared_state; the file store by default].
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "CONNKIT_SHARED_STATE",
        hide_env_values = true
    )]
    pub shared_state: Option<String>,

    /// Whether --shared-state holds the client's access tokens too, so that machines
    /// share one token (`on`, the default), or each fetches its own (`off`). `on` puts
    /// bearer tokens in that Redis: use one you trust, with a password and TLS.
    #[arg(long, global = true, value_name = "on|off", default_value = "on", value_parser = ["on", "off"], hide_default_value = true)]
    pub shared_state_tokens: String,

    /// More diagnostics on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr: no progress, no notes.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Use this profile of the profiles file (see `connkit profile`).
    #[arg(long, global = true, value_name = "NAME", env = "CONNKIT_PROFILE",
          add = clap_complete::engine::ArgValueCandidates::new(crate::completion::profiles))]
    pub profile: Option<String>,

    /// Neither read nor write the token cache (client-credentials tokens are otherwise
    /// reused across runs until shortly before they expire).
    #[arg(long, global = true)]
    pub no_token_cache: bool,

    /// Accept a plain http:// base URL for hosts other than loopback (insecure).
    #[arg(long, global = true)]
    pub allow_http: bool,

    /// Colour on a terminal (`auto`, off when `NO_COLOR` is set), always, or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: crate::style::ColorChoice,
}

/// The top-level commands: the user's, and the hidden worker of isolated plugins.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything listed in `--help`.
    #[command(flatten)]
    User(UserCommand),
    /// Internal: the child process of an isolated plugin (the default).
    #[command(name = "__plugin-worker", hide = true)]
    PluginWorker(plugins::args::PluginWorkerArgs),
}

/// The commands a user runs: one family each, whose arguments the family declares.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// The 13 operations of the Connectors API.
    #[command(subcommand)]
    Connectors(connectors::args::ConnectorsCommand),
    /// ConductorOne's ConnectorService (17 operations; `connkit --sandbox c1 …` tries it).
    C1(c1::args::C1Args),
    /// Pre-flight check of a file, offline, with the built-in validators and any `--plugin`.
    Validate(validate::args::ValidateArgs),
    /// Inspect validator plugins.
    #[command(subcommand)]
    Plugins(plugins::args::PluginsCommand),
    /// Run or reset the sandbox.
    #[command(subcommand)]
    Sandbox(sandbox::args::SandboxCommand),
    /// Print the JSON Schema of a model (lists the models when no type is given).
    Schema(schema::args::SchemaArgs),
    /// Print a shell completion script.
    Completions(completions::args::CompletionsArgs),
    /// The client-credentials tokens cached across runs.
    #[command(subcommand)]
    Auth(auth::args::AuthCommand),
    /// Named tenants in the profiles file.
    #[command(subcommand)]
    Profile(profile::args::ProfileCommand),
    /// The client-side rate limit shared by every connkit process of a client id.
    #[command(subcommand)]
    RateLimit(rate_limit::args::RateLimitCommand),
    /// Create a profile step by step (or from flags), make it the default, and check it.
    Login(login::args::LoginArgs),
    /// The profile, tenant, client id, platform and cached token each API would use.
    Whoami,
}

/// What an API family's connection options say in `--help`: its variables and an
/// example of its URLs. The options are global, so the text of the top level would
/// otherwise be shown under every family; a family's command declares them again with
/// its own text ([`ConnectionHelp`]), and their values still land in [`GlobalArgs`].
pub struct ConnectionNames {
    /// `--base-url`.
    pub base_url: &'static str,
    /// `--token`.
    pub token: &'static str,
    /// `--client-id`.
    pub client_id: &'static str,
    /// `--client-secret`.
    pub client_secret: &'static str,
}

/// Names an API family's connection options (see [`ConnectionNames`]).
pub trait ApiHelp {
    /// The help text of its connection options.
    const NAMES: ConnectionNames;
}

/// The global connection options again, with `A`'s help text: flattened into an API
/// family's command. It holds nothing: clap hands the values up to [`GlobalArgs`],
/// which has options of the same ids.
#[derive(Debug)]
pub struct ConnectionHelp<A>(std::marker::PhantomData<A>);

impl<A: ApiHelp> ConnectionHelp<A> {
    /// The global option `id`, as [`GlobalArgs`] declares it, with `help` instead.
    fn option(id: &str, help: &'static str) -> clap::Arg {
        let globals = GlobalArgs::augment_args(clap::Command::new("connkit"));
        let arg = globals
            .get_arguments()
            .find(|arg| arg.get_id() == id)
            .cloned();
        // The ids are this file's own; the tests build the command tree.
        arg.unwrap_or_else(|| panic!("no global option `{id}`"))
            .help(help)
    }
}

impl<A: ApiHelp> clap::FromArgMatches for ConnectionHelp<A> {
    fn from_arg_matches(_: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Ok(Self(std::marker::PhantomData))
    }
    fn update_from_arg_matches(&mut self, _: &clap::ArgMatches) -> Result<(), clap::Error> {
        Ok(())
    }
}

impl<A: ApiHelp> Args for ConnectionHelp<A> {
    fn augment_args(command: clap::Command) -> clap::Command {
        let names = A::NAMES;
        command.args([
            Self::option("base_url", names.base_url),
            Self::option("token", names.token),
            Self::option("client_id", names.client_id),
            Self::option("client_secret", names.client_secret),
        ])
    }
    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

/// A duration ([`HumanDuration`]: `30s`, `500ms`, `2m`, `1h`, a bare number of
/// seconds) more than zero: a zero time limit could never be met.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    match text
        .parse::<HumanDuration>()
        .map_err(|e| e.to_string())?
        .get()
    {
        Duration::ZERO => Err("the time limit must be more than 0 (e.g. 30s)".to_owned()),
        limit => Ok(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn timeouts_take_any_duration_above_zero() {
        assert_eq!(parse_timeout("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_timeout("15"), Ok(Duration::from_secs(15)));
        assert_eq!(parse_timeout("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_timeout("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_timeout("3d")
            .unwrap_err()
            .contains("unknown unit `d`"));
        assert!(parse_timeout("0").unwrap_err().contains("more than 0"));
        assert!(parse_timeout("0ms").is_err());
    }
}
