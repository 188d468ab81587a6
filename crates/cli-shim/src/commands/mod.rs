//! One module per command family; [`run`] dispatches the parsed command line.

pub mod as_code;
pub mod auth;
mod c1;
pub mod c1_args;
mod c1_as_code;
mod c1_connect;
mod completions;
mod connectors;
mod input;
pub mod plugins;
pub mod profile;
pub mod rate_limit;
mod sandbox;
mod sandbox_c1;
mod schema;
mod validate;

use std::future::Future;
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

use crate::args::{GlobalArgs, UserCommand as Command};
use crate::exit::{Exit, Failure};
use crate::output::resolve_format;

/// Runs `command`; the API commands on a single-threaded Tokio runtime (the work is
/// I/O-bound, and `--concurrency` interleaves requests on it).
pub fn run(global: &GlobalArgs, command: &Command) -> Result<(), Failure> {
    let format = resolve_format(
        global
            .output
            .or_else(|| crate::tenant::profile_output(global)),
    );
    // Buffered: list writers flush once per page, not once per line.
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let result = match command {
        Command::Connectors(command) => {
            let sink = connectors::Sink {
                out: &mut stdout,
                format,
                quiet: global.quiet,
            };
            runtime()?.block_on(connectors::run(command, global, sink))
        }
        Command::C1(command) => runtime()?.block_on(c1::run(command, global, format, &mut stdout)),
        Command::Validate(args) => validate::run(args, global, format, &mut stdout),
        Command::Plugins(command) => plugins::run(command, global, format, &mut stdout),
        Command::Sandbox(command) => {
            runtime()?.block_on(sandbox::run(command, global.quiet, format, &mut stdout))
        }
        Command::Schema(args) => schema::run(args, &mut stdout),
        Command::Completions(args) => completions::run(args, &mut stdout),
        Command::Auth(command) => auth::run(command, format, global.quiet, &mut stdout),
        Command::Profile(command) => profile::run(command, global, format, &mut stdout),
        Command::RateLimit(command) => rate_limit::run(command, global, format, &mut stdout),
    };
    // What was written stays written, even when the command then failed.
    let flushed = stdout.flush().map_err(Failure::write_failed);
    result.and(flushed)
}

/// Runs a command that talks to a tenant within `--timeout` (`limit`), if given. The
/// command gets the deadline, which its requests carry where they can; the timer
/// bounds the rest (the many requests of `pull` and `push`, a C1 listing), so no
/// command outlives `--timeout`. `writes`: running out may leave writes applied.
pub(crate) async fn within_timeout<Fut>(
    limit: Option<Duration>,
    writes: bool,
    command: impl FnOnce(Option<Instant>) -> Fut,
) -> Result<(), Failure>
where
    Fut: Future<Output = Result<(), Failure>>,
{
    let Some(limit) = limit else {
        return command(None).await;
    };
    let deadline = Instant::now().checked_add(limit);
    let ran_out = format!("--timeout {limit:?} ran out before the command finished");
    match (
        tokio::time::timeout(limit, command(deadline)).await,
        deadline,
    ) {
        (Err(_elapsed), _) if writes => Err(Failure::plain(
            Exit::MaybeApplied,
            format!(
                "{ran_out}; writes in flight may have been applied (run it again: it converges)"
            ),
        )),
        (Err(_elapsed), _) => Err(Failure::plain(Exit::Unavailable, ran_out)),
        (Ok(Err(failure)), Some(deadline)) if Instant::now() >= deadline => {
            Err(failure.with_context(ran_out))
        }
        (Ok(result), _) => result,
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::context("starting the async runtime", e))
}
