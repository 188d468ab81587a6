//! The command tree: global options and every subcommand, as clap derives them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use connkit_models::preflight::BodyKind;
use connkit_sandbox::FaultConfig;
use connkit_transport::HumanDuration;

/// `connkit`: work with identity-platform connectors over their HTTP APIs.
#[derive(Debug, Parser)]
#[command(
    name = "connkit",
    version,
    about = "Work with identity-platform connectors (SailPoint ISC v2024) from the command line",
    long_about = "Work with identity-platform connectors (SailPoint ISC v2024) from the command line.\n\n\
                  Try it without a tenant: `connkit --sandbox connectors list` runs against an \
                  embedded sandbox whose state lives in your data directory.",
    after_long_help = "Connection settings: flags, then the environment (SAIL_BASE_URL, \
                       SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, CONNKIT_TOKEN), then the profile \
                       (--profile, CONNKIT_PROFILE, else the default one), then ./config.json \
                       (BaseURL, ClientId, ClientSecret).\n\n\
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
#[derive(Debug, Args)]
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
    pub output: Option<OutputFormat>,

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
    #[arg(long, global = true, value_name = "NAME", env = "CONNKIT_PROFILE")]
    pub profile: Option<String>,

    /// Neither read nor write the token cache (client-credentials tokens are otherwise
    /// reused across runs until shortly before they expire).
    #[arg(long, global = true)]
    pub no_token_cache: bool,

    /// Accept a plain http:// base URL for hosts other than loopback (insecure).
    #[arg(long, global = true)]
    pub allow_http: bool,
}

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// One JSON value per line, streamed.
    Ndjson,
}

/// The top-level commands: the user's, and the hidden worker of isolated plugins.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything listed in `--help`.
    #[command(flatten)]
    User(UserCommand),
    /// Internal: the child process of an isolated plugin (the default).
    #[command(name = "__plugin-worker", hide = true)]
    PluginWorker(PluginWorkerArgs),
}

/// The commands a user runs.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// The 13 operations of the Connectors API.
    #[command(subcommand)]
    Connectors(ConnectorsCommand),
    /// ConductorOne's ConnectorService (17 operations; `connkit --sandbox c1 …` tries it).
    #[command(subcommand)]
    C1(crate::commands::c1_args::C1Command),
    /// Pre-flight check of a file, offline, with the built-in validators and any `--plugin`.
    Validate(ValidateArgs),
    /// Inspect validator plugins.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Run or reset the sandbox.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Print the JSON Schema of a model (lists the models when no type is given).
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// The client-credentials tokens cached across runs.
    #[command(subcommand)]
    Auth(crate::commands::auth::AuthCommand),
    /// Named tenants in the profiles file.
    #[command(subcommand)]
    Profile(crate::commands::profile::ProfileCommand),
    /// The client-side rate limit shared by every connkit process of a client id.
    #[command(subcommand)]
    RateLimit(crate::commands::rate_limit::RateLimitCommand),
}

/// `connkit connectors …`
#[derive(Debug, Subcommand)]
pub enum ConnectorsCommand {
    /// List connectors (getConnectorList).
    List(ListArgs),
    /// Show one connector (getConnector).
    Get(GetArgs),
    /// Delete a custom connector (deleteCustomConnector).
    Delete(ScriptNameArg),
    /// Create a custom connector (createCustomConnector).
    Create(CreateArgs),
    /// Apply a JSON Patch to a connector (updateConnector).
    Update(UpdateArgs),
    /// Get or put a connector's source-config XML.
    #[command(subcommand)]
    SourceConfig(XmlDocCommand),
    /// Get or put a connector's source-template XML.
    #[command(subcommand)]
    SourceTemplate(XmlDocCommand),
    /// Get or put a connector's correlation-config XML.
    #[command(subcommand)]
    CorrelationConfig(XmlDocCommand),
    /// Get or put a connector's translations for a locale.
    #[command(subcommand)]
    Translations(TranslationsCommand),
    /// Write the tenant's connectors into a folder, one sub-folder each (connectors as code).
    Pull(crate::commands::as_code::PullArgs),
    /// Show what `push` would change (exit 0: no changes, 1: changes).
    Diff(crate::commands::as_code::DiffArgs),
    /// Make the tenant match a folder: validate every file, show the plan, confirm, apply.
    Push(crate::commands::as_code::PushArgs),
}

