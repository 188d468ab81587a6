//! Configuration resolution: explicit values, then the environment, then a profile,
//! then `./config.json`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{
    Auth, BaseUrl, ConfigError, Profile, ProfileFile, RateLimitPolicy, Secret, Setting,
    SettingNames, TransportError,
};

/// The most of a configuration file that is read: three short settings fit in far less.
const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given explicitly (command-line flag, code).
    Explicit,
    /// The named environment variable.
    Environment(&'static str),
    /// The config file at this path.
    File(PathBuf),
    /// A profile of a profiles file.
    Profile {
        /// The profile's name.
        name: String,
        /// The profiles file.
        file: PathBuf,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Explicit => f.write_str("explicit value"),
            Origin::Environment(name) => write!(f, "environment variable {name}"),
            Origin::File(path) => write!(f, "config file {}", path.display()),
            Origin::Profile { name, file } => {
                write!(f, "profile `{name}` in {}", file.display())
            }
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    /// The value.
    pub value: T,
    /// Its source.
    pub origin: Origin,
}

/// Explicit values, each optional. Blank strings count as absent.
#[derive(Debug, Clone, Default)]
pub struct ExplicitConfig {
    /// The tenant base URL.
    pub base_url: Option<String>,
    /// The OAuth2 client id.
    pub client_id: Option<String>,
    /// The OAuth2 client secret.
    pub client_secret: Option<Secret>,
}

/// Looks an environment variable up.
type EnvLookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// The sources to resolve one API's configuration from, in order of precedence, field
/// by field: explicit values, then the environment (the variables its
/// [`SettingNames`] name, e.g. ISC's `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
/// `SAIL_CLIENT_SECRET`), then a profile of its platform (see
/// [`profiles`](ConfigSources::profiles)), then a JSON config file (`BaseURL`,
/// `ClientId`, `ClientSecret`; other keys ignored; by default the one its names give,
/// in the working directory), then — for APIs whose client ids name their tenant — the
/// base URL derived from the client id.
///
/// A source that is not needed is not read, so a broken one cannot block the others:
/// the profiles file and the config file are read only when a value is still missing
/// after the sources above them (client credentials count as missing only while
/// [`needs_credentials`](ConfigSources::needs_credentials) holds; a caller with a bearer
/// token turns it off). A profile named explicitly is always read: asking for a
/// profile that does not exist is an error. The default profile is skipped when the
/// base URL came from above and differs from the profile's, so one tenant's secret is
/// never sent to another. A profile's secret is read (its variable, or its command
/// run) only when it is the one used.
///
/// Blank values count as absent in every source. A missing default config file is
/// skipped; a missing file named with [`config_file`](ConfigSources::config_file) is an
/// error. A malformed file gives an error naming the file, the line and the column.
///
/// Both the environment and the files are injectable so tests never touch the process.
pub struct ConfigSources<'a> {
    names: SettingNames,
    explicit: ExplicitConfig,
    env: EnvLookup<'a>,
    file: Option<PathBuf>,
    file_required: bool,
    profiles: Option<(PathBuf, Option<String>)>,
    needs_credentials: bool,
    allow_http: bool,
    deadline: Option<std::time::Instant>,
}

/// A client id and secret, both or neither.
type Credentials = (Option<Resolved<String>>, Option<Resolved<Secret>>);

/// The three settings as far as the sources read so far give them.
struct Found {
    base_url: Option<Resolved<String>>,
    client_id: Option<Resolved<String>>,
    client_secret: Option<Resolved<String>>,
}

impl Found {
    /// Whether another source is still worth reading.
    fn missing(&self, needs_credentials: bool) -> bool {
        self.base_url.is_none()
            || (needs_credentials && (self.client_id.is_none() || self.client_secret.is_none()))
    }
}

impl fmt::Debug for ConfigSources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigSources")
            .field("platform", &self.names.platform)
            .field("explicit", &self.explicit)
            .field("file", &self.file)
            .field("profiles", &self.profiles)
            .field("needs_credentials", &self.needs_credentials)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

