//! The command shell of connectors as code, for either API (`connectors pull|diff|push`
//! and `c1 connectors pull|diff|push`): writing a pulled tree, showing a plan,
//! confirming, applying with progress, reporting, and the exit codes.
//!
//! Exit codes of `diff` follow `git diff --exit-code`: 0 no changes, 1 changes; a
//! failure keeps its usual code (2 usage, 3 invalid tree, 4–6), and one that exits 1
//! elsewhere exits 8 here. `push` exits 3 when the tree fails pre-flight or asks for a
//! change the API cannot make (nothing is sent), 1 when some writes failed (the report
//! says which were applied and which were not).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

use connkit_as_code::{
    Action, ApplyEvent, ApplyOptions, ApplyReport, Error as AsCodeError, FileFinding, Plan,
    PlannedConnector,
};
use serde_json::json;

use crate::exit::{Exit, Failure};
use crate::output::{OutputFormat, Sink};
use crate::progress::Progress;
use crate::untrusted;

/// Writes a pulled tree into `dir` with `write` (in one step) and says what was
/// pulled, for either API: on stderr for a table, else `{"connectors": [folders]}`.
pub fn write_pulled(
    dir: &Path,
    write: impl FnOnce(&Path) -> Result<(), AsCodeError>,
    folders: &[&String],
    hint: &str,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    // The tree is swapped in whole: a shell inside DIR keeps the old, removed folder.
    let inside = std::env::current_dir()
        .ok()
        .zip(std::fs::canonicalize(dir).ok())
        .is_some_and(|(cwd, dir)| cwd.starts_with(dir));
    write(dir).map_err(|error| match error {
        AsCodeError::Invalid(findings) => refused(
            dir,
            findings.iter(),
            "the tree holds entries a pull never writes through",
            "nothing was written",
        ),
        error => failure(error),
    })?;
    if inside && !sink.quiet {
        eprintln!(
            "note: {} was replaced by the pulled tree; a shell inside it still sees the old \
             folder until it changes directory (cd \"$PWD\")",
            dir.display()
        );
    }
    match sink.format {
        OutputFormat::Table => {
            if !sink.quiet {
                eprintln!(
                    "pulled {} into {}{hint}",
                    crate::output::counted(folders.len(), "connector", "connectors"),
                    dir.display()
                );
            }
            Ok(())
        }
        format => crate::output::write_object(sink.out, format, &json!({ "connectors": folders }))
            .map_err(Failure::write_failed),
    }
}

/// What `diff` prints and how it exits, for either API: the plan, exit 1 when there
/// are changes, 3 when it has changes the API cannot make, and 8 for a failure that
/// would exit 1 elsewhere.
pub fn diff_outcome<C: Shown>(
    dir: &Path,
    result: Result<Plan<C>, Failure>,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    // Exit 1 means "changes" here: other failures that exit 1 elsewhere exit 8.
    let plan = result.map_err(|f| match f {
        Failure::Error {
            exit: Exit::Other,
            error,
            tracking_id,
        } => Failure::Error {
            exit: Exit::DiffFailed,
            error,
            tracking_id,
        },
        other => other,
    })?;
    write_plan(sink.out, sink.format, &plan).map_err(Failure::write_failed)?;
    if plan.conflicts().next().is_some() {
        return Err(rejected(
            dir,
            plan.conflicts(),
            "the plan has changes the API cannot make",
        ));
    }
    if plan.has_changes() {
        // As `git diff --exit-code`: 1 means "there are changes".
        Err(Failure::Quiet(Exit::Other))
    } else {
        Ok(())
    }
}

