//! A tenant's settings from the global options: which sources to resolve them from
//! (flags, then `SAIL_*` / `CONNKIT_TOKEN`, then the chosen or default profile, then
//! `./config.json`), and the auth for what they resolve to, with the token cache.

use std::sync::Arc;

use connkit_transport::{
    Auth, ClientCredentials, ConfigSources, ExplicitConfig, ProfileFile, ResolvedConfig, Secret,
    SettingNames, TokenCache, Transport, TransportError, UserDir,
};

use crate::args::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{Requested, PROFILE_KEY};

/// The sources the global options name, for the API `names` describes (ISC's or
/// ConductorOne's). A bearer token (`--token`, `CONNKIT_TOKEN`) means no client
/// credentials are needed, so no file is read for them.
pub fn sources(global: &GlobalArgs, names: SettingNames) -> ConfigSources<'static> {
    let explicit = ExplicitConfig {
        base_url: global.base_url.clone(),
        client_id: global.client_id.clone(),
        client_secret: global.client_secret.clone().map(Secret::new),
    };
    let sources = ConfigSources::new(names)
        .explicit(explicit)
        .needs_credentials(global.token.is_none())
        .allow_http(global.allow_http)
        // `--timeout` bounds the whole command, a profile's `secret_command` included.
        .deadline(
            global
                .timeout
                .and_then(|limit| std::time::Instant::now().checked_add(limit)),
        );
    match ProfileFile::user_path() {
        Some(file) => sources.profiles(file, global.profile.clone()),
        None => sources,
    }
}

/// The HTTP backend that trusts the extra CA certificates of `--ca-cert`, else of the
/// profile used, if either names some.
pub fn ca_backend(
    global: &GlobalArgs,
    resolved: &ResolvedConfig,
) -> Result<Option<Arc<dyn Transport>>, Failure> {
    let ca_cert = match (&global.ca_cert, &resolved.ca_cert) {
        (Some(file), _) => Some((file.as_path(), "--ca-cert".to_owned())),
        (None, Some(file)) => Some((file.value.as_path(), format!("{}: ca_cert", file.origin))),
        (None, None) => None,
    };
    match ca_cert {
        Some((file, source)) => Ok(Some(Arc::new(crate::trust::backend(file, &source)?))),
        None => Ok(None),
    }
}

/// Client-credentials auth for `resolved`, if it has credentials, sharing tokens across
/// runs through the user's token cache unless `--no-token-cache`.
pub fn auth(resolved: &ResolvedConfig, global: &GlobalArgs) -> Result<Option<Auth>, Failure> {
    let (Some(id), Some(secret)) = (&resolved.client_id, &resolved.client_secret) else {
        return Ok(None);
    };
    let mut credentials = ClientCredentials::new(
        &resolved.base_url.value,
        id.value.clone(),
        secret.value.clone(),
    )
    .map_err(usage)?;
    if !global.no_token_cache {
        if let Some(cache) = TokenCache::user() {
            credentials = credentials.token_cache(cache);
        }
    }
    Ok(Some(Auth::ClientCredentials(credentials)))
}

/// The output format of the chosen (or default) profile (its [`PROFILE_KEY`]), for
/// when `-o` is not given. Best effort: a profiles file that cannot be read is reported
/// by the commands that need a profile to connect, not by the choice of a format; an
/// unknown format is ignored with a warning, so that `connkit profile …` can still fix
/// it.
pub fn profile_output(global: &GlobalArgs) -> Option<Requested> {
    let file = ProfileFile::load(ProfileFile::user_path()?).ok()?;
    let name = global.profile.as_deref().or(file.default_name())?;
    let output = file.get(name)?.extra.get(PROFILE_KEY)?;
    let format = clap::ValueEnum::from_str(output, true).ok();
    if format.is_none() && !global.quiet {
        eprintln!(
            "warning: profile `{name}` in {}: {PROFILE_KEY} `{output}` is not table, json, \
             ndjson or yaml; ignored",
            file.path().display()
        );
    }
    format
}

/// The chosen profile's name (`--profile`, `CONNKIT_PROFILE`), else the profiles
/// file's default, if any.
pub fn profile_name(global: &GlobalArgs) -> Option<String> {
    if let Some(name) = &global.profile {
        return Some(name.clone());
    }
    let file = ProfileFile::load(ProfileFile::user_path()?).ok()?;
    file.default_name().map(str::to_owned)
}

/// A configuration error as a usage failure (exit 2).
pub fn usage(error: TransportError) -> Failure {
    Failure::Error {
        exit: Exit::Usage,
        error: Box::new(error),
        tracking_id: None,
    }
}

/// The failure when no variable names one of the user's directories.
pub fn no_user_dir(dir: UserDir, what: &str) -> Failure {
    Failure::usage(format!(
        "cannot find a directory for {what}: set {} (or HOME)",
        dir.override_var()
    ))
}