impl<'a> ConfigSources<'a> {
    /// The sources of the API `names` describes: no explicit values, the process
    /// environment, no profiles, and its config file if it has one and it is present.
    pub fn new(names: SettingNames) -> Self {
        ConfigSources {
            names,
            explicit: ExplicitConfig::default(),
            env: Box::new(|name| std::env::var(name).ok()),
            file: names.config_file.map(PathBuf::from),
            file_required: false,
            profiles: None,
            needs_credentials: true,
            allow_http: false,
            deadline: None,
        }
    }

    /// Uses the profiles file at `file` (usually [`ProfileFile::user_path`]): the
    /// profile `name`, or with `None` the file's default profile, if it has one.
    pub fn profiles(mut self, file: impl Into<PathBuf>, name: Option<String>) -> Self {
        self.profiles = Some((file.into(), name));
        self
    }

    /// Whether client credentials are wanted (default `true`). With `false` (the caller
    /// has a bearer token) no file is read for them, and none is read at all once the
    /// base URL is known.
    pub fn needs_credentials(mut self, needed: bool) -> Self {
        self.needs_credentials = needed;
        self
    }

    /// Explicit values (highest precedence).
    pub fn explicit(mut self, explicit: ExplicitConfig) -> Self {
        self.explicit = explicit;
        self
    }

