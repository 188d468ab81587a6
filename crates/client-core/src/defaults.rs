//! [`DefaultSources`]: what each API client's `Client::try_default()` reads — the
//! environment, the active profile and the config-file chain, resolved as the `connkit`
//! command line resolves them when given no flags — defined once for both APIs, with
//! the environment injectable so tests never touch the process.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use connkit_transport::{
    read_user_file, ConfigError, ConfigSources, HttpBackend, RateLimitPolicy, ResolvedConfig,
    Secret, SettingNames, TokenCache, TransportError, TransportStackBuilder, UserDir, ENV_PROFILE,
    PROFILES_FILE,
};

/// A bearer token to send as is, for either API (ConductorOne also reads its own
/// `CONDUCTORONE_ACCESS_TOKEN`); with one, no client credentials are needed.
pub const ENV_TOKEN: &str = "CONNKIT_TOKEN";

/// The rate-limit policy (`auto`, `off`, `N/10s`, …), above a profile's `rate_limit`.
pub const ENV_RATE_LIMIT: &str = "CONNKIT_RATE_LIMIT";

/// A CA bundle larger than this is not a CA bundle (the system's whole store is about
/// 200 KiB).
const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;

/// Looks an environment variable up.
type Vars<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Where `try_default` finds a client's settings, first match wins, field by field:
///
/// 1. the API's environment variables (ISC's `SAIL_*`, ConductorOne's
///    `CONDUCTORONE_*`) and [`ENV_TOKEN`] (a bearer token, so no credentials are
///    needed);
/// 2. the profile [`ENV_PROFILE`] names, else the profiles file's default one
///    (`profiles.toml` in [`UserDir::Config`]), if it is for the API's platform;
/// 3. the API's config file, if it has one (ISC: `./config.json`).
///
/// [`ENV_RATE_LIMIT`], else the profile's `rate_limit`, sets the rate-limit policy; the
/// profile's `ca_cert` adds trusted CA certificates; client-credentials tokens are
/// shared through the user's token cache ([`TokenCache::SUBDIR`] of
/// [`UserDir::Cache`]). [`process`](DefaultSources::process) reads the process
/// environment; [`env`](DefaultSources::env) any other.
pub struct DefaultSources<'a> {
    vars: Vars<'a>,
    config_file: Option<PathBuf>,
}

impl fmt::Debug for DefaultSources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultSources")
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl DefaultSources<'static> {
    /// The process environment, the user's directories and the API's own config file.
    pub fn process() -> Self {
        DefaultSources::env(|name| std::env::var(name).ok())
    }
}

impl<'a> DefaultSources<'a> {
    /// Reads variables (and the user's directories, `HOME` and the XDG ones included)
    /// through `lookup` instead of the process environment.
    pub fn env(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        DefaultSources {
            vars: Box::new(lookup),
            config_file: None,
        }
    }

    /// Reads this config file instead of the API's default one; it must exist.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Resolves the settings of the API `names` describes; a bearer token is the first
    /// non-blank of `token_vars`. Fails with the configuration error that names what is
    /// missing or wrong and where it came from (e.g. no base URL: which variable, profile
    /// or file could give one).
    pub fn resolve(
        &self,
        names: SettingNames,
        token_vars: &[&str],
    ) -> Result<Defaults, TransportError> {
        let var = |name: &str| (self.vars)(name).filter(|v| !v.trim().is_empty());
        let token = token_vars
            .iter()
            .find_map(|name| var(name))
            .map(Secret::new);
        let dir = |dir: UserDir| dir.path_with(|name| var(name).map(OsString::from));
        let mut sources = ConfigSources::new(names)
            .env(var)
            .needs_credentials(token.is_none());
        if let Some(file) = &self.config_file {
            sources = sources.config_file(file);
        }
        if let Some(config_dir) = dir(UserDir::Config) {
            sources = sources.profiles(config_dir.join(PROFILES_FILE), var(ENV_PROFILE));
        }
        let config = sources.resolve()?;
        let rate_limit = match var(ENV_RATE_LIMIT) {
            Some(text) => Some(text.parse().map_err(|e| {
                TransportError::Config(ConfigError::invalid(format!("{ENV_RATE_LIMIT}: {e}")))
            })?),
            None => config.rate_limit.as_ref().map(|policy| policy.value),
        };
        let backend = match &config.ca_cert {
            Some(file) => Some(trusting(&file.value, &format!("{}: ca_cert", file.origin))?),
            None => None,
        };
        Ok(Defaults {
            token_cache: dir(UserDir::Cache)
                .map(|cache| TokenCache::in_dir(cache.join(TokenCache::SUBDIR))),
            config,
            token,
            rate_limit,
            backend,
        })
    }
}

/// What [`DefaultSources::resolve`] found: everything an API's `try_default` builds its
/// client from.
#[derive(Debug)]
#[non_exhaustive]
pub struct Defaults {
    /// The base URL and client credentials, each with where it came from.
    pub config: ResolvedConfig,
    /// A bearer token, if one was set (it takes the place of client credentials).
    pub token: Option<Secret>,
    /// The rate-limit policy, if the environment or the profile sets one (else the
    /// API's default applies).
    pub rate_limit: Option<RateLimitPolicy>,
    /// The reqwest backend that also trusts the profile's `ca_cert`, if it names one.
    pub backend: Option<HttpBackend>,
    /// The user's token cache, if a directory for it is known.
    pub token_cache: Option<TokenCache>,
}

impl Defaults {
    /// Applies the stack settings found (the rate-limit policy) to `stack`.
    pub fn stack(&self) -> impl FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send {
        let rate_limit = self.rate_limit;
        move |stack| match rate_limit {
            Some(policy) => stack.rate_limit_policy(policy),
            None => stack,
        }
    }
}

/// The reqwest backend trusting the platform's roots and every certificate in `file`
/// (PEM), named by `source` in any error.
fn trusting(file: &Path, source: &str) -> Result<HttpBackend, TransportError> {
    let name = format!("{source} {}", file.display());
    let pem = read_user_file(file, MAX_PEM_BYTES).map_err(|e| {
        ConfigError::unreadable(format!(
            "{name}: cannot read it: {e}; expected PEM CA certificates"
        ))
    })?;
    HttpBackend::builder()
        .add_root_certificates_pem(pem)
        .build()
        .map_err(|e| ConfigError::invalid(format!("{name}: {e}")).into())
}
