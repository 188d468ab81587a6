//! From the global options to a client of either API, the same way for both: the
//! embedded sandbox (`--sandbox`, which serves both APIs from one state), or a tenant
//! resolved from flags, then the API's variables (`SAIL_*` or `CONDUCTORONE_*`) and a
//! bearer token, then a profile of the API's platform, then a config file where the API
//! has one (see [`crate::tenant`]), with client-credentials tokens shared across runs
//! through the token cache (`--no-token-cache`, `connkit auth status|logout`); then the
//! same stack settings (`--timeout`, `--retries`, `--rate-limit`, `--ca-cert`) over the
//! API's own defaults. [`Api`] is
//! what differs; [`within_timeout`] bounds a whole command.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connkit_models::preflight::Validator;
use connkit_sandbox::{Sandbox, SandboxError, DEMO_SEED};
use connkit_transport::{
    RateLimitPolicy, ResolvedConfig, RetryPolicy, Secret, Setting, SettingNames, SharedState,
    TokenCache, Transport, TransportStackBuilder, PLATFORM_C1,
};

use crate::args::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::rate_limit::ProfileLimits;
use crate::sandbox_home;
use crate::tenant;

/// Whether a command sends bodies, and so needs the pre-flight validators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preflight {
    /// Reads only: no plugin is loaded.
    NotNeeded,
    /// Sends a body: built-ins and plugins run first, unless `--no-preflight`.
    Needed,
}

/// What the global options do to a client's stack (see [`stack_options`]).
pub type StackHook = Box<dyn FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send>;

/// What differs between the APIs when the command line builds a client: the names of
/// their settings, their builder, and what they say when no tenant is configured.
/// Everything else ([`client`]) is done the same way for both.
pub trait Api {
    /// The API's client.
    type Client;
    /// The API's client builder.
    type Builder;
    /// Where its settings come from: variables, the profiles' platform, a config file.
    const SETTINGS: SettingNames;
    /// A variable holding a static token, read when `--token`/`CONNKIT_TOKEN` is unset.
    const ENV_TOKEN: Option<&'static str>;
    /// A builder at the API's defaults.
    fn builder() -> Self::Builder;
    /// The builder for the tenant `resolved` names, with its client credentials.
    fn tenant(resolved: &ResolvedConfig, global: &GlobalArgs) -> Result<Self::Builder, Failure>;
    /// Sends a static bearer token.
    fn token(builder: Self::Builder, token: String) -> Self::Builder;
    /// Sends through `backend` under the standard stack.
    fn backend(builder: Self::Builder, backend: Arc<dyn Transport>) -> Self::Builder;
    /// Adjusts the standard stack.
    fn configure_stack(builder: Self::Builder, hook: StackHook) -> Self::Builder;
    /// The API's retry policy, which `--retries N` bounds.
    fn retry_policy() -> RetryPolicy;
    /// Builds the client, with pre-flight validators where the API has them.
    fn build(
        builder: Self::Builder,
        preflight: Preflight,
        global: &GlobalArgs,
    ) -> Result<Self::Client, Failure>;
    /// The usage error when no tenant is configured: where one can be given.
    fn no_tenant() -> String;
}

/// SailPoint Identity Security Cloud's Connectors API (`connkit connectors …`).
#[derive(Debug)]
pub enum Isc {}

/// ConductorOne's ConnectorService (`connkit c1 …`).
#[derive(Debug)]
pub enum C1 {}

impl Api for Isc {
    type Client = connkit_connectors::Client;
    type Builder = connkit_connectors::ClientBuilder;
    const SETTINGS: SettingNames = connkit_connectors::SETTINGS;
    const ENV_TOKEN: Option<&'static str> = None;

    fn builder() -> Self::Builder {
        connkit_connectors::Client::builder()
    }

    /// Client-credentials auth shares tokens across runs through the token cache.
    fn tenant(resolved: &ResolvedConfig, global: &GlobalArgs) -> Result<Self::Builder, Failure> {
        let mut builder = Self::builder().base(resolved.base_url.value.clone());
        if let Some(auth) = tenant::auth(resolved, global)? {
            builder = builder.auth(auth);
        }
        Ok(builder)
    }

    fn token(builder: Self::Builder, token: String) -> Self::Builder {
        builder.token(Secret::new(token))
    }

    fn backend(builder: Self::Builder, backend: Arc<dyn Transport>) -> Self::Builder {
        builder.backend_with_stack(backend)
    }

