//! `connkit plugins check PATH [--sample FILE [--kind K]]`: a plugin that loads is not
//! yet a plugin that works, so `check` also calls its `validate` — on the sample, or on
//! a minimal valid body of each kind it declares — and shows what came back. Exit 9 when a
//! call failed (crash, timeout, bad output, …); the plugin's own findings, errors
//! included, are its answer and exit 0.

use std::io::Write;

use connkit_models::preflight::{BodyKind, Finding};
use connkit_plugin_host::Plugin;
use serde::Serialize;

use super::args::PluginCheckArgs;
use super::PluginRow;
use crate::args::GlobalArgs;
use crate::exit::{finding_line, plugin_failures, Exit, Failure};
use crate::input::{Input, SizeCheck};
use crate::output::{write_object, OutputFormat};

/// The plugin's info and what each `validate` call returned.
#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    plugin: PluginRow,
    validated: Vec<Call>,
}

/// One `validate` call: on which body, as which kind, and its findings.
#[derive(Debug, Serialize)]
struct Call {
    body: String,
    kind: BodyKind,
    findings: Vec<Finding>,
}

/// Loads nothing itself: `plugin` is already loaded the way pre-flight would load it.
pub fn run(
    plugin: &Plugin,
    args: &PluginCheckArgs,
    global: &GlobalArgs,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let validator = plugin.validator();
    let bodies = bodies(plugin, args)?;
    let validated: Vec<Call> = bodies
        .into_iter()
        .map(|(body, kind, bytes)| Call {
            findings: validator.validate(kind, &bytes),
            body,
            kind,
        })
        .collect();
    let report = Report {
        plugin: PluginRow::loaded(plugin),
        validated,
    };
    write(out, format, &report, global.quiet).map_err(Failure::write_failed)?;
    let failed = plugin_failures(report.validated.iter().flat_map(|c| &c.findings));
    if failed > 0 {
        return Err(Failure::plain(
            Exit::PluginFailed,
            format!(
                "plugin `{}` failed {failed} of {}",
                plugin.info().name,
                crate::output::counted(report.validated.len(), "validate call", "validate calls")
            ),
        ));
    }
    Ok(())
}

/// The sample as its kind, or a minimal body of every kind the plugin declares that
/// this connkit knows.
fn bodies(
    plugin: &Plugin,
    args: &PluginCheckArgs,
) -> Result<Vec<(String, BodyKind, Vec<u8>)>, Failure> {
    let declared: Vec<BodyKind> = plugin
        .info()
        .kinds
        .iter()
        .filter_map(|&k| BodyKind::from_u32(k))
        .collect();
    let name = &plugin.info().name;
    let names = || {
        declared
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(sample) = &args.sample else {
        if declared.is_empty() {
            return Err(Failure::plain(
                Exit::PluginFailed,
                format!("plugin `{name}` declares no body kind this connkit knows"),
            ));
        }
        return Ok(declared
            .into_iter()
            .map(|kind| {
                (
                    format!("(minimal {kind})"),
                    kind,
                    minimal_body(kind).to_vec(),
                )
            })
            .collect());
    };
    let kind = match (args.kind, declared.as_slice()) {
        (Some(kind), _) if declared.contains(&kind) => kind,
        (Some(kind), _) => {
            return Err(Failure::usage(format!(
                "plugin `{name}` does not check {kind} bodies (it declares: {})",
                names()
            )))
        }
        (None, [only]) => *only,
        (None, _) => {
            return Err(Failure::usage(format!(
                "plugin `{name}` declares several kinds ({}): pass --kind",
                names()
            )))
        }
    };
    let input = Input::read(sample, kind, SizeCheck::Limit)?;
    Ok(vec![(input.label, kind, input.bytes)])
}

/// The smallest body of `kind` that the built-in validators accept, for a check
/// without a sample: an empty body is no body of any kind, and a plugin that parses
/// it rightly fails (`EOF while parsing` from a JSON Patch plugin).
fn minimal_body(kind: BodyKind) -> &'static [u8] {
    match kind {
        BodyKind::SourceConfig => {
            b"<?xml version='1.0' encoding='UTF-8'?>\n<Form name=\"check\"/>\n"
        }
        BodyKind::SourceTemplate => {
            b"<?xml version='1.0' encoding='UTF-8'?>\n<Application name=\"check\"/>\n"
        }
        BodyKind::CorrelationConfig => {
            b"<?xml version='1.0' encoding='UTF-8'?>\n<CorrelationConfig name=\"check\"/>\n"
        }
        BodyKind::Translations => b"title=check\n",
        BodyKind::JsonPatch => {
            br#"[{"op":"replace","path":"/connectorMetadata","value":{"check":true}}]"#
        }
        BodyKind::CreateConnector => {
            br#"{"name":"check","className":"sailpoint.connector.OpenConnectorAdapter"}"#
        }
    }
}

/// Table: the info, then a compiler-style line per finding (or a note that a call found
/// nothing); JSON and NDJSON: the report as one object.
fn write(
    out: &mut dyn Write,
    format: OutputFormat,
    report: &Report,
    quiet: bool,
) -> std::io::Result<()> {
    if format != OutputFormat::Table {
        return write_object(out, format, report);
    }
    write_object(out, format, &report.plugin)?;
    for call in &report.validated {
        for finding in &call.findings {
            writeln!(out, "{}", finding_line(&call.body, finding))?;
        }
        if call.findings.is_empty() && !quiet {
            eprintln!("{}: no findings as {}", call.body, call.kind);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_minimal_body_passes_the_built_in_validators() {
        let validators = connkit_connectors::preflight::builtin_validators();
        for kind in BodyKind::ALL {
            let findings =
                connkit_models::preflight::run_all(&validators, kind, minimal_body(kind));
            assert!(findings.is_empty(), "{kind}: {findings:?}");
        }
    }
}
