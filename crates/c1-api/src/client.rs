//! [`Client`]: a tenant base URL and a transport; it runs any [`Operation`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connkit_client::{Execute, LookupResult, StackError, TransportChoice};
use connkit_transport::{
    Auth, BaseUrl, Deadline, Idempotency, RetryPolicy, Secret, TokenCache, Transport,
    TransportError,
};

use crate::credentials::{tenant_url, C1Credentials};
use crate::error::{CreateLookup, Error, Reconciliation, Result, ServiceError};
use crate::operation::Operation;
use crate::ops::CreatedConnector;

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
/// use connkit_c1::prelude::*;
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

    /// A client for `base_url` over `transport` as given (no layers added; every other
    /// setting at its default).
    pub fn new(base_url: &str, transport: Arc<dyn Transport>) -> Result<Self> {
        Client::builder()
            .base_url(base_url)
            .transport_as_is(transport)
            .build()
    }

    /// A client over `transport` as given (no layers added), with no base URL to make
    /// up when the transport answers in-process ([`Transport::is_in_process`], e.g. the
    /// sandbox): requests are addressed to [`IN_PROCESS_BASE_URL`](crate::IN_PROCESS_BASE_URL).
    /// A transport that goes on the network needs a real URL: use [`Client::new`] or
    /// the builder. The same entry as `connkit_connectors::Client::from_transport`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), connkit_c1::Error> {
    /// use connkit_c1::Client;
    /// use connkit_sandbox::Sandbox;
    ///
    /// let sandbox = Sandbox::builder().build().unwrap();
    /// let app = sandbox.c1().demo_app_ids()[0].clone();
    /// let client = Client::from_transport(sandbox)?;
    /// let page = client.list_connectors(&app).send().await?;
    /// assert!(page.connectors().count() > 0);
    /// # Ok(()) }
    /// ```
    pub fn from_transport(transport: impl Transport) -> Result<Self> {
        Client::builder()
            .transport_as_is(Arc::new(transport))
            .build()
    }

    /// The tenant's base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// The transport requests go through (with the auth layer, when the client has
    /// credentials: it sends a token to the tenant only).
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// Runs one operation: builds its request, sends it, decodes the answer.
    ///
    /// A POST that got no usable answer fails with [`Error::MaybeApplied`]; for a
    /// create, the app's connectors are first looked through (see
    /// [`Reconciliation`](crate::Reconciliation)).
    pub async fn execute<O>(&self, operation: &O) -> Result<O::Output>
    where
        O: Operation<Error = Error> + Sync,
        O::Output: Send,
    {
        self.execute_until(operation, None).await
    }

    /// What a lookup finds of the connector a create whose answer was lost would have
    /// made: every connector of its app that matches what it sent.
    async fn matching(
        &self,
        created: CreatedConnector,
        deadline: Option<Deadline>,
    ) -> LookupResult<CreateLookup> {
        let mut connectors = self
            .list_connectors(created.app_id())
            .set_deadline(deadline.map(|Deadline(at)| at))
            .into_paginator();
        let mut matching = Vec::new();
        while let Some(connector) = connectors.try_next().await? {
            if created.matches(&connector) {
                matching.push(connector);
            }
        }
        Ok((!matching.is_empty()).then_some(matching))
    }

    /// The I/O half of [`execute`](Client::execute): builds the request and sends it
    /// (with `deadline`, if any); the answer is left for
    /// [`Operation::parse_response`] (which the paginator runs on another thread).
    pub(crate) async fn fetch<O: Operation<Error = Error> + Sync>(
        &self,
        operation: &O,
        deadline: Option<Deadline>,
    ) -> Result<http::Response<Bytes>> {
        let request = self.request(operation, deadline)?;
        self.send(operation, request).await
    }

    /// `operation`'s request against this tenant, carrying `deadline` if any.
    fn request<O: Operation<Error = Error>>(
        &self,
        operation: &O,
        deadline: Option<Deadline>,
    ) -> Result<http::Request<Bytes>> {
        let mut request = operation.build_request(&self.base)?;
        if let Some(deadline) = deadline {
            request.extensions_mut().insert(deadline);
        }
        Ok(request)
    }

    /// Sends `operation`'s `request`; a failure becomes this crate's error.
    async fn send<O: Operation<Error = Error>>(
        &self,
        operation: &O,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>> {
        use tracing::Instrument as _;

        let idempotency = Idempotency::of(&request);
        let span = tracing::debug_span!("c1", operation = operation.operation_id());
        self.transport
            .send(request)
            .instrument(span)
            .await
            .map_err(|source| transport_failure(operation.operation_id(), idempotency, source))
    }
}

