//! ConductorOne's names for its settings ([`SETTINGS`]): the `CONDUCTORONE_*`
//! variables its own tools read and `c1` profiles, resolved by the same
//! [`ConfigSources`](connkit_transport::ConfigSources) as ISC's; the tenant URL defaults
//! to the client id's host. [`ClientBuilder::config`] takes what they resolve to;
//! [`Client::try_default`] resolves and builds in one call.

use std::sync::Arc;

use connkit_client::{DefaultSources, ENV_TOKEN};
use connkit_transport::{ResolvedConfig, SettingNames, PLATFORM_C1};

use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};

/// A static access token.
pub const ENV_ACCESS_TOKEN: &str = "CONDUCTORONE_ACCESS_TOKEN";
/// The client id, `name@tenant.conductor.one/suffix`.
pub const ENV_CLIENT_ID: &str = "CONDUCTORONE_CLIENT_ID";
/// The client secret, `secret-token:conductorone.com:v1:…`.
pub const ENV_CLIENT_SECRET: &str = "CONDUCTORONE_CLIENT_SECRET";
/// The tenant URL (defaults to `https://HOST` of the client id).
pub const ENV_SERVER_URL: &str = "CONDUCTORONE_SERVER_URL";

/// Where ConductorOne settings come from: explicit values, `CONDUCTORONE_*`, a `c1`
/// profile; no config file; the tenant URL defaults to the client id's host.
///
/// ```
/// use connkit_c1::SETTINGS;
/// use connkit_transport::ConfigSources;
///
/// let resolved = ConfigSources::new(SETTINGS)
///     .env(|name| match name {
///         "CONDUCTORONE_CLIENT_ID" => Some("bot@acme.conductor.one/x".to_owned()),
///         "CONDUCTORONE_CLIENT_SECRET" => Some("secret-token:conductorone.com:v1:e30".to_owned()),
///         _ => None,
///     })
///     .resolve()
///     .unwrap();
/// assert_eq!(resolved.base_url.value.root(), "https://acme.conductor.one");
/// ```
pub const SETTINGS: SettingNames = SettingNames::new(
    PLATFORM_C1,
    ENV_SERVER_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
)
.base_url_from_client_id(tenant_url_of);

/// `https://HOST` of a client id (`http://` for a loopback host), if it names one.
fn tenant_url_of(client_id: &str) -> Option<String> {
    crate::credentials::tenant_url(client_id).ok()
}

impl Client {
    /// A client configured as `connkit c1` is when given no flags: the tenant URL and
    /// credentials from `CONDUCTORONE_SERVER_URL`, `CONDUCTORONE_CLIENT_ID`,
    /// `CONDUCTORONE_CLIENT_SECRET` (or a static token in `CONNKIT_TOKEN`, else
    /// `CONDUCTORONE_ACCESS_TOKEN`), else the `c1` profile `CONNKIT_PROFILE` names (or
    /// the default one, if it is for `c1`); the tenant URL defaults to the client id's
    /// host. The rate-limit policy of `CONNKIT_RATE_LIMIT` or the profile, and the
    /// profile's extra CA certificates, apply too; tokens are shared through the
    /// user's token cache. See [`DefaultSources`] for the
    /// order, and [`try_from_sources`](Client::try_from_sources) to read other sources.
    ///
    /// Fails with a configuration error ([`ErrorKind::InvalidInput`](crate::ErrorKind))
    /// that names what is missing (e.g. no tenant: which variables or profile could
    /// give one) or wrong, and where it came from.
    pub fn try_default() -> Result<Client> {
        Client::try_from_sources(&DefaultSources::process())
    }

