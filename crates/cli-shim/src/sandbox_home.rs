//! Where `--sandbox` keeps its state, and the one-time import of the JSON state file
//! of older versions.
//!
//! The directory is [`UserDir::Data`] (`$CONNKIT_DATA_DIR`, else the XDG data
//! directory); see its docs for the rule.

use std::path::{Path, PathBuf};

use connkit_sandbox::state;
use connkit_transport::UserDir;

use crate::exit::Failure;

/// The state database's name inside the data directory.
const STATE_FILE: &str = "sandbox.db";

/// The JSON state file of versions before the database.
const LEGACY_STATE_FILE: &str = "sandbox.json";

/// What a legacy state file is renamed to once imported.
const IMPORTED_SUFFIX: &str = ".imported";

/// The `--sandbox` state database, after making sure its directory exists.
pub fn state_file() -> Result<PathBuf, Failure> {
    let dir = UserDir::Data.path().ok_or_else(|| {
        Failure::usage(
            "cannot find a data directory for the sandbox state: \
             set CONNKIT_DATA_DIR (or XDG_DATA_HOME or HOME)",
        )
    })?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::context(format!("creating {}", dir.display()), e))?;
    Ok(dir.join(STATE_FILE))
}

/// The legacy JSON state file beside `state`.
pub fn legacy_state_file(state: &Path) -> PathBuf {
    state.with_file_name(LEGACY_STATE_FILE)
}

/// Imports the `sandbox.json` of an older version into the new database `state`, once:
/// only when the database does not exist yet. The JSON file is then renamed to
/// `sandbox.json.imported`, so nothing is lost and it is not imported again.
pub fn import_legacy(state: &Path, quiet: bool) -> Result<(), Failure> {
    let legacy = legacy_state_file(state);
    if state.exists() || !legacy.exists() {
        return Ok(());
    }
    let count = state::import(state, &legacy).map_err(|e| {
        Failure::context(
            "importing the sandbox state of an older connkit (`connkit sandbox reset` \
             discards it and starts afresh)",
            e,
        )
    })?;
    let mut imported = legacy.clone().into_os_string();
    imported.push(IMPORTED_SUFFIX);
    match std::fs::rename(&legacy, &imported) {
        Ok(()) => {}
        // Another run imported it at the same time: the same content either way.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Failure::context(
                format!("renaming {}", legacy.display()),
                e,
            ))
        }
    }
    if !quiet {
        eprintln!(
            "note: imported {count} connectors from {} into {} (the JSON file is kept as {})",
            legacy.display(),
            state.display(),
            Path::new(&imported).display()
        );
    }
    Ok(())
}
