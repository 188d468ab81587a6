//! [`SettingNames`]: what one API calls its settings — its environment variables, its
//! profiles' platform, its config file and the path suffix its users may add to the
//! tenant URL. The API crates define theirs; [`ConfigSources`](crate::ConfigSources)
//! resolves any of them the same way, so the transport stays API-neutral.

/// The names [`ConfigSources`](crate::ConfigSources) resolves one API's settings by.
///
/// ```
/// use connkit_transport::SettingNames;
///
/// const ACME: SettingNames = SettingNames::new("acme", "ACME_URL", "ACME_ID", "ACME_SECRET")
///     .config_file("acme.json")
///     .api_suffix("/v3");
/// assert_eq!(ACME.platform, "acme");
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SettingNames {
    /// The `platform` of the profiles that may supply these settings.
    pub platform: &'static str,
    /// The environment variable for the tenant base URL.
    pub base_url_env: &'static str,
    /// The environment variable for the client id.
    pub client_id_env: &'static str,
    /// The environment variable for the client secret.
    pub client_secret_env: &'static str,
    /// The JSON config file (`BaseURL`, `ClientId`, `ClientSecret`) looked for in the
    /// working directory when none is named; `None` reads no file by default.
    pub config_file: Option<&'static str>,
    /// A path suffix users may add to the tenant URL (ISC: `/v2024`), taken off when
    /// the base URL is parsed ([`BaseUrl::without_suffix`](crate::BaseUrl::without_suffix)).
    pub api_suffix: Option<&'static str>,
    /// The tenant base URL to use when none is configured, from the client id (for a
    /// client id that names its tenant, as ConductorOne's do).
    pub base_url_from_client_id: Option<fn(&str) -> Option<String>>,
}

impl SettingNames {
    /// Names with no config file, no suffix and no default base URL.
    pub const fn new(
        platform: &'static str,
        base_url_env: &'static str,
        client_id_env: &'static str,
        client_secret_env: &'static str,
    ) -> Self {
        SettingNames {
            platform,
            base_url_env,
            client_id_env,
            client_secret_env,
            config_file: None,
            api_suffix: None,
            base_url_from_client_id: None,
        }
    }

    /// With a default JSON config file.
    pub const fn config_file(mut self, name: &'static str) -> Self {
        self.config_file = Some(name);
        self
    }

    /// With a path suffix taken off the tenant URL.
    pub const fn api_suffix(mut self, suffix: &'static str) -> Self {
        self.api_suffix = Some(suffix);
        self
    }

    /// With a default base URL derived from the client id.
    pub const fn base_url_from_client_id(mut self, derive: fn(&str) -> Option<String>) -> Self {
        self.base_url_from_client_id = Some(derive);
        self
    }
}
