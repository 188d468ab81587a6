//! `TransportError`: why no complete HTTP response could be had.

/// A boxed error source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a [`Transport`](crate::Transport) could not produce a complete response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The connection could not be established.
    #[error("could not connect to {target}")]
    Connect {
        /// Host and port (or URL) that was tried.
        target: String,
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// The exchange failed after connecting: reset, closed early, truncated body.
    #[error("connection failed during the exchange")]
    Network {
        /// The underlying cause.
        #[source]
        source: BoxError,
    },
    /// The request could not be built or sent as given.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong with it.
        message: String,
    },
}

impl TransportError {
    /// `true` for failures where the request may not have reached the server's
    /// application logic, so retrying an idempotent request is safe.
    pub fn is_connect(&self) -> bool {
        matches!(self, TransportError::Connect { .. })
    }
}
