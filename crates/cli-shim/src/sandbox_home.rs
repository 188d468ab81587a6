//! Where `--sandbox` keeps its state.
//!
//! The directory is [`UserDir::Data`] (`$CONNKIT_DATA_DIR`, else the XDG data
//! directory); see its docs for the rule.

use std::path::PathBuf;

use connkit_transport::UserDir;

use crate::exit::Failure;

/// The state file's name inside the data directory.
const STATE_FILE: &str = "sandbox.json";

/// The `--sandbox` state file, after making sure its directory exists.
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
