//! Validator plugins for pre-flight, as every command that sends or checks a body
//! loads them: `--plugin`, `CONNKIT_PLUGIN_PATH`; isolated in `connkit __plugin-worker`
//! children unless `--in-process-plugins`, each call bounded by `--plugin-timeout`; and
//! the hidden worker subcommand that isolated mode re-executes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use connkit_models::preflight::Validator;
use connkit_plugin_host::{discover, LoadError, Loader, WorkerCommand, DEFAULT_TIMEOUT};

use crate::args::GlobalArgs;
use crate::exit::{Exit, Failure};

/// The hidden subcommand isolated mode runs as `connkit __plugin-worker PATH`.
pub const WORKER_SUBCOMMAND: &str = "__plugin-worker";

/// Serves one plugin over stdin/stdout for a host in isolated mode.
pub fn worker(path: &Path) -> ExitCode {
    connkit_plugin_host::worker::run(path)
}

/// The validators of every plugin the user asked for (`CONNKIT_PLUGIN_PATH`, then each
/// `--plugin`), loaded in-process or isolated. Any plugin that cannot be loaded is an
/// error: pre-flight must not silently run without it.
pub fn validators(global: &GlobalArgs) -> Result<Vec<Arc<dyn Validator>>, Failure> {
    let loader = loader(global)?;
    requested(global)
        .into_iter()
        .map(|path| {
            let plugin = path.and_then(|p| loader.load(&p)).map_err(load_failure)?;
            if global.verbose > 0 && !global.quiet {
                eprintln!(
                    "plugin `{}`: confinement: {}",
                    plugin.info().name,
                    plugin.confinement()
                );
            }
            Ok(plugin.validator())
        })
        .collect()
}

/// Isolated in `connkit __plugin-worker PATH` children (so a plugin that crashes or
/// hangs is a finding, not the end of connkit), or in-process when asked; with the
/// `--plugin-timeout` for each call. (`--isolate-plugins` is the default's old name.)
pub fn loader(global: &GlobalArgs) -> Result<Loader, Failure> {
    let loader = if global.in_process_plugins {
        Loader::in_process()
    } else {
        let worker = WorkerCommand::current_exe([WORKER_SUBCOMMAND]).map_err(|e| {
            Failure::context("finding the connkit executable for plugin workers", e)
        })?;
        Loader::isolated(worker)
    };
    Ok(loader.with_timeout(Some(global.plugin_timeout.unwrap_or(DEFAULT_TIMEOUT))))
}

/// `CONNKIT_PLUGIN_PATH` entries, then each `--plugin`; an unreadable directory on the
/// path list is an entry of its own.
pub fn requested(global: &GlobalArgs) -> Vec<Result<PathBuf, LoadError>> {
    discover::from_env()
        .into_iter()
        .chain(global.plugins.iter().cloned().map(Ok))
        .collect()
}

pub fn load_failure(error: LoadError) -> Failure {
    Failure::Error {
        exit: Exit::Other,
        error: Box::new(error),
        tracking_id: None,
    }
}
