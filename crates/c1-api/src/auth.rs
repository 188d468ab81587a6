//! [`AssertionAuth`]: bearer tokens from ConductorOne's token endpoint, bought with a
//! signed client assertion. Internal: the [`ClientBuilder`](crate::ClientBuilder) puts
//! it on the client's transport when given client credentials.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use connkit_transport::{
    clone_request, request_token, same_origin, AuthProblem, Transport, TransportError,
};
use http::header::AUTHORIZATION;
use http::{HeaderValue, StatusCode};

use crate::assertion::{self, ASSERTION_TYPE};
use crate::credentials::C1Credentials;

/// How long before `expires_in` runs out a token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Puts `Authorization: Bearer …` on every request to the tenant, with a token fetched
/// from the tenant's `/auth/v1/token` through the inner transport.
///
/// The token request is the form `grant_type=client_credentials`, `client_id`,
/// `client_assertion_type` (JWT bearer) and `client_assertion` (a fresh
/// [`assertion::sign`]). The token is cached until shortly before `expires_in` runs
/// out; one token request is in flight at a time (others wait and share it); a 401 on
/// a request sent with a cached token fetches a new one and replays the request once.
/// Failures are [`TransportError::Auth`] naming the endpoint.
///
/// The token goes only to the origin it was bought from (the token endpoint's scheme,
/// host and port): a request to any other origin is sent without `Authorization`, as
/// ConductorOne's `cone` does.
#[derive(Clone)]
pub(crate) struct AssertionAuth<T> {
    inner: T,
    credentials: Arc<C1Credentials>,
    cache: Arc<tokio::sync::Mutex<Option<Cached>>>,
}

#[derive(Clone)]
struct Cached {
    header: HeaderValue,
    refresh_at: Option<Instant>,
}

impl<T: Transport> AssertionAuth<T> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: T, credentials: C1Credentials) -> Self {
        AssertionAuth {
            inner,
            credentials: Arc::new(credentials),
            cache: Arc::default(),
        }
    }

    /// A token header: the cached one unless it is due, or is `stale` (the one a 401
    /// answered).
    async fn token(&self, stale: Option<&HeaderValue>) -> Result<HeaderValue, TransportError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let due = cached.refresh_at.is_some_and(|t| Instant::now() >= t);
            if !due && Some(&cached.header) != stale {
                return Ok(cached.header.clone());
            }
        }
        let fresh = self.fetch().await.map_err(|problem| TransportError::Auth {
            endpoint: self.credentials.token_uri().to_string(),
            problem,
        })?;
        *cache = Some(fresh.clone());
        Ok(fresh.header)
    }

    async fn fetch(&self) -> Result<Cached, AuthProblem> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", self.credentials.client_id())
            .append_pair("client_assertion_type", ASSERTION_TYPE)
            .append_pair(
                "client_assertion",
                &assertion::sign(&self.credentials, SystemTime::now()),
            )
            .finish();
        // The assertion expires within minutes and is signed anew each time: nothing in
        // the form needs scrubbing from errors.
        let grant = request_token(
            &self.inner,
            self.credentials.token_uri(),
            form,
            None,
            REFRESH_MARGIN,
            &[],
        )
        .await?;
        Ok(Cached {
            header: grant.header,
            refresh_at: grant.refresh_at,
        })
    }
}

impl<T> std::fmt::Debug for AssertionAuth<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionAuth")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for AssertionAuth<T> {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        if !same_origin(self.credentials.token_uri(), request.uri()) {
            tracing::debug!(
                host = request.uri().host(),
                "not the ConductorOne token's origin: sending without Authorization"
            );
            request.headers_mut().remove(AUTHORIZATION);
            return self.inner.send(request).await;
        }
        let header = self.token(None).await?;
        let mut first = clone_request(&request);
        first.headers_mut().insert(AUTHORIZATION, header.clone());
        let response = self.inner.send(first).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        tracing::debug!("401 with a cached ConductorOne token: fetching a new one, replaying once");
        let header = self.token(Some(&header)).await?;
        request.headers_mut().insert(AUTHORIZATION, header);
        self.inner.send(request).await
    }
}