    /// Looks environment variables up with `lookup` instead of the process environment.
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        self.env = Box::new(lookup);
        self
    }

    /// Reads this config file instead of the default one; it must exist.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self.file_required = true;
        self
    }

    /// Reads no config file.
    pub fn no_config_file(mut self) -> Self {
        self.file = None;
        self
    }

    /// Accepts a plain `http://` base URL for non-loopback hosts.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Stops a profile's `secret_command` at `deadline` if it runs that long (it is
    /// stopped after [`SECRET_COMMAND_TIMEOUT`](crate::SECRET_COMMAND_TIMEOUT) anyway).
    pub fn deadline(mut self, deadline: Option<std::time::Instant>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Resolves every field. Fails if no base URL is found, if it is invalid (naming its
    /// source), if only one of client id and secret is found, or if the config file
    /// cannot be read or parsed.
    ///
    /// The sources in order of precedence: explicit values, the environment, a profile,
    /// the config file; a later source fills only what the earlier ones left open.
    pub fn resolve(&self) -> Result<ResolvedConfig, TransportError> {
        let mut found = self.explicit_and_env();
        let profile_used = self.fill_from_profile(&mut found)?;
        if found.missing(self.needs_credentials) {
            self.fill_from_file(&mut found)?;
        }
        if !self.needs_credentials {
            (found.client_id, found.client_secret) = (None, None);
        }
        if let (None, Some(derive), Some(id)) = (
            &found.base_url,
            self.names.base_url_from_client_id,
            &found.client_id,
        ) {
            found.base_url = derive(&id.value).map(|value| Resolved {
                value,
                origin: id.origin.clone(),
            });
        }
        let base_url = self.checked_base_url(found.base_url)?;
        let (client_id, client_secret) =
            self.credential_pair(found.client_id, found.client_secret)?;
        let (profile, rate_limit, ca_cert, shared_state) = match profile_used {
            None => (None, None, None, None),
            Some((name, profile, origin)) => (
                Some(name),
                from(profile.rate_limit, &origin),
                from(profile.ca_cert, &origin),
                from(profile.shared_state, &origin),
            ),
        };
        Ok(ResolvedConfig {
            base_url,
            client_id,
            client_secret,
            profile,
            rate_limit,
            ca_cert,
            shared_state,
        })
    }

    /// What the explicit values and the environment give.
    fn explicit_and_env(&self) -> Found {
        let env = |name: &'static str| {
            non_blank((self.env)(name)).map(|value| Resolved {
                value,
                origin: Origin::Environment(name),
            })
        };
        let explicit = |value: Option<&String>| {
            non_blank(value.cloned()).map(|value| Resolved {
                value,
                origin: Origin::Explicit,
            })
        };
        Found {
            base_url: explicit(self.explicit.base_url.as_ref())
                .or_else(|| env(self.names.base_url_env)),
            client_id: explicit(self.explicit.client_id.as_ref())
                .or_else(|| env(self.names.client_id_env)),
            client_secret: self
                .explicit
                .client_secret
                .as_ref()
                .filter(|s| !s.expose().trim().is_empty())
                .map(|s| Resolved {
                    value: s.expose().to_owned(),
                    origin: Origin::Explicit,
                })
                .or_else(|| env(self.names.client_secret_env)),
        }
    }

    /// Fills what is open from the profile (named, or the default one when something
    /// is missing); the profile used, if any, with its name and origin.
    fn fill_from_profile(
        &self,
        found: &mut Found,
    ) -> Result<Option<(String, Profile, Origin)>, TransportError> {
        let Some((file, name)) = &self.profiles else {
            return Ok(None);
        };
        if name.is_none() && !found.missing(self.needs_credentials) {
            return Ok(None);
        }
        let Some((name, profile)) = self.profile(file, name.as_deref(), &found.base_url)? else {
            return Ok(None);
        };
        let origin = Origin::Profile {
            name: name.clone(),
            file: file.clone(),
        };
        let from_profile = |value: &Option<String>| {
            non_blank(value.clone()).map(|value| Resolved {
                value,
                origin: origin.clone(),
            })
        };
        found.base_url = found
            .base_url
            .take()
            .or_else(|| from_profile(&profile.base_url));
        found.client_id = found
            .client_id
            .take()
            .or_else(|| from_profile(&profile.client_id));
        if self.needs_credentials && found.client_secret.is_none() {
            if let Some(source) = &profile.secret {
                let secret = source
                    .read_until(&self.env, self.deadline)
                    .map_err(|e| with_context(e, &origin))?;
                found.client_secret = Some(Resolved {
                    value: secret.expose().to_owned(),
                    origin: origin.clone(),
                });
            }
        }
        Ok(Some((name, profile, origin)))
    }

    /// Fills what is open from the config file, if there is one.
    fn fill_from_file(&self, found: &mut Found) -> Result<(), TransportError> {
        let Some(file) = self.read_file()? else {
            return Ok(());
        };
        let path = self.file.clone().unwrap_or_default();
        let from_file = |value: Option<String>| {
            non_blank(value).map(|value| Resolved {
                value,
                origin: Origin::File(path.clone()),
            })
        };
        found.base_url = found.base_url.take().or_else(|| from_file(file.base_url));
        found.client_id = found.client_id.take().or_else(|| from_file(file.client_id));
        found.client_secret = found
            .client_secret
            .take()
            .or_else(|| from_file(file.client_secret));
        Ok(())
    }

    /// The base URL, parsed and checked, or an error naming where it came from (or
    /// every place it could have come from).
    fn checked_base_url(
        &self,
        base_url: Option<Resolved<String>>,
    ) -> Result<Resolved<BaseUrl>, TransportError> {
        let base_url = base_url.ok_or_else(|| {
            let profile = match &self.profiles {
                Some((file, None)) => format!(
                    ", name a profile (none is the default in {})",
                    file.display()
                ),
                _ => String::new(),
            };
            ConfigError::missing(
                Setting::BaseUrl,
                format!(
                    "no base URL: pass one explicitly, set {}{profile}{}",
                    self.names.base_url_env,
                    self.or_in_file("BaseURL")
                ),
            )
        })?;
        let parsed = if self.allow_http {
            BaseUrl::parse_allow_http(&base_url.value)
        } else {
            BaseUrl::parse(&base_url.value)
        }
        .and_then(|parsed| match self.names.api_suffix {
            Some(suffix) => parsed.without_suffix(suffix),
            None => Ok(parsed),
        })
        .map_err(|e| match e {
            TransportError::Config(e) => {
                let origin = &base_url.origin;
                TransportError::Config(ConfigError::invalid(format!(
                    "{} (from the {origin})",
                    e.message()
                )))
            }
            other => other,
        })?;
        Ok(Resolved {
            value: parsed,
            origin: base_url.origin,
        })
    }

    /// Client id and secret, both or neither: one without the other is an error that
    /// says where the one came from and where the other could.
    fn credential_pair(
        &self,
        client_id: Option<Resolved<String>>,
        client_secret: Option<Resolved<String>>,
    ) -> Result<Credentials, TransportError> {
        let client_secret = client_secret.map(|s| Resolved {
            value: Secret::new(s.value),
            origin: s.origin,
        });
        match (&client_id, &client_secret) {
            (Some(id), None) => Err(ConfigError::missing(
                Setting::ClientSecret,
                format!(
                    "a client id was found ({}) but no client secret: pass one explicitly{}{}",
                    id.origin,
                    self.or_set(self.names.client_secret_env),
                    self.or_in_file("ClientSecret")
                ),
            )
            .into()),
            (None, Some(secret)) => Err(ConfigError::missing(
                Setting::ClientId,
                format!(
                    "a client secret was found ({}) but no client id: pass one explicitly{}{}",
                    secret.origin,
                    self.or_set(self.names.client_id_env),
                    self.or_in_file("ClientId")
                ),
            )
            .into()),
            _ => Ok((client_id, client_secret)),
        }
    }

    /// The profile to use, with its name: `name` (which must exist), else the file's
    /// default unless `base_url` already names another tenant. `None` when there is no
    /// such profile.
    fn profile(
        &self,
        file: &Path,
        name: Option<&str>,
        base_url: &Option<Resolved<String>>,
    ) -> Result<Option<(String, Profile)>, TransportError> {
        let profiles = ProfileFile::load(file)?;
        let implicit = name.is_none();
        let (name, profile) = match name {
            Some(name) => (name, profiles.require(name)?),
            None => match profiles.default_name() {
                None => return Ok(None),
                Some(name) => (name, profiles.require(name)?),
            },
        };
        if profile.platform != self.names.platform {
            if implicit {
                // The default profile is another API's: nothing for this one.
                return Ok(None);
            }
            return Err(TransportError::config(format!(
                "profile `{name}` in {} is for platform `{}`; this needs a profile for platform `{}`",
                file.display(),
                profile.platform,
                self.names.platform
            )));
        }
        let elsewhere = match (base_url, &profile.base_url) {
            (Some(given), Some(own)) => {
                given.value.trim_end_matches('/') != own.trim_end_matches('/')
            }
            _ => false,
        };
        if elsewhere && implicit {
            tracing::debug!(
                profile = name,
                "the base URL names another tenant: the default profile is not used"
            );
            return Ok(None);
        }
        Ok(Some((name.to_owned(), profile.clone())))
    }

    /// `, set VAR` for a message that lists where a value may come from; with a config
    /// file to mention after it, the comma stays and the `or` moves there.
    fn or_set(&self, variable: &str) -> String {
        match self.file {
            Some(_) => format!(", set {variable}"),
            None => format!(", or set {variable}"),
        }
    }

    /// `, or put "KEY" in FILE`, when a config file is read.
    fn or_in_file(&self, key: &str) -> String {
        match self.file.as_deref() {
            Some(path) if path.is_relative() && path.parent() == Some(Path::new("")) => {
                format!(", or put \"{key}\" in ./{}", path.display())
            }
            Some(path) => format!(", or put \"{key}\" in {}", path.display()),
            None => String::new(),
        }
    }

    /// Reads `./config.json` (or the file given), a regular file of at most
    /// [`MAX_CONFIG_FILE_BYTES`].
    fn read_file(&self) -> Result<Option<FileConfig>, TransportError> {
        let Some(path) = self.file.as_deref() else {
            return Ok(None);
        };
        let bytes = match crate::read_user_file(path, MAX_CONFIG_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.file_required => {
                return Ok(None)
            }
            Err(e) => {
                return Err(ConfigError::unreadable(format!(
                    "config file {}: cannot read it: {e}",
                    path.display()
                ))
                .into())
            }
        };
        parse_file(path, &bytes).map(Some)
    }
}

