//! Apply: send what a [`Plan`] says, connector by connector, and report exactly what
//! was applied and what was not.

use std::fmt;

use connkit_connectors::prelude::*;
use connkit_connectors::{Client, ErrorKind, Reconciliation};
use connkit_models::isc::v2024::Locale;
use futures::StreamExt;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::patch::metadata_patch;
use crate::plan::{Action, ConnectorPlan, FileChange, Plan, PlannedConnector};
use crate::remote::{fetch, find_by_name};
use crate::tree::FileTarget;

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Connectors worked on at a time (each one's steps run in order); the client's
    /// rate limiter still bounds the request rate.
    pub concurrency: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self { concurrency: 4 }
    }
}

/// One write a push makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The connector's name.
    pub connector: String,
    /// What is sent.
    #[serde(flatten)]
    pub kind: StepKind,
}

/// What a [`Step`] sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum StepKind {
    /// `POST /connectors`.
    Create,
    /// `PATCH /connectors/{scriptName}` with this many operations.
    Patch {
        /// The number of JSON Patch operations.
        operations: usize,
    },
    /// A multipart PUT of this file (a document or a locale's translations).
    Upload {
        /// The file in the connector's folder.
        file: String,
    },
    /// `DELETE /connectors/{scriptName}`.
    Delete,
    /// A ConductorOne update (`POST /api/v1/apps/{app_id}/connectors/{id}`) whose
    /// `updateMask` names these fields, and only these.
    Update {
        /// The camelCase fields of the mask.
        fields: Vec<String>,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.connector;
        match &self.kind {
            StepKind::Create => write!(f, "create {name}"),
            StepKind::Patch { operations } => {
                write!(
                    f,
                    "patch {name} connectorMetadata ({operations} operation(s))"
                )
            }
            StepKind::Upload { file } => write!(f, "upload {name} {file}"),
            StepKind::Delete => write!(f, "delete {name}"),
            StepKind::Update { fields } => write!(f, "update {name} {}", fields.join(",")),
        }
    }
}

/// A step that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedStep {
    /// The step.
    #[serde(flatten)]
    pub step: Step,
    /// The error and its causes.
    pub error: String,
    /// `true` when the request may have been applied anyway (a lost answer): a re-run
    /// finds out.
    pub outcome_unknown: bool,
}

/// What an apply did, step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    /// The steps the tenant confirmed, in the order they finished.
    pub applied: Vec<Step>,
    /// The steps that failed.
    pub failed: Vec<FailedStep>,
    /// The steps not tried because an earlier step of the same connector failed.
    pub not_attempted: Vec<Step>,
}

impl ApplyReport {
    /// `true` when every step was applied.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.not_attempted.is_empty()
    }
}

/// What [`apply`] tells its progress callback after each step.
#[derive(Debug, Clone, Copy)]
pub enum ApplyEvent<'a> {
    /// The tenant confirmed the step.
    Applied(&'a Step),
    /// The step failed.
    Failed(&'a FailedStep),
}

/// Sends `plan`: for each connector in turn (several at a time), the create, the JSON
/// Patch of its metadata, the document uploads and the translations PUTs; then the
/// deletes. A create whose name turns out to be taken (by an earlier, interrupted run,
/// or a connector the list does not show) updates that connector instead, so a re-run
/// never creates twice.
///
/// A plan with conflicts is refused with [`Error::Invalid`] before anything is sent.
/// Otherwise every step ends up in the report: a failed step stops its connector (the
/// rest of that connector's steps are `not_attempted`), other connectors go on.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    options: &ApplyOptions,
    progress: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Result<ApplyReport> {
    drive(plan, options, progress, |connector, outcome| {
        apply_connector(client, connector, outcome)
    })
    .await
}

/// What [`apply`] does for either API: refuses a plan with conflicts before anything
/// is sent, runs `each` for every connector with something to do (several at a time,
/// each connector's steps in order) and gathers their outcomes into one report.
pub(crate) async fn drive<'p, C, F, Fut>(
    plan: &'p Plan<C>,
    options: &ApplyOptions,
    progress: &'p (dyn Fn(ApplyEvent<'_>) + Sync),
    each: F,
) -> Result<ApplyReport>
where
    C: PlannedConnector + Named,
    F: Fn(&'p C, Outcome<'p>) -> Fut,
    Fut: std::future::Future<Output = Outcome<'p>>,
{
    let conflicts: Vec<_> = plan.conflicts().cloned().collect();
    if !conflicts.is_empty() {
        return Err(Error::Invalid(conflicts));
    }
    let work = plan
        .connectors
        .iter()
        .filter(|c| c.action() != Action::Unchanged);
    let mut outcomes =
        futures::stream::iter(work.map(|c| each(c, Outcome::new(c.name(), progress))))
            .buffer_unordered(options.concurrency.max(1));
    let mut report = ApplyReport::default();
    while let Some(outcome) = outcomes.next().await {
        report.applied.extend(outcome.applied);
        report.failed.extend(outcome.failed);
        report.not_attempted.extend(outcome.not_attempted);
    }
    Ok(report)
}

