//! `connkit connectors pull|diff|push`: connectors as code, a thin shell over
//! `connkit-as-code`.
//!
//! Exit codes of `diff` follow `git diff --exit-code`: 0 no changes, 1 changes; a
//! failure keeps its usual code (2 usage, 3 invalid tree, 4–6), and one that exits 1
//! elsewhere exits 8 here. `push` exits 3 when the tree fails pre-flight or asks for a
//! change the API cannot make (nothing is sent), 1 when some writes failed (the report
//! says which were applied and which were not).

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

use clap::Args;
use connkit_as_code::{
    apply, plan, preflight, pull as pull_tree, Action, ApplyEvent, ApplyOptions, ApplyReport,
    ConnectorPlan, Error as AsCodeError, FileFinding, Overlay, Plan, PlanOptions, PlannedConnector,
    PullOptions, Tree,
};
use connkit_connectors::{Client, FilterArg};
use serde_json::json;

use crate::args::{GlobalArgs, OutputFormat};
use crate::commands::connectors::Sink;
use crate::exit::{Exit, Failure};
use crate::progress::Progress;
use crate::untrusted;

/// `connkit connectors pull DIR`
#[derive(Debug, Args)]
pub struct PullArgs {
    /// The folder to write (created if missing); one sub-folder per connector.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Only the connectors matching this list filter, e.g. `name sw "Acme"`.
    #[arg(long, value_name = "F")]
    pub filter: Option<String>,
    /// Built-in connectors too (by default only custom ones: type `custom …`).
    #[arg(long)]
    pub builtin: bool,
    /// Connectors read at a time (the client's rate limiter still applies).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `connkit connectors diff DIR`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The folder `pull` wrote.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Also plan deleting the custom connectors that are not in DIR.
    #[arg(long)]
    pub prune: bool,
    /// Apply DIR/_overlays/NAME.json (tenant-specific values) first. Default: the
    /// overlay named like the chosen profile, if DIR has one; `none` for no overlay.
    #[arg(long, value_name = "NAME")]
    pub overlay: Option<String>,
}

/// `connkit connectors push DIR`
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The folder to push.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Validate and show the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also delete the custom connectors that are not in DIR.
    #[arg(long)]
    pub prune: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Apply DIR/_overlays/NAME.json (tenant-specific values) first. Default: the
    /// overlay named like the chosen profile, if DIR has one; `none` for no overlay.
    #[arg(long, value_name = "NAME")]
    pub overlay: Option<String>,
    /// Connectors written at a time (the client's rate limiter still applies).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `pull`: the tenant's connectors into DIR.
pub async fn pull(client: &Client, args: &PullArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let options = PullOptions {
        filter: args.filter.clone().map(FilterArg::Text),
        builtin: args.builtin,
        concurrency: usize::from(args.concurrency),
    };
    let progress = Mutex::new(Progress::new("pulling connectors", !sink.quiet));
    let on_progress = |done: usize, total: usize| {
        if let Ok(mut progress) = progress.lock() {
            progress.update(done as u64, Some(total as u64));
        }
    };
    let tree = pull_tree(client, &options, &on_progress)
        .await
        .map_err(failure)?;
    drop(progress);
    let hint = if tree.connectors.is_empty() && !args.builtin {
        " (the tenant has no custom connectors; --builtin pulls the built-in ones too)"
    } else {
        ""
    };
    let folders: Vec<&String> = tree.connectors.keys().collect();
    write_pulled(&args.dir, |dir| tree.write(dir), &folders, hint, sink)
}

