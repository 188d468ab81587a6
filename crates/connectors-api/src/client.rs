//! [`Client`]: a base URL, a transport and the pre-flight validators; it runs any
//! [`Operation`].

use std::fmt;
use std::sync::Arc;

use connkit_client::{DefaultSources, Execute, StackError, TransportChoice, ENV_TOKEN};
use connkit_models::filter;
use connkit_models::isc::v2024::V3ConnectorDto;
use connkit_models::preflight::{BodyKind, Finding, Validator};
use connkit_transport::{
    Auth, BaseUrl, ClientCredentials, Deadline, Idempotency, ResolvedConfig, Secret, TokenCache,
    Transport, TransportError,
};

use crate::error::{Error, PreflightRejected, Reconciliation, Result};
use crate::operation::Operation;
use crate::preflight;
use crate::prelude::*;
use crate::settings::{API_VERSION_PREFIX, SETTINGS};

/// A client of the Connectors API. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// Every operation is a method returning a [`Call`](crate::Call) (see the crate docs); [`execute`](Client::execute) runs any sans-IO
/// [`Operation`] directly. Before a create, update or PUT body leaves, every
/// validator runs on it; an error finding stops the request and nothing is sent.
///
/// ```no_run
/// # async fn demo() -> Result<(), connkit_connectors::Error> {
/// use connkit_connectors::Client;
///
/// // The default transport: reqwest with auth, retry, rate limit and timeouts.
/// let client = Client::builder()
///     .base_url("https://acme.api.identitynow.com")
///     .client_credentials("client-id", "client-secret")
///     .build()?;
/// let connector = client.get_connector("my-connector").send().await?;
/// # let _ = connector; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base: BaseUrl,
    transport: Arc<dyn Transport>,
    validators: Vec<Arc<dyn Validator>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.inner.validators.iter().map(|v| v.name()).collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("validators", &names)
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

    /// A client over `transport` as given (no layers added), with the built-in
    /// validators, and no base URL to make up when the transport answers in-process
    /// ([`Transport::is_in_process`], e.g. the sandbox): requests are addressed to
    /// [`IN_PROCESS_BASE_URL`](crate::IN_PROCESS_BASE_URL). A transport that goes on the network needs a real URL:
    /// use [`Client::new`] or the builder.
    ///
    /// This is how to get a client of the in-process sandbox
    /// (`Client::from_transport(sandbox)`): the sandbox cannot offer
    /// `Sandbox::client()`, because it does not depend on this crate (this crate's
    /// tests depend on it, and it emulates more than this API).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), connkit_connectors::Error> {
    /// use connkit_connectors::Client;
    /// use connkit_sandbox::Sandbox;
    ///
    /// let client = Client::from_transport(Sandbox::builder().seed(3).build().unwrap())?;
    /// let page = client.list_connectors().await?;
    /// assert_eq!(page.items.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn from_transport(transport: impl Transport) -> Result<Self> {
        Client::builder()
            .transport_as_is(Arc::new(transport))
            .build()
    }

    /// A client configured as the `connkit` command line is when given no flags: the
    /// base URL and credentials from `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
    /// `SAIL_CLIENT_SECRET` (or a bearer token in `CONNKIT_TOKEN`), else the profile
    /// `CONNKIT_PROFILE` names (or the default one, if it is for ISC), else
    /// `./config.json`; the rate-limit policy of `CONNKIT_RATE_LIMIT` or the profile;
    /// the profile's extra CA certificates; tokens shared through the user's token
    /// cache. See [`DefaultSources`] for the order, and
    /// [`try_from_sources`](Client::try_from_sources) to read other sources.
    ///
    /// Fails with an [`Error::Config`] that names what is missing (e.g. no base URL:
    /// which variable, profile or file could give one) or wrong, and where it came from.
    pub fn try_default() -> Result<Self> {
        Client::try_from_sources(&DefaultSources::process())
    }

    /// [`try_default`](Client::try_default) reading `sources` (e.g. an environment of
    /// the caller's own, or another config file) instead of the process's.
    ///
    /// ```
    /// use connkit_client::DefaultSources;
    /// use connkit_connectors::Client;
    ///
    /// let env = |name: &str| match name {
    ///     "SAIL_BASE_URL" => Some("https://acme.api.identitynow.com/v2024".to_owned()),
    ///     "CONNKIT_TOKEN" => Some("t0ken".to_owned()),
    ///     _ => None,
    /// };
    /// let client = Client::try_from_sources(&DefaultSources::env(env)).unwrap();
    /// assert_eq!(client.base_url().root(), "https://acme.api.identitynow.com");
    ///
    /// // The error's source says what is missing and where it could come from.
    /// let err = Client::try_from_sources(&DefaultSources::env(|_| None)).unwrap_err();
    /// let cause = std::error::Error::source(&err).unwrap().to_string();
    /// assert!(cause.contains("SAIL_BASE_URL"), "{cause}");
    /// ```
    pub fn try_from_sources(sources: &DefaultSources<'_>) -> Result<Self> {
        let found = sources.resolve(SETTINGS, &[ENV_TOKEN]).map_err(config)?;
        let mut builder = Client::builder()
            .config(&found.config)
            .configure_stack(found.stack());
        if let Some(token) = found.token {
            builder = builder.token(token);
        }
        if let Some(cache) = found.token_cache {
            builder = builder.token_cache(cache);
        }
        if let Some(backend) = found.backend {
            builder = builder.backend_with_stack(Arc::new(backend));
        }
        builder.build()
    }

    /// The tenant's base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// The validators run before a body leaves, in order.
    pub fn validators(&self) -> &[Arc<dyn Validator>] {
        &self.inner.validators
    }

    /// Runs this client's validators on `body` without sending anything: `Ok` with any
    /// warnings, or the rejection with every finding.
    pub fn check_body(
        &self,
        kind: BodyKind,
        body: &[u8],
    ) -> std::result::Result<Vec<Finding>, PreflightRejected> {
        preflight::check(&self.inner.validators, kind, body)
    }

    /// Runs `operation`: builds the request, runs pre-flight on its body, sends it and
    /// decodes the answer.
    ///
    /// A POST or PATCH that got no usable answer fails with [`Error::MaybeApplied`]; for
    /// a create, the connector is first looked up by name (see
    /// [`Reconciliation`](crate::Reconciliation)).
    pub async fn execute<O>(&self, operation: &O) -> Result<O::Output>
    where
        O: Operation<Error = Error> + Sync,
        O::Output: Send,
    {
        self.execute_until(operation, None).await
    }

    /// Sends `operation` and decodes the answer, without reconciling.
    pub(crate) async fn run<O: Operation<Error = Error> + Sync>(
        &self,
        operation: &O,
        deadline: Option<Deadline>,
    ) -> Result<O::Output> {
        let response = self.fetch(operation, deadline).await?;
        operation.parse_response(response)
    }

    /// The connector named exactly `name`, if there is one. The list's `name` filter
    /// offers only `sw` and `co`, so this lists `name sw "…"` and compares exactly.
    pub async fn find_connector(&self, name: &str) -> Result<Option<V3ConnectorDto>> {
        self.find_connector_by_name(name, None).await
    }

    async fn find_connector_by_name(
        &self,
        name: &str,
        deadline: Option<Deadline>,
    ) -> Result<Option<V3ConnectorDto>> {
        let mut candidates = self
            .list_connectors()
            .filter(filter::field("name").sw(name))
            .set_deadline(deadline.map(|Deadline(at)| at))
            .into_paginator();
        while let Some(connector) = candidates.try_next().await? {
            if connector.name.as_deref() == Some(name) {
                return Ok(Some(connector));
            }
        }
        Ok(None)
    }

    /// The I/O half of [`execute`](Client::execute): builds the request, runs pre-flight
    /// on its body and sends it (with `deadline`, if any); the response is left for
    /// [`Operation::parse_response`] (which the paginator runs on another thread).
    pub(crate) async fn fetch<O: Operation<Error = Error> + Sync>(
        &self,
        operation: &O,
        deadline: Option<Deadline>,
    ) -> Result<http::Response<bytes::Bytes>> {
        let mut request = operation.build_request(&self.inner.base)?;
        if let Some((kind, body)) = operation.preflight_body(&request) {
            // Warnings do not stop the request, and must not vanish either: a tool
            // shows them (the CLI prints WARN events on stderr by default).
            for finding in self.check_body(kind, body)? {
                tracing::warn!(
                    target: "connkit::preflight",
                    operation = operation.operation_id(),
                    validator = finding.validator.as_deref().unwrap_or("unnamed"),
                    "pre-flight of the {kind} body: {finding}"
                );
            }
        }
        if let Some(deadline) = deadline {
            request.extensions_mut().insert(deadline);
        }
        let idempotency = Idempotency::of(&request);
        self.inner
            .transport
            .send(request)
            .await
            .map_err(|source| self.transport_failure(operation, idempotency, source))
    }

    /// When retries ran out on an HTTP answer, the answer is decoded as the service
    /// error it is (noting the attempts); a POST or PATCH that may have been processed
    /// is [`Error::MaybeApplied`]; anything else stays a transport error.
    fn transport_failure<O: Operation<Error = Error>>(
        &self,
        operation: &O,
        idempotency: Idempotency,
        source: TransportError,
    ) -> Error {
        if let (TransportError::RetriesExhausted { attempts, .. }, Some(last)) =
            (&source, source.last_response())
        {
            if let Err(Error::Service(mut service)) = operation.parse_response(last.to_response()) {
                service.attempts = Some(*attempts);
                return Error::Service(service);
            }
        }
        if idempotency == Idempotency::NonIdempotent && source.may_have_been_processed() {
            return Error::MaybeApplied {
                operation: operation.operation_id(),
                source,
                reconciliation: Reconciliation::NotAttempted,
            };
        }
        Error::Transport {
            operation: operation.operation_id(),
            source,
        }
    }
}