impl ConnectorsCommand {
    /// `true` for the commands that send a body (and so run pre-flight first).
    pub fn sends_body(&self) -> bool {
        match self {
            ConnectorsCommand::Create(_) | ConnectorsCommand::Update(_) => true,
            ConnectorsCommand::SourceConfig(doc)
            | ConnectorsCommand::SourceTemplate(doc)
            | ConnectorsCommand::CorrelationConfig(doc) => matches!(doc, XmlDocCommand::Put(_)),
            ConnectorsCommand::Translations(translations) => {
                matches!(translations, TranslationsCommand::Put(_))
            }
            ConnectorsCommand::Push(_) => true,
            ConnectorsCommand::List(_)
            | ConnectorsCommand::Get(_)
            | ConnectorsCommand::Delete(_)
            | ConnectorsCommand::Pull(_)
            | ConnectorsCommand::Diff(_) => false,
        }
    }
}

/// `connkit connectors list`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Filter expression, e.g. `name sw "Active" and directConnect eq true`.
    #[arg(long, value_name = "F")]
    pub filter: Option<String>,
    /// Page size, 0..=250 (the service default is 250; with `--all`, at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=250))]
    pub limit: Option<u32>,
    /// Records to skip.
    #[arg(long, value_name = "N")]
    pub offset: Option<u64>,
    /// Print only how many connectors there are (that match `--filter`), not the list.
    #[arg(long, conflicts_with = "all")]
    pub count: bool,
    /// Fetch every page, not just the first.
    #[arg(long)]
    pub all: bool,
    /// With `--all`: pages fetched at a time [default: 4 with no rate limit to meet
    /// (--sandbox, loopback, --rate-limit off), else 2].
    #[arg(long, value_name = "N", requires = "all", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// Locale for translated fields, e.g. `en` or `no`.
    #[arg(long, value_name = "L")]
    pub locale: Option<String>,
}

/// A connector's script name.
#[derive(Debug, Args)]
pub struct ScriptNameArg {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
}

/// `connkit connectors get`
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
    /// Locale for translated fields.
    #[arg(long, value_name = "L")]
    pub locale: Option<String>,
}

/// `connkit connectors create`: flags or a DTO file.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Connector name (unique per tenant).
    #[arg(long, value_name = "N", required_unless_present = "file")]
    pub name: Option<String>,
    /// Connector class name, e.g. sailpoint.connector.OpenConnectorAdapter.
    #[arg(long, value_name = "C", required_unless_present = "file")]
    pub class_name: Option<String>,
    /// Connector type [service default: "custom NAME"].
    #[arg(long = "type", value_name = "T")]
    pub connector_type: Option<String>,
    /// Direct-connect source (`true` or `false`) [service default: true].
    #[arg(long, value_name = "BOOL")]
    pub direct_connect: Option<bool>,
    /// Initial status: DEVELOPMENT, DEMO or RELEASED.
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// A V3CreateConnectorDto JSON file (`-` for stdin) instead of the flags.
    #[arg(
        long,
        value_name = "DTO.json",
        conflicts_with_all = ["name", "class_name", "connector_type", "direct_connect", "status"]
    )]
    pub file: Option<PathBuf>,
}

/// `connkit connectors update`
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
    /// A JSON Patch document (RFC 6902), `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub patch: PathBuf,
}

