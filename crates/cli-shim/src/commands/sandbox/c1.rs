//! The ConductorOne side of the sandbox state, which the ConnectorService never lists:
//! `connkit sandbox c1-apps` (the app ids `--app` takes) and `connkit sandbox c1-syncs
//! --app APP CONNECTOR_ID` (a connector's sync runs, whose ids `c1 connectors
//! download-url` and `confirm-sync` take). A served sandbox answers the syncs at
//! `GET /__sandbox/c1/apps/{app}/connectors/{id}/syncs`.

use connkit_sandbox::SyncRecord;
use serde::Serialize;

use super::args::{C1SyncsArgs, StateArgs};
use super::open_state;
use crate::exit::{Exit, Failure};
use crate::output::{Row, Sink};

impl Row for SyncRecord {
    const HEADERS: &'static [&'static str] =
        &["SYNC ID", "LIFECYCLE ID", "COMPLETED AT", "CONFIRMED"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.sync_id.clone(),
            self.lifecycle_id.clone(),
            self.completed_at.to_string(),
            self.confirmed.to_string(),
        ]
    }
}

/// One app of the sandbox state.
#[derive(Serialize)]
struct AppRow {
    id: String,
    name: String,
}

impl Row for AppRow {
    const HEADERS: &'static [&'static str] = &["APP ID", "NAME"];
    fn cells(&self) -> Vec<String> {
        vec![self.id.clone(), self.name.clone()]
    }
}

/// Lists the apps, by id.
pub fn apps(args: &StateArgs, mut sink: Sink<'_>) -> Result<(), Failure> {
    let sandbox = open_state(args)?;
    let rows: Vec<AppRow> = sandbox
        .c1()
        .apps()
        .into_iter()
        .map(|(id, name)| AppRow { id, name })
        .collect();
    sink.list(&rows)
}

/// Lists the runs, oldest first; an unknown app or connector exits 4.
pub fn syncs(args: &C1SyncsArgs, mut sink: Sink<'_>) -> Result<(), Failure> {
    let sandbox = open_state(&args.state)?;
    let (app, connector) = (&args.target.app.app_id, &args.target.connector_id);
    let syncs = sandbox
        .c1()
        .connector_syncs(app, connector)
        .ok_or_else(|| {
            Failure::plain(
                Exit::NotFound,
                format!("connector {connector} not found in app {app} of the sandbox state"),
            )
        })?;
    sink.list(&syncs)
}
