//! `connkit validate --kind K FILE`: pre-flight of a file, offline, with the built-in
//! validators and every plugin asked for. Exit 3 when any finding is an error, 9 when a
//! plugin failed (its verdict is unknown).

use std::io::Write;

use connkit_models::preflight::{run_all, Finding};

pub mod args;

use crate::args::GlobalArgs;
use crate::exit::{finding_line, plugin_failures, Exit, Failure};
use crate::input::{Input, SizeCheck};
use crate::output::{write_object, OutputFormat, Sink};
use crate::plugins;
use args::ValidateArgs;

/// Checks the file and writes every finding: compiler-style lines for a table, an
/// array for JSON, one finding per line for NDJSON.
pub fn run(args: &ValidateArgs, global: &GlobalArgs, sink: Sink<'_>) -> Result<(), Failure> {
    // Checked from its size first: a huge file is refused without being read.
    let input = Input::read(&args.file, args.kind, SizeCheck::Limit)?;
    let mut validators = connkit_connectors::preflight::builtin_validators();
    validators.extend(plugins::validators(global)?);
    let findings = run_all(&validators, args.kind, &input.bytes);
    write_findings(sink.out, sink.format, &input.label, &findings)
        .map_err(Failure::write_failed)?;
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let failed = plugin_failures(&findings);
    if failed > 0 {
        return Err(Failure::plain(
            Exit::PluginFailed,
            format!(
                "{failed} plugin call{} failed on {}, so pre-flight could not judge it",
                if failed == 1 { "" } else { "s" },
                input.label,
            ),
        ));
    }
    if errors > 0 {
        return Err(Failure::plain(
            Exit::Rejected,
            format!(
                "pre-flight would reject {} as {}: {errors} error{}",
                input.label,
                args.kind,
                if errors == 1 { "" } else { "s" }
            ),
        ));
    }
    if !global.quiet {
        eprintln!("{}: ok as {}", input.label, args.kind);
    }
    Ok(())
}

fn write_findings(
    out: &mut dyn Write,
    format: OutputFormat,
    file: &str,
    findings: &[Finding],
) -> std::io::Result<()> {
    match format {
        OutputFormat::Table => {
            for finding in findings {
                writeln!(out, "{}", finding_line(file, finding))?;
            }
            Ok(())
        }
        OutputFormat::Json => write_object(out, format, &findings),
        OutputFormat::Ndjson => findings
            .iter()
            .try_for_each(|finding| write_object(out, format, finding)),
    }
}