/// The name a connector's steps are reported under.
pub(crate) trait Named {
    fn name(&self) -> &str;
}

impl Named for ConnectorPlan {
    fn name(&self) -> &str {
        &self.name
    }
}

/// The steps a plan entry will take (for a create, the patch may turn out to be needless
/// once the create answers with the connector's metadata).
pub fn planned_steps(plan: &ConnectorPlan) -> Vec<Step> {
    let step = |kind| Step {
        connector: plan.name.clone(),
        kind,
    };
    let mut steps = Vec::new();
    match plan.action {
        Action::Unchanged => return steps,
        Action::Delete => return vec![step(StepKind::Delete)],
        Action::Create => steps.push(step(StepKind::Create)),
        Action::Update => {}
    }
    if !plan.patch.is_empty() {
        steps.push(step(StepKind::Patch {
            operations: plan.patch.len(),
        }));
    }
    steps.extend(plan.files.iter().map(|f| {
        step(StepKind::Upload {
            file: f.file.clone(),
        })
    }));
    steps
}

/// The report of one connector.
pub(crate) struct Outcome<'p> {
    connector: &'p str,
    progress: &'p (dyn Fn(ApplyEvent<'_>) + Sync),
    applied: Vec<Step>,
    failed: Vec<FailedStep>,
    not_attempted: Vec<Step>,
}

