//! The command line of `connkit plugins …` and of the hidden plugin worker.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use connkit_models::preflight::BodyKind;

/// `connkit plugins …`
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// List the plugins from CONNKIT_PLUGIN_PATH and `--plugin`, with what each reports.
    List,
    /// Load one plugin, print its info, and call its `validate` (on the sample, or on an
    /// empty body of each kind it declares) to show that it answers. Exit 9 when the
    /// plugin fails.
    Check(PluginCheckArgs),
    /// Write a new validator plugin project (Rust or C) that builds on its own and
    /// passes `plugins check` as written.
    New(PluginNewArgs),
}

/// `connkit plugins new NAME [--lang rust|c] [--dir DIR]`
#[derive(Debug, Args)]
pub struct PluginNewArgs {
    /// The plugin's name: lowercase letters, digits, `-` and `_`, starting with a letter.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The project's language.
    #[arg(long, value_enum, default_value = "rust")]
    pub lang: Language,
    /// Where to write it (a new or empty folder) [default: ./NAME].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// What a new plugin project is written in.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Language {
    /// A cargo project depending on `connkit-plugin-abi`.
    Rust,
    /// One C file, the ABI's header and a Makefile.
    C,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Language::Rust => "Rust",
            Language::C => "C",
        })
    }
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

/// `connkit __plugin-worker PATH`
#[derive(Debug, Args)]
pub struct PluginWorkerArgs {
    /// The plugin library to serve over stdio.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}
