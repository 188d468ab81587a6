//! `connkit rate-limit status|reset`: what the limiter shared by every connkit process
//! of a client id has learned from 429s, and a way to forget it.

pub mod args;

use std::time::Duration;

use connkit_transport::{RateLimitStateInfo, RateLimitStates, UserDir};
use serde::Serialize;

use crate::args::GlobalArgs;
use crate::exit::Failure;
use crate::output::{Row, Sink};
use crate::tenant::no_user_dir;
use args::RateLimitCommand;

/// One state as `rate-limit status` shows it.
#[derive(Serialize)]
struct StateRow {
    tenant: String,
    caller: String,
    /// `MAX/WINDOW`, absent when nothing was learned.
    learned: Option<String>,
    /// Whole seconds that adaptive limiters still wait for a 429's `Retry-After`.
    hold_seconds: u64,
    /// Requests still counted in their window.
    counted: usize,
    file: String,
}

impl From<&RateLimitStateInfo> for StateRow {
    fn from(info: &RateLimitStateInfo) -> Self {
        StateRow {
            tenant: info.authority.clone(),
            caller: info.caller.clone(),
            learned: info
                .learned
                .map(|(max, window)| format!("{max}/{}", seconds(window))),
            hold_seconds: info.hold.as_secs(),
            counted: info.counted,
            file: info.path.display().to_string(),
        }
    }
}

impl Row for StateRow {
    const HEADERS: &'static [&'static str] = &["TENANT", "CALLER", "LEARNED", "HOLD", "COUNTED"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.tenant.clone(),
            self.caller.clone(),
            self.learned.clone().unwrap_or_else(|| "-".to_owned()),
            match self.hold_seconds {
                0 => "-".to_owned(),
                s => format!("{s}s"),
            },
            self.counted.to_string(),
        ]
    }
}

fn seconds(window: Duration) -> String {
    match window.subsec_millis() {
        0 => format!("{}s", window.as_secs()),
        _ => format!("{}ms", window.as_millis()),
    }
}

/// Runs `connkit rate-limit status|reset`.
pub fn run(
    command: &RateLimitCommand,
    global: &GlobalArgs,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    let states =
        RateLimitStates::user().ok_or_else(|| no_user_dir(UserDir::Cache, "rate-limit state"))?;
    let dir = states.dir().display().to_string();
    let tenant = chosen_tenant(global)?;
    let entries: Vec<RateLimitStateInfo> = states
        .entries()
        .map_err(|e| Failure::context(format!("reading the rate-limit state in {dir}"), e))?
        .into_iter()
        .filter(|e| {
            tenant
                .as_ref()
                .is_none_or(|(authority, id)| e.is_for(authority, id.as_deref()))
        })
        .collect();
    match command {
        RateLimitCommand::Status => {
            if entries.is_empty() && !global.quiet {
                eprintln!("no rate-limit state in {dir}");
            }
            let rows: Vec<StateRow> = entries.iter().map(StateRow::from).collect();
            sink.list(&rows)
        }
        RateLimitCommand::Reset => {
            for entry in &entries {
                states.reset(entry);
            }
            if !global.quiet {
                eprintln!(
                    "reset {} in {dir}",
                    crate::output::counted(entries.len(), "rate-limit state", "rate-limit states")
                );
            }
            Ok(())
        }
    }
}

/// The tenant (authority and client id) that `--profile` or `--base-url` name, if
/// either is given; every state otherwise.
fn chosen_tenant(global: &GlobalArgs) -> Result<Option<(String, Option<String>)>, Failure> {
    if global.profile.is_none() && global.base_url.is_none() {
        return Ok(None);
    }
    let resolved = crate::tenant::sources(global, connkit_connectors::SETTINGS)
        .needs_credentials(false)
        .resolve()
        .map_err(crate::tenant::usage)?;
    let authority = resolved
        .base_url
        .value
        .token_uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    Ok(Some((authority, resolved.client_id.map(|id| id.value))))
}