/// Writes a pulled tree into `dir` with `write` (in one step) and says what was
/// pulled, for either API: on stderr for a table, else `{"connectors": [folders]}`.
pub(super) fn write_pulled(
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

/// `diff`: the plan; exit 1 when there are changes.
pub async fn diff(
    client: &Client,
    args: &DiffArgs,
    global: &GlobalArgs,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    let result = async {
        let overlay = chosen_overlay(&args.dir, args.overlay.as_deref(), global, sink.quiet);
        let (tree, problems) = read_tree(&args.dir, overlay.as_deref())?;
        if !problems.is_empty() {
            return Err(rejected(&args.dir, problems.iter(), "the tree has errors"));
        }
        let options = PlanOptions {
            prune: args.prune,
            ..PlanOptions::default()
        };
        plan(client, &tree, &options).await.map_err(failure)
    }
    .await;
    diff_outcome(&args.dir, result, sink)
}

/// What `diff` prints and how it exits, for either API: the plan, exit 1 when there
/// are changes, 3 when it has changes the API cannot make, and 8 for a failure that
/// would exit 1 elsewhere.
pub(super) fn diff_outcome<C: Shown>(
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

/// `push`: validate every file, plan, confirm, apply, report.
pub async fn push(
    client: &Client,
    args: &PushArgs,
    global: &GlobalArgs,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    let overlay = chosen_overlay(&args.dir, args.overlay.as_deref(), global, sink.quiet);
    let (tree, problems) = read_tree(&args.dir, overlay.as_deref())?;
    let findings = preflight(&tree, client.validators());
    if !problems.is_empty() {
        // Before any request: the tree itself is wrong. Every finding is listed.
        let all = problems
            .iter()
            .chain(findings.iter().filter(|f| f.finding.is_error()));
        return Err(rejected(&args.dir, all, "the tree has errors"));
    }
    let options = PlanOptions {
        prune: args.prune,
        concurrency: usize::from(args.concurrency),
    };
    let plan = plan(client, &tree, &options).await.map_err(failure)?;
    // A file the tenant already has is not sent, so its findings cannot stop the push
    // (a document as one tenant serves it may hold what pre-flight refuses to send).
    let (blocking, unsent): (Vec<_>, Vec<_>) = findings
        .iter()
        .partition(|f| f.finding.is_error() && plan.sends(&f.file));
    if !blocking.is_empty() || plan.conflicts().next().is_some() {
        let all = findings
            .iter()
            .filter(|f| plan.sends(&f.file))
            .chain(plan.conflicts());
        let failure = rejected(&args.dir, all, "pre-flight rejected the push");
        let refused: BTreeSet<&str> = blocking.iter().map(|f| f.file.as_str()).collect();
        if !refused.is_empty() {
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                preflight_advice(&args.dir, &refused)
            );
        }
        return Err(failure);
    }
    if !sink.quiet && unsent.iter().any(|f| f.finding.is_error()) {
        eprintln!(
            "note: {} in files the tenant already has; they are not sent",
            crate::output::counted(
                unsent.iter().filter(|f| f.finding.is_error()).count(),
                "pre-flight error",
                "pre-flight errors"
            )
        );
    }
    let push = Push {
        dry_run: args.dry_run,
        yes: args.yes,
        concurrency: args.concurrency,
    };
    send_plan(client, &plan, &push, sink).await
}

/// How a push sends its plan (for both APIs).
pub(super) struct Push {
    /// `--dry-run`.
    pub(super) dry_run: bool,
    /// `--yes`.
    pub(super) yes: bool,
    /// `--concurrency`.
    pub(super) concurrency: u16,
}

/// Where a plan is applied: an ISC tenant, or an app of a ConductorOne tenant.
pub(super) trait Target {
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

impl Target for Client {
    type Connector = ConnectorPlan;
    async fn apply(
        &self,
        plan: &Plan,
        options: &ApplyOptions,
        progress: &(dyn Fn(ApplyEvent<'_>) + Sync),
    ) -> Result<ApplyReport, AsCodeError> {
        apply(self, plan, options, progress).await
    }
}

/// The end of a push for either API: show the plan, stop at `--dry-run` or when there
/// is nothing to do, confirm, apply with progress, report; exit 1 when some writes
/// failed.
pub(super) async fn send_plan<T: Target>(
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

/// The overlay to apply: `--overlay NAME` if given (`--overlay none` for none), else
/// the one named like the chosen profile (`--profile`, `CONNKIT_PROFILE`, the default
/// profile) when DIR has it, so that `push --profile prod` picks `_overlays/prod.json`.
fn chosen_overlay(
    dir: &Path,
    explicit: Option<&str>,
    global: &GlobalArgs,
    quiet: bool,
) -> Option<String> {
    match explicit {
        Some("none") => return None,
        Some(name) => return Some(name.to_owned()),
        // The default profile only when it is also what the client connects to.
        None if global.profile.is_none() && (global.sandbox || global.base_url.is_some()) => {
            return None
        }
        None => {}
    }
    let name = crate::tenant::profile_name(global)?;
    let path = Overlay::path(dir, &name).ok()?;
    if !path.is_file() {
        return None;
    }
    if !quiet {
        eprintln!(
            "note: applying overlay {} (profile `{name}`; --overlay none to skip it)",
            path.display()
        );
    }
    Some(name)
}

/// Reads DIR and applies the overlay; the problems found on the way (an invalid
/// `connector.json`, a field it cannot hold, a stray file, an overlay that does not
/// apply) come back with the tree.
fn read_tree(dir: &Path, overlay: Option<&str>) -> Result<(Tree, Vec<FileFinding>), Failure> {
    existing_folder(dir)?;
    let read = Tree::read(dir).map_err(failure)?;
    let mut findings = read.findings;
    let mut tree = read.tree;
    // A link or special file fails the command anyway; the overlay could be one of them
    // and is not read through it.
    let hostile = findings.iter().any(|f| {
        matches!(
            f.finding.code.as_str(),
            "tree.symlink" | "tree.special-file"
        )
    });
    if let Some(name) = overlay.filter(|_| !hostile) {
        let path = Overlay::path(dir, name).map_err(Failure::usage)?;
        let label = format!("{}/{name}.json", connkit_as_code::OVERLAYS_DIR);
        if !path.is_file() {
            return Err(Failure::usage(format!("no overlay {}", path.display())));
        }
        match Overlay::read(&path, &label).and_then(|o| o.apply(&mut tree, &label)) {
            Ok(()) => {}
            Err(AsCodeError::Invalid(problems)) => findings.extend(problems),
            Err(other) => return Err(failure(other)),
        }
    }
    Ok((tree, findings))
}

/// A usage error unless `dir` is a folder to read a tree from.
pub(super) fn existing_folder(dir: &Path) -> Result<(), Failure> {
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
pub(super) fn rejected<'a>(
    dir: &Path,
    findings: impl Iterator<Item = &'a FileFinding>,
    what: &str,
) -> Failure {
    refused(dir, findings, what, "nothing was sent")
}

/// As [`rejected`], saying what was left undone.
pub(super) fn refused<'a>(
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

/// What to do about files pre-flight refuses to send. Pull saves documents as the
/// tenant serves them, so a refused file may be exactly what a tenant holds: the user
/// needs the ways out, not only the findings.
fn preflight_advice(dir: &Path, files: &BTreeSet<&str>) -> String {
    let mut text = String::from("hint: pre-flight refuses to send these files:\n");
    for file in files {
        // File names come from the tree: escaped, as in the findings above.
        let path = format!("{}/{file}", dir.display());
        text.push_str(&format!("  {}\n", untrusted::escape(&path)));
    }
    text.push_str(
        "  A file `connectors pull` wrote is the tenant's document as the tenant serves it, \
         so the tenant itself may hold what pre-flight refuses. Ways out:\n\
         \x20 - fix the file (the findings above say what is wrong and where);\n\
         \x20 - remove it from the tree: a file that is absent is not managed, and each \
         tenant keeps its own version;\n\
         \x20 - or push with --no-preflight, if you trust the file as it is.\n",
    );
    text
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
pub(super) trait Shown: PlannedConnector + serde::Serialize {
    /// Its folder (or, for a delete, where it is on the tenant).
    fn place(&self) -> &str;
    /// Its name.
    fn name(&self) -> &str;
    /// The lines under its summary: what is sent.
    fn details(&self, out: &mut dyn Write) -> std::io::Result<()>;
}

impl Shown for ConnectorPlan {
    fn place(&self) -> &str {
        self.folder
            .as_deref()
            .or(self.script_name.as_deref())
            .unwrap_or_default()
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn details(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for op in &self.patch {
            let value = op
                .value
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            let line = format!("{} {}{value}", op.op, op.path);
            writeln!(out, "  {}", untrusted::escape(&line))?;
        }
        for file in &self.files {
            write!(out, "{}", untrusted::escape_keeping_lines(&file.diff))?;
        }
        Ok(())
    }
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
pub(super) fn failure(error: AsCodeError) -> Failure {
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
