//! The command line of `connkit completions`.

use clap::Args;

/// `connkit completions SHELL`
#[derive(Debug, Args)]
#[command(
    after_help = "This script completes commands and options. To also complete your profile \
                  names, connector scriptNames and locales, load the dynamic one instead: \
                  `source <(COMPLETE=bash connkit)` in ~/.bashrc (likewise zsh, fish, elvish, \
                  powershell). It asks the default tenant for scriptNames at most once a minute."
)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: CompletionShell,
}

/// The shells a script can be generated for: clap_complete's, and Nushell.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CompletionShell {
    /// Bash.
    Bash,
    /// Elvish.
    Elvish,
    /// fish.
    Fish,
    /// Nushell (static: commands and options only).
    Nushell,
    /// PowerShell.
    Powershell,
    /// Zsh.
    Zsh,
}
