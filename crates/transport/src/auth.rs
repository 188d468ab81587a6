//! `AuthLayer`: puts a bearer token on every request (static, or OAuth2 client
//! credentials with caching in memory and optionally on disk, single-flight refresh and
//! one replay on 401). How the client proves itself to the token endpoint is pluggable
//! ([`ClientAuthMethod`]): the client secret in the form (ISC), or anything an API crate
//! computes per request, such as a freshly signed JWT assertion (ConductorOne).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};

use crate::redact::scrub;
use crate::request::{clone_request, deadline_of};
use crate::token_cache::StoredToken;
use crate::{
    AuthProblem, BaseUrl, Deadline, Idempotency, Secret, TokenCache, TokenKey, Transport,
    TransportError,
};

/// How the [`AuthLayer`] gets its bearer token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// A fixed bearer token (e.g. `--token`). Never refreshed; a 401 is returned as is.
    Bearer(Secret),
    /// OAuth2 client credentials against a token endpoint (ISC's `{root}/oauth/token`
    /// by default; see [`ClientCredentials`]).
    ClientCredentials(ClientCredentials),
}

impl Auth {
    /// A fixed bearer token. Refuses an empty one.
    pub fn bearer(token: impl Into<Secret>) -> Result<Self, TransportError> {
        let token = token.into();
        if token.expose().trim().is_empty() {
            return Err(TransportError::config("the bearer token is empty"));
        }
        Ok(Auth::Bearer(token))
    }

