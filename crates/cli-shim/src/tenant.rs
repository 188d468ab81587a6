//! A tenant's settings from the global options: which sources to resolve them from
//! (flags, then `SAIL_*` / `CONNKIT_TOKEN`, then the chosen or default profile, then
//! `./config.json`), and the auth for what they resolve to, with the token cache.

use connkit_transport::{
    Auth, ClientCredentials, ConfigSources, ExplicitConfig, ProfileFile, ResolvedConfig, Secret,
    TokenCache, TransportError, UserDir,
};

use crate::args::{GlobalArgs, OutputFormat};
use crate::exit::{Exit, Failure};

/// The sources the global options name. A bearer token (`--token`, `CONNKIT_TOKEN`)
/// means no client credentials are needed, so no file is read for them.
pub fn sources(global: &GlobalArgs) -> ConfigSources<'static> {
    let explicit = ExplicitConfig {
        base_url: global.base_url.clone(),
        client_id: global.client_id.clone(),
        client_secret: global.client_secret.clone().map(Secret::new),
    };
    let sources = ConfigSources::new()
        .explicit(explicit)
        .needs_credentials(global.token.is_none())
        .allow_http(global.allow_http);
    match ProfileFile::user_path() {
        Some(file) => sources.profiles(file, global.profile.clone()),
        None => sources,
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

/// The output format of the chosen (or default) profile, for when `-o` is not given.
/// Best effort: a profiles file that cannot be read is reported by the commands that
/// need a profile to connect, not by the choice of a format.
pub fn profile_output(global: &GlobalArgs) -> Option<OutputFormat> {
    let file = ProfileFile::load(ProfileFile::user_path()?).ok()?;
    let name = global.profile.as_deref().or(file.default_name())?;
    let output = file.get(name)?.output.as_deref()?;
    clap::ValueEnum::from_str(output, true).ok()
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
