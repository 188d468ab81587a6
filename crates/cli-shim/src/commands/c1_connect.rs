//! From the global options to a ConductorOne [`Client`], and from its errors to exit
//! codes.
//!
//! Where the tenant comes from: `--sandbox` (the embedded sandbox, which serves both
//! APIs from one state), else flags (`--base-url`, `--token`, `--client-id`,
//! `--client-secret`), then the `CONDUCTORONE_*` variables, then the profile named by
//! `--profile` (which must be for platform `c1`) or a default profile that is.

use std::sync::Arc;

use connkit_c1::{C1Config, Client, Error};
use connkit_transport::{ProfileFile, TransportError, PLATFORM_C1};

use crate::args::GlobalArgs;
use crate::connect::{embedded_sandbox, IN_PROCESS_BASE_URL};
use crate::exit::{Exit, Failure};

/// Builds the client the global options ask for.
pub fn client(global: &GlobalArgs) -> Result<Client, Failure> {
    if global.sandbox {
        let sandbox = embedded_sandbox(global.quiet)?;
        return Client::new(IN_PROCESS_BASE_URL, Arc::new(sandbox)).map_err(failure);
    }
    let config = C1Config {
        server_url: global.base_url.clone(),
        access_token: global.token.clone(),
        client_id: global.client_id.clone(),
        client_secret: global.client_secret.clone(),
    }
    .with_env();
    let config = with_profile(config, global)?;
    if config.server_url.is_none() && config.client_id.is_none() {
        return Err(Failure::usage(format!(
            "no ConductorOne tenant is configured: pass --base-url \
             https://TENANT.conductor.one (with --token or --client-id/--client-secret), set \
             {} or {}/{}, use a `{PLATFORM_C1}` profile (--profile NAME), or try the \
             embedded sandbox: connkit --sandbox c1 …",
            connkit_c1::ENV_SERVER_URL,
            connkit_c1::ENV_CLIENT_ID,
            connkit_c1::ENV_CLIENT_SECRET,
        )));
    }
    let mut builder = config.builder().allow_http(global.allow_http);
    if let Some(retries) = global.retries {
        builder = builder.retries(retries.saturating_add(1));
    }
    if let Some(limit) = global.timeout {
        builder = builder.timeout(limit);
    }
    builder.build().map_err(failure)
}

/// Fills what is unset from the named profile, or from the default one when it is a
/// ConductorOne profile.
fn with_profile(config: C1Config, global: &GlobalArgs) -> Result<C1Config, Failure> {
    let Some(path) = ProfileFile::user_path().filter(|p| p.exists()) else {
        return match &global.profile {
            Some(name) => Err(Failure::usage(format!(
                "--profile {name}: there is no profiles file (connkit profile add)"
            ))),
            None => Ok(config),
        };
    };
    let file = ProfileFile::load(path).map_err(crate::tenant::usage)?;
    let (name, profile) = match &global.profile {
        Some(name) => (
            name.as_str(),
            file.require(name).map_err(crate::tenant::usage)?,
        ),
        None => match file.default_name().and_then(|n| Some((n, file.get(n)?))) {
            Some((name, profile)) if profile.platform == PLATFORM_C1 => (name, profile),
            _ => return Ok(config),
        },
    };
    config
        .with_profile(name, profile, |var| std::env::var(var).ok())
        .map_err(crate::tenant::usage)
}

/// A client error with its exit code and `c1-trace-id`.
pub fn failure(error: Error) -> Failure {
    let exit = exit_of(&error);
    with_exit(error, exit)
}

/// A write's error: one that got no usable answer may have been applied (7, not 6).
pub fn write_failure(error: Error) -> Failure {
    let exit = match &error {
        Error::Transport(e) if e.may_have_been_processed() && !e.is_auth() => Exit::MaybeApplied,
        _ => exit_of(&error),
    };
    with_exit(error, exit)
}

fn with_exit(error: Error, exit: Exit) -> Failure {
    let tracking_id = error.trace_id().map(str::to_owned);
    Failure::Error {
        exit,
        error: Box::new(error),
        tracking_id,
    }
}

fn exit_of(error: &Error) -> Exit {
    match error {
        Error::InvalidInput { .. } => Exit::Usage,
        Error::Service(e) => match e.status.as_u16() {
            400 => Exit::Usage,
            404 => Exit::NotFound,
            401 | 403 => Exit::Auth,
            429 => Exit::Unavailable,
            _ => Exit::Other,
        },
        Error::Transport(e) => transport_exit(e),
        _ => Exit::Other,
    }
}

fn transport_exit(error: &TransportError) -> Exit {
    if error.is_auth() {
        Exit::Auth
    } else if error.is_rate_limited()
        || error.is_unreachable()
        || matches!(error, TransportError::RetriesExhausted { .. })
    {
        Exit::Unavailable
    } else if matches!(error, TransportError::Config(_)) {
        Exit::Usage
    } else {
        Exit::Other
    }
}