    fn configure_stack(builder: Self::Builder, hook: StackHook) -> Self::Builder {
        builder.configure_stack(hook)
    }

    fn retry_policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    fn build(
        builder: Self::Builder,
        preflight: Preflight,
        global: &GlobalArgs,
    ) -> Result<Self::Client, Failure> {
        let builder = match (global.no_preflight, preflight) {
            (true, _) => builder.no_preflight(),
            (false, Preflight::NotNeeded) => builder,
            (false, Preflight::Needed) => crate::plugins::validators(global)?
                .into_iter()
                .fold(builder, |builder, validator: Arc<dyn Validator>| {
                    builder.validator(validator)
                }),
        };
        builder.build().map_err(Failure::from)
    }

    fn no_tenant() -> String {
        format!(
            "no API base URL is configured: pass --base-url URL, set {}, use a profile \
             (connkit profile add), or put \"BaseURL\" in ./{} (e.g. \
             https://TENANT.api.identitynow.com)\nor try the embedded sandbox: connkit \
             --sandbox …",
            connkit_connectors::ENV_BASE_URL,
            connkit_connectors::DEFAULT_CONFIG_FILE
        )
    }
}

impl Api for C1 {
    type Client = connkit_c1::Client;
    type Builder = connkit_c1::ClientBuilder;
    const SETTINGS: SettingNames = connkit_c1::SETTINGS;
    const ENV_TOKEN: Option<&'static str> = Some(connkit_c1::ENV_ACCESS_TOKEN);

    fn builder() -> Self::Builder {
        connkit_c1::Client::builder()
    }

    /// The library signs its own client assertion from the resolved credentials; the
    /// tokens it buys are shared across runs through the token cache, as ISC's are.
    fn tenant(resolved: &ResolvedConfig, global: &GlobalArgs) -> Result<Self::Builder, Failure> {
        let mut builder = Self::builder()
            .config(resolved)
            .allow_http(global.allow_http);
        if let Some(cache) = TokenCache::user().filter(|_| !global.no_token_cache) {
            builder = builder.token_cache(cache);
        }
        Ok(builder)
    }

    fn token(builder: Self::Builder, token: String) -> Self::Builder {
        builder.token(token)
    }

    fn backend(builder: Self::Builder, backend: Arc<dyn Transport>) -> Self::Builder {
        builder.backend_with_stack(backend)
    }

    fn configure_stack(builder: Self::Builder, hook: StackHook) -> Self::Builder {
        builder.configure_stack(hook)
    }

    fn retry_policy() -> RetryPolicy {
        connkit_c1::default_retry_policy()
    }

    /// No pre-flight validators: ConductorOne's bodies are JSON fields, not documents.
    fn build(
        builder: Self::Builder,
        _preflight: Preflight,
        _global: &GlobalArgs,
    ) -> Result<Self::Client, Failure> {
        builder.build().map_err(Failure::from)
    }

    fn no_tenant() -> String {
        format!(
            "no ConductorOne tenant is configured: pass --base-url \
             https://TENANT.conductor.one (with --token or --client-id/--client-secret), \
             set {} or {}/{}, use a `{PLATFORM_C1}` profile (--profile NAME), or try \
             the embedded sandbox: connkit --sandbox c1 …",
            connkit_c1::ENV_SERVER_URL,
            connkit_c1::ENV_CLIENT_ID,
            connkit_c1::ENV_CLIENT_SECRET,
        )
    }
}

/// Builds the client of API `A` that the global options ask for, with the rate-limit
/// policy it uses (`--all` sizes its concurrency by it).
pub fn client<A: Api>(
    global: &GlobalArgs,
    preflight: Preflight,
) -> Result<(A::Client, RateLimitPolicy), Failure> {
    let token = global.token.clone().or_else(|| {
        A::ENV_TOKEN
            .and_then(|name| std::env::var(name).ok())
            .filter(|t| !t.trim().is_empty())
    });
    let (mut builder, profile) = if global.sandbox {
        // In-process: no base URL needed (nothing goes on the network).
        let sandbox = Arc::new(embedded_sandbox(global.quiet)?);
        (A::backend(A::builder(), sandbox), ProfileLimits::default())
    } else {
        let resolved = tenant::sources(global, A::SETTINGS)
            .needs_credentials(token.is_none())
            .resolve()
            .map_err(|e| {
                if e.as_config()
                    .is_some_and(|c| c.is_missing(Setting::BaseUrl))
                {
                    Failure::usage(A::no_tenant())
                } else {
                    tenant::usage(e)
                }
            })?;
        let mut builder = A::tenant(&resolved, global)?;
        if let Some(backend) = tenant::ca_backend(global, &resolved)? {
            builder = A::backend(builder, backend);
        }
        (builder, ProfileLimits::of(&resolved))
    };
    let policy = crate::rate_limit::policy(global, &profile)?;
    let shared = crate::rate_limit::shared_state(global, &profile)?;
    let hook = stack_options(global, policy, shared, A::retry_policy());
    builder = A::configure_stack(builder, Box::new(hook));
    if let Some(token) = token {
        builder = A::token(builder, token);
    }
    Ok((A::build(builder, preflight, global)?, policy))
}

