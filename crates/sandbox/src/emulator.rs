//! The state behind the router: the store, its database, and the knobs.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::api_error::ApiError;
use crate::auth::Authenticator;
use crate::fault_rules::FaultRules;
use crate::faults::FaultInjector;
use crate::isc::store::{Store, Undo};
use crate::journal::Journal;
use crate::rate_limit::ClientWindows;
use crate::state_db::StateDb;
use crate::stats::StatsRecorder;

/// Everything one sandbox holds; shared by its router, server and clones.
#[derive(Debug)]
pub(crate) struct Emulator {
    pub(crate) store: RwLock<Store>,
    pub(crate) state: Option<StateDb>,
    pub(crate) auth: Authenticator,
    pub(crate) rate_limit: Option<ClientWindows>,
    pub(crate) faults: Option<FaultInjector>,
    pub(crate) stats: StatsRecorder,
    pub(crate) journal: Journal,
    pub(crate) fault_rules: FaultRules,
    /// Whether the admin routes that change something answer (else 403).
    pub(crate) admin_routes: bool,
    pub(crate) max_body_bytes: usize,
}

impl Emulator {
    fn write_store(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the store, first catching up with writes of other sandboxes that share
    /// its database.
    pub(crate) fn read(&self) -> Result<RwLockReadGuard<'_, Store>, ApiError> {
        if let Some(state) = &self.state {
            state.catch_up_reads(|| state.refresh(&mut self.write_store()))?;
        }
        Ok(self.store.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Runs one mutation and makes it durable. `change` returns its answer and how to
    /// undo it (`None` when it changed nothing); when the database cannot be written
    /// the change is undone and the answer is a 500.
    pub(crate) fn commit<T>(
        &self,
        change: impl FnOnce(&mut Store) -> Result<(T, Option<Undo>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut store = self.write_store();
        match &self.state {
            Some(state) => state.commit(&mut store, change),
            None => change(&mut store).map(|(answer, _)| answer),
        }
    }
}