    /// OAuth2 client credentials for the tenant at `base`.
    pub fn client_credentials(
        base: &BaseUrl,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Result<Self, TransportError> {
        ClientCredentials::new(base, client_id, client_secret).map(Auth::ClientCredentials)
    }
}

/// How a client proves who it is to the token endpoint (OAuth2's "client
/// authentication method"): the form fields sent after
/// `grant_type=client_credentials&client_id=…`.
///
/// [`ClientCredentials::new`] sends the client secret itself (`client_secret=…`, as ISC
/// wants); an API whose token endpoint wants something else, such as a JWT assertion
/// signed with a key the secret carries (RFC 7523 `private_key_jwt`), implements this and
/// passes it to [`ClientCredentials::with_method`]. Everything else (caching in memory and
/// on disk, single flight, refresh, the 401 replay, the same-origin rule) stays the
/// [`AuthLayer`]'s, so every API gets it alike.
pub trait ClientAuthMethod: fmt::Debug + Send + Sync {
    /// The fields for one token request, in order. Called for every request, so a method
    /// may sign something fresh each time. Every value is treated as secret: scrubbed from
    /// the errors that quote the token endpoint's answer.
    fn form_fields(&self, client_secret: &Secret) -> Vec<(&'static str, Secret)>;
}

/// `client_secret=…` in the form (OAuth2 `client_secret_post`).
#[derive(Debug)]
struct SecretInForm;

impl ClientAuthMethod for SecretInForm {
    fn form_fields(&self, client_secret: &Secret) -> Vec<(&'static str, Secret)> {
        vec![("client_secret", client_secret.clone())]
    }
}

/// OAuth2 client-credentials settings: `POST` to the token endpoint with the form
/// `grant_type=client_credentials&client_id=…` and the fields of the
/// [`ClientAuthMethod`] (by default `client_secret=…`), answered by `{access_token,
/// token_type, expires_in}`.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    token_uri: http::Uri,
    client_id: String,
    client_secret: Secret,
    method: Arc<dyn ClientAuthMethod>,
    refresh_margin: Duration,
    token_cache: Option<TokenCache>,
    /// Where tokens are shared across machines, looked at before `token_cache`.
    #[cfg(feature = "redis")]
    shared_tokens: Option<crate::SharedState>,
}

impl ClientCredentials {
    /// Settings for the tenant at `base`: its `/oauth/token`, with the client secret in
    /// the form. Refuses an empty client id or secret.
    pub fn new(
        base: &BaseUrl,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Result<Self, TransportError> {
        Self::with_method(
            base.token_uri().clone(),
            client_id,
            client_secret,
            Arc::new(SecretInForm),
        )
    }

    /// Settings for the token endpoint `token_uri`, where the client proves itself by
    /// `method` (see [`ClientAuthMethod`]). `client_secret` is what `method` is given for
    /// each request, and what the [`TokenCache`] files the token under (as a salted
    /// digest, with the token URL and client id). Refuses an empty client id or secret,
    /// and a token URL without a scheme and host (tokens are sent only to its origin).
    pub fn with_method(
        token_uri: http::Uri,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        method: Arc<dyn ClientAuthMethod>,
    ) -> Result<Self, TransportError> {
        let client_id = client_id.into();
        let client_secret = client_secret.into();
        if client_id.trim().is_empty() {
            return Err(TransportError::config("the OAuth2 client id is empty"));
        }
        if client_secret.expose().is_empty() {
            return Err(TransportError::config("the OAuth2 client secret is empty"));
        }
        if !same_origin(&token_uri, &token_uri) {
            return Err(TransportError::config(format!(
                "the token URL {token_uri} is not an http(s) URL with a host"
            )));
        }
        Ok(ClientCredentials {
            token_uri,
            client_id,
            client_secret,
            method,
            refresh_margin: Duration::from_secs(60),
            token_cache: None,
            #[cfg(feature = "redis")]
            shared_tokens: None,
        })
    }

    /// Shares tokens across processes through `cache` (e.g. [`TokenCache::user`]): a
    /// token cached there by an earlier run is used until its refresh time, and each
    /// fresh token is written there. Off unless set: a library does not write bearer
    /// tokens to disk unless its caller asks for it.
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// Shares tokens across machines through `state` (Redis): the fleet makes one token
    /// request per token lifetime. This puts bearer tokens in that Redis: see
    /// [`shared_state`](crate::shared_state) on trusting it. The
    /// [`token_cache`](Self::token_cache) stays this machine's own.
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    pub fn shared_tokens(mut self, state: crate::SharedState) -> Self {
        self.shared_tokens = Some(state);
        self
    }

    /// How long before `expires_in` runs out a cached token is replaced (default 60 s,
    /// never more than a quarter of the token's lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The token endpoint.
    pub fn token_uri(&self) -> &http::Uri {
        &self.token_uri
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// What the token cache files this client's token under.
    fn cache_key(&self) -> TokenKey {
        TokenKey::new(
            &self.token_uri.to_string(),
            &self.client_id,
            &self.client_secret,
        )
    }
}

/// Puts `Authorization: Bearer …` on every request (replacing any the caller set).
///
/// With [`Auth::ClientCredentials`] (whatever its [`ClientAuthMethod`]):
/// - the token is fetched through the *inner* transport on first use and cached until
///   shortly before `expires_in` runs out (see [`ClientCredentials::refresh_margin`]);
/// - with a [`TokenCache`] ([`ClientCredentials::token_cache`]) a token an earlier
///   process cached is used first, each new token is written there, and a token
///   answered with 401 is removed from it; cache I/O errors are logged, never fatal;
/// - however many tasks need a token at once, one token request is in flight (the
///   others wait for it and share its answer);
/// - a 401 answer triggers one refresh and one replay of the request; a 401 after the
///   replay is returned as `Ok(401)`;
/// - the token goes only to the origin it was bought from (the token endpoint's scheme,
///   host and port, see [`same_origin`]): a request to any other origin is sent without
///   `Authorization` (one the caller set is removed too), as ConductorOne's `cone` does,
///   so that a mistyped or redirected URL never receives a tenant's token.
///
/// Returns what the inner transport returns, or [`TransportError::Auth`] naming the
/// token endpoint when no usable token could be had (a non-2xx answer, a body that is not
/// a bearer token, an empty token, an unreachable endpoint). It never sends a request
/// with an empty token. Tokens are marked sensitive header values and never logged.
pub struct AuthLayer<T> {
    inner: T,
    state: Arc<State>,
}

// One per layer, behind an `Arc`: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
enum State {
    Static(HeaderValue),
    OAuth {
        settings: ClientCredentials,
        tokens: tokio::sync::Mutex<Tokens>,
    },
}

/// The token cache, behind the single-flight lock.
#[derive(Default)]
struct Tokens {
    cached: Option<Cached>,
    /// When the last token request failed, and why.
    last_failure: Option<(Instant, AuthProblem)>,
}

struct Cached {
    header: HeaderValue,
    generation: u64,
    refresh_at: Option<Instant>,
}

/// How many bytes of a token endpoint's error body are quoted in an error.
const BODY_EXCERPT: usize = 512;

impl<T> AuthLayer<T> {
    /// Wraps `inner`. Fails for a static token that is empty or cannot be a header value.
    pub fn new(inner: T, auth: Auth) -> Result<Self, TransportError> {
        let state = match auth {
            Auth::Bearer(token) if token.expose().trim().is_empty() => {
                return Err(TransportError::config("the bearer token is empty"))
            }
            Auth::Bearer(token) => State::Static(bearer_header(&token).ok_or_else(|| {
                TransportError::config(
                    "the bearer token contains characters that cannot go in an HTTP header",
                )
            })?),
            Auth::ClientCredentials(settings) => State::OAuth {
                settings,
                tokens: tokio::sync::Mutex::new(Tokens::default()),
            },
        };
        Ok(AuthLayer {
            inner,
            state: Arc::new(state),
        })
    }
}

impl<T: Clone> Clone for AuthLayer<T> {
    fn clone(&self) -> Self {
        AuthLayer {
            inner: self.inner.clone(),
            state: Arc::clone(&self.state),
        }
    }
}

impl<T> fmt::Debug for AuthLayer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.state {
            State::Static(_) => f.write_str("AuthLayer(Bearer([redacted]))"),
            State::OAuth { settings, .. } => write!(
                f,
                "AuthLayer(ClientCredentials {{ token_uri: {}, client_id: {:?}, client_secret: [redacted], method: {:?} }})",
                settings.token_uri, settings.client_id, settings.method
            ),
        }
    }
}

fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl<T: Transport> AuthLayer<T> {
    /// A token header and its generation: the cached one unless it is due for refresh or
    /// is the generation `stale` (the one a 401 was answered with).
    ///
    /// Holding the lock across the fetch makes it single-flight: tasks that wait meanwhile
    /// share its token, or its failure (they do not each ask again).
    async fn token(
        &self,
        settings: &ClientCredentials,
        tokens: &tokio::sync::Mutex<Tokens>,
        stale: Option<u64>,
        deadline: Option<Instant>,
    ) -> Result<(HeaderValue, u64), TransportError> {
        let fail = |problem| TransportError::Auth {
            endpoint: settings.token_uri.to_string(),
            problem,
        };
        let waiting_since = Instant::now();
        let mut tokens = tokens.lock().await;
        if let Some(c) = tokens.cached.as_ref() {
            let fresh = c.refresh_at.is_none_or(|t| Instant::now() < t);
            if fresh && Some(c.generation) != stale {
                return Ok((c.header.clone(), c.generation));
            }
        }
        if let Some((failed_at, problem)) = &tokens.last_failure {
            if *failed_at >= waiting_since {
                return Err(fail(problem.clone()));
            }
        }
        let generation = tokens.cached.as_ref().map_or(1, |c| c.generation + 1);
        let rejected = tokens
            .cached
            .as_ref()
            .filter(|c| Some(c.generation) == stale)
            .map(|c| c.header.clone());
        #[cfg(feature = "redis")]
        let shared_turn = match from_shared(settings, rejected.as_ref(), deadline).await {
            Ok(found) => return Ok(adopt(&mut tokens, found, generation)),
            Err(turn) => turn,
        };
        let mut fetch_lock = None;
        if let Some(cache) = &settings.token_cache {
            let found = match from_disk(cache, settings, rejected.as_ref()) {
                Some(found) => Some(found),
                // Another process may be fetching this very token: wait for it, then
                // look again, so that a crowd of processes makes one token request.
                None => {
                    fetch_lock = cache.fetch_lock(&settings.cache_key(), deadline).await;
                    from_disk(cache, settings, None)
                }
            };
            if let Some(found) = found {
                return Ok(adopt(&mut tokens, found, generation));
            }
        }
        let fetched = self.fetch(settings, deadline).await;
        drop(fetch_lock);
        #[cfg(feature = "redis")]
        if let (Some(state), Some(id)) = (&settings.shared_tokens, shared_turn) {
            crate::shared_tokens::release(state, &settings.cache_key(), &id).await;
        }
        match fetched {
            Ok((header, refresh_at)) => {
                tokens.cached = Some(Cached {
                    header: header.clone(),
                    generation,
                    refresh_at,
                });
                tokens.last_failure = None;
                Ok((header, generation))
            }
            Err(problem) => {
                tokens.last_failure = Some((Instant::now(), problem.clone()));
                Err(fail(problem))
            }
        }
    }

    async fn fetch(
        &self,
        settings: &ClientCredentials,
        deadline: Option<Instant>,
    ) -> Result<(HeaderValue, Option<Instant>), AuthProblem> {
        let fields = settings.method.form_fields(&settings.client_secret);
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials")
                .append_pair("client_id", &settings.client_id);
            for (name, value) in &fields {
                form.append_pair(name, value.expose());
            }
            form.finish()
        };
        let mut secrets: Vec<&Secret> = fields.iter().map(|(_, value)| value).collect();
        secrets.push(&settings.client_secret);
        let grant = request_token(
            &self.inner,
            &settings.token_uri,
            form,
            deadline,
            settings.refresh_margin,
            &secrets,
        )
        .await?;
        let (token, requested_at, usable_for) =
            (&grant.token, grant.requested_at, grant.usable_for);
        tracing::debug!(
            endpoint = %settings.token_uri,
            expires_in_s = token.expires_in.map(|d| d.as_secs()),
            "fetched an OAuth2 access token"
        );
        let requested_at = SystemTime::now() - requested_at.elapsed();
        let at = |d: Option<Duration>| d.and_then(|d| requested_at.checked_add(d));
        #[cfg(feature = "redis")]
        if let Some(state) = &settings.shared_tokens {
            let key = settings.cache_key();
            let (expires_at, refresh_at) = (at(token.expires_in), at(usable_for));
            crate::shared_tokens::store(state, &key, &token.access_token, expires_at, refresh_at)
                .await;
        }
        if let Some(cache) = &settings.token_cache {
            if let Err(e) = cache.store(
                &settings.cache_key(),
                &token.access_token,
                at(token.expires_in),
                at(usable_for),
            ) {
                tracing::warn!(cache = %cache.dir().display(), error = %e, "could not cache the access token");
            }
        }
        Ok((grant.header, grant.refresh_at))
    }
}

