//! The JSON form of a sandbox state, for `export` and `import` (and the state file of
//! versions before the database): `{"format": "connkit-sandbox-state", "version": 1,
//! "connectors": [...]}`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::isc::store::{Record, Store};

const FORMAT: &str = "connkit-sandbox-state";
const VERSION: u32 = 1;

#[derive(Serialize)]
struct StateOut<'a> {
    format: &'static str,
    version: u32,
    connectors: Vec<&'a Record>,
}

#[derive(Deserialize)]
struct StateIn {
    format: String,
    version: u32,
    connectors: Vec<Record>,
}

/// The JSON bytes for `store`.
pub(crate) fn serialize(store: &Store) -> Vec<u8> {
    let state = StateOut {
        format: FORMAT,
        version: VERSION,
        connectors: store.records().collect(),
    };
    // Records hold only strings, booleans and JSON values: serializing cannot fail.
    serde_json::to_vec(&state).unwrap_or_default()
}

/// The store in `bytes`, read from `path` (named in every error).
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Store, SandboxError> {
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
    if state.version != VERSION {
        return Err(corrupt(format!(
            "version {} is not supported (this sandbox reads version {VERSION})",
            state.version
        )));
    }
    Store::from_records(state.connectors).map_err(|conflict| corrupt(conflict.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::seed::seed;

    #[test]
    fn a_store_round_trips() {
        let store = Store::from_records(seed(30)).unwrap();
        let back = parse(Path::new("s.json"), &serialize(&store)).unwrap();
        assert_eq!(
            back.records().collect::<Vec<_>>(),
            store.records().collect::<Vec<_>>()
        );
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
