//! Why a plugin could not be loaded.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A plugin that was refused before any of its validation code ran. Every variant
/// names the library's path.
///
/// Serialisable because an isolated worker reports load failures to its host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LoadError {
    /// The file does not exist, or the dynamic loader could not load it (not a shared
    /// library, wrong architecture, missing dependencies, …).
    #[error("{}: not a loadable library: {reason}", path.display())]
    NotALibrary {
        /// The file.
        path: PathBuf,
        /// What the dynamic loader said.
        reason: String,
    },
    /// The library loads but does not export `connkit_validator_v1`.
    #[error(
        "{}: not a connkit plugin: it does not export the symbol `connkit_validator_v1` ({reason})",
        path.display()
    )]
    MissingSymbol {
        /// The library.
        path: PathBuf,
        /// What the dynamic loader said.
        reason: String,
    },
    /// The vtable pointer is null or misaligned.
    #[error("{}: `connkit_validator_v1` returned an unusable vtable: {reason}", path.display())]
    BadVtable {
        /// The library.
        path: PathBuf,
        /// What is wrong with the pointer.
        reason: String,
    },
    /// The vtable's `abi_version` is not one this host speaks.
    #[error(
        "{}: plugin ABI version {found} is not supported (this host speaks version {expected})",
        path.display()
    )]
    WrongAbiVersion {
        /// The library.
        path: PathBuf,
        /// The version the plugin declared.
        found: u32,
        /// The version this host speaks.
        expected: u32,
    },
    /// The vtable's `struct_size` is smaller than the version-1 vtable.
    #[error(
        "{}: plugin vtable is {found} bytes, smaller than the {expected} bytes of ABI version 1",
        path.display()
    )]
    WrongStructSize {
        /// The library.
        path: PathBuf,
        /// The size the plugin declared.
        found: usize,
        /// The smallest size this host accepts.
        expected: usize,
    },
    /// One of the vtable's function pointers is null.
    #[error("{}: the vtable's `{entry}` function pointer is null", path.display())]
    NullEntry {
        /// The library.
        path: PathBuf,
        /// Which entry (`info`, `validate`, `free`).
        entry: String,
    },
    /// The plugin's `info` call failed or returned something that is not plugin info.
    #[error("{}: unusable plugin info: {reason}", path.display())]
    BadInfo {
        /// The library.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Isolated mode: the worker process could not be started, or did not complete its
    /// handshake.
    #[error("{}: plugin worker failed: {reason}", path.display())]
    Worker {
        /// The library.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A plugin directory could not be listed.
    #[error("{}: cannot list plugin directory: {reason}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
}

impl LoadError {
    /// The library (or directory) the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            LoadError::NotALibrary { path, .. }
            | LoadError::MissingSymbol { path, .. }
            | LoadError::BadVtable { path, .. }
            | LoadError::WrongAbiVersion { path, .. }
            | LoadError::WrongStructSize { path, .. }
            | LoadError::NullEntry { path, .. }
            | LoadError::BadInfo { path, .. }
            | LoadError::Worker { path, .. }
            | LoadError::ReadDir { path, .. } => path,
        }
    }
}