/// What a token endpoint granted.
#[derive(Debug)]
struct TokenGrant {
    /// `Bearer <token>`, marked sensitive.
    header: HeaderValue,
    /// When to fetch a new one: the refresh margin (at most a quarter of the lifetime)
    /// before it expires; `None` means "until a 401".
    refresh_at: Option<Instant>,
    token: Token,
    requested_at: Instant,
    usable_for: Option<Duration>,
}

/// Posts the form-encoded OAuth2 token request `form` to `uri` through `inner` (marked
/// idempotent: asking twice is harmless) and reads `{access_token, token_type,
/// expires_in}` leniently. The `secrets` the form carries are scrubbed from errors.
async fn request_token<T: Transport + ?Sized>(
    inner: &T,
    uri: &http::Uri,
    form: String,
    deadline: Option<Instant>,
    refresh_margin: Duration,
    secrets: &[&Secret],
) -> Result<TokenGrant, AuthProblem> {
    let mut request = http::Request::new(Bytes::from(form));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri.clone();
    request.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("application/json"));
    request.extensions_mut().insert(Idempotency::Idempotent);
    if let Some(d) = deadline {
        request.extensions_mut().insert(Deadline(d));
    }
    let requested_at = Instant::now();
    let response = inner
        .send(request)
        .await
        .map_err(|e| AuthProblem::Unreachable(Arc::new(e)))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.body();
        let excerpt = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT)]);
        return Err(AuthProblem::Rejected {
            status,
            body: scrub(&excerpt, secrets),
        });
    }
    let token = parse_token(response.body()).map_err(|reason| AuthProblem::BadToken {
        reason: scrub(&reason, secrets),
    })?;
    let header = bearer_header(&token.access_token).ok_or_else(|| AuthProblem::BadToken {
        reason: "access_token contains characters that cannot go in an HTTP header".into(),
    })?;
    let usable_for = token
        .expires_in
        .map(|lifetime| lifetime.saturating_sub(refresh_margin.min(lifetime / 4)));
    // A lifetime too long to represent is taken as "until a 401".
    let refresh_at = usable_for.and_then(|d| requested_at.checked_add(d));
    Ok(TokenGrant {
        header,
        refresh_at,
        token,
        requested_at,
        usable_for,
    })
}

