//! The command line of `connkit connectors …`: the 13 operations of ISC's Connectors
//! API and connectors as code (`pull`, `diff`, `push`).

use std::path::PathBuf;

use clap_complete::engine::ArgValueCandidates;

use crate::completion;
use clap::{Args, Subcommand};

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
    Pull(PullArgs),
    /// Show what `push` would change (exit 0: no changes, 1: changes).
    Diff(DiffArgs),
    /// Make the tenant match a folder: validate every file, show the plan, confirm, apply.
    Push(PushArgs),
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
    #[arg(long, value_name = "L", add = ArgValueCandidates::new(completion::locales))]
    pub locale: Option<String>,
}

/// A connector's script name.
#[derive(Debug, Args)]
pub struct ScriptNameArg {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
    pub script_name: String,
}

/// `connkit connectors get`
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
    pub script_name: String,
    /// Locale for translated fields.
    #[arg(long, value_name = "L", add = ArgValueCandidates::new(completion::locales))]
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
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
    pub script_name: String,
    /// A JSON Patch document (RFC 6902), `-` for stdin.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["set", "unset"], conflicts_with_all = ["set", "unset"])]
    pub patch: Option<PathBuf>,
    /// Set a field: a dotted key from the connector's root (`connectorMetadata.team`)
    /// and a value, JSON when it parses as JSON, else text; repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Remove a field, by dotted key; repeatable.
    #[arg(long, value_name = "KEY")]
    pub unset: Vec<String>,
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
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
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
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
    pub script_name: String,
    /// The locale, e.g. `en`, `de`, `no`.
    #[arg(value_name = "LOCALE", add = ArgValueCandidates::new(completion::locales))]
    pub locale: String,
}

/// `connkit connectors translations put S L [FILE]`
#[derive(Debug, Args)]
pub struct TranslationsPutArgs {
    /// The connector's script name.
    #[arg(value_name = "SCRIPT_NAME", add = ArgValueCandidates::new(completion::script_names))]
    pub script_name: String,
    /// The locale, e.g. `en`, `de`, `no`.
    #[arg(value_name = "LOCALE", add = ArgValueCandidates::new(completion::locales))]
    pub locale: String,
    /// The `.properties` file, `-` for stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `connkit connectors pull DIR`
#[derive(Debug, Args)]
pub struct PullArgs {
    /// The folder to write (created if missing); one sub-folder per connector.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Only the connectors matching this list filter, e.g. `name sw "Acme"`.
    #[arg(long, value_name = "F")]
    pub filter: Option<String>,
    /// Built-in connectors too (by default only custom ones: type `custom …`).
    #[arg(long)]
    pub builtin: bool,
    /// Connectors read at a time (the client's rate limiter still applies).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `connkit connectors diff DIR`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The folder `pull` wrote.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Also plan deleting the custom connectors that are not in DIR.
    #[arg(long)]
    pub prune: bool,
    /// Apply DIR/_overlays/NAME.json (tenant-specific values) first. Default: the
    /// overlay named like the chosen profile, if DIR has one; `none` for no overlay.
    #[arg(long, value_name = "NAME")]
    pub overlay: Option<String>,
}

/// `connkit connectors push DIR`
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The folder to push.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Validate and show the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also delete the custom connectors that are not in DIR.
    #[arg(long)]
    pub prune: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Apply DIR/_overlays/NAME.json (tenant-specific values) first. Default: the
    /// overlay named like the chosen profile, if DIR has one; `none` for no overlay.
    #[arg(long, value_name = "NAME")]
    pub overlay: Option<String>,
    /// Connectors written at a time (the client's rate limiter still applies).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command, UserCommand};
    use clap::Parser;

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
