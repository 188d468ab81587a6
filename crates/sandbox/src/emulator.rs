//! The state behind the router: the store, its durable file, and the knobs.

use std::sync::{RwLock, RwLockReadGuard};

use crate::api_error::ApiError;
use crate::auth::Authenticator;
use crate::faults::FaultInjector;
use crate::rate_limit::ClientWindows;
use crate::state_file::StateFile;
use crate::stats::StatsRecorder;
use crate::store::{Store, Undo};

/// Everything one sandbox holds; shared by its router, server and clones.
#[derive(Debug)]
pub(crate) struct Emulator {
    pub(crate) store: RwLock<Store>,
    pub(crate) state_file: Option<StateFile>,
    pub(crate) auth: Authenticator,
    pub(crate) rate_limit: Option<ClientWindows>,
    pub(crate) faults: Option<FaultInjector>,
    pub(crate) stats: StatsRecorder,
    pub(crate) max_body_bytes: usize,
}

impl Emulator {
    /// Reads the store.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one mutation and makes it durable. `change` returns its answer and how to
    /// undo it (`None` when it changed nothing); when the state file cannot be written
    /// the change is undone and the answer is a 500.
    pub(crate) fn commit<T>(
        &self,
        change: impl FnOnce(&mut Store) -> Result<(T, Option<Undo>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        let (answer, undo) = change(&mut store)?;
        let (Some(undo), Some(file)) = (undo, &self.state_file) else {
            return Ok(answer);
        };
        if let Err(e) = file.save(&store) {
            store.undo(undo);
            return Err(ApiError::Internal(format!(
                "the sandbox could not write its state file {}: {e}",
                file.path().display()
            )));
        }
        Ok(answer)
    }
}