/// Whether `uri` is on the origin of `token_uri` (same scheme, host and port; the host
/// compared regardless of case, a missing port read as the scheme's default): where a
/// token bought at `token_uri` may be sent. A URI without a scheme or host is on no
/// origin. Every auth layer that buys tokens checks this before it adds one.
pub fn same_origin(token_uri: &http::Uri, uri: &http::Uri) -> bool {
    fn origin(uri: &http::Uri) -> Option<(&str, &str, u16)> {
        let scheme = uri.scheme_str()?;
        let default_port = match scheme.to_ascii_lowercase().as_str() {
            "https" => 443,
            "http" => 80,
            _ => return None,
        };
        Some((scheme, uri.host()?, uri.port_u16().unwrap_or(default_port)))
    }
    match (origin(token_uri), origin(uri)) {
        (Some((scheme, host, port)), Some((other_scheme, other_host, other_port))) => {
            scheme.eq_ignore_ascii_case(other_scheme)
                && host.eq_ignore_ascii_case(other_host)
                && port == other_port
        }
        _ => false,
    }
}

/// A token found in a cache (this machine's files, or shared).
struct Found {
    header: HeaderValue,
    refresh_at: Option<Instant>,
}

/// Uses `found` as this client's token from now on.
fn adopt(tokens: &mut Tokens, found: Found, generation: u64) -> (HeaderValue, u64) {
    tokens.cached = Some(Cached {
        header: found.header.clone(),
        generation,
        refresh_at: found.refresh_at,
    });
    (found.header, generation)
}

