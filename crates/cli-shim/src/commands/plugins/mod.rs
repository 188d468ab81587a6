//! `connkit plugins list|check|new`: the validator plugins the user asked for, loaded as
//! pre-flight loads them ([`crate::plugins`]), and what each reports; and new ones,
//! written from templates.

pub mod args;
mod check;
mod new;

use connkit_models::preflight::BodyKind;
use connkit_plugin_host::{LoadError, Plugin, PluginInfo};
use serde::Serialize;

use crate::args::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{Row, Sink};
use crate::plugins::{load_failure, loader, requested};
use args::PluginsCommand;

/// Runs `connkit plugins list|check|new`.
pub fn run(
    command: &PluginsCommand,
    global: &GlobalArgs,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    match command {
        PluginsCommand::New(args) => {
            let dir = new::run(args)?;
            if !global.quiet {
                eprintln!(
                    "wrote a {} validator plugin project in {} (see its README.md)",
                    args.lang,
                    dir.display()
                );
            }
            Ok(())
        }
        PluginsCommand::Check(args) => {
            let plugin = loader(global)?.load(&args.path).map_err(load_failure)?;
            check::run(&plugin, args, global, sink.format, sink.out)
        }
        PluginsCommand::List => {
            let loader = loader(global)?;
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
            sink.list(&rows)?;
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

/// What `plugins list|check` shows about one plugin.
#[derive(Debug, Default, Serialize)]
pub struct PluginRow {
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
    pub fn loaded(plugin: &Plugin) -> Self {
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