/// The embedded sandbox (both APIs), its state in the data directory (seeded with the
/// demo set the first time, with a note on stderr saying where).
pub fn embedded_sandbox(quiet: bool) -> Result<Sandbox, Failure> {
    let state = sandbox_home::state_file()?;
    sandbox_home::import_legacy(&state, quiet)?;
    let fresh = !state.exists();
    let sandbox = Sandbox::builder()
        .seed(DEMO_SEED)
        .state_file(&state)
        .build()
        .map_err(|e| {
            let hint = match e {
                SandboxError::StateCorrupt { .. } => {
                    " (`connkit sandbox reset` discards it and starts afresh)"
                }
                _ => "",
            };
            Failure::context(format!("opening the embedded sandbox{hint}"), e)
        })?;
    if fresh && !quiet {
        eprintln!(
            "note: new embedded sandbox with {DEMO_SEED} demo connectors, kept in {} \
             (`connkit sandbox reset` starts it afresh)",
            state.display()
        );
    }
    Ok(sandbox)
}

/// The stack settings of the global options, for either API's builder: `--timeout`
/// bounds each whole operation; `--retries N` allows N retries (N + 1 attempts) of the
/// API's `retry` policy; `rate_limit` is the policy (its default, `auto`, gives the
/// embedded sandbox no limiter: a `--all` listing of a large seed is not held to 100
/// requests per 10 s), shared across machines through `shared` if given (with the
/// tokens, unless `--shared-state-tokens off`).
fn stack_options(
    global: &GlobalArgs,
    rate_limit: RateLimitPolicy,
    shared: Option<SharedState>,
    retry: RetryPolicy,
) -> impl FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send + 'static {
    let (timeout, retries) = (global.timeout, global.retries);
    let share_tokens = global.shared_state_tokens == "on";
    move |mut stack| {
        stack = stack
            .rate_limit_policy(rate_limit)
            .shared_state(shared)
            .share_tokens(share_tokens);
        if let Some(limit) = timeout {
            stack = stack.operation_timeout(limit);
        }
        match retries {
            None => stack,
            Some(0) => stack.retry(RetryPolicy::no_retries()),
            Some(n) => stack.retry(retry.max_attempts(n.saturating_add(1))),
        }
    }
}

/// Runs a command that talks to a tenant within `--timeout` (`limit`), if given. The
/// command gets the deadline, which its requests carry where they can; the timer
/// bounds the rest (the many requests of `pull` and `push`, a C1 listing), so no
/// command outlives `--timeout`. `writes`: running out may leave writes applied.
pub async fn within_timeout<Fut>(
    limit: Option<Duration>,
    writes: bool,
    command: impl FnOnce(Option<Instant>) -> Fut,
) -> Result<(), Failure>
where
    Fut: Future<Output = Result<(), Failure>>,
{
    let Some(limit) = limit else {
        return command(None).await;
    };
    let deadline = Instant::now().checked_add(limit);
    let ran_out = format!("--timeout {limit:?} ran out before the command finished");
    match (
        tokio::time::timeout(limit, command(deadline)).await,
        deadline,
    ) {
        (Err(_elapsed), _) if writes => Err(Failure::plain(
            Exit::MaybeApplied,
            format!(
                "{ran_out}; writes in flight may have been applied (run it again: it converges)"
            ),
        )),
        (Err(_elapsed), _) => Err(Failure::plain(Exit::Unavailable, ran_out)),
        (Ok(Err(failure)), Some(deadline)) if Instant::now() >= deadline => {
            Err(failure.with_context(ran_out))
        }
        (Ok(result), _) => result,
    }
}