/// `stored` as a header and an `Instant` to refresh at, unless it is `rejected` (the
/// token just answered with 401).
fn found(stored: StoredToken, rejected: Option<&HeaderValue>) -> Option<Found> {
    let header = bearer_header(&stored.access_token).filter(|h| Some(h) != rejected)?;
    let refresh_at = stored.refresh_at.map(|t| {
        let left = t.duration_since(SystemTime::now()).unwrap_or_default();
        Instant::now() + left
    });
    Some(Found { header, refresh_at })
}

/// The usable token `cache` holds for this client, unless it is the one just answered
/// with 401 (`rejected`), which is removed instead.
fn from_disk(
    cache: &TokenCache,
    settings: &ClientCredentials,
    rejected: Option<&HeaderValue>,
) -> Option<Found> {
    let key = settings.cache_key();
    let Some(found) = cache.load(&key).and_then(|s| found(s, rejected)) else {
        if rejected.is_some() {
            if let Err(e) = cache.remove(&key) {
                tracing::warn!(cache = %cache.dir().display(), error = %e, "could not remove a rejected token from the cache");
            }
        }
        return None;
    };
    tracing::debug!(
        endpoint = %settings.token_uri,
        valid_for_s = found.refresh_at.map(|t| t.saturating_duration_since(Instant::now()).as_secs()),
        "using a cached OAuth2 access token"
    );
    Some(found)
}

