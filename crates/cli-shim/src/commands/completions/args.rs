//! The command line of `connkit completions`.

use clap::Args;

/// `connkit completions SHELL`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}
