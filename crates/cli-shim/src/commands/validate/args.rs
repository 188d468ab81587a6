//! The command line of `connkit validate`.

use std::path::PathBuf;

use clap::Args;
use connkit_models::preflight::BodyKind;

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
