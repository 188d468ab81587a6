//! `connkit c1 connectors pull|diff|push DIR --app APP`: ConductorOne connectors as
//! code, on the same engine (`connkit_as_code::c1`) and the same command shell as ISC's
//! ([`crate::as_code`]): the same confirmation, progress, plan and report output, exit
//! codes.
//!
//! A folder is matched to a connector of the app by its `displayName`; a folder that
//! matches none is created (see `connkit_as_code::c1`). Overlays and `--prune` are
//! ISC-only for now.

use std::io::Write;
use std::path::Path;

use connkit_as_code::c1::{self, ConnectorPlan, Tree};
use connkit_as_code::{ApplyEvent, ApplyOptions, ApplyReport, Error as AsCodeError, Plan};
use connkit_c1::Client;

use super::args::{C1PushArgs, C1TreeArgs};
use crate::as_code::{
    diff_outcome, existing_folder, failure, rejected, send_plan, write_pulled, Push, Shown, Target,
};
use crate::exit::Failure;
use crate::output::Sink;
use crate::progress::while_running;
use crate::untrusted;

/// An app of a ConductorOne tenant, where a plan is applied.
struct App<'a> {
    client: &'a Client,
    id: &'a str,
}

impl Target for App<'_> {
    type Connector = ConnectorPlan;
    async fn apply(
        &self,
        plan: &Plan<ConnectorPlan>,
        options: &ApplyOptions,
        progress: &(dyn Fn(ApplyEvent<'_>) + Sync),
    ) -> Result<ApplyReport, AsCodeError> {
        c1::apply(self.client, self.id, plan, options, progress).await
    }
}

impl Shown for ConnectorPlan {
    fn place(&self) -> &str {
        &self.folder
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn details(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for field in &self.fields {
            write!(out, "{}", untrusted::escape_keeping_lines(&field.diff))?;
        }
        Ok(())
    }
}

/// `pull`: the app's connectors into DIR.
pub async fn pull(client: &Client, args: &C1TreeArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let pulling = c1::pull(client, &args.app_id);
    let tree = while_running("pulling the app's connectors", !sink.quiet, pulling)
        .await
        .map_err(failure)?;
    let hint = if tree.connectors.is_empty() {
        " (the app has no connectors)"
    } else {
        ""
    };
    let folders: Vec<&String> = tree.connectors.keys().collect();
    write_pulled(&args.dir, |dir| tree.write(dir), &folders, hint, sink)
}

/// `diff`: the plan; exit 1 when there are changes.
pub async fn diff(client: &Client, args: &C1TreeArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let plan = async {
        let tree = read_tree(&args.dir)?;
        let planning = c1::plan(client, &args.app_id, &tree);
        while_running("planning", !sink.quiet, planning)
            .await
            .map_err(failure)
    }
    .await;
    diff_outcome(&args.dir, plan, sink)
}

/// `push`: read and check every file, plan, refuse conflicts, confirm, apply, report.
pub async fn push(client: &Client, args: &C1PushArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let (dir, app) = (&args.tree.dir, &args.tree.app_id);
    let tree = read_tree(dir)?;
    let plan = c1::plan(client, app, &tree).await.map_err(failure)?;
    if plan.conflicts().next().is_some() {
        return Err(rejected(
            dir,
            plan.conflicts(),
            "the plan has changes the API cannot make",
        ));
    }
    let push = Push {
        dry_run: args.dry_run,
        yes: args.yes,
        concurrency: args.concurrency,
    };
    send_plan(&App { client, id: app }, &plan, &push, sink).await
}

/// Reads DIR; every problem in it (a secret, an id, a stray file, a link) fails the
/// command with exit 3 before any request.
fn read_tree(dir: &Path) -> Result<Tree, Failure> {
    existing_folder(dir)?;
    let read = Tree::read(dir).map_err(failure)?;
    if !read.findings.is_empty() {
        return Err(rejected(dir, read.findings.iter(), "the tree has errors"));
    }
    Ok(read.tree)
}