impl Execute for Client {
    type Error = Error;

    /// [`execute`](Client::execute) with a [`Deadline`] for the whole operation (the
    /// reconciling lookup by name included), which the standard stack's layers respect.
    async fn execute_until<O>(&self, operation: &O, deadline: Option<Deadline>) -> Result<O::Output>
    where
        O: Operation<Error = Error> + Sync,
        O::Output: Send,
    {
        let result = self.run(operation, deadline).await;
        let lookup = operation.created_name().map(|name| {
            move || async move {
                let found = self.find_connector_by_name(&name, deadline).await;
                found.map(|found| found.map(Box::new))
            }
        });
        connkit_client::reconciled(result, lookup).await
    }
}

/// How a [`ClientBuilder`] gets its bearer token.
#[derive(Debug, Clone)]
enum Credentials {
    Given(Auth),
    Bearer(Secret),
    OAuth(String, Secret),
}

/// Settings for a [`Client`].
///
/// The transport is, by choice:
/// - nothing said: the reqwest [`HttpBackend`](connkit_transport::HttpBackend) under the standard [`TransportStack`](connkit_transport::TransportStack)
///   (timeouts, auth, retry, the `auto` rate-limit policy; needs the
///   `default-transport` feature, on by default);
/// - [`backend_with_stack`](ClientBuilder::backend_with_stack): any transport under
///   that same stack (e.g. the in-process sandbox with retries). `auto` gives a backend
///   that answers in-process ([`Transport::is_in_process`]) no limiter;
/// - [`transport_as_is`](ClientBuilder::transport_as_is): any transport as is, with
///   only the auth layer added when credentials are given.
///
/// The base URL may be left out when the transport answers in-process (see
/// [`Client::from_transport`]).
///
/// ```
/// use std::sync::Arc;
/// use connkit_connectors::{preflight::XmlValidator, Client};
/// use connkit_transport::test_util::ReplayTransport;
///
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080")
///     .transport_as_is(Arc::new(ReplayTransport::new()))
///     .no_builtin_validators()
///     .validator(Arc::new(XmlValidator))
///     .build()
///     .unwrap();
/// assert_eq!(client.validators().len(), 1);
/// assert_eq!(client.base_url().root(), "http://127.0.0.1:8080");
/// ```
pub struct ClientBuilder {
    base_url: Option<String>,
    base: Option<BaseUrl>,
    allow_http: bool,
    credentials: Option<Credentials>,
    token_cache: Option<TokenCache>,
    transport: TransportChoice,
    builtins: bool,
    validators: Vec<Arc<dyn Validator>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            base: None,
            allow_http: false,
            credentials: None,
            token_cache: None,
            transport: TransportChoice::default(),
            builtins: true,
            validators: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .field("token_cache", &self.token_cache)
            .field("builtins", &self.builtins)
            .field("validators", &self.validators.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The tenant base URL, e.g. `https://acme.api.identitynow.com` (with or without
    /// `/v2024`). Plain `http://` is accepted only for loopback hosts unless
    /// [`allow_http`](ClientBuilder::allow_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.base = None;
        self
    }

    /// An already parsed base URL.
    pub fn base(mut self, base: BaseUrl) -> Self {
        self.base = Some(base);
        self.base_url = None;
        self
    }

    /// Accepts plain `http://` for any host.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Takes the base URL and client credentials resolved from flags, `SAIL_*`
    /// environment variables and `./config.json`.
    pub fn config(mut self, config: &ResolvedConfig) -> Self {
        self = self.base(config.base_url.value.clone());
        if let (Some(id), Some(secret)) = (&config.client_id, &config.client_secret) {
            self = self.client_credentials(id.value.clone(), secret.value.clone());
        }
        self
    }

    /// Authenticates with `auth`.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.credentials = Some(Credentials::Given(auth));
        self
    }