/// A token that another machine shared (feature `redis`), unless it is `rejected`
/// (then it is forgotten there); otherwise whose turn it is to fetch: `Err(Some(lock
/// id))` when this machine's, `Err(None)` without a shared store, when it cannot say,
/// or when the other machine's token is the rejected one.
#[cfg(feature = "redis")]
async fn from_shared(
    settings: &ClientCredentials,
    rejected: Option<&HeaderValue>,
    deadline: Option<Instant>,
) -> Result<Found, Option<String>> {
    use crate::shared_tokens::{self, Turn};
    let Some(state) = &settings.shared_tokens else {
        return Err(None);
    };
    let key = settings.cache_key();
    if let Some(stored) = shared_tokens::load(state, &key, deadline).await {
        match found(stored, rejected) {
            Some(found) => return Ok(found),
            None => shared_tokens::forget(state, &key).await,
        }
    }
    match shared_tokens::turn(state, &key, deadline).await {
        Turn::Mine(id) => Err(Some(id)),
        Turn::Theirs(stored) => found(stored, rejected).ok_or(None),
        Turn::Alone => Err(None),
    }
}

/// The longest a token is used before asking for a new one, whatever `expires_in`
/// says: a server (or a proxy) can answer anything, and the expiry is written to the
/// token cache and shown by `connkit auth status`. ISC's tokens live minutes.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug)]
struct Token {
    access_token: Secret,
    expires_in: Option<Duration>,
}

/// Reads `{access_token, token_type, expires_in}` leniently: extra fields are ignored,
/// `expires_in` may be a number or a numeric string, `token_type` may be absent.
fn parse_token(body: &[u8]) -> Result<Token, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e})"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "the body is not a JSON object".to_owned())?;
    let access_token = match object.get("access_token") {
        Some(serde_json::Value::String(t)) if !t.trim().is_empty() => Secret::new(t.as_str()),
        Some(serde_json::Value::String(_)) => return Err("access_token is empty".into()),
        Some(_) => return Err("access_token is not a string".into()),
        None => return Err("there is no access_token".into()),
    };
    match object.get("token_type") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {}
        Some(serde_json::Value::String(t)) => {
            return Err(format!("token_type is {t:?}, expected \"bearer\""))
        }
        Some(_) => return Err("token_type is not a string".into()),
    }
    let expires_in = match object.get("expires_in") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Number(n)) => Some(
            n.as_u64()
                .map(Duration::from_secs)
                .or_else(|| {
                    n.as_f64()
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .and_then(|s| Duration::try_from_secs_f64(s).ok())
                })
                .ok_or_else(|| format!("expires_in {n} is not a number of seconds"))?,
        ),
        Some(serde_json::Value::String(s)) => Some(
            s.trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| format!("expires_in {s:?} is not a number of seconds"))?,
        ),
        Some(_) => return Err("expires_in is not a number".into()),
    };
    Ok(Token {
        access_token,
        expires_in: expires_in.map(|lifetime| lifetime.min(MAX_TOKEN_LIFETIME)),
    })
}