/// The fields of `config.json` we read.
#[derive(Deserialize)]
struct FileConfig {
    #[serde(rename = "BaseURL", default)]
    base_url: Option<String>,
    #[serde(rename = "ClientId", default)]
    client_id: Option<String>,
    #[serde(rename = "ClientSecret", default)]
    client_secret: Option<String>,
}

/// Parses a config file. Messages never quote values (a mistyped secret must not leak):
/// syntax errors give serde_json's position message, type errors name the key.
fn parse_file(path: &Path, bytes: &[u8]) -> Result<FileConfig, TransportError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let inner = e.inner();
        let (line, column) = (inner.line(), inner.column());
        let what = match inner.classify() {
            serde_json::error::Category::Data => {
                format!("\"{}\" must be a string", e.path())
            }
            serde_json::error::Category::Eof => "the JSON ends too early".to_owned(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                // serde_json's syntax messages describe the grammar, never the input.
                let message = inner.to_string();
                match message.find(" at line ") {
                    Some(cut) => message[..cut].to_owned(),
                    None => message,
                }
            }
        };
        TransportError::config(format!(
            "config file {}: line {line}, column {column}: {what}",
            path.display()
        ))
    })
}

/// `value`, if any, as coming from `origin`.
fn from<T>(value: Option<T>, origin: &Origin) -> Option<Resolved<T>> {
    value.map(|value| Resolved {
        value,
        origin: origin.clone(),
    })
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A configuration error's message without its `configuration error:` prefix, to be
/// wrapped in a message that says where the value came from.
pub(crate) fn message_of(error: &TransportError) -> String {
    match error {
        TransportError::Config(e) => e.message().to_owned(),
        other => other.to_string(),
    }
}

/// `error` said of `origin` (a profile): a configuration problem keeps its kind.
fn with_context(error: TransportError, origin: &Origin) -> TransportError {
    match error {
        TransportError::Config(e) => TransportError::Config(e.context(origin)),
        other => ConfigError::invalid(format!("{origin}: {other}")).into(),
    }
}

/// The result of [`ConfigSources::resolve`]: a base URL, and client credentials if both
/// halves were found. Each value says where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The tenant base URL.
    pub base_url: Resolved<BaseUrl>,
    /// The OAuth2 client id, if configured.
    pub client_id: Option<Resolved<String>>,
    /// The OAuth2 client secret, if configured (present exactly when `client_id` is).
    pub client_secret: Option<Resolved<Secret>>,
    /// The name of the profile that supplied values, if one did.
    pub profile: Option<String>,
    /// That profile's rate-limit policy: below a flag or variable, above the default.
    pub rate_limit: Option<Resolved<RateLimitPolicy>>,
    /// That profile's extra CA certificates (PEM), already joined to the profiles
    /// file's directory if written relative.
    pub ca_cert: Option<Resolved<PathBuf>>,
    /// That profile's shared-state URL (never with a password).
    pub shared_state: Option<Resolved<String>>,
}

