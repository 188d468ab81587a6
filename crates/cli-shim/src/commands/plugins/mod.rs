//! Validator plugins: loading them for pre-flight (`--plugin`, `CONNKIT_PLUGIN_PATH`;
//! isolated in `connkit __plugin-worker` children unless `--in-process-plugins`, each
//! call bounded by `--plugin-timeout`), `connkit plugins list|check`, and the hidden
//! worker subcommand that isolated mode re-executes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use connkit_models::preflight::{BodyKind, Validator};
use connkit_plugin_host::{
    discover, LoadError, Loader, Plugin, PluginInfo, WorkerCommand, DEFAULT_TIMEOUT,
};
use serde::Serialize;

use crate::args::{GlobalArgs, OutputFormat, PluginsCommand};
use crate::exit::{Exit, Failure};
use crate::output::{ListWriter, Row};

mod check;

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

/// Runs `connkit plugins list|check`.
pub fn run(
    command: &PluginsCommand,
    global: &GlobalArgs,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let loader = loader(global)?;
    match command {
        PluginsCommand::Check(args) => {
            let plugin = loader.load(&args.path).map_err(load_failure)?;
            check::run(&plugin, args, global, format, out)
        }
        PluginsCommand::List => {
            let mut rows = Vec::new();
            let mut failed = 0;
            for entry in requested(global) {
                let row = match entry.and_then(|path| loader.load(&path)) {
                    Ok(plugin) => PluginRow::loaded(&plugin),
                    Err(error) => {
                        failed += 1;
                        PluginRow::failed(&error)
                    }
                };
                rows.push(row);
            }
            if rows.is_empty() && !global.quiet {
                eprintln!("no plugins: pass --plugin PATH or set CONNKIT_PLUGIN_PATH");
            }
            let mut writer = ListWriter::new(out, format);
            writer.page(&rows).map_err(Failure::write_failed)?;
            writer.finish(None).map_err(Failure::write_failed)?;
            match failed {
                0 => Ok(()),
                n => Err(Failure::plain(
                    Exit::Other,
                    format!(
                        "{} could not be loaded",
                        crate::output::counted(n, "plugin", "plugins")
                    ),
                )),
            }
        }
    }
}

/// Isolated in `connkit __plugin-worker PATH` children (so a plugin that crashes or
/// hangs is a finding, not the end of connkit), or in-process when asked; with the
/// `--plugin-timeout` for each call. (`--isolate-plugins` is the default's old name.)
fn loader(global: &GlobalArgs) -> Result<Loader, Failure> {
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
fn requested(global: &GlobalArgs) -> Vec<Result<PathBuf, LoadError>> {
    discover::from_env()
        .into_iter()
        .chain(global.plugins.iter().cloned().map(Ok))
        .collect()
}

fn load_failure(error: LoadError) -> Failure {
    Failure::Error {
        exit: Exit::Other,
        error: Box::new(error),
        tracking_id: None,
    }
}

/// What `plugins list|check` shows about one plugin.
#[derive(Debug, Default, Serialize)]
pub(crate) struct PluginRow {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kinds: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// What confines the plugin (isolated workers: Landlock, seccomp, rlimits, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    confinement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl PluginRow {
    pub(crate) fn loaded(plugin: &Plugin) -> Self {
        let PluginInfo {
            name,
            version,
            kinds,
            description,
            ..
        } = plugin.info();
        PluginRow {
            path: plugin.path().display().to_string(),
            name: Some(name.clone()),
            version: Some(version.clone()),
            kinds: kinds.iter().map(|&k| kind_name(k)).collect(),
            description: (!description.is_empty()).then(|| description.clone()),
            confinement: Some(plugin.confinement().to_owned()),
            error: None,
        }
    }

    /// The error names the library's path; `path` repeats it for the table.
    fn failed(error: &LoadError) -> Self {
        PluginRow {
            path: error.path().display().to_string(),
            error: Some(error.to_string()),
            ..PluginRow::default()
        }
    }
}

/// A kind's name, or its number when this version of connkit does not know it.
fn kind_name(kind: u32) -> String {
    BodyKind::from_u32(kind).map_or_else(|| kind.to_string(), |k| k.name().to_owned())
}

impl Row for PluginRow {
    const HEADERS: &'static [&'static str] = &["NAME", "VERSION", "KINDS", "PATH", "ERROR"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone().unwrap_or_default(),
            self.version.clone().unwrap_or_default(),
            self.kinds.join(","),
            self.path.clone(),
            self.error.clone().unwrap_or_default(),
        ]
    }
}