impl Execute for Client {
    type Error = Error;

    /// [`execute`](Client::execute) with a [`Deadline`] for the whole operation (the
    /// reconciling lookup included), which the standard stack's layers respect.
    async fn execute_until<O>(&self, operation: &O, deadline: Option<Deadline>) -> Result<O::Output>
    where
        O: Operation<Error = Error> + Sync,
        O::Output: Send,
    {
        let request = self.request(operation, deadline)?;
        let created = request.extensions().get::<CreatedConnector>().cloned();
        let result = self.send(operation, request).await;
        let lookup = created.map(|created| move || self.matching(created, deadline));
        let response = connkit_client::reconciled(result, lookup).await?;
        operation.parse_response(response)
    }
}

/// When retries ran out on an error answer, that answer as the service error it is
/// (its `google.rpc.Status` message and `c1-trace-id` kept); a POST that may have been
/// processed is [`Error::MaybeApplied`] (not yet reconciled); anything else stays a
/// transport error of `operation`.
fn transport_failure(
    operation: &'static str,
    idempotency: Idempotency,
    source: TransportError,
) -> Error {
    if let (TransportError::RetriesExhausted { attempts, .. }, Some(last)) =
        (&source, source.last_response())
    {
        let response = last.to_response();
        if !response.status().is_success() {
            let mut service = ServiceError::from_response(operation, &response);
            service.attempts = Some(*attempts);
            return Error::Service(Box::new(service));
        }
    }
    if idempotency == Idempotency::NonIdempotent && source.may_have_been_processed() {
        return Error::MaybeApplied {
            operation,
            source,
            reconciliation: Reconciliation::NotAttempted,
        };
    }
    Error::Transport { operation, source }
}

/// ConductorOne's retry rules, as its own CLI has them: 429 for every method, 5xx and
/// connection errors for idempotent methods only, `Retry-After` honoured, exponential
/// backoff from 500 ms with jitter (the transport's [`RetryPolicy`] with that start).
pub fn default_retry_policy() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(500))
}

/// Settings for a [`Client`].
///
/// The transport is, by choice (as in `connkit-connectors`):
/// - nothing said: the reqwest backend under the standard stack, with ConductorOne's
///   retry rules (429 for every method, 5xx and connection errors for idempotent ones,
///   `Retry-After` honoured, backoff from 500 ms with jitter), operation timeouts and no
///   client-side rate limit (the service's 429s are honoured);
/// - [`backend_with_stack`](ClientBuilder::backend_with_stack): any transport under that
///   same stack;
/// - [`transport_as_is`](ClientBuilder::transport_as_is): any transport as is.
///
/// Auth (a [`token`](ClientBuilder::token) or
/// [`client_credentials`](ClientBuilder::client_credentials), whichever was set last)
/// is the transport's auth layer in every case, as for ISC's client.
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    transport: TransportChoice,
    credentials: Option<Credentials>,
    token_cache: Option<TokenCache>,
    retries: Option<u32>,
    timeout: Option<Duration>,
    allow_http: bool,
}

