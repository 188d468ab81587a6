//! From the global options to a ConductorOne [`Client`], and from its errors to exit
//! codes.
//!
//! Where the tenant comes from: `--sandbox` (the embedded sandbox, which serves both
//! APIs from one state), else what [`tenant::sources`] resolves with ConductorOne's
//! names ([`SETTINGS`]: flags, then `CONDUCTORONE_*`, then the profile named by
//! `--profile`, which must be for platform `c1`, or a default profile that is; the
//! tenant URL defaults to the client id's host). `--token`, else
//! `CONDUCTORONE_ACCESS_TOKEN`, is a static token. `--ca-cert`, `--rate-limit`,
//! `--timeout`, `--retries` and the token cache (`--no-token-cache`, `connkit auth
//! status|logout`) apply as they do to ISC.

use std::sync::Arc;

use connkit_c1::{Client, ClientBuilder, Error, ENV_ACCESS_TOKEN, SETTINGS};
use connkit_transport::{Setting, TokenCache, PLATFORM_C1};

use crate::args::GlobalArgs;
use crate::connect::{embedded_sandbox, stack_options};
use crate::exit::{Exit, Failure};
use crate::rate_limit::ProfileLimits;
use crate::tenant;

/// Builds the client the global options ask for.
pub fn client(global: &GlobalArgs) -> Result<Client, Failure> {
    let (builder, profile) = if global.sandbox {
        let sandbox = Arc::new(embedded_sandbox(global.quiet)?);
        // No base URL: an in-process backend is addressed at `IN_PROCESS_BASE_URL`.
        let builder = Client::builder().backend_with_stack(sandbox);
        (builder, ProfileLimits::default())
    } else {
        tenant_client(global)?
    };
    let policy = crate::rate_limit::policy(global, &profile)?;
    let shared = crate::rate_limit::shared_state(global, &profile)?;
    let retry = connkit_c1::default_retry_policy();
    builder
        .configure_stack(stack_options(global, policy, shared, retry))
        .build()
        .map_err(failure)
}

/// A tenant, with what the profile used says about limits.
fn tenant_client(global: &GlobalArgs) -> Result<(ClientBuilder, ProfileLimits), Failure> {
    let token = global.token.clone().or_else(|| {
        std::env::var(ENV_ACCESS_TOKEN)
            .ok()
            .filter(|t| !t.trim().is_empty())
    });
    let resolved = tenant::sources(global, SETTINGS)
        .needs_credentials(token.is_none())
        .resolve()
        .map_err(|e| {
            if e.as_config()
                .is_some_and(|c| c.is_missing(Setting::BaseUrl))
            {
                Failure::usage(format!(
                    "no ConductorOne tenant is configured: pass --base-url \
                     https://TENANT.conductor.one (with --token or --client-id/--client-secret), \
                     set {} or {}/{}, use a `{PLATFORM_C1}` profile (--profile NAME), or try \
                     the embedded sandbox: connkit --sandbox c1 …",
                    connkit_c1::ENV_SERVER_URL,
                    connkit_c1::ENV_CLIENT_ID,
                    connkit_c1::ENV_CLIENT_SECRET,
                ))
            } else {
                tenant::usage(e)
            }
        })?;
    let mut builder = Client::builder()
        .config(&resolved)
        .allow_http(global.allow_http);
    if let Some(token) = token {
        builder = builder.token(token);
    }
    if let Some(cache) = TokenCache::user().filter(|_| !global.no_token_cache) {
        builder = builder.token_cache(cache);
    }
    if let Some(backend) = tenant::ca_backend(global, &resolved)? {
        builder = builder.backend_with_stack(backend);
    }
    Ok((builder, ProfileLimits::of(&resolved)))
}

/// A client error with its exit code and `c1-trace-id`. A write that may have been
/// applied is the library's [`Error::MaybeApplied`] (exit 7), as for ISC.
pub fn failure(error: Error) -> Failure {
    let exit = Exit::of(error.kind());
    Failure::client(error, exit)
}