    /// Authenticates with a fixed bearer token.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Authenticates with OAuth2 client credentials at the base URL's `/oauth/token`.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(Credentials::OAuth(client_id.into(), client_secret.into()));
        self
    }

    /// Shares the tokens that [`client_credentials`](ClientBuilder::client_credentials)
    /// buy with other processes through `cache` (e.g. [`TokenCache::user`]); see
    /// [`ClientCredentials::token_cache`]. Off unless set. The same option as
    /// `connkit_c1::ClientBuilder::token_cache`; an [`auth`](ClientBuilder::auth) given
    /// whole keeps its own settings.
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.token_cache = Some(cache);
        self
    }

    connkit_client::transport_choice_setters!();

    /// Adds a validator, run after the built-ins and any added before it.
    pub fn validator(mut self, validator: Arc<dyn Validator>) -> Self {
        self.validators.push(validator);
        self
    }

    /// Leaves out the [built-in validators](crate::preflight::builtin_validators).
    pub fn no_builtin_validators(mut self) -> Self {
        self.builtins = false;
        self
    }

    /// Runs no validator at all: neither the built-ins nor any added.
    pub fn no_preflight(mut self) -> Self {
        self.builtins = false;
        self.validators.clear();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let base = match (self.base, &self.base_url) {
            (Some(base), _) => base,
            (None, Some(url)) if self.allow_http => {
                BaseUrl::parse_allow_http(url).map_err(config)?
            }
            (None, Some(url)) => BaseUrl::parse(url).map_err(config)?,
            (None, None) => self
                .transport
                .in_process_base_url()
                .ok_or_else(|| Error::invalid_input("no base URL was given"))?,
        }
        .without_suffix(API_VERSION_PREFIX)
        .map_err(config)?;
        let auth = match self.credentials {
            None => None,
            Some(Credentials::Given(auth)) => Some(auth),
            Some(Credentials::Bearer(token)) => Some(Auth::bearer(token).map_err(config)?),
            Some(Credentials::OAuth(id, secret)) => {
                let mut settings = ClientCredentials::new(&base, id, secret).map_err(config)?;
                if let Some(cache) = self.token_cache {
                    settings = settings.token_cache(cache);
                }
                Some(Auth::ClientCredentials(settings))
            }
        };
        let transport = self
            .transport
            .build(auth, |stack| stack)
            .map_err(|e| match e {
                StackError::Transport(source) => config(source),
                other => Error::invalid_input(other.to_string()),
            })?;
        let mut validators = if self.builtins {
            preflight::builtin_validators()
        } else {
            Vec::new()
        };
        validators.extend(self.validators);
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                validators,
            }),
        })
    }
}

