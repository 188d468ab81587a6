//! The command line of `connkit schema`.

use clap::Args;

/// `connkit schema [TYPE]`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The model's name, e.g. V3ConnectorDto; omit to list them.
    #[arg(value_name = "TYPE")]
    pub type_name: Option<String>,
}