#[async_trait::async_trait]
impl<T: Transport> Transport for AuthLayer<T> {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let (settings, tokens) = match &*self.state {
            State::Static(header) => {
                request.headers_mut().insert(AUTHORIZATION, header.clone());
                return self.inner.send(request).await;
            }
            State::OAuth { settings, .. } if !same_origin(&settings.token_uri, request.uri()) => {
                tracing::debug!(
                    host = request.uri().host(),
                    "not the token's origin: sending without Authorization"
                );
                request.headers_mut().remove(AUTHORIZATION);
                return self.inner.send(request).await;
            }
            State::OAuth { settings, tokens } => (settings, tokens),
        };
        let deadline = deadline_of(&request);
        let (header, generation) = self.token(settings, tokens, None, deadline).await?;
        let mut first = clone_request(&request);
        first.headers_mut().insert(AUTHORIZATION, header);
        let response = self.inner.send(first).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        tracing::debug!("401 with a cached token: refreshing it and replaying once");
        let (header, _) = self
            .token(settings, tokens, Some(generation), deadline)
            .await?;
        request.headers_mut().insert(AUTHORIZATION, header);
        self.inner.send(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_token_leniently() {
        let t = parse_token(
            br#"{"access_token":"abc","token_type":"Bearer","expires_in":749,"jti":"x"}"#,
        )
        .unwrap();
        assert_eq!(t.access_token.expose(), "abc");
        assert_eq!(t.expires_in, Some(Duration::from_secs(749)));
        let t = parse_token(br#"{"access_token":"abc","expires_in":"30"}"#).unwrap();
        assert_eq!(t.expires_in, Some(Duration::from_secs(30)));
        assert_eq!(
            parse_token(br#"{"access_token":"abc"}"#)
                .unwrap()
                .expires_in,
            None
        );
        let huge = parse_token(br#"{"access_token":"abc","expires_in":1e300}"#);
        assert!(huge.err().unwrap().contains("expires_in"));
        let long = parse_token(br#"{"access_token":"abc","expires_in":18446744073709551615}"#);
        assert_eq!(long.unwrap().expires_in, Some(MAX_TOKEN_LIFETIME));
        let days = parse_token(br#"{"access_token":"abc","expires_in":"99999999999"}"#);
        assert_eq!(days.unwrap().expires_in, Some(MAX_TOKEN_LIFETIME));
        let minutes = parse_token(br#"{"access_token":"abc","expires_in":749}"#);
        assert_eq!(minutes.unwrap().expires_in, Some(Duration::from_secs(749)));
    }

    #[test]
    fn refuses_what_is_not_a_bearer_token() {
        for (body, needle) in [
            (&b"<html>"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (br#"{"token_type":"bearer"}"#, "no access_token"),
            (br#"{"access_token":""}"#, "empty"),
            (br#"{"access_token":"  "}"#, "empty"),
            (br#"{"access_token":5}"#, "not a string"),
            (br#"{"access_token":"a","token_type":"mac"}"#, "mac"),
            (br#"{"access_token":"a","expires_in":-1}"#, "expires_in"),
            (br#"{"access_token":"a","expires_in":"soon"}"#, "expires_in"),
        ] {
            let err = parse_token(body).err().unwrap();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        let token: http::Uri = "https://Tenant.example/oauth/token".parse().unwrap();
        let same = |uri: &str| same_origin(&token, &uri.parse().unwrap());
        assert!(same("https://tenant.example/v2024/connectors"));
        assert!(same("https://TENANT.example:443/x"));
        assert!(!same("http://tenant.example/x"), "another scheme");
        assert!(!same("https://tenant.example:8443/x"), "another port");
        assert!(!same("https://tenant.example.evil/x"), "another host");
        assert!(!same("https://evil.example/x"), "another host");
        assert!(!same("/v2024/connectors"), "no host at all");
        let local: http::Uri = "http://127.0.0.1:8080/auth/v1/token".parse().unwrap();
        assert!(same_origin(
            &local,
            &"http://127.0.0.1:8080/api".parse().unwrap()
        ));
        assert!(!same_origin(
            &local,
            &"http://127.0.0.1:8081/api".parse().unwrap()
        ));
    }

    #[test]
    fn empty_credentials_are_refused_up_front() {
        let base = BaseUrl::parse("https://t.example").unwrap();
        assert!(Auth::bearer("").is_err());
        assert!(Auth::bearer(" ").is_err());
        assert!(Auth::client_credentials(&base, "", "s").is_err());
        assert!(Auth::client_credentials(&base, "id", "").is_err());
        assert!(AuthLayer::new((), Auth::Bearer(Secret::new(""))).is_err());
        assert!(AuthLayer::new((), Auth::Bearer(Secret::new("a\nb"))).is_err());
        let ok = ClientCredentials::new(&base, "id", "s").unwrap();
        assert_eq!(ok.token_uri().to_string(), "https://t.example/oauth/token");
        assert_eq!(ok.client_id(), "id");
    }
}