/// How a push sends its plan (for both APIs).
pub struct Push {
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--yes`.
    pub yes: bool,
    /// `--concurrency`.
    pub concurrency: u16,
}

/// Where a plan is applied: an ISC tenant, or an app of a ConductorOne tenant.
pub trait Target {
    /// The plan of one connector.
    type Connector: Shown;
    /// Applies `plan` (see [`connkit_as_code::apply`]).
    async fn apply(
        &self,
        plan: &Plan<Self::Connector>,
        options: &ApplyOptions,
        progress: &(dyn Fn(ApplyEvent<'_>) + Sync),
    ) -> Result<ApplyReport, AsCodeError>;
}

/// The end of a push for either API: show the plan, stop at `--dry-run` or when there
/// is nothing to do, confirm, apply with progress, report; exit 1 when some writes
/// failed.
pub async fn send_plan<T: Target>(
    target: &T,
    plan: &Plan<T::Connector>,
    push: &Push,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    let table = sink.format == OutputFormat::Table;
    let writes = plan.steps();
    if table || push.dry_run || !plan.has_changes() {
        write_plan(sink.out, sink.format, plan).map_err(Failure::write_failed)?;
    }
    if !plan.has_changes() || push.dry_run {
        return Ok(());
    }
    sink.out.flush().map_err(Failure::write_failed)?;
    if !push.yes {
        confirm(writes)?;
    }
    let progress = Mutex::new(Progress::new("pushing", !sink.quiet));
    let done = std::sync::atomic::AtomicU64::new(0);
    let on_event = |_: ApplyEvent<'_>| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Ok(mut progress) = progress.lock() {
            progress.update(n, Some(writes as u64));
        }
    };
    let options = ApplyOptions {
        concurrency: usize::from(push.concurrency),
    };
    let report = target
        .apply(plan, &options, &on_event)
        .await
        .map_err(failure)?;
    drop(progress);
    write_report(sink.out, sink.format, plan, &report).map_err(Failure::write_failed)?;
    if report.is_complete() {
        Ok(())
    } else {
        Err(Failure::plain(
            Exit::Other,
            format!(
                "push incomplete: {} applied, {} failed, {} not attempted; \
                 run it again to converge",
                crate::output::counted(report.applied.len(), "write", "writes"),
                report.failed.len(),
                report.not_attempted.len()
            ),
        ))
    }
}

/// A usage error unless `dir` is a folder to read a tree from.
pub fn existing_folder(dir: &Path) -> Result<(), Failure> {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "{} is not a folder (pull into it first)",
            dir.display()
        )))
    }
}

/// Prints every finding as `DIR/file:line:column: …` and fails with exit 3 (9 when a
/// plugin failed).
pub fn rejected<'a>(
    dir: &Path,
    findings: impl Iterator<Item = &'a FileFinding>,
    what: &str,
) -> Failure {
    refused(dir, findings, what, "nothing was sent")
}

/// As [`rejected`], saying what was left undone.
pub fn refused<'a>(
    dir: &Path,
    findings: impl Iterator<Item = &'a FileFinding>,
    what: &str,
    outcome: &str,
) -> Failure {
    let findings: Vec<&FileFinding> = findings.collect();
    let mut stderr = std::io::stderr().lock();
    for finding in &findings {
        // Nothing sensible is left to do if stderr itself is gone.
        let _ = writeln!(stderr, "{}", located(dir, finding));
    }
    let errors = findings.iter().filter(|f| f.finding.is_error()).count();
    Failure::plain(
        Exit::of_findings(findings.iter().map(|f| &f.finding)),
        format!(
            "{what} ({}); {outcome}",
            crate::output::counted(errors, "error", "errors")
        ),
    )
}

/// A finding of the tree as `DIR/folder/file:line:column: …`, escaped: file names and
/// messages come from the tree and the tenant.
fn located(dir: &Path, finding: &FileFinding) -> String {
    // `tree/` as typed must not print as `tree//acme-hr/…`.
    let dir = dir.display().to_string();
    let dir = match dir.trim_end_matches('/') {
        "" if dir.starts_with('/') => "",
        trimmed => trimmed,
    };
    untrusted::escape(&format!("{dir}/{finding}")).into_owned()
}

