//! `connkit completions SHELL`: a completion script generated from the command tree.

use clap::CommandFactory;

pub mod args;

use crate::args::Cli;
use crate::exit::Failure;
use crate::output::Sink;
use args::{CompletionShell, CompletionsArgs};
use clap_complete::{generate, Shell};
use clap_complete_nushell::Nushell;

/// Writes the completion script for `args.shell` to stdout.
pub fn run(args: &CompletionsArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    let name = "connkit";
    match args.shell {
        CompletionShell::Bash => generate(Shell::Bash, &mut command, name, &mut script),
        CompletionShell::Elvish => generate(Shell::Elvish, &mut command, name, &mut script),
        CompletionShell::Fish => generate(Shell::Fish, &mut command, name, &mut script),
        CompletionShell::Nushell => generate(Nushell, &mut command, name, &mut script),
        CompletionShell::Powershell => generate(Shell::PowerShell, &mut command, name, &mut script),
        CompletionShell::Zsh => generate(Shell::Zsh, &mut command, name, &mut script),
    }
    sink.out.write_all(&script).map_err(Failure::write_failed)
}