impl ResolvedConfig {
    /// OAuth2 client-credentials auth for the resolved tenant, if credentials were found.
    pub fn client_credentials(&self) -> Option<Result<Auth, TransportError>> {
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) => Some(Auth::client_credentials(
                &self.base_url.value,
                id.value.clone(),
                secret.value.clone(),
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::ConfigProblem;

    const ENV_BASE_URL: &str = "SAIL_BASE_URL";
    const ENV_CLIENT_ID: &str = "SAIL_CLIENT_ID";
    /// ISC's names, as `connkit-connectors` defines them (this crate knows no API).
    const NAMES: SettingNames =
        SettingNames::new("isc", ENV_BASE_URL, ENV_CLIENT_ID, "SAIL_CLIENT_SECRET")
            .config_file("config.json")
            .api_suffix("/v2024");

    /// A config file in a fresh temporary directory, removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(contents: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "connkit-transport-config-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("config.json");
            std::fs::write(&path, contents).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            if let Some(dir) = self.0.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }

    fn error_of(sources: ConfigSources<'_>) -> String {
        sources.resolve().unwrap_err().to_string()
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const FILE: &str = r#"{
        "BaseURL": "https://file.api.identitynow.com",
        "ClientId": "file-id",
        "ClientSecret": "file-secret",
        "Environments": {"other": "ignored"}
    }"#;

    const ENV: [(&str, &str); 3] = [
        ("SAIL_BASE_URL", "https://env.api.identitynow.com/v2024/"),
        ("SAIL_CLIENT_ID", "env-id"),
        ("SAIL_CLIENT_SECRET", "env-secret"),
    ];

    fn explicit_all() -> ExplicitConfig {
        ExplicitConfig {
            base_url: Some("https://explicit.api.identitynow.com".into()),
            client_id: Some("explicit-id".into()),
            client_secret: Some(Secret::new("explicit-secret")),
        }
    }

    fn summary(c: &ResolvedConfig) -> (String, String, String) {
        (
            c.base_url.value.root().to_owned(),
            c.client_id
                .as_ref()
                .map(|r| r.value.clone())
                .unwrap_or_default(),
            c.client_secret
                .as_ref()
                .map(|r| r.value.expose().to_owned())
                .unwrap_or_default(),
        )
    }

    #[test]
    fn each_source_alone() {
        let explicit = ConfigSources::new(NAMES)
            .env(env(&[]))
            .no_config_file()
            .explicit(explicit_all())
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&explicit),
            (
                "https://explicit.api.identitynow.com".into(),
                "explicit-id".into(),
                "explicit-secret".into()
            )
        );
        assert_eq!(explicit.base_url.origin, Origin::Explicit);

