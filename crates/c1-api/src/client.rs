//! [`Client`]: a tenant base URL and a transport; it runs any [`Operation`].

use std::sync::Arc;
use std::time::Duration;

use connkit_transport::{BaseUrl, Transport, TransportError};

use crate::auth::AssertionAuth;
use crate::credentials::C1Credentials;
use crate::error::{Error, Result};
use crate::operation::Operation;

/// A ConductorOne ConnectorService client. Cheap to clone, `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> Result<(), connkit_c1::Error> {
/// use connkit_c1::Client;
///
/// let client = Client::builder()
///     .base_url("https://acme.conductor.one")
///     .client_credentials("bot@acme.conductor.one/x", "secret-token:conductorone.com:v1:…")
///     .build()?;
/// let page = client.list_connectors("app-1").page_size(50).send().await?;
/// # let _ = page; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    base: BaseUrl,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `base_url` over `transport` as given (no layers added).
    pub fn new(base_url: &str, transport: Arc<dyn Transport>) -> Result<Self> {
        Client::builder()
            .base_url(base_url)
            .transport_as_is(transport)
            .build()
    }

    /// The tenant's base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// Runs one operation: builds its request, sends it, decodes the answer.
    pub async fn execute<O: Operation + Sync>(&self, operation: &O) -> Result<O::Output> {
        use tracing::Instrument as _;

        let request = operation.build_request(&self.base)?;
        let span = tracing::debug_span!("c1", operation = operation.operation_id());
        let response = self.transport.send(request).instrument(span).await?;
        operation.parse_response(response)
    }
}

/// Settings for a [`Client`].
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    token: Option<String>,
    credentials: Option<(String, String)>,
    retries: Option<u32>,
    timeout: Option<Duration>,
    allow_http: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.credentials.as_ref().map(|c| &c.0))
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The tenant URL, `https://{tenant}.conductor.one` (`http://` for loopback only).
    /// Defaults to the client id's host ([`C1Credentials::tenant_url`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends through this transport as is; auth, retry and timeout settings are then
    /// the transport's business and the ones here are ignored.
    pub fn transport_as_is(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A static access token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Client credentials: tokens are bought with a signed assertion (see
    /// [`AssertionAuth`]).
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some((id.into(), secret.into()));
        self
    }

    /// Accepts a plain `http://` base URL for hosts other than loopback (insecure:
    /// tokens travel in clear).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Total attempts per request (default 4).
    pub fn retries(mut self, attempts: u32) -> Self {
        self.retries = Some(attempts);
        self
    }

    /// The limit on each whole operation (default 120 s).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Builds the client: the default stack (reqwest, retry from 500 ms with jitter,
    /// timeouts; no client-side rate limit, the service's 429s are honoured) unless a
    /// transport was given.
    pub fn build(self) -> Result<Client> {
        let credentials = match &self.credentials {
            Some((id, secret)) => Some(C1Credentials::new(id, secret)?),
            None => None,
        };
        let base_text =
            match (&self.base_url, &credentials) {
                (Some(url), _) => url.clone(),
                (None, Some(c)) => c.tenant_url(),
                (None, None) => return Err(Error::invalid_input(
                    "no base URL: give one (e.g. https://acme.conductor.one) or client credentials",
                )),
            };
        let base = if self.allow_http {
            BaseUrl::parse_allow_http(&base_text)?
        } else {
            BaseUrl::parse(&base_text)?
        };
        let transport = match self.transport {
            Some(transport) => transport,
            None => default_transport(self.token, credentials, self.retries, self.timeout)?,
        };
        Ok(Client { base, transport })
    }
}

#[cfg(feature = "default-transport")]
fn default_transport(
    token: Option<String>,
    credentials: Option<C1Credentials>,
    retries: Option<u32>,
    timeout: Option<Duration>,
) -> Result<Arc<dyn Transport>, TransportError> {
    use connkit_transport::{Auth, HttpBackend, RetryPolicy, TransportStack};

    let mut retry = RetryPolicy::default().initial_backoff(Duration::from_millis(500));
    if let Some(attempts) = retries {
        retry = retry.max_attempts(attempts);
    }
    let mut stack = TransportStack::builder(HttpBackend::new()?)
        .retry(retry)
        .no_rate_limit();
    if let Some(limit) = timeout {
        stack = stack.operation_timeout(limit);
    }
    if let Some(token) = token {
        stack = stack.auth(Auth::bearer(token)?);
    }
    let transport = stack.build()?;
    Ok(match credentials {
        Some(credentials) => Arc::new(AssertionAuth::new(transport, credentials)?),
        None => transport,
    })
}

#[cfg(not(feature = "default-transport"))]
fn default_transport(
    _: Option<String>,
    _: Option<C1Credentials>,
    _: Option<u32>,
    _: Option<Duration>,
) -> Result<Arc<dyn Transport>, TransportError> {
    Err(TransportError::NoBackend {
        message: "connkit-c1 was built without `default-transport`; pass a transport".into(),
    })
}