    /// [`try_default`](Client::try_default) reading `sources` (e.g. an environment of
    /// the caller's own) instead of the process's.
    ///
    /// ```
    /// use connkit_c1::{Client, DefaultSources};
    ///
    /// let env = |name: &str| match name {
    ///     "CONDUCTORONE_SERVER_URL" => Some("https://acme.conductor.one".to_owned()),
    ///     "CONDUCTORONE_ACCESS_TOKEN" => Some("t0ken".to_owned()),
    ///     _ => None,
    /// };
    /// let client = Client::try_from_sources(&DefaultSources::env(env)).unwrap();
    /// assert_eq!(client.base_url().root(), "https://acme.conductor.one");
    ///
    /// // The error's source says what is missing and where it could come from.
    /// let err = Client::try_from_sources(&DefaultSources::env(|_| None)).unwrap_err();
    /// let cause = std::error::Error::source(&err).unwrap().to_string();
    /// assert!(cause.contains("CONDUCTORONE_SERVER_URL"), "{cause}");
    /// ```
    pub fn try_from_sources(sources: &DefaultSources<'_>) -> Result<Client> {
        let found = sources
            .resolve(SETTINGS, &[ENV_TOKEN, ENV_ACCESS_TOKEN])
            .map_err(Error::config)?;
        let mut builder = Client::builder()
            .config(&found.config)
            .configure_stack(found.stack());
        if let Some(token) = &found.token {
            builder = builder.token(token.expose());
        }
        if let Some(cache) = found.token_cache {
            builder = builder.token_cache(cache);
        }
        if let Some(backend) = found.backend {
            builder = builder.backend_with_stack(Arc::new(backend));
        }
        builder.build()
    }
}

impl ClientBuilder {
    /// Takes the tenant URL and client credentials resolved with [`SETTINGS`].
    pub fn config(mut self, config: &ResolvedConfig) -> Self {
        self = self.base_url(config.base_url.value.root());
        if let (Some(id), Some(secret)) = (&config.client_id, &config.client_secret) {
            self = self.client_credentials(id.value.clone(), secret.value.expose());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_transport::{ConfigSources, Origin};

    /// A profiles file of its own in the temporary directory (the caller removes it).
    fn profiles(text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!(
            "connkit-c1-config-{}-profiles.toml",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_c1_profile_fills_what_is_unset_and_an_isc_one_is_refused_by_name() {
        let file = profiles(
            "[profiles.c]\nplatform = \"c1\"\nbase_url = \"https://acme.conductor.one\"\n\
             client_id = \"bot@acme.conductor.one/x\"\nsecret_env = \"MY_C1_SECRET\"\n\
             [profiles.i]\nplatform = \"isc\"\n",
        );
        let env = |name: &str| (name == "MY_C1_SECRET").then(|| "s3cr3t".to_owned());
        let resolved = ConfigSources::new(SETTINGS)
            .env(env)
            .explicit(connkit_transport::ExplicitConfig {
                base_url: Some("https://mine.conductor.one".into()),
                ..Default::default()
            })
            .profiles(&file, Some("c".into()))
            .resolve()
            .unwrap();
        assert_eq!(resolved.base_url.value.root(), "https://mine.conductor.one");
        assert_eq!(resolved.base_url.origin, Origin::Explicit);
        let id = resolved.client_id.unwrap();
        assert_eq!(id.value, "bot@acme.conductor.one/x");
        assert!(matches!(id.origin, Origin::Profile { .. }));
        assert_eq!(resolved.client_secret.unwrap().value.expose(), "s3cr3t");

        let err = ConfigSources::new(SETTINGS)
            .env(env)
            .profiles(&file, Some("i".into()))
            .resolve()
            .unwrap_err()
            .to_string();
        let _ = std::fs::remove_file(&file);
        assert!(err.contains("platform `isc`"), "{err}");
    }

    #[test]
    fn variables_fill_in_and_the_tenant_defaults_to_the_client_ids_host() {
        let env = |name: &str| match name {
            ENV_CLIENT_ID => Some("a@127.0.0.1:8443/x".to_owned()),
            ENV_CLIENT_SECRET => Some("s".to_owned()),
            ENV_SERVER_URL => Some(" ".to_owned()),
            _ => None,
        };
        let resolved = ConfigSources::new(SETTINGS).env(env).resolve().unwrap();
        assert_eq!(resolved.base_url.value.root(), "http://127.0.0.1:8443");
        assert_eq!(resolved.base_url.origin, Origin::Environment(ENV_CLIENT_ID));
        let err = ConfigSources::new(SETTINGS)
            .env(|_| None)
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains(ENV_SERVER_URL), "{err}");
    }
}