fn config(source: TransportError) -> Error {
    Error::Config { source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_transport::test_util::ReplayTransport;

    #[test]
    fn configuration_errors_are_usage_errors() {
        let err = Client::builder().build().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        let err = Client::builder()
            .base_url("http://tenant.example")
            .transport_as_is(Arc::new(ReplayTransport::new()))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        let err = Client::builder()
            .base_url("https://tenant.example")
            .token("  ")
            .transport_as_is(Arc::new(ReplayTransport::new()))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
    }

    #[test]
    fn a_stack_hook_without_a_stack_is_refused() {
        let err = Client::builder()
            .base_url("https://tenant.example")
            .transport_as_is(Arc::new(ReplayTransport::new()))
            .configure_stack(|stack| stack)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("backend_with_stack"), "{err}");
        Client::builder()
            .base_url("https://tenant.example")
            .backend_with_stack(Arc::new(ReplayTransport::new()))
            .configure_stack(|stack| stack)
            .build()
            .expect("a stack to configure");
    }

    #[test]
    fn an_in_process_transport_needs_no_base_url() {
        let client = Client::from_transport(ReplayTransport::new()).unwrap();
        assert_eq!(client.base_url().root(), crate::IN_PROCESS_BASE_URL);
        let err = Client::from_transport(OnTheNetwork).unwrap_err();
        assert_eq!(err.to_string(), "invalid input: no base URL was given");
    }

    /// A transport that says it goes on the network (it never sends anything).
    struct OnTheNetwork;

    #[async_trait::async_trait]
    impl Transport for OnTheNetwork {
        async fn send(
            &self,
            _: http::Request<bytes::Bytes>,
        ) -> std::result::Result<http::Response<bytes::Bytes>, TransportError> {
            unreachable!("the client is never built")
        }
    }

    #[test]
    fn client_is_cheap_send_sync_and_debug_hides_nothing_secret() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        let client = Client::builder()
            .base_url("https://tenant.example")
            .token("s3cret-token")
            .transport_as_is(Arc::new(ReplayTransport::new()))
            .no_preflight()
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(client.validators().is_empty());
    }
}
