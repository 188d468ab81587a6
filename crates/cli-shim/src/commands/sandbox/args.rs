//! The command line of `connkit sandbox …`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use connkit_sandbox::{FaultConfig, FaultRule, DEFAULT_JOURNAL_CAPACITY};
use connkit_transport::HumanDuration;

/// `connkit sandbox …`
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox over HTTP; prints its base URL as the first stdout line and
    /// runs until Ctrl-C or SIGTERM.
    Serve(Box<ServeArgs>),
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
    /// Show the requests a served sandbox journaled (credentials redacted), oldest
    /// first; `--follow` keeps printing new ones.
    Requests(RequestsArgs),
}

/// `connkit sandbox requests`
#[derive(Debug, Args)]
pub struct RequestsArgs {
    /// The served sandbox: the base URL `sandbox serve` printed first.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Only this operation (`getConnector`, `c1.List`, …).
    #[arg(long, value_name = "OPERATION_ID")]
    pub operation: Option<String>,
    /// Only this answered status.
    #[arg(long, value_name = "CODE")]
    pub status: Option<u16>,
    /// Only requests of this client id.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Only requests that arrived within this long, e.g. `5m`.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<HumanDuration>,
    /// Keep printing new requests (one line each, or NDJSON with `-o json|ndjson`)
    /// until Ctrl-C.
    #[arg(long, short = 'f')]
    pub follow: bool,
}

/// `connkit sandbox c1-syncs --app APP CONNECTOR_ID`
#[derive(Debug, Args)]
pub struct C1SyncsArgs {
    /// The connector.
    #[command(flatten)]
    pub target: crate::c1_target::C1Target,
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
    /// How many requests the journal keeps (`GET /__sandbox/requests`,
    /// `connkit sandbox requests`); 0 turns it off.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_JOURNAL_CAPACITY)]
    pub journal: usize,
    /// A scripted fault, e.g. `operation=updateConnector,skip=1,times=1,status=503`
    /// (criteria operation, method, path, client, skip, times; one action: status=N,
    /// delay=D, reset, truncate, retry-after=S), or the same as JSON; repeatable.
    #[arg(long = "fault-rule", value_name = "RULE")]
    pub fault_rules: Vec<FaultRule>,
    /// Scripted faults from a JSON file: an array of rules as `GET /__sandbox/faults`
    /// lists them.
    #[arg(long, value_name = "FILE")]
    pub fault_rules_file: Option<PathBuf>,
    /// Allow the admin routes that change something (clearing the journal, fault
    /// rules) on a non-loopback address; on loopback they are always allowed.
    #[arg(long)]
    pub admin_routes: bool,
}
