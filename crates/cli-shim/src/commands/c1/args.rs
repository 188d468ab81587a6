//! The command line of `connkit c1 …`: the 17 ConnectorService operations and
//! connectors as code, with the connection options' help in ConductorOne's names.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{ApiHelp, ConnectionHelp, ConnectionNames};
pub use crate::c1_target::{C1App, C1Target};

/// `connkit c1 [connection options] …`
#[derive(Debug, Args)]
#[command(after_long_help = "Connection settings: flags, then the environment \
                       (CONDUCTORONE_SERVER_URL, CONDUCTORONE_CLIENT_ID, \
                       CONDUCTORONE_CLIENT_SECRET; a bearer token from --token, CONNKIT_TOKEN \
                       or CONDUCTORONE_ACCESS_TOKEN), then the profile (--profile, \
                       CONNKIT_PROFILE, else the default one if it is for platform `c1`). The \
                       tenant URL defaults to the client id's host, e.g. \
                       https://example.conductor.one for bot@example.conductor.one/x.\n\n\
                       Exit codes and --timeout, --retries and --rate-limit are those of \
                       `connkit --help`.")]
pub struct C1Args {
    /// The connection options, named as ConductorOne's tools name them.
    #[command(flatten)]
    pub connection: ConnectionHelp<C1Help>,
    /// What to do.
    #[command(subcommand)]
    pub command: C1Command,
}

/// The help text of the connection options under `connkit c1`.
#[derive(Debug)]
pub struct C1Help;

impl ApiHelp for C1Help {
    const NAMES: ConnectionNames = ConnectionNames {
        base_url: "Tenant URL, e.g. https://example.conductor.one [env: \
                   CONDUCTORONE_SERVER_URL; default: the client id's host]",
        token: "A bearer token to send as is (skips the client-credentials exchange); when \
                unset, CONDUCTORONE_ACCESS_TOKEN",
        client_id: "Client id, e.g. bot@example.conductor.one/x [env: CONDUCTORONE_CLIENT_ID]",
        client_secret: "Client secret, secret-token:conductorone.com:v1:… [env: \
                        CONDUCTORONE_CLIENT_SECRET]",
    };
}

/// `connkit c1 …`
#[derive(Debug, Subcommand)]
pub enum C1Command {
    /// The connectors of ConductorOne apps (ConnectorService).
    #[command(subcommand)]
    Connectors(C1ConnectorsCommand),
}

/// `connkit c1 connectors …`
#[derive(Debug, Subcommand)]
pub enum C1ConnectorsCommand {
    /// List an app's connectors (List); one page unless --all.
    List(C1ListArgs),
    /// Show one connector (Get).
    Get(C1Target),
    /// Create a connector (Create; CreateDelegated with --delegated).
    Create(C1CreateArgs),
    /// Change the fields given; only they are sent, named in the update mask (Update;
    /// UpdateDelegated with --delegated).
    Update(C1UpdateArgs),
    /// Delete a connector (Delete).
    Delete(C1Target),
    /// Start a sync now (ForceSync).
    ForceSync(C1Target),
    /// Stop syncing (PauseSync).
    Pause(C1Target),
    /// Start syncing again (ResumeSync).
    Resume(C1Target),
    /// Set the sync schedule (UpdateConnectorSchedule).
    Schedule(C1ScheduleArgs),
    /// A connector's client credentials.
    #[command(subcommand)]
    Credentials(C1CredentialsCommand),
    /// The download URL of a completed sync (GetConnectorSyncDownloadURL).
    DownloadUrl(C1SyncArgs),
    /// Confirm a completed sync as valid (ConfirmSyncValid).
    ConfirmSync(C1SyncArgs),
    /// Check an HTTP connector configuration; prints the markers (ValidateHTTPConnectorConfig).
    ValidateConfig(C1ValidateArgs),
    /// Write the app's connectors into DIR, one folder each, no id and no secret.
    Pull(C1TreeArgs),
    /// Show what a push would change; exit 1 when it would change something.
    Diff(C1TreeArgs),
    /// Make the app's connectors match DIR: updates name only the changed fields.
    Push(C1PushArgs),
}

