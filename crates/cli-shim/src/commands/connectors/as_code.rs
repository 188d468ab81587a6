//! `connkit connectors pull|diff|push`: ISC connectors as code, on the shared shell
//! ([`crate::as_code`]), with overlays and `--prune`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use connkit_as_code::{
    apply, plan, preflight, pull as pull_tree, ApplyEvent, ApplyOptions, ApplyReport,
    ConnectorPlan, Error as AsCodeError, FileFinding, Overlay, Plan, PlanOptions, PullOptions,
    Tree,
};
use connkit_connectors::{Client, FilterArg};

use super::args::{DiffArgs, PullArgs, PushArgs};
use crate::args::GlobalArgs;
use crate::as_code::{
    diff_outcome, existing_folder, failure, rejected, send_plan, write_pulled, Push, Shown, Target,
};
use crate::exit::Failure;
use crate::output::Sink;
use crate::progress::{while_running, Progress};
use crate::untrusted;

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
        let planning = plan(client, &tree, &options);
        while_running("planning", !sink.quiet, planning)
            .await
            .map_err(failure)
    }
    .await;
    diff_outcome(&args.dir, result, sink)
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