/// How the client authenticates.
enum Credentials {
    Token(Secret),
    Client { id: String, secret: Secret },
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let client_id = match &self.credentials {
            Some(Credentials::Client { id, .. }) => Some(id),
            _ => None,
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("transport", &self.transport)
            .field("client_id", &client_id)
            .field("token_cache", &self.token_cache)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The tenant URL, `https://{tenant}.conductor.one` (`http://` for loopback only).
    /// Defaults to the client id's host (`https://HOST`, `http://` for loopback), or,
    /// for an in-process transport and no credentials, to
    /// [`IN_PROCESS_BASE_URL`](crate::IN_PROCESS_BASE_URL). Client credentials buy their
    /// tokens here (see [`build`](ClientBuilder::build)).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    connkit_client::transport_choice_setters!();

    /// A static access token (replaces client credentials set before).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Token(Secret::new(token)));
        self
    }

    /// Client credentials (replace a token set before): the client id
    /// `name@HOST/suffix` and the secret `secret-token:conductorone.com:v1:…` (any
    /// `<prefix>:<issuer>:v1:<key>`, as ConductorOne's own clients accept). Tokens are
    /// bought from the tenant's `/auth/v1/token` with an EdDSA-signed assertion by the
    /// transport's auth layer: cached until shortly before they expire (and across
    /// processes with a [`token_cache`](ClientBuilder::token_cache)), one request in
    /// flight at a time, renewed once on a 401, and sent to the tenant only.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Client {
            id: id.into(),
            secret: Secret::new(secret),
        });
        self
    }

    /// Shares the tokens that client credentials buy with other processes through
    /// `cache` (e.g. [`TokenCache::user`]), as
    /// [`ClientCredentials::token_cache`](connkit_transport::ClientCredentials::token_cache)
    /// does for ISC: a token an earlier run cached is used until its refresh time. Off
    /// unless set; no effect with a static token.
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.token_cache = Some(cache);
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

    /// Builds the client.
    ///
    /// Tokens bought with client credentials come from the base URL's tenant (its
    /// `/auth/v1/token`, the assertion's audience its host), which defaults to the client
    /// id's host: as ConductorOne's cone does, an explicit base URL is where the token is
    /// bought, so the token only ever goes to the host it was bought for.
    pub fn build(self) -> Result<Client> {
        let base_text = match (&self.base_url, &self.credentials) {
            (Some(url), _) => Some(url.clone()),
            (None, Some(Credentials::Client { id, .. })) => {
                Some(tenant_url(id).map_err(Error::config)?)
            }
            (None, _) => None,
        };
        let base = match base_text {
            Some(text) if self.allow_http => {
                BaseUrl::parse_allow_http(&text).map_err(Error::config)?
            }
            Some(text) => BaseUrl::parse(&text).map_err(Error::config)?,
            None => self.transport.in_process_base_url().ok_or_else(|| {
                Error::invalid_input(
                    "no base URL: give one (e.g. https://acme.conductor.one) or client credentials",
                )
            })?,
        };
        let auth = match self.credentials {
            Some(Credentials::Token(token)) => Some(Auth::bearer(token).map_err(Error::config)?),
            Some(Credentials::Client { id, secret }) => {
                let credentials =
                    C1Credentials::new(&id, secret.expose(), &base).map_err(Error::config)?;
                let mut settings =
                    crate::auth::client_credentials(credentials, secret).map_err(Error::config)?;
                if let Some(cache) = self.token_cache {
                    settings = settings.token_cache(cache);
                }
                Some(Auth::ClientCredentials(settings))
            }
            None => None,
        };
        let (retries, timeout) = (self.retries, self.timeout);
        let transport = self
            .transport
            .build(auth, |stack| {
                let mut retry = default_retry_policy();
                if let Some(attempts) = retries {
                    retry = retry.max_attempts(attempts);
                }
                let stack = stack.retry(retry).no_rate_limit();
                match timeout {
                    Some(limit) => stack.operation_timeout(limit),
                    None => stack,
                }
            })
            .map_err(|e| match e {
                StackError::Transport(source) => Error::config(source),
                other => Error::invalid_input(other.to_string()),
            })?;
        Ok(Client { base, transport })
    }
}
