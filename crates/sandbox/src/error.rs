//! [`SandboxError`]: why a sandbox could not be built or served.

use std::path::PathBuf;

/// Why a [`Sandbox`](crate::Sandbox) could not be built, or a server not started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The state file (or its lock file) could not be read, written or created.
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
    /// The state file exists but does not hold a sandbox state.
    #[error("state file {path} is not a valid sandbox state: {message}")]
    StateCorrupt {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Another process (or another sandbox in this one) holds the state file's lock.
    #[error(
        "state file {path} is in use by another sandbox (lock file {lock_path} is held); \
         stop the other sandbox or choose another state file"
    )]
    StateLocked {
        /// The state file.
        path: PathBuf,
        /// The lock file beside it.
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
