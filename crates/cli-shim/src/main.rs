//! `connkit`: the command-line tool for identity-platform connectors.
//!
//! `main` parses the command line, sets up diagnostics and the async runtime, runs the
//! command and turns its failure into an exit code (see [`exit`]).

// The doc comments on clap's types are the `--help` text, read in a terminal, where a
// URL is text; rustdoc's link syntax would show there as `<…>`.
#![allow(rustdoc::bare_urls)]

mod args;
mod as_code;
mod c1_target;
mod commands;
mod completion;
mod connect;
mod exit;
mod expiry;
mod help;
mod input;
mod output;
mod patch_args;
mod plugins;
mod progress;
mod rate_limit;
mod sandbox_home;
mod style;
mod tenant;
mod trust;
mod untrusted;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    // First: other processes of this user (a plugin worker included) must not read
    // connkit's memory or environment, which may hold secrets, via /proc.
    let hidden = connkit_plugin_host::hide_process_secrets();
    // `COMPLETE=SHELL connkit …`: the shell asks for completions (see `completions`).
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    // Usage errors exit 2 and `--help`/`--version` exit 0, as clap does by default.
    let Cli { global, command } =
        Cli::from_arg_matches(&help::command().get_matches()).unwrap_or_else(|e| e.exit());
    let command = match command {
        // The child of an isolated plugin: stdout is its protocol channel.
        Command::PluginWorker(args) => return plugins::worker(&args.path),
        Command::User(command) => command,
    };
    style::init(global.color);
    init_diagnostics(global.verbose, global.quiet);
    if let (Err(e), 1..) = (hidden, global.verbose) {
        eprintln!("connkit: other processes of this user may read its secrets: {e}");
    }
    match commands::run(&global, &command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.is_broken_pipe() => ExitCode::SUCCESS,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = failure.report(&mut stderr, global.verbose > 0);
            let _ = stderr.flush();
            failure.exit().into()
        }
    }
}

/// Routes the libraries' `tracing` events to stderr: errors only with `-q`, warnings by
/// default, then info, debug and trace for each `-v`.
fn init_diagnostics(verbose: u8, quiet: bool) {
    use tracing_subscriber::filter::LevelFilter;
    let level = match (quiet, verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::INFO,
        (false, 2) => LevelFilter::DEBUG,
        (false, _) => LevelFilter::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
