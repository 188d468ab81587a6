//! The JSON form of a sandbox state, for `export` and `import`: `{"format":
//! "connkit-sandbox-state", "version": 2, "connectors": [...], "c1": {...}}`.
//!
//! `connectors` are the ISC records; `c1` is the ConductorOne document the state
//! database keeps (see `c1::persist`), absent when the database holds none. Version 1
//! (the state file of versions before the database, and exports of versions before
//! C1) has no `c1` and is still read. Writing version 2 makes an older sandbox refuse
//! the file rather than drop its C1 part silently.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::c1::C1Store;
use crate::error::SandboxError;
use crate::isc::store::{Record, Store};

const FORMAT: &str = "connkit-sandbox-state";
/// The version written.
const VERSION: u32 = 2;
/// The versions read.
const READ_VERSIONS: std::ops::RangeInclusive<u32> = 1..=VERSION;

#[derive(Serialize)]
struct StateOut<'a> {
    format: &'static str,
    version: u32,
    connectors: Vec<&'a Record>,
    #[serde(skip_serializing_if = "Option::is_none")]
    c1: Option<&'a C1Store>,
}

#[derive(Deserialize)]
struct StateIn {
    format: String,
    version: u32,
    connectors: Vec<Record>,
    #[serde(default)]
    c1: Option<C1Store>,
}

/// A state read from its JSON form.
#[derive(Debug)]
pub(crate) struct State {
    /// The ISC connectors.
    pub(crate) isc: Store,
    /// The ConductorOne side, `None` when the file has none (version 1).
    pub(crate) c1: Option<C1Store>,
}

/// The JSON bytes for the ISC `store` and the C1 side, if the state has one.
pub(crate) fn serialize(store: &Store, c1: Option<&C1Store>) -> Vec<u8> {
    let state = StateOut {
        format: FORMAT,
        version: VERSION,
        connectors: store.records().collect(),
        c1,
    };
    // Records and the C1 store hold only strings, numbers, booleans and JSON values:
    // serializing cannot fail.
    serde_json::to_vec(&state).unwrap_or_default()
}

/// The state in `bytes`, read from `path` (named in every error, with the JSON path of
/// what is wrong).
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<State, SandboxError> {
    let corrupt = |message: String| SandboxError::StateCorrupt {
        path: path.to_owned(),
        message,
    };
    let state: StateIn =
        connkit_models::decode::from_json(bytes).map_err(|e| corrupt(e.to_string()))?;
    if state.format != FORMAT {
        return Err(corrupt(format!(
            "format is '{}', expected '{FORMAT}'",
            state.format
        )));
    }
    if !READ_VERSIONS.contains(&state.version) {
        return Err(corrupt(format!(
            "version {} is not supported (this sandbox reads versions {} to {VERSION})",
            state.version,
            READ_VERSIONS.start()
        )));
    }
    if let Some(c1) = &state.c1 {
        c1.check().map_err(corrupt)?;
    }
    let isc =
        Store::from_records(state.connectors).map_err(|conflict| corrupt(conflict.to_string()))?;
    Ok(State { isc, c1: state.c1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::seed::seed;

    #[test]
    fn a_store_round_trips() {
        let store = Store::from_records(seed(30)).unwrap();
        let c1 = crate::c1::demo_store();
        let back = parse(Path::new("s.json"), &serialize(&store, Some(&c1))).unwrap();
        assert_eq!(
            back.isc.records().collect::<Vec<_>>(),
            store.records().collect::<Vec<_>>()
        );
        let same = |c1: &C1Store| serde_json::to_value(c1).unwrap();
        assert_eq!(back.c1.as_ref().map(same), Some(same(&c1)));
    }

    #[test]
    fn bad_files_are_named_in_the_error() {
        for (bytes, needle) in [
            (
                &b"{\"format\": \"connkit-sandbox-state\", \"version\": 1, \"connectors\": [{"[..],
                "line 1",
            ),
            (
                &b"{\"format\": \"other\", \"version\": 1, \"connectors\": []}"[..],
                "format is 'other'",
            ),
            (
                &b"{\"format\": \"connkit-sandbox-state\", \"version\": 9, \"connectors\": []}"[..],
                "version 9",
            ),
            (&b""[..], "invalid JSON"),
        ] {
            let err = parse(Path::new("dir/state.json"), bytes).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
            assert!(
                text.contains("dir/state.json") && text.contains(needle),
                "{text}"
            );
        }
    }
}
