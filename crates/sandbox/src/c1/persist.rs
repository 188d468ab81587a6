//! Keeps the C1 side in the sandbox's state database: one JSON document (the state is
//! small) under the `meta` key `c1`, written in the transaction of each change and
//! reloaded when another sandbox sharing the database committed. The JSON form of
//! the state ([`state::export`](crate::state::export)) carries the same document.

use std::sync::{RwLockReadGuard, RwLockWriteGuard};

use connkit_models::c1::RpcCode;
use connkit_models::decode::from_json;

use super::state::C1Store;
use super::status::C1Error;
use super::C1;
use crate::error::SandboxError;
use crate::state_db::StateDb;

/// The `meta` key of the document.
pub(crate) const KEY: &str = "c1";

/// The stored document, decoded and [checked](C1Store::check).
pub(crate) fn parse(text: &str) -> Result<C1Store, String> {
    let store: C1Store = from_json(text.as_bytes())
        .map_err(|e| format!("its ConductorOne state (meta key `{KEY}`) is invalid: {e}"))?;
    store
        .check()
        .map_err(|e| format!("its ConductorOne state is invalid: {e}"))?;
    Ok(store)
}

/// The document to store.
pub(crate) fn serialize(store: &C1Store) -> String {
    // Strings, numbers and models that always serialize.
    serde_json::to_string(store).unwrap_or_default()
}

fn internal(text: String) -> C1Error {
    C1Error::new(RpcCode::Internal, text)
}

/// The stored C1 state, or `seed` stored as it when the database has none yet (new, or
/// written by a version without C1).
pub(crate) fn load_or_seed(state: &StateDb, mut seed: C1Store) -> Result<C1Store, SandboxError> {
    let corrupt = |message: String| SandboxError::StateCorrupt {
        path: state.path().to_owned(),
        message,
    };
    let (text, version) = state.read_document(KEY).map_err(corrupt)?;
    if let Some(text) = text {
        let mut store = parse(&text).map_err(corrupt)?;
        store.seen_version = version;
        return Ok(store);
    }
    let text = serialize(&seed);
    let ((), version) = state
        .write_document(KEY, version, |_| ((), Some(text)))
        .map_err(corrupt)?;
    seed.seen_version = version;
    Ok(seed)
}

impl C1 {
    fn write_lock(&self) -> RwLockWriteGuard<'_, C1Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The store as this sandbox holds it, without catching up.
    pub(super) fn cached(&self) -> RwLockReadGuard<'_, C1Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The store, first catching up with what other sandboxes committed.
    pub(super) fn read(&self) -> Result<RwLockReadGuard<'_, C1Store>, C1Error> {
        if let Some(state) = &self.emulator.state {
            let version = state.version().map_err(internal)?;
            if version != self.cached().seen_version {
                let mut store = self.write_lock();
                let (text, version) = state.read_document(KEY).map_err(internal)?;
                if let Some(text) = text {
                    *store = parse(&text).map_err(internal)?;
                }
                store.seen_version = version;
            }
        }
        Ok(self.cached())
    }

    /// Runs one change and, with a state database, commits it before answering; when
    /// the database fails the change is dropped and the answer is a 500.
    pub(super) fn commit<T>(
        &self,
        change: impl FnOnce(&mut C1Store) -> Result<T, C1Error>,
    ) -> Result<T, C1Error> {
        let mut store = self.write_lock();
        let Some(state) = &self.emulator.state else {
            return change(&mut store);
        };
        let before = store.clone();
        let written = state.write_document(KEY, store.seen_version, |fresh| {
            if let Some(text) = fresh {
                match parse(&text) {
                    Ok(loaded) => *store = loaded,
                    Err(e) => return (Err(internal(e)), None),
                }
            }
            match change(&mut store) {
                Ok(answer) => {
                    let text = serialize(&store);
                    (Ok(answer), Some(text))
                }
                Err(e) => (Err(e), None),
            }
        });
        match written {
            Ok((answer, version)) => {
                store.seen_version = version;
                answer
            }
            Err(text) => {
                *store = before;
                Err(internal(text))
            }
        }
    }
}