impl<'p> Outcome<'p> {
    fn new(connector: &'p str, progress: &'p (dyn Fn(ApplyEvent<'_>) + Sync)) -> Self {
        Outcome {
            connector,
            progress,
            applied: Vec::new(),
            failed: Vec::new(),
            not_attempted: Vec::new(),
        }
    }

    pub(crate) fn step(&self, kind: StepKind) -> Step {
        Step {
            connector: self.connector.to_owned(),
            kind,
        }
    }

    pub(crate) fn applied(&mut self, step: Step) {
        (self.progress)(ApplyEvent::Applied(&step));
        self.applied.push(step);
    }

    /// Records the failure of `step`; the rest of `remaining` is not attempted.
    pub(crate) fn failed(&mut self, step: Step, error: &Error, remaining: Vec<Step>) {
        // The step already says which connector and what: keep the cause only.
        let (cause, outcome_unknown): (&(dyn std::error::Error + 'static), bool) = match error {
            Error::Api { source, .. } => (source, source.is_retryable()),
            Error::C1Api { source, .. } => (&**source, source.is_retryable()),
            other => (other, false),
        };
        let failed = FailedStep {
            error: chain(cause),
            outcome_unknown,
            step,
        };
        (self.progress)(ApplyEvent::Failed(&failed));
        self.failed.push(failed);
        self.not_attempted.extend(remaining);
    }
}

async fn apply_connector<'p>(
    client: &Client,
    plan: &'p ConnectorPlan,
    mut outcome: Outcome<'p>,
) -> Outcome<'p> {
    match plan.action {
        Action::Unchanged => {}
        Action::Delete => {
            let script = plan.script_name.as_deref().unwrap_or_default();
            let step = outcome.step(StepKind::Delete);
            match client.delete_connector(script).send().await {
                // Already gone (a re-run after a lost answer): the goal is reached.
                Err(e) if e.kind() != ErrorKind::NotFound => outcome.failed(
                    step,
                    &Error::api(format!("deleting {script}"), e),
                    Vec::new(),
                ),
                _ => outcome.applied(step),
            }
        }
        Action::Update => {
            let script = plan.script_name.clone().unwrap_or_default();
            send_changes(client, &script, &plan.patch, &plan.files, &mut outcome).await;
        }
        Action::Create => create_then_update(client, plan, &mut outcome).await,
    }
    outcome
}

/// Creates the connector, then sends what the tree says, computed from the tree alone:
/// the metadata patch against what the create answered, and every managed file (a new
/// connector's documents are the service's defaults, which the tree replaces). Nothing
/// is read, unless the create fails in a way that leaves the connector's existence in
/// doubt; see [`existing_after_failed_create`].
async fn create_then_update(client: &Client, plan: &ConnectorPlan, outcome: &mut Outcome<'_>) {
    let Some(wanted) = &plan.wanted else {
        return;
    };
    let name = &wanted.spec.create.name;
    let step = outcome.step(StepKind::Create);
    let later = planned_steps(plan).into_iter().skip(1).collect::<Vec<_>>();
    let failure = match client.create_connector(&wanted.spec.create).send().await {
        Ok(created) => {
            let Some(script) = created.script_name else {
                let error = Error::Remote(format!("the create of {name} answered no scriptName"));
                return outcome.failed(step, &error, later);
            };
            outcome.applied(step);
            let patch = wanted
                .spec
                .connector_metadata
                .as_ref()
                .map(|m| metadata_patch(created.connector_metadata.as_ref(), m))
                .unwrap_or_default();
            return send_changes(client, &script, &patch, &plan.files, outcome).await;
        }
        Err(e) => e,
    };
    let folder = plan.folder.as_deref().unwrap_or_default();
    let script = match existing_after_failed_create(client, &failure, name, folder).await {
        Ok(Some(script)) => script,
        Ok(None) => {
            return outcome.failed(
                step,
                &Error::api(format!("creating {name}"), failure),
                later,
            )
        }
        Err(lookup) => {
            // The create's own error says most; the failed lookup is why it stays open.
            let error = Error::api(format!("creating {name} (then {lookup})"), failure);
            return outcome.failed(step, &error, later);
        }
    };
    if answer_lost(&failure) {
        // The answer was lost, and the connector exists: most likely this create made it.
        outcome.applied(step);
    }
    // Its state is unknown (someone else's, or ours half-way): read it once and send
    // what differs.
    let remote = match fetch(client, &script).await {
        Ok(remote) => remote,
        Err(error) => {
            let step = later
                .first()
                .cloned()
                .unwrap_or_else(|| outcome.step(StepKind::Create));
            let rest = later.into_iter().skip(1).collect();
            return outcome.failed(step, &error, rest);
        }
    };
    let update = ConnectorPlan::compare(folder, wanted, Some(&remote));
    if !update.conflicts.is_empty() {
        let why: Vec<String> = update
            .conflicts
            .iter()
            .map(|c| c.finding.message.clone())
            .collect();
        let error = Error::Remote(format!(
            "a connector named {name} exists already (scriptName {script}, not shown by the \
             list when the plan was made) and differs from {folder}: {}",
            why.join("; ")
        ));
        return outcome.failed(outcome.step(StepKind::Create), &error, later);
    }
    send_changes(client, &script, &update.patch, &update.files, outcome).await;
}

/// After a create failed: the script name of the connector named `name` if the failure
/// leaves room for one, `None` when there is none (or the failure says nothing about
/// it: pre-flight, auth, a refused argument).
///
/// Two failures are worth a lookup. An answer that was lost (the connection broke or
/// timed out after sending, or a 5xx): the create may have been applied; the client's
/// own reconciliation may already have found it. And a 400 or 409: the name may be
/// taken by a connector the plan's list did not show (one that is not `RELEASED`) or
/// one created since. Either way this costs requests only when a create fails.
async fn existing_after_failed_create(
    client: &Client,
    failure: &connkit_connectors::Error,
    name: &str,
    folder: &str,
) -> Result<Option<String>> {
    if let connkit_connectors::Error::MaybeApplied {
        reconciliation: Reconciliation::Exists(found),
        ..
    } = failure
    {
        if let Some(script) = &found.script_name {
            return Ok(Some(script.clone()));
        }
    }
    let name_taken = failure
        .status()
        .is_some_and(|s| matches!(s.as_u16(), 400 | 409));
    if !(name_taken || answer_lost(failure)) {
        return Ok(None);
    }
    find_by_name(client, name, folder).await
}

/// `true` when a create was sent and its answer lost (no usable answer, or a 5xx): it
/// may have been applied.
fn answer_lost(failure: &connkit_connectors::Error) -> bool {
    matches!(failure, connkit_connectors::Error::MaybeApplied { .. })
        || failure.status().is_some_and(|s| s.is_server_error())
}

/// The patch, then each file, stopping at the first failure.
async fn send_changes(
    client: &Client,
    script: &str,
    patch: &[connkit_models::isc::v2024::JsonPatchOperation],
    files: &[FileChange],
    outcome: &mut Outcome<'_>,
) {
    let mut steps: Vec<(Step, Option<&FileChange>)> = Vec::new();
    if !patch.is_empty() {
        steps.push((
            outcome.step(StepKind::Patch {
                operations: patch.len(),
            }),
            None,
        ));
    }
    for file in files {
        steps.push((
            outcome.step(StepKind::Upload {
                file: file.file.clone(),
            }),
            Some(file),
        ));
    }
    let mut steps = steps.into_iter();
    while let Some((step, file)) = steps.next() {
        let sent = match file {
            None => client
                .update_connector(script)
                .map_operation(|mut update| {
                    update.operations.extend_from_slice(patch);
                    update
                })
                .send()
                .await
                .map(drop),
            Some(file) => upload(client, script, file).await,
        };
        match sent {
            Ok(()) => outcome.applied(step),
            Err(e) => {
                let error = Error::api(format!("{step} ({script})"), e);
                let rest = steps.map(|(s, _)| s).collect();
                return outcome.failed(step, &error, rest);
            }
        }
    }
}

async fn upload(
    client: &Client,
    script: &str,
    file: &FileChange,
) -> connkit_connectors::Result<()> {
    match &file.target {
        FileTarget::Document(document) => client
            .put_document(script, *document)
            .content(file.content.clone())
            .send()
            .await
            .map(drop),
        FileTarget::Translations(locale) => client
            .put_translations(script, Locale::from(locale.as_str()))
            .text(file.content.clone())
            .send()
            .await
            .map(drop),
    }
}

/// An error and its causes on one line.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}
