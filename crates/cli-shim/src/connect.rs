//! From the global options to a [`Client`]: the embedded sandbox (`--sandbox`) or a
//! tenant resolved from flags, then `SAIL_*` / `CONNKIT_TOKEN`, then a profile, then
//! `./config.json` (see [`crate::tenant`]).

use std::sync::Arc;

use connkit_connectors::{Client, ClientBuilder, DEFAULT_CONFIG_FILE, ENV_BASE_URL, SETTINGS};
use connkit_models::preflight::Validator;
use connkit_sandbox::{Sandbox, SandboxError, DEMO_SEED};
use connkit_transport::{
    RateLimitPolicy, RetryPolicy, Secret, Setting, SharedState, TransportStackBuilder,
};

use crate::args::GlobalArgs;
use crate::exit::Failure;
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

/// Builds the client the global options ask for, with the rate-limit policy it uses
/// (`--all` sizes its concurrency by it).
pub fn client(
    global: &GlobalArgs,
    preflight: Preflight,
) -> Result<(Client, RateLimitPolicy), Failure> {
    let (builder, profile) = if global.sandbox {
        (sandbox_client(global.quiet)?, ProfileLimits::default())
    } else {
        tenant_client(global)?
    };
    let policy = crate::rate_limit::policy(global, &profile)?;
    let shared = crate::rate_limit::shared_state(global, &profile)?;
    let mut builder = builder.configure_stack(stack_options(
        global,
        policy,
        shared,
        RetryPolicy::default(),
    ));
    if let Some(token) = &global.token {
        builder = builder.token(Secret::new(token.clone()));
    }
    builder = match (global.no_preflight, preflight) {
        (true, _) => builder.no_preflight(),
        (false, Preflight::NotNeeded) => builder,
        (false, Preflight::Needed) => {
            add_validators(builder, crate::commands::plugins::validators(global)?)
        }
    };
    Ok((builder.build().map_err(Failure::from)?, policy))
}

fn add_validators(builder: ClientBuilder, validators: Vec<Arc<dyn Validator>>) -> ClientBuilder {
    validators
        .into_iter()
        .fold(builder, |builder, validator| builder.validator(validator))
}

/// The embedded sandbox, its state in the data directory.
fn sandbox_client(quiet: bool) -> Result<ClientBuilder, Failure> {
    // In-process: no base URL needed (nothing goes on the network).
    Ok(Client::builder().backend_with_stack(Arc::new(embedded_sandbox(quiet)?)))
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

/// A tenant: explicit flags, then the environment, then a profile, then `./config.json`;
/// with what the profile used says about limits.
fn tenant_client(global: &GlobalArgs) -> Result<(ClientBuilder, ProfileLimits), Failure> {
    let resolved = tenant::sources(global, SETTINGS).resolve().map_err(|e| {
        if e.as_config()
            .is_some_and(|c| c.is_missing(Setting::BaseUrl))
        {
            Failure::usage(format!(
                "no API base URL is configured: pass --base-url URL, set {ENV_BASE_URL}, \
                 use a profile (connkit profile add), or put \"BaseURL\" in ./{DEFAULT_CONFIG_FILE} \
                 (e.g. https://TENANT.api.identitynow.com)\n\
                 or try the embedded sandbox: connkit --sandbox …"
            ))
        } else {
            tenant::usage(e)
        }
    })?;
    let mut builder = Client::builder().base(resolved.base_url.value.clone());
    if let Some(auth) = tenant::auth(&resolved, global)? {
        builder = builder.auth(auth);
    }
    if let Some(backend) = tenant::ca_backend(global, &resolved)? {
        builder = builder.backend_with_stack(backend);
    }
    Ok((builder, ProfileLimits::of(&resolved)))
}

/// The stack settings of the global options, for either API's builder: `--timeout`
/// bounds each whole operation; `--retries N` allows N retries (N + 1 attempts) of the
/// API's `retry` policy; `rate_limit` is the policy (its default, `auto`, gives the
/// embedded sandbox no limiter: a `--all` listing of a large seed is not held to 100
/// requests per 10 s), shared across machines through `shared` if given.
pub fn stack_options(
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
