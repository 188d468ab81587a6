//! ISC's names: the `/v2024` prefix of every operation path, and the environment
//! variables, profile platform and config file its settings are resolved from
//! ([`SETTINGS`], for [`ConfigSources`](connkit_transport::ConfigSources)). The
//! transport knows none of them.

use connkit_transport::{SettingNames, PLATFORM_ISC};

/// The API version prefix every operation path lives under; a tenant URL may end in
/// it, and it is taken off ([`BaseUrl::without_suffix`](connkit_transport::BaseUrl::without_suffix)).
pub const API_VERSION_PREFIX: &str = "/v2024";
/// Environment variable for the tenant base URL (as SailPoint's own CLI reads it).
pub const ENV_BASE_URL: &str = "SAIL_BASE_URL";
/// Environment variable for the OAuth2 client id.
pub const ENV_CLIENT_ID: &str = "SAIL_CLIENT_ID";
/// Environment variable for the OAuth2 client secret.
pub const ENV_CLIENT_SECRET: &str = "SAIL_CLIENT_SECRET";
/// The config file looked for in the working directory when none is named (SailPoint
/// CLI's `BaseURL`, `ClientId`, `ClientSecret`).
pub const DEFAULT_CONFIG_FILE: &str = "config.json";

/// Where ISC settings come from: `SAIL_*`, `isc` profiles, `./config.json`, with
/// `/v2024` taken off the tenant URL.
///
/// ```
/// use connkit_connectors::SETTINGS;
/// use connkit_transport::ConfigSources;
///
/// let resolved = ConfigSources::new(SETTINGS)
///     .env(|name| (name == "SAIL_BASE_URL").then(|| "https://acme.api.identitynow.com/v2024/".to_owned()))
///     .no_config_file()
///     .needs_credentials(false)
///     .resolve()
///     .unwrap();
/// assert_eq!(resolved.base_url.value.root(), "https://acme.api.identitynow.com");
/// ```
pub const SETTINGS: SettingNames =
    SettingNames::new(PLATFORM_ISC, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET)
        .config_file(DEFAULT_CONFIG_FILE)
        .api_suffix(API_VERSION_PREFIX);
