//! One folder per command family, each with its arguments (`args.rs`) and its commands
//! (`mod.rs`); [`run`] dispatches the parsed command line. What several families share
//! lives outside `commands/` (`output`, `input`, `connect`, `as_code`, `plugins`, …):
//! no family imports another.

pub mod auth;
pub mod c1;
pub mod completions;
pub mod connectors;
pub mod login;
pub mod plugins;
pub mod profile;
pub mod rate_limit;
pub mod sandbox;
pub mod schema;
pub mod validate;
pub mod whoami;

use std::io::{BufWriter, Write};

use crate::args::{GlobalArgs, UserCommand as Command};
use crate::exit::Failure;
use crate::output::{json_to_yaml, resolve_format, Requested, Sink};

/// Runs `command`; the API commands on a single-threaded Tokio runtime (the work is
/// I/O-bound, and `--concurrency` interleaves requests on it).
pub fn run(global: &GlobalArgs, command: &Command) -> Result<(), Failure> {
    let requested = resolve_format(
        global
            .output
            .or_else(|| crate::tenant::profile_output(global)),
    );
    // Buffered: list writers flush once per page, not once per line.
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let result = if requested == Requested::Yaml {
        // The command writes JSON; it becomes YAML once complete.
        let mut json = Vec::new();
        let result = dispatch(global, command, sink(&mut json, requested, global));
        // What was written stays written, even when the command then failed.
        let converted = json_to_yaml(&json, &mut stdout).map_err(Failure::write_failed);
        result.and(converted)
    } else {
        dispatch(global, command, sink(&mut stdout, requested, global))
    };
    let flushed = stdout.flush().map_err(Failure::write_failed);
    result.and(flushed)
}

/// Where `requested` output goes: `out`, in the format commands write for it.
fn sink<'a>(out: &'a mut dyn Write, requested: Requested, global: &GlobalArgs) -> Sink<'a> {
    Sink {
        out,
        format: requested.written(),
        quiet: global.quiet,
    }
}

/// Runs one command family with its sink.
fn dispatch(global: &GlobalArgs, command: &Command, sink: Sink<'_>) -> Result<(), Failure> {
    match command {
        Command::Connectors(command) => runtime()?.block_on(connectors::run(command, global, sink)),
        Command::C1(command) => runtime()?.block_on(c1::run(command, global, sink)),
        Command::Validate(args) => validate::run(args, global, sink),
        Command::Plugins(command) => plugins::run(command, global, sink),
        Command::Sandbox(command) => runtime()?.block_on(sandbox::run(command, sink)),
        Command::Schema(args) => schema::run(args, sink),
        Command::Completions(args) => completions::run(args, sink),
        Command::Auth(command) => auth::run(command, sink),
        Command::Profile(command) => profile::run(command, global, sink),
        Command::RateLimit(command) => rate_limit::run(command, global, sink),
        Command::Whoami => whoami::run(global, sink),
        Command::Login(args) => login::run(args, global),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::context("starting the async runtime", e))
}