/// Asks on the terminal; refuses when there is none to ask on.
fn confirm(writes: usize) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Failure::usage(
            "refusing to push without --yes: stdin is not a terminal to confirm on",
        ));
    }
    let these = match writes {
        1 => "this write".to_owned(),
        n => format!("these {n} writes"),
    };
    eprint!("Send {these}? [y/N] ");
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::context("reading the answer", e))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(Failure::plain(
            Exit::Other,
            "push cancelled; nothing was sent",
        ))
    }
}

/// How a connector's plan is shown to people: where, who, and what changes.
pub trait Shown: PlannedConnector + serde::Serialize {
    /// Its folder (or, for a delete, where it is on the tenant).
    fn place(&self) -> &str;
    /// Its name.
    fn name(&self) -> &str;
    /// The lines under its summary: what is sent.
    fn details(&self, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The plan as data (JSON, NDJSON) or for people (a summary line per connector, then
/// what is sent: the metadata patch and file diffs, or the changed fields' diffs).
fn write_plan<C: Shown>(
    out: &mut dyn Write,
    format: OutputFormat,
    plan: &Plan<C>,
) -> std::io::Result<()> {
    if format != OutputFormat::Table {
        return crate::output::write_object(out, format, plan);
    }
    let mut counts = [0usize; 4];
    for connector in &plan.connectors {
        let (slot, label) = match connector.action() {
            Action::Create => (0, "create"),
            Action::Update => (1, "update"),
            Action::Delete => (2, "delete"),
            Action::Unchanged => {
                counts[3] += 1;
                continue;
            }
        };
        counts[slot] += 1;
        // Names, values and documents come from the tenant or the tree: escaped.
        writeln!(
            out,
            "{label} {} ({})",
            connector.place(),
            untrusted::escape(connector.name())
        )?;
        connector.details(out)?;
    }
    writeln!(
        out,
        "plan: {} to create, {} to update, {} to delete, {} unchanged",
        counts[0], counts[1], counts[2], counts[3]
    )
}

/// What was applied and what was not.
fn write_report(
    out: &mut dyn Write,
    format: OutputFormat,
    plan: &impl serde::Serialize,
    report: &ApplyReport,
) -> std::io::Result<()> {
    if format != OutputFormat::Table {
        return crate::output::write_object(
            out,
            format,
            &json!({ "plan": plan, "report": report }),
        );
    }
    for step in &report.applied {
        writeln!(out, "applied: {}", untrusted::escape(&step.to_string()))?;
    }
    for failed in &report.failed {
        let unknown = if failed.outcome_unknown {
            " (may have been applied; a re-run finds out)"
        } else {
            ""
        };
        let failure = format!("{}: {}", failed.step, failed.error);
        writeln!(out, "FAILED: {}{unknown}", untrusted::escape(&failure))?;
    }
    for step in &report.not_attempted {
        writeln!(
            out,
            "not attempted: {}",
            untrusted::escape(&step.to_string())
        )?;
    }
    Ok(())
}

/// A library error as a failure with the right exit code.
pub fn failure(error: AsCodeError) -> Failure {
    match error {
        AsCodeError::Invalid(findings) => {
            rejected(Path::new("."), findings.iter(), "invalid input")
        }
        error if error.c1_error().is_some() => {
            use connkit_c1::ErrorMetadata as _;
            let c1 = error.c1_error();
            Failure::Error {
                exit: c1.map_or(Exit::Other, |e| Exit::of(e.kind())),
                tracking_id: c1.and_then(|e| e.request_id()).map(str::to_owned),
                error: Box::new(error),
            }
        }
        error => {
            let api = error.api_error();
            Failure::Error {
                exit: api.map_or(Exit::Other, |e| Exit::of(e.kind())),
                tracking_id: api.and_then(|e| e.tracking_id()).map(str::to_owned),
                error: Box::new(error),
            }
        }
    }
}