/// `connkit c1 connectors list`
#[derive(Debug, Args)]
pub struct C1ListArgs {
    /// The app.
    #[command(flatten)]
    pub app: C1App,
    /// Connectors per page (the service clamps to 10..=100; default 25).
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
    /// Start at this page (the `nextPageToken` a previous page noted).
    #[arg(long, value_name = "TOKEN")]
    pub page_token: Option<String>,
    /// Every page, following the page tokens.
    #[arg(long)]
    pub all: bool,
}

/// What create and update can set.
#[derive(Debug, Args)]
pub struct C1Fields {
    /// The display name.
    #[arg(long, value_name = "NAME")]
    pub display_name: Option<String>,
    /// The description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// The configuration: a JSON file (`-`: stdin) holding `{"@type": …, …}`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The integration owners' user ids, comma-separated.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub user_ids: Option<Vec<String>>,
}

/// `connkit c1 connectors create`
#[derive(Debug, Args)]
pub struct C1CreateArgs {
    /// The app.
    #[command(flatten)]
    pub app: C1App,
    /// The catalog entry the connector is of.
    #[arg(long, value_name = "CATALOG_ID")]
    pub catalog_id: String,
    /// A connector that waits for its configuration (CreateDelegated).
    #[arg(long, conflicts_with = "config")]
    pub delegated: bool,
    /// The fields.
    #[command(flatten)]
    pub fields: C1Fields,
}

/// `connkit c1 connectors update`
#[derive(Debug, Args)]
pub struct C1UpdateArgs {
    /// The connector.
    #[command(flatten)]
    pub target: C1Target,
    /// Use the delegated route (UpdateDelegated).
    #[arg(long)]
    pub delegated: bool,
    /// The fields to change.
    #[command(flatten)]
    pub fields: C1Fields,
}

/// `connkit c1 connectors schedule`
#[derive(Debug, Args)]
pub struct C1ScheduleArgs {
    /// The connector.
    #[command(flatten)]
    pub target: C1Target,
    /// The cron expression, e.g. `0 3 * * *`.
    #[arg(value_name = "CRON")]
    pub cron: String,
    /// The IANA time zone the expression is read in.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
}

/// `connkit c1 connectors credentials …`
#[derive(Debug, Subcommand)]
pub enum C1CredentialsCommand {
    /// Make a new credential; its secret is printed this once (RotateCredential).
    Rotate(C1Target),
    /// Show a credential, never its secret (GetCredentials).
    Get(C1CredentialArgs),
    /// Revoke a credential (RevokeCredential).
    Revoke(C1CredentialArgs),
}

/// `--app APP ID CREDENTIAL_ID`
#[derive(Debug, Args)]
pub struct C1CredentialArgs {
    /// The connector.
    #[command(flatten)]
    pub target: C1Target,
    /// The credential id.
    #[arg(value_name = "CREDENTIAL_ID")]
    pub credential_id: String,
}

/// `--app APP ID SYNC_ID`
#[derive(Debug, Args)]
pub struct C1SyncArgs {
    /// The connector.
    #[command(flatten)]
    pub target: C1Target,
    /// The sync id (download-url) or sync lifecycle id (confirm-sync).
    #[arg(value_name = "SYNC_ID")]
    pub sync_id: String,
}

/// `connkit c1 connectors validate-config FILE`
#[derive(Debug, Args)]
pub struct C1ValidateArgs {
    /// The configuration text (`-`: stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `DIR --app APP`: what `pull` and `diff` take.
#[derive(Debug, Args)]
pub struct C1TreeArgs {
    /// The folder: one sub-folder per connector, each with its connector.json.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The app whose connectors the folder holds.
    #[arg(long = "app", value_name = "APP_ID")]
    pub app_id: String,
}

/// `connkit c1 connectors push DIR --app APP`
#[derive(Debug, Args)]
pub struct C1PushArgs {
    /// The folder and the app.
    #[command(flatten)]
    pub tree: C1TreeArgs,
    /// Validate and show the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Connectors written at a time (the client's rate limiter still applies).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}