        let from_env = ConfigSources::new(NAMES)
            .env(env(&ENV))
            .no_config_file()
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&from_env),
            (
                "https://env.api.identitynow.com".into(),
                "env-id".into(),
                "env-secret".into()
            )
        );
        assert_eq!(
            from_env.client_id.unwrap().origin,
            Origin::Environment(ENV_CLIENT_ID)
        );

        let file = TempFile::new(FILE);
        let from_file = ConfigSources::new(NAMES)
            .env(env(&[]))
            .config_file(&file.0)
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&from_file),
            (
                "https://file.api.identitynow.com".into(),
                "file-id".into(),
                "file-secret".into()
            )
        );
        assert_eq!(
            from_file.client_secret.unwrap().origin,
            Origin::File(file.0.clone())
        );
    }

    #[test]
    fn explicit_beats_env_beats_file_field_by_field() {
        let file = TempFile::new(FILE);
        let all = ConfigSources::new(NAMES)
            .env(env(&ENV))
            .config_file(&file.0)
            .explicit(explicit_all())
            .resolve()
            .unwrap();
        assert_eq!(summary(&all).0, "https://explicit.api.identitynow.com");
        assert_eq!(summary(&all).1, "explicit-id");

        // Base URL explicit, id from the environment, secret from the file.
        let mixed = ConfigSources::new(NAMES)
            .env(env(&[
                ("SAIL_CLIENT_ID", "env-id"),
                ("SAIL_CLIENT_SECRET", "  "),
            ]))
            .config_file(&file.0)
            .explicit(ExplicitConfig {
                base_url: Some("http://127.0.0.1:9000".into()),
                client_id: Some(String::new()),
                client_secret: None,
            })
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&mixed),
            (
                "http://127.0.0.1:9000".into(),
                "env-id".into(),
                "file-secret".into()
            )
        );
        assert_eq!(mixed.base_url.origin, Origin::Explicit);
        assert_eq!(
            mixed.client_id.as_ref().unwrap().origin,
            Origin::Environment(ENV_CLIENT_ID)
        );
        assert_eq!(
            mixed.client_secret.as_ref().unwrap().origin,
            Origin::File(file.0.clone())
        );
        assert!(matches!(
            mixed.client_credentials(),
            Some(Ok(Auth::ClientCredentials(_)))
        ));
    }

    #[test]
    fn the_file_is_read_only_when_something_is_missing() {
        let broken = TempFile::new("{ not json");
        let resolved = ConfigSources::new(NAMES)
            .env(env(&ENV))
            .config_file(&broken.0)
            .resolve()
            .unwrap();
        assert_eq!(summary(&resolved).1, "env-id");
    }

    #[test]
    fn a_malformed_file_names_the_file_line_and_column() {
        let file =
            TempFile::new("{\n  \"BaseURL\": \"https://t.example\",\n  \"ClientId\" \"x\"\n}");
        let err = error_of(ConfigSources::new(NAMES).env(env(&[])).config_file(&file.0));
        assert!(err.contains(&file.0.display().to_string()), "{err}");
        assert!(err.contains("line 3, column 14"), "{err}");
        assert!(err.contains("expected `:`"), "{err}");

        let truncated = TempFile::new("{\"BaseURL\": ");
        let err = error_of(
            ConfigSources::new(NAMES)
                .env(env(&[]))
                .config_file(&truncated.0),
        );
        assert!(err.contains("ends too early"), "{err}");
    }

    #[test]
    fn a_mistyped_value_names_the_key_but_never_the_value() {
        let file = TempFile::new(
            "{\"BaseURL\": \"https://t.example\", \"ClientId\": \"i\", \"ClientSecret\": 918273}",
        );
        let err = error_of(ConfigSources::new(NAMES).env(env(&[])).config_file(&file.0));
        assert!(err.contains("\"ClientSecret\" must be a string"), "{err}");
        assert!(err.contains("line 1"), "{err}");
        assert!(!err.contains("918273"), "{err}");
    }

    #[test]
    fn missing_pieces_are_named() {
        let err = error_of(ConfigSources::new(NAMES).env(env(&[])).no_config_file());
        assert!(
            err.contains("no base URL") && err.contains(ENV_BASE_URL),
            "{err}"
        );
        let err = error_of(
            ConfigSources::new(NAMES)
                .env(env(&[]))
                .no_config_file()
                .profiles("/nonexistent/profiles.toml", None),
        );
        assert!(
            err.contains("name a profile (none is the default in /nonexistent/profiles.toml)"),
            "{err}"
        );

        let err = error_of(
            ConfigSources::new(NAMES)
                .env(env(&[
                    ("SAIL_BASE_URL", "https://t.example"),
                    ("SAIL_CLIENT_ID", "id"),
                ]))
                .no_config_file(),
        );
        assert!(
            err.contains("no client secret") && err.contains("SAIL_CLIENT_ID"),
            "{err}"
        );

        let err = error_of(
            ConfigSources::new(NAMES)
                .env(env(&[]))
                .config_file("/nonexistent/connkit/config.json"),
        );
        assert!(err.contains("/nonexistent/connkit/config.json"), "{err}");
    }

    /// The problem is typed, so that a caller tells "nothing given" from "given badly"
    /// without reading the sources again.
    #[test]
    fn missing_invalid_and_unreadable_are_told_apart() {
        let problem = |sources: ConfigSources<'_>| match sources.resolve().unwrap_err() {
            TransportError::Config(e) => e.problem(),
            other => panic!("{other:?}"),
        };
        let none = ConfigSources::new(NAMES).env(env(&[])).no_config_file();
        assert_eq!(problem(none), ConfigProblem::Missing(Setting::BaseUrl));
        let id_only = ConfigSources::new(NAMES)
            .env(env(&[
                ("SAIL_BASE_URL", "https://t.example"),
                ("SAIL_CLIENT_ID", "id"),
            ]))
            .no_config_file();
        assert_eq!(
            problem(id_only),
            ConfigProblem::Missing(Setting::ClientSecret)
        );
        let secret_only = ConfigSources::new(NAMES)
            .env(env(&[
                ("SAIL_BASE_URL", "https://t.example"),
                ("SAIL_CLIENT_SECRET", "s"),
            ]))
            .no_config_file();
        assert_eq!(
            problem(secret_only),
            ConfigProblem::Missing(Setting::ClientId)
        );
        let bad = ConfigSources::new(NAMES)
            .env(env(&[("SAIL_BASE_URL", "ftp://t.example")]))
            .no_config_file();
        assert_eq!(problem(bad), ConfigProblem::Invalid);
        let dir = ConfigSources::new(NAMES)
            .env(env(&[]))
            .config_file(std::env::temp_dir());
        assert_eq!(problem(dir), ConfigProblem::Unreadable);
    }

    #[test]
    fn no_credentials_is_fine_and_a_missing_default_file_is_skipped() {
        let resolved = ConfigSources::new(NAMES)
            .env(env(&[("SAIL_BASE_URL", "https://t.example")]))
            .resolve()
            .unwrap();
        assert!(resolved.client_id.is_none() && resolved.client_secret.is_none());
        assert!(resolved.client_credentials().is_none());
    }

    #[test]
    fn a_bad_base_url_names_its_source_and_http_needs_permission() {
        let err = error_of(
            ConfigSources::new(NAMES)
                .env(env(&[("SAIL_BASE_URL", "http://tenant.example")]))
                .no_config_file(),
        );
        assert!(
            err.contains("plain http://") && err.contains(ENV_BASE_URL),
            "{err}"
        );
        let allowed = ConfigSources::new(NAMES)
            .env(env(&[("SAIL_BASE_URL", "http://tenant.example")]))
            .no_config_file()
            .allow_http(true)
            .resolve()
            .unwrap();
        assert_eq!(allowed.base_url.value.root(), "http://tenant.example");
    }

    /// A profiles file beside a config file in one temporary directory.
    fn profiles_file(contents: &str) -> TempFile {
        let file = TempFile::new("{ this config.json is broken");
        std::fs::write(file.0.with_file_name("profiles.toml"), contents).unwrap();
        file
    }

    const PROFILES: &str = r#"
