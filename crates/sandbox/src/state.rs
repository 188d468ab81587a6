//! Operations on a state database as a whole, for tools such as `connkit sandbox
//! reset|export|import`: none needs a [`Sandbox`](crate::Sandbox).
//!
//! The JSON form is `{"format": "connkit-sandbox-state", "version": 2, "connectors":
//! [...], "c1": {...}}`: the ISC connectors, and the ConductorOne side exactly as the
//! database keeps it (apps, connectors, credential metadata, sync runs, schedules,
//! confirmed lifecycle ids, and the public keys of the client ids the token endpoint
//! accepts; never a client secret, which the sandbox does not keep). Version 1, without
//! `c1`, is what the state *file* of versions before the database held and what
//! versions before ConductorOne exported: [`import`] reads such a file as it is and
//! gives the state the demo ConductorOne apps, as a sandbox opening a database without
//! a C1 part does.

use std::path::Path;
use std::time::Duration;

use crate::c1::{self, persist};
use crate::error::SandboxError;
use crate::state_db::{hold, Hold, StateDb};
use crate::state_json;

/// How long [`import`] waits for a sandbox that is writing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest state file [`import`] reads (a million seeded connectors export to
/// about 400 MB).
const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// Deletes the state database at `path` (with its `-wal` and `-shm` files); the next
/// sandbox to open it starts from its seed. Returns whether there was anything to
/// delete.
///
/// Refuses with [`SandboxError::StateLocked`] while any sandbox, in any process, has
/// the state open: deleting it under a running sandbox would lose the reset or the
/// sandbox's next writes.
pub fn reset(path: &Path) -> Result<bool, SandboxError> {
    if !path.exists() {
        return Ok(false);
    }
    let _held = hold(path, Hold::Exclusive)?;
    for suffix in ["", "-wal", "-shm"] {
        let file = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(SandboxError::StateIo {
                    path: file,
                    action: "removing",
                    source,
                })
            }
        }
    }
    Ok(true)
}

/// The state at `path` in its JSON form (a consistent snapshot, also while sandboxes
/// use it), with its ConductorOne part when the database holds one. An absent
/// database is an error, not an empty state; a damaged C1 part is
/// [`SandboxError::StateCorrupt`].
pub fn export(path: &Path) -> Result<Vec<u8>, SandboxError> {
    if !path.exists() {
        return Err(SandboxError::StateIo {
            path: path.to_owned(),
            action: "exporting",
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    let db = StateDb::open_read_only(path)?;
    let (isc, c1) = db.snapshot(persist::KEY)?;
    let c1 = c1
        .map(|text| persist::parse(&text))
        .transpose()
        .map_err(|message| SandboxError::StateCorrupt {
            path: path.to_owned(),
            message,
        })?;
    Ok(state_json::serialize(&isc, c1.as_ref()))
}

/// Replaces the state at `path` (created if missing) by the JSON state in `json_file`,
/// in one transaction.
/// Both parts are replaced; a file without a ConductorOne part (version 1) gets the
/// demo ConductorOne apps. Returns the number of ISC connectors imported.
///
/// A file that is not a sandbox state, or whose content is inconsistent (a connector
/// filed under another id, a client secret, a script name or name the API could not
/// have made), is refused with [`SandboxError::StateCorrupt`] naming the file and the
/// JSON path, and nothing is written. Like [`reset`], it refuses with
/// [`SandboxError::StateLocked`] while a sandbox has the state open.
pub fn import(path: &Path, json_file: &Path) -> Result<usize, SandboxError> {
    let bytes =
        connkit_transport::read_user_file(json_file, MAX_IMPORT_BYTES).map_err(|source| {
            SandboxError::StateIo {
                path: json_file.to_owned(),
                action: "reading",
                source,
            }
        })?;
    let state = state_json::parse(json_file, &bytes)?;
    let c1 = state.c1.unwrap_or_else(c1::demo_store);
    // Refused while a sandbox has it open; released before opening it ourselves (a
    // shared hold of our own would wait for our exclusive one).
    drop(hold(path, Hold::Exclusive)?);
    let db = StateDb::open(path, BUSY_TIMEOUT)?;
    db.replace(&state.isc, &[(persist::KEY, persist::serialize(&c1))])?;
    Ok(state.isc.records().count())
}