/// `connkit connectors source-config|source-template|correlation-config …`
#[derive(Debug, Subcommand)]
pub enum XmlDocCommand {
    /// Print the XML verbatim.
    Get(ScriptNameArg),
    /// Upload an XML file (pre-flight checked first).
    Put(PutArgs),
}

/// `… put SCRIPT_NAME FILE`
#[derive(Debug, Args)]
pub struct PutArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
    /// The file to upload, `-` for stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `connkit connectors translations …`
#[derive(Debug, Subcommand)]
pub enum TranslationsCommand {
    /// Print the translations text verbatim.
    Get(TranslationsGetArgs),
    /// Upload translations (`.properties` text); without FILE an empty body is sent.
    Put(TranslationsPutArgs),
}

/// `connkit connectors translations get S L`
#[derive(Debug, Args)]
pub struct TranslationsGetArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
    /// The locale, e.g. `en`, `de`, `no`.
    #[arg(value_name = "LOCALE")]
    pub locale: String,
}

/// `connkit connectors translations put S L [FILE]`
#[derive(Debug, Args)]
pub struct TranslationsPutArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME")]
    pub script_name: String,
    /// The locale, e.g. `en`, `de`, `no`.
    #[arg(value_name = "LOCALE")]
    pub locale: String,
    /// The `.properties` file, `-` for stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `connkit validate --kind K FILE`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// What the file is: source-config, source-template, correlation-config,
    /// translations, json-patch or create-connector.
    #[arg(long, value_name = "K")]
    pub kind: BodyKind,
    /// The file to check, `-` for stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `connkit plugins …`
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// List the plugins from CONNKIT_PLUGIN_PATH and `--plugin`, with what each reports.
    List,
    /// Load one plugin, print its info, and call its `validate` (on the sample, or on an
    /// empty body of each kind it declares) to show that it answers. Exit 9 when the
    /// plugin fails.
    Check(PluginCheckArgs),
}

/// `connkit plugins check PATH [--sample FILE [--kind KIND]]`
#[derive(Debug, Args)]
pub struct PluginCheckArgs {
    /// Path to the plugin's dynamic library.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// A body to validate (`-` for stdin), shown with the plugin's findings.
    #[arg(long, value_name = "FILE")]
    pub sample: Option<PathBuf>,
    /// The sample's kind (source-config, json-patch, …); may be left out when the
    /// plugin declares only one.
    #[arg(long, value_name = "K", requires = "sample")]
    pub kind: Option<BodyKind>,
}

/// `connkit sandbox …`
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox over HTTP; prints its base URL as the first stdout line and
    /// runs until Ctrl-C or SIGTERM.
    Serve(ServeArgs),
    /// Forget the `--sandbox` state (or `--state FILE`); the next use starts from the
    /// demo set again. Refused while a sandbox has the state open.
    Reset(StateArgs),
    /// Write the `--sandbox` state (or `--state FILE`) as JSON to FILE (`-`: stdout).
    Export(StateFileArgs),
    /// Replace the `--sandbox` state (or `--state FILE`) by the JSON state in FILE (an
    /// export, or the `sandbox.json` of an older connkit).
    Import(StateFileArgs),
    /// Mint a ConductorOne client credential that the sandbox's `/auth/v1/token`
    /// accepts; prints `CONDUCTORONE_CLIENT_ID=…` and `CONDUCTORONE_CLIENT_SECRET=…`.
    C1Credentials(C1CredentialsArgs),
    /// List the ConductorOne apps in the sandbox state: the ids `--app` takes.
    C1Apps(StateArgs),
    /// List a ConductorOne connector's sync runs in the sandbox state: the ids
    /// `c1 connectors download-url` and `confirm-sync` take.
    C1Syncs(C1SyncsArgs),
}

/// `connkit sandbox c1-syncs --app APP CONNECTOR_ID`
#[derive(Debug, Args)]
pub struct C1SyncsArgs {
    /// The connector.
    #[command(flatten)]
    pub target: crate::commands::c1_args::C1Target,
    /// The state database.
    #[command(flatten)]
    pub state: StateArgs,
}

