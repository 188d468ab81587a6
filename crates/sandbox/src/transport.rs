//! The sandbox as an in-process [`Transport`]: the router answers the request directly,
//! no socket. Injected resets and truncations surface as
//! [`TransportError::Network`], as they would over the network.

use bytes::Bytes;
use connkit_transport::{Transport, TransportError};
use tower::ServiceExt;

use crate::faults::{InjectedFailure, Sabotage};
use crate::Sandbox;

#[async_trait::async_trait]
impl Transport for Sandbox {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let response = self
            .router()
            .oneshot(request.map(axum::body::Body::from))
            .await
            .unwrap_or_else(|never| match never {});
        let sabotage = response.extensions().get::<Sabotage>().copied();
        if sabotage == Some(Sabotage::Reset) {
            return Err(TransportError::Network {
                source: Box::new(InjectedFailure("connection reset before any response")),
            });
        }
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|e| TransportError::Network { source: e.into() })?;
        if sabotage == Some(Sabotage::Truncate) {
            return Err(TransportError::Network {
                source: Box::new(InjectedFailure("response body truncated")),
            });
        }
        Ok(http::Response::from_parts(parts, body))
    }

    /// The router answers in this process: the `auto` rate-limit policy adds no
    /// limiter (the sandbox's own `rate_limit` knob still answers 429s).
    fn is_in_process(&self) -> bool {
        true
    }
}
