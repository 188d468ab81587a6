//! `connkit sandbox c1-syncs --app APP CONNECTOR_ID`: a ConductorOne connector's sync
//! runs in the sandbox state, which the ConnectorService never lists but
//! `c1 connectors download-url` and `confirm-sync` need the ids of. A served sandbox
//! answers the same at `GET /__sandbox/c1/apps/{app}/connectors/{id}/syncs`.

use std::io::Write;

use connkit_sandbox::SyncRecord;

use super::sandbox::open_state;
use crate::args::{C1SyncsArgs, OutputFormat};
use crate::exit::{Exit, Failure};
use crate::output::{ListWriter, Row};

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

/// Lists the runs, oldest first; an unknown app or connector exits 4.
pub fn run(args: &C1SyncsArgs, format: OutputFormat, out: &mut dyn Write) -> Result<(), Failure> {
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
    let mut list = ListWriter::new(out, format);
    list.page(&syncs).map_err(Failure::write_failed)?;
    list.finish(None).map_err(Failure::write_failed)
}
