//! [`C1Config`]: where the client's settings come from — explicit values first, then
//! the `CONDUCTORONE_*` variables ConductorOne's own tools read, then a profile of
//! platform `c1` in connkit's profiles file.

use connkit_transport::{Profile, TransportError, PLATFORM_C1};

use crate::client::ClientBuilder;

/// A static access token.
pub const ENV_ACCESS_TOKEN: &str = "CONDUCTORONE_ACCESS_TOKEN";
/// The client id, `name@tenant.conductor.one/suffix`.
pub const ENV_CLIENT_ID: &str = "CONDUCTORONE_CLIENT_ID";
/// The client secret, `secret-token:conductorone.com:v1:…`.
pub const ENV_CLIENT_SECRET: &str = "CONDUCTORONE_CLIENT_SECRET";
/// The tenant URL (defaults to `https://HOST` of the client id).
pub const ENV_SERVER_URL: &str = "CONDUCTORONE_SERVER_URL";

/// Client settings; `None` fields are filled from the environment by
/// [`C1Config::with_env`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct C1Config {
    /// The tenant URL.
    pub server_url: Option<String>,
    /// A static access token (wins over client credentials).
    pub access_token: Option<String>,
    /// The client id.
    pub client_id: Option<String>,
    /// The client secret.
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for C1Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("C1Config")
            .field("server_url", &self.server_url)
            .field("access_token", &redacted(&self.access_token))
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .finish()
    }
}

impl C1Config {
    /// Fills each unset field from its `CONDUCTORONE_*` variable (empty counts as unset).
    pub fn with_env(self) -> Self {
        self.with_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`with_env`](C1Config::with_env) with another source of variables.
    pub fn with_lookup(self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |current: Option<String>, name: &str| {
            current.or_else(|| lookup(name).filter(|v| !v.trim().is_empty()))
        };
        C1Config {
            server_url: get(self.server_url, ENV_SERVER_URL),
            access_token: get(self.access_token, ENV_ACCESS_TOKEN),
            client_id: get(self.client_id, ENV_CLIENT_ID),
            client_secret: get(self.client_secret, ENV_CLIENT_SECRET),
        }
    }

    /// Fills each unset field from the profile `name` (which must be for platform
    /// [`PLATFORM_C1`]): `base_url` is the tenant URL, `client_id` and the secret (read
    /// from its source now; `env` looks up `secret_env`) the client credentials.
    pub fn with_profile(
        self,
        name: &str,
        profile: &Profile,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, TransportError> {
        if profile.platform != PLATFORM_C1 {
            return Err(crate::credentials::config_error(format!(
                "profile `{name}` is for platform `{}`; ConductorOne needs a `{PLATFORM_C1}` profile",
                profile.platform
            )));
        }
        let client_secret = match (self.client_secret, &profile.secret) {
            (Some(secret), _) => Some(secret),
            (None, Some(source)) => Some(source.read(env)?.expose().to_owned()),
            (None, None) => None,
        };
        Ok(C1Config {
            server_url: self.server_url.or_else(|| profile.base_url.clone()),
            client_id: self.client_id.or_else(|| profile.client_id.clone()),
            client_secret,
            access_token: self.access_token,
        })
    }

    /// A [`ClientBuilder`] with these settings: a token if there is one, else client
    /// credentials if both halves are there.
    pub fn builder(&self) -> ClientBuilder {
        let mut builder = ClientBuilder::default();
        if let Some(url) = &self.server_url {
            builder = builder.base_url(url);
        }
        match (&self.access_token, &self.client_id, &self.client_secret) {
            (Some(token), _, _) => builder.token(token),
            (None, Some(id), Some(secret)) => builder.client_credentials(id, secret),
            _ => builder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_transport::ProfileFile;

    #[test]
    fn a_c1_profile_fills_what_is_unset_and_an_isc_one_is_refused() {
        let text = "[profiles.c]\nplatform = \"c1\"\nbase_url = \"https://acme.conductor.one\"\n\
                    client_id = \"bot@acme.conductor.one/x\"\nsecret_env = \"MY_C1_SECRET\"\n\
                    [profiles.i]\nplatform = \"isc\"\n";
        let file = ProfileFile::parse(std::path::Path::new("p.toml"), text).unwrap();
        let env = |name: &str| (name == "MY_C1_SECRET").then(|| "s3cr3t".to_owned());
        let config = C1Config {
            server_url: Some("https://mine.conductor.one".into()),
            ..Default::default()
        }
        .with_profile("c", file.require("c").unwrap(), env)
        .unwrap();
        assert_eq!(
            config.server_url.as_deref(),
            Some("https://mine.conductor.one")
        );
        assert_eq!(
            config.client_id.as_deref(),
            Some("bot@acme.conductor.one/x")
        );
        assert_eq!(config.client_secret.as_deref(), Some("s3cr3t"));
        let err = C1Config::default()
            .with_profile("i", file.require("i").unwrap(), env)
            .unwrap_err()
            .to_string();
        assert!(err.contains("platform `isc`"), "{err}");
    }

    #[test]
    fn explicit_values_win_and_empty_variables_do_not_count() {
        let env = |name: &str| match name {
            ENV_SERVER_URL => Some("https://env.conductor.one".to_owned()),
            ENV_ACCESS_TOKEN => Some(" ".to_owned()),
            ENV_CLIENT_ID => Some("a@env.conductor.one/x".to_owned()),
            _ => None,
        };
        let config = C1Config {
            server_url: Some("https://mine.conductor.one".into()),
            ..Default::default()
        }
        .with_lookup(env);
        assert_eq!(
            config.server_url.as_deref(),
            Some("https://mine.conductor.one")
        );
        assert_eq!(config.access_token, None);
        assert_eq!(config.client_id.as_deref(), Some("a@env.conductor.one/x"));
        assert!(!format!(
            "{:?}",
            C1Config {
                client_secret: Some("s3cr3t".into()),
                ..config
            }
        )
        .contains("s3cr3t"));
    }
}
