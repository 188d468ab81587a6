//! Operations on a state database as a whole, for tools such as `connkit sandbox
//! reset|export|import`: none needs a [`Sandbox`](crate::Sandbox).
//!
//! The JSON form is `{"format": "connkit-sandbox-state", "version": 1, "connectors":
//! [...]}`, which is also what the state *file* of versions before the database held:
//! [`import`] reads such a file as it is.

use std::path::Path;
use std::time::Duration;

use crate::error::SandboxError;
use crate::state_db::{lock_file, StateDb};
use crate::state_json;

/// How long [`export`] and [`import`] wait for a sandbox that is writing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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
    let (lock, lock_path) = lock_file(path)?;
    match fs4::FileExt::try_lock(&lock) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            return Err(SandboxError::StateLocked {
                path: path.to_owned(),
                lock_path,
            })
        }
        Err(fs4::TryLockError::Error(source)) => {
            return Err(SandboxError::StateIo {
                path: lock_path,
                action: "locking",
                source,
            })
        }
    }
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
/// use it). An absent database is an error, not an empty state.
pub fn export(path: &Path) -> Result<Vec<u8>, SandboxError> {
    if !path.exists() {
        return Err(SandboxError::StateIo {
            path: path.to_owned(),
            action: "exporting",
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    let db = StateDb::open(path, BUSY_TIMEOUT)?;
    Ok(state_json::serialize(&db.load()?))
}

/// Replaces the state at `path` (created if missing) by the JSON state in `json_file`,
/// in one transaction: running sandboxes see the new state on their next request.
/// Returns the number of connectors imported.
pub fn import(path: &Path, json_file: &Path) -> Result<usize, SandboxError> {
    let bytes = std::fs::read(json_file).map_err(|source| SandboxError::StateIo {
        path: json_file.to_owned(),
        action: "reading",
        source,
    })?;
    let store = state_json::parse(json_file, &bytes)?;
    let db = StateDb::open(path, BUSY_TIMEOUT)?;
    db.replace(&store)?;
    Ok(store.records().count())
}