default = "acme"

[profiles.acme]
platform = "isc"
base_url = "https://acme.api.identitynow.com"
client_id = "acme-id"
secret_env = "ACME_SECRET"
rate_limit = "50/10s"
output = "table"

[profiles.other]
platform = "isc"
base_url = "https://other.api.identitynow.com"
client_id = "other-id"
secret_command = ["printf", "from-command"]
"#;

    #[test]
    fn a_profile_comes_after_flags_and_env_and_before_the_config_file() {
        let dir = profiles_file(PROFILES);
        let profiles = dir.0.with_file_name("profiles.toml");
        let sources = |vars: &[(&str, &str)], name: Option<&str>| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            ConfigSources::new(NAMES)
                .env(move |n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
                .config_file(&dir.0)
                .profiles(&profiles, name.map(str::to_owned))
        };

        // The default profile, its secret from its variable; the broken config file is
        // not needed, so not read.
        let acme = sources(&[("ACME_SECRET", "s3cret")], None)
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&acme),
            (
                "https://acme.api.identitynow.com".into(),
                "acme-id".into(),
                "s3cret".into()
            )
        );
        assert_eq!(acme.profile.as_deref(), Some("acme"));
        assert_eq!(acme.rate_limit.unwrap().value.to_string(), "50/10s");
        assert!(matches!(acme.base_url.origin, Origin::Profile { ref name, .. } if name == "acme"));

        // Named, its secret from its command; the environment's client id wins.
        let other = sources(&[("SAIL_CLIENT_ID", "env-id")], Some("other"))
            .resolve()
            .unwrap();
        assert_eq!(
            summary(&other),
            (
                "https://other.api.identitynow.com".into(),
                "env-id".into(),
                "from-command".into()
            )
        );

        // A base URL for another tenant keeps the default profile's secret away from it;
        // the config file is then needed, and its error names it.
        let err = sources(&[("SAIL_BASE_URL", "https://else.example")], None)
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.json: line 1, column 3"), "{err}");

        // A bearer token needs no credentials: nothing beyond the flags is read.
        let token_run = sources(&[], None)
            .explicit(ExplicitConfig {
                base_url: Some("https://flag.example".into()),
                ..ExplicitConfig::default()
            })
            .needs_credentials(false)
            .resolve()
            .unwrap();
        assert!(token_run.client_id.is_none() && token_run.profile.is_none());

        // An unknown name is an error listing the names; so is a missing variable.
        let err = sources(&[], Some("nope"))
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no profile `nope`") && err.contains("acme, other"),
            "{err}"
        );
        let err = sources(&[], None).resolve().unwrap_err().to_string();
        assert!(
            err.contains("ACME_SECRET") && err.contains("profile `acme`"),
            "{err}"
        );
    }

    #[test]
    fn a_broken_profile_file_matters_only_when_a_profile_is_needed() {
        let dir = profiles_file("default = \n");
        let profiles = dir.0.with_file_name("profiles.toml");
        let all = ConfigSources::new(NAMES)
            .env(env(&ENV))
            .profiles(&profiles, None)
            .resolve();
        assert!(all.is_ok());
        let err = ConfigSources::new(NAMES)
            .env(env(&[]))
            .profiles(&profiles, None)
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains("profiles.toml: line 1, column 11"), "{err}");
        let err = ConfigSources::new(NAMES)
            .env(env(&ENV))
            .profiles(&profiles, Some("acme".into()))
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains("profiles.toml: line 1"), "{err}");
    }

    #[test]
    fn a_profile_for_another_platform_is_refused() {
        let dir = profiles_file("[profiles.c]\nplatform = \"c1\"\n");
        let err = ConfigSources::new(NAMES)
            .env(env(&[]))
            .profiles(dir.0.with_file_name("profiles.toml"), Some("c".into()))
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains("platform `c1`"), "{err}");
    }
}
