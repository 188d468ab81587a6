//! [`SandboxError`]: why a sandbox could not be built or served.

use std::path::PathBuf;

/// Why a [`Sandbox`](crate::Sandbox) could not be built, or a server not started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The state file (or its lock file, or a JSON state) could not be read, written or created.
    #[error("state file {path}: {action} failed")]
    StateIo {
        /// The file concerned.
        path: PathBuf,
        /// What was being done, e.g. `reading`.
        action: &'static str,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The state database could not be opened, read or written.
    #[error("state database {path}: {action} failed")]
    StateDatabase {
        /// The database file.
        path: PathBuf,
        /// What was being done, e.g. `opening`.
        action: &'static str,
        /// The underlying SQLite error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The state file exists but does not hold a sandbox state.
    #[error("state file {path} is not a valid sandbox state: {message}")]
    StateCorrupt {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A sandbox (in this process or another) has the state open, so it cannot be
    /// reset or imported into.
    #[error(
        "state file {path} is in use by a running sandbox ({lock_path} is locked); \
         stop that sandbox first"
    )]
    StateLocked {
        /// The state file.
        path: PathBuf,
        /// The file found locked: the lock file beside it, or the state file itself.
        lock_path: PathBuf,
    },
    /// A builder option is invalid.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The listening socket could not be bound.
    #[error("could not listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}
