//! `connkit completions SHELL`: a completion script generated from the command tree.

use clap::CommandFactory;

pub mod args;

use crate::args::Cli;
use crate::exit::Failure;
use crate::output::Sink;
use args::CompletionsArgs;

/// Writes the completion script for `args.shell` to stdout.
pub fn run(args: &CompletionsArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "connkit", &mut script);
    sink.out.write_all(&script).map_err(Failure::write_failed)
}
