//! The pluggable HTTP transport for connkit.
//!
//! Everything that moves bytes implements [`Transport`]: the reqwest backend, the
//! in-process sandbox, test recorders, and the layers (auth, retry, rate limit,
//! timeouts) that wrap any of them. `http` crate types are the boundary; no backend's
//! own types leak into public signatures.

mod error;

pub use error::{BoxError, TransportError};

use bytes::Bytes;

/// Sends one HTTP request and returns its complete response.
///
/// A `Transport` answers every HTTP status with `Ok`: turning a 404 into an error is the
/// caller's business. `Err` means no complete response was had (connection refused or
/// reset, timeout, truncated body, auth layer failure, …).
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and waits for the whole response body.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}