/// `connkit sandbox c1-credentials`
#[derive(Debug, Args)]
pub struct C1CredentialsArgs {
    /// The `HOST:PORT` clients will reach the sandbox at (the client id names it, and
    /// the token endpoint is found there).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub host: String,
    /// The state database.
    #[command(flatten)]
    pub state: StateArgs,
}

/// Which sandbox state a `sandbox reset|export|import` works on.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// The state database (as given to `sandbox serve --state`); default: the
    /// `--sandbox` state in the data directory.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

/// `connkit sandbox export|import FILE`
#[derive(Debug, Args)]
pub struct StateFileArgs {
    /// The JSON file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The state database.
    #[command(flatten)]
    pub state: StateArgs,
}

/// `connkit sandbox serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Number of generated connectors to start with (at most 1000000; ignored, with a
    /// note, when the state file already holds a state).
    #[arg(long, value_name = "N")]
    pub seed: Option<usize>,
    /// Keep state in this SQLite database (loaded if present, one durable transaction
    /// per change, shareable with other sandboxes).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Answer 429 beyond this many requests per sliding window, e.g. `100/10s`, per
    /// client id (the tokens /oauth/token issued to one client share a window).
    #[arg(long, value_name = "MAX/WINDOW")]
    pub rate_limit: Option<String>,
    /// Inject faults, e.g. `error=0.2,reset=0.05,truncate=0.01,latency=5ms,seed=7`.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<FaultConfig>,
    /// Require a bearer token on every API request: any token /oauth/token issued, or
    /// exactly TOKEN when given (`--require-auth=TOKEN`).
    #[arg(long, value_name = "TOKEN", num_args = 0..=1, require_equals = true)]
    pub require_auth: Option<Option<String>>,
}

/// `connkit schema [TYPE]`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The model's name, e.g. V3ConnectorDto; omit to list them.
    #[arg(value_name = "TYPE")]
    pub type_name: Option<String>,
}

/// `connkit completions SHELL`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `connkit __plugin-worker PATH`
#[derive(Debug, Args)]
pub struct PluginWorkerArgs {
    /// The plugin library to serve over stdio.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
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

    #[test]
    fn only_commands_with_a_body_need_preflight() {
        let sends = |args: &[&str]| {
            let cli = Cli::try_parse_from(["connkit"].iter().chain(args)).expect("valid");
            match cli.command {
                Command::User(UserCommand::Connectors(command)) => command.sends_body(),
                other => panic!("not a connectors command: {other:?}"),
            }
        };
        assert!(sends(&["connectors", "source-config", "put", "s", "f.xml"]));
        assert!(sends(&[
            "connectors",
            "correlation-config",
            "put",
            "s",
            "f.xml"
        ]));
        assert!(sends(&["connectors", "translations", "put", "s", "de"]));
        assert!(sends(&["connectors", "update", "s", "--patch", "-"]));
        assert!(sends(&["connectors", "create", "--file", "dto.json"]));
        assert!(!sends(&["connectors", "source-template", "get", "s"]));
        assert!(!sends(&["connectors", "translations", "get", "s", "de"]));
        assert!(!sends(&["connectors", "list", "--all"]));
        assert!(!sends(&["connectors", "delete", "s"]));
    }

    #[test]
    fn create_needs_flags_or_file_but_not_both() {
        let ok = Cli::try_parse_from(["connkit", "connectors", "create", "--file", "x.json"]);
        assert!(ok.is_ok());
        let missing = Cli::try_parse_from(["connkit", "connectors", "create", "--name", "a"]);
        assert!(missing.is_err());
        let both = Cli::try_parse_from([
            "connkit",
            "connectors",
            "create",
            "--file",
            "x",
            "--name",
            "a",
        ]);
        assert!(both.is_err());
    }
}
