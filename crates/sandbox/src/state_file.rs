//! The durable state file.
//!
//! - **Locked**: a lock file beside it (`<state>.lock`, never renamed) is held with an
//!   exclusive advisory lock for the sandbox's lifetime; a second sandbox, in this
//!   process or another, gets [`SandboxError::StateLocked`].
//! - **Atomic**: every mutation writes the whole state to `.<name>.tmp` in the same
//!   directory, fsyncs it, renames it over the state file and fsyncs the directory. A
//!   crash at any moment leaves either the old or the new file, never a torn one; a
//!   leftover temp file is ignored and removed on the next open.
//! - **Format**: JSON, `{"format": "connkit-sandbox-state", "version": 1, "connectors": [...]}`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::store::{Record, Store};

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

/// A point of the write protocol, for crash simulation in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The temp file exists, empty.
    TempCreated,
    /// Half of the bytes are in the temp file.
    HalfWritten,
    /// All bytes are in the temp file, not yet synced.
    Written,
    /// The temp file is synced.
    Synced,
    /// The temp file was renamed over the state file.
    Renamed,
    /// The directory is synced: the write is durable.
    DirSynced,
}

/// An open, locked state file.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    temp_path: PathBuf,
    /// Held for the lock; released when dropped.
    _lock: File,
}

fn io_error<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> SandboxError + 'a {
    move |source| SandboxError::StateIo {
        path: path.to_owned(),
        action,
        source,
    }
}

impl StateFile {
    /// Locks `path` and loads its records, `None` when the file does not exist yet.
    pub(crate) fn open(path: &Path) -> Result<(StateFile, Option<Vec<Record>>), SandboxError> {
        let file_name = path
            .file_name()
            .ok_or_else(|| {
                SandboxError::Config(format!("state file {} has no file name", path.display()))
            })?
            .to_string_lossy()
            .into_owned();
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io_error(dir, "creating the directory"))?;
        let lock_path = dir.join(format!("{file_name}.lock"));
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path, "opening the lock file"))?;
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
        let state = StateFile {
            path: path.to_owned(),
            temp_path: dir.join(format!(".{file_name}.tmp")),
            _lock: lock,
        };
        // A temp file is what a crash mid-write leaves: never the state.
        match fs::remove_file(&state.temp_path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&state.temp_path, "removing a stale temp file")(e)),
        }
        let records = match fs::read(path) {
            Ok(bytes) => Some(parse(path, &bytes)?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(path, "reading")(e)),
        };
        Ok((state, records))
    }

    /// The state file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the whole store atomically and durably.
    pub(crate) fn save(&self, store: &Store) -> io::Result<()> {
        self.write_with(&serialize(store), &mut |_| Ok(()))
    }

    /// The write protocol; `hook` runs after each step and may stop it there (a
    /// simulated crash) by returning an error.
    pub(crate) fn write_with(
        &self,
        bytes: &[u8],
        hook: &mut dyn FnMut(Step) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut temp = File::create(&self.temp_path)?;
        hook(Step::TempCreated)?;
        let (first, second) = bytes.split_at(bytes.len() / 2);
        temp.write_all(first)?;
        hook(Step::HalfWritten)?;
        temp.write_all(second)?;
        hook(Step::Written)?;
        temp.sync_all()?;
        drop(temp);
        hook(Step::Synced)?;
        fs::rename(&self.temp_path, &self.path)?;
        hook(Step::Renamed)?;
        sync_dir(
            self.path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
        hook(Step::DirSynced)
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; the rename is durable on NTFS once the
    // file itself was flushed.
    Ok(())
}

/// The state file bytes for `store`.
pub(crate) fn serialize(store: &Store) -> Vec<u8> {
    let state = StateOut {
        format: FORMAT,
        version: VERSION,
        connectors: store.records().collect(),
    };
    // Records hold only strings, booleans and JSON values: serializing cannot fail.
    serde_json::to_vec(&state).unwrap_or_default()
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Record>, SandboxError> {
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
    Ok(state.connectors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::seed;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "connkit-sandbox-{name}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn store(n: usize, rename_first: Option<&str>) -> Store {
        let mut records: Vec<Record> = seed(n).collect();
        if let Some(name) = rename_first {
            records[0].category = name.to_owned().into();
        }
        Store::from_records(records).unwrap()
    }

    #[test]
    fn a_crash_at_any_step_leaves_the_old_or_the_new_state() {
        let dir = temp_dir("crash");
        let path = dir.join("state.json");
        let old = store(30, None);
        let new = store(30, Some("changed"));
        let steps = [
            Step::TempCreated,
            Step::HalfWritten,
            Step::Written,
            Step::Synced,
            Step::Renamed,
            Step::DirSynced,
        ];
        for crash_at in steps {
            let _ = fs::remove_file(&path);
            let (file, loaded) = StateFile::open(&path).unwrap();
            assert!(loaded.is_none());
            file.save(&old).unwrap();
            let result = file.write_with(&serialize(&new), &mut |step| {
                if step == crash_at {
                    Err(io::Error::other("simulated crash"))
                } else {
                    Ok(())
                }
            });
            assert!(result.is_err());
            drop(file); // the process died: its lock is gone.

            let (_file, loaded) = StateFile::open(&path).unwrap();
            let loaded = Store::from_records(loaded.expect("the state file exists")).unwrap();
            let expected = if matches!(crash_at, Step::Renamed | Step::DirSynced) {
                &new
            } else {
                &old
            };
            assert_eq!(
                loaded.records().collect::<Vec<_>>(),
                expected.records().collect::<Vec<_>>(),
                "crash after {crash_at:?}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_opener_gets_a_clear_error() {
        let dir = temp_dir("lock");
        let path = dir.join("state.json");
        let (first, _) = StateFile::open(&path).unwrap();
        let err = StateFile::open(&path).unwrap_err();
        assert!(matches!(err, SandboxError::StateLocked { .. }), "{err:?}");
        assert!(err.to_string().contains("state.json"), "{err}");
        drop(first);
        assert!(StateFile::open(&path).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn corrupt_files_are_named_in_the_error() {
        let dir = temp_dir("corrupt");
        let path = dir.join("state.json");
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
            fs::write(&path, bytes).unwrap();
            let err = StateFile::open(&path).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
            assert!(
                text.contains("state.json") && text.contains(needle),
                "{text}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
