//! Named profiles: several tenants, of any platform, in one hand-edited TOML file.
//!
//! The file is `profiles.toml` in [`UserDir::Config`] (`$CONNKIT_CONFIG_DIR`, else
//! `$XDG_CONFIG_HOME/connkit`, else `~/.config/connkit`):
//!
//! ```toml
//! default = "acme"               # the profile used when none is named
//!
//! [profiles.acme]
//! platform = "isc"               # which API: "isc", or "c1" for ConductorOne
//! base_url = "https://acme.api.identitynow.com"
//! client_id = "0a1b2c"
//! secret_env = "ACME_CLIENT_SECRET"          # or:
//! # secret_command = ["pass", "show", "acme/isc"]   (its stdout is the secret)
//! # client_secret = "…"          (refused unless the file is mode 0600)
//! rate_limit = "auto"            # auto | off | MAX/WINDOW, e.g. 100/10s
//! ca_cert = "/etc/ssl/acme-proxy.pem"   # also trust these CAs (relative: to this file)
//! output = "table"               # a key of an application that shares the file
//! ```
//!
//! Keys this crate does not read are kept, with string values, for the applications
//! that share the file ([`Profile::extra`]: connkit's command line keeps its default
//! output format there); one that looks like a misspelling of a key of this crate
//! (`base_ulr`) is refused.
//!
//! TOML because people edit this file by hand; `toml_edit` because connkit edits it too
//! (`connkit profile add|remove|use`) and must keep the user's comments and layout.
//! Errors name the file, the line and the column, and never quote a value (a mistyped
//! secret must not end up in a terminal or a log), except a `rate_limit` that
//! [`RateLimitPolicy`]'s parser refuses: its message says which part is wrong.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{IsTerminal, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use toml_edit::{Array, DocumentMut, Item, Table, Value};

use crate::config::message_of;
use crate::private_file::{is_private, mode_of, write_private};
use crate::{ConfigError, RateLimitPolicy, Secret, Setting, TransportError, UserDir};

/// The most of a profiles file that is read: hundreds of profiles fit in far less.
const MAX_PROFILE_FILE_BYTES: u64 = 1 << 20;

/// The profiles file's name inside [`UserDir::Config`].
pub const PROFILES_FILE: &str = "profiles.toml";

/// The `platform` of a SailPoint Identity Security Cloud profile.
pub const PLATFORM_ISC: &str = "isc";
/// The `platform` of ConductorOne profiles (read by `connkit-c1`: `base_url` is the
/// tenant URL, the secret its `secret-token:conductorone.com:v1:…` client secret).
pub const PLATFORM_C1: &str = "c1";

/// Environment variable naming the profile to use (like `--profile`).
pub const ENV_PROFILE: &str = "CONNKIT_PROFILE";

/// One tenant: which platform, where, and how to authenticate. Every field but the
/// platform is optional; what a command needs and does not find here comes from other
/// sources or is reported missing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// The API: `isc` (SailPoint Identity Security Cloud) or `c1` ([`PLATFORM_C1`],
    /// ConductorOne).
    pub platform: String,
    /// The tenant's base URL.
    pub base_url: Option<String>,
    /// The OAuth2 client id.
    pub client_id: Option<String>,
    /// Where the client secret comes from.
    pub secret: Option<SecretSource>,
    /// The client-side rate-limit policy (`rate_limit = "auto" | "off" | "MAX/WINDOW"`).
    pub rate_limit: Option<RateLimitPolicy>,
    /// A PEM file of CA certificates to trust besides the platform's (a private CA, a
    /// TLS-inspecting proxy). A relative `ca_cert` in the file is read as relative to
    /// the file's directory (so the profile works from any working directory) and held
    /// here joined to it.
    pub ca_cert: Option<PathBuf>,
    /// Where the rate limit is shared across machines (`redis://HOST[:PORT][/DB]` or
    /// `rediss://…`): never with a password, since a profile is plain text; a URL with
    /// one goes in `CONNKIT_SHARED_STATE`.
    pub shared_state: Option<String>,
    /// Keys this crate does not read, with their string values: the settings of the
    /// applications that share the file (connkit's command line keeps its default
    /// output format as `output`). Read and written back as they are.
    pub extra: BTreeMap<String, String>,
}

impl Profile {
    /// A profile for `platform` with nothing else set.
    pub fn new(platform: impl Into<String>) -> Self {
        Profile {
            platform: platform.into(),
            base_url: None,
            client_id: None,
            secret: None,
            rate_limit: None,
            ca_cert: None,
            shared_state: None,
            extra: BTreeMap::new(),
        }
    }
}

/// Where a profile's client secret comes from. Only [`SecretSource::Plain`] puts the
/// secret itself in the file.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretSource {
    /// `secret_env = "VAR"`: the value of this environment variable.
    Env(String),
    /// `secret_command = ["prog", "arg", …]`: what this command prints on stdout,
    /// without the trailing newline. Run without a shell, only when the secret is needed.
    Command(Vec<String>),
    /// `client_secret = "…"`: in the file itself (accepted only if it is mode 0600).
    Plain(Secret),
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(var) => f.debug_tuple("Env").field(var).finish(),
            SecretSource::Command(argv) => f.debug_tuple("Command").field(argv).finish(),
            SecretSource::Plain(secret) => f.debug_tuple("Plain").field(secret).finish(),
        }
    }
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(var) => write!(f, "environment variable {var}"),
            SecretSource::Command(argv) => write!(f, "command `{}`", argv.join(" ")),
            SecretSource::Plain(_) => f.write_str("client_secret in the profile file"),
        }
    }
}

impl SecretSource {
    /// Reads the secret, looking environment variables up with `env`. Errors say which
    /// source failed and why, never what it printed. A command gets
    /// [`SECRET_COMMAND_TIMEOUT`].
    pub fn read(&self, env: impl Fn(&str) -> Option<String>) -> Result<Secret, TransportError> {
        self.read_until(env, None)
    }

    /// As [`read`](Self::read), with a command also stopped at `deadline` if that
    /// comes first (the whole command's `--timeout`).
    pub fn read_until(
        &self,
        env: impl Fn(&str) -> Option<String>,
        deadline: Option<Instant>,
    ) -> Result<Secret, TransportError> {
        let secret = match self {
            SecretSource::Env(var) => env(var).unwrap_or_default(),
            SecretSource::Plain(secret) => secret.expose().to_owned(),
            SecretSource::Command(argv) => run_secret_command(argv, deadline)?,
        };
        if secret.trim().is_empty() {
            return Err(ConfigError::missing(
                Setting::ClientSecret,
                format!("the client secret from the {self} is empty or unset"),
            )
            .into());
        }
        Ok(Secret::new(secret))
    }
}

/// How long a `secret_command` may run when nothing ends the command earlier: long
/// enough for a password manager that waits for a PIN or a touch, short enough that a
/// hung one does not hang automation.
pub const SECRET_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// The most a `secret_command` may print: a secret is short; more is a mistake.
const MAX_SECRET_BYTES: usize = 64 * 1024;
/// How often the child is looked at while it runs.
const SECRET_COMMAND_POLL: Duration = Duration::from_millis(10);

/// Runs `argv` (no shell) until it ends, `deadline`, or [`SECRET_COMMAND_TIMEOUT`]:
/// stdin and stderr are the user's, so a password manager can prompt; stdout is the
/// secret, at most [`MAX_SECRET_BYTES`]. Without a terminal on stdin (automation) the
/// command runs in a process group of its own, and one that overruns is killed with
/// everything it started; on a terminal it stays in ours, so that it may read the
/// terminal, and only it is killed.
fn run_secret_command(
    argv: &[String],
    deadline: Option<Instant>,
) -> Result<String, TransportError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| TransportError::config("secret_command is empty"))?;
    let failed = |what: String| -> TransportError {
        ConfigError::unreadable(format!("secret_command `{program}` {what}")).into()
    };
    let own_group = !std::io::stdin().is_terminal();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped());
    #[cfg(unix)]
    if own_group {
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| failed(format!("could not run: {e}")))?;
    let started = Instant::now();
    let stop = started + SECRET_COMMAND_TIMEOUT;
    let stop = deadline.map_or(stop, |d| d.min(stop));
    // Read on a thread: a child that prints without end, or leaves a grandchild
    // holding the pipe, must not block this one.
    let (sender, printed) = std::sync::mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let read = stdout
                .take(MAX_SECRET_BYTES as u64 + 1)
                .read_to_end(&mut bytes);
            let _ = sender.send(read.map(|_| bytes));
        });
    }
    let mut output = None;
    let status = loop {
        if output.is_none() {
            output = printed.try_recv().ok();
        }
        if let Some(Ok(bytes)) = &output {
            if bytes.len() > MAX_SECRET_BYTES {
                stop_child(&mut child, own_group);
                return Err(failed(format!(
                    "printed more than {MAX_SECRET_BYTES} bytes; a secret is short"
                )));
            }
        }
        match child.try_wait() {
            Ok(Some(status)) if output.is_some() => break status,
            Ok(_) if Instant::now() < stop => std::thread::sleep(SECRET_COMMAND_POLL),
            Ok(_) => {
                stop_child(&mut child, own_group);
                return Err(failed(format!(
                    "did not finish within {:.1}s; it was stopped",
                    stop.saturating_duration_since(started).as_secs_f32()
                )));
            }
            Err(e) => return Err(failed(format!("could not be waited for: {e}"))),
        }
    };
    if !status.success() {
        return Err(failed(format!("failed ({status})")));
    }
    let bytes = match output {
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => return Err(failed(format!("output could not be read: {e}"))),
        None => Vec::new(),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        TransportError::config(format!(
            "secret_command `{program}` printed non-UTF-8 output"
        ))
    })?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// Kills a `secret_command` that overran (with its process group when it has its
/// own) and reaps it.
fn stop_child(child: &mut std::process::Child, own_group: bool) {
    #[cfg(unix)]
    if own_group {
        let group = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The longest profile name.
const MAX_PROFILE_NAME: usize = 64;

/// Refuses a profile name that is not 1 to 64 of `A-Z a-z 0-9 . _ -` (or is `.` or
/// `..`): names end up in file names (overlays named like a profile), in messages and
/// on terminals, where `../x`, quotes or a line feed have no business.
pub fn check_profile_name(name: &str) -> Result<(), TransportError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if (1..=MAX_PROFILE_NAME).contains(&name.len())
        && name.chars().all(allowed)
        && name != "."
        && name != ".."
    {
        return Ok(());
    }
    let shown: String = name.chars().take(MAX_PROFILE_NAME).collect();
    Err(TransportError::config(format!(
        "profile name `{}`{} is not allowed: use 1 to {MAX_PROFILE_NAME} of A-Z a-z 0-9 . _ -",
        shown.escape_debug(),
        if name.chars().count() > MAX_PROFILE_NAME {
            "…"
        } else {
            ""
        },
    )))
}

/// The profiles file: read, looked up, edited and saved with its comments kept.
#[derive(Debug, Clone)]
pub struct ProfileFile {
    path: PathBuf,
    doc: DocumentMut,
    default: Option<String>,
    profiles: BTreeMap<String, Profile>,
}

impl ProfileFile {
    /// `profiles.toml` in [`UserDir::Config`]; `None` when no variable names one.
    pub fn user_path() -> Option<PathBuf> {
        UserDir::Config.path().map(|dir| dir.join(PROFILES_FILE))
    }

    /// Reads and checks the file at `path`; a file that does not exist is an empty one.
    /// Fails, naming the file and a line and column, on bad TOML, an unknown key, a
    /// value of the wrong type, two secret sources in one profile, or a `client_secret`
    /// in a file that others may read.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, TransportError> {
        let path = path.into();
        let bytes = crate::read_user_file(&path, MAX_PROFILE_FILE_BYTES).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8")
            })
        });
        let text = match bytes {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ConfigError::unreadable(format!(
                    "profile file {}: cannot read it: {e}",
                    path.display()
                ))
                .into())
            }
        };
        let mut file = ProfileFile::parse(&path, &text)?;
        file.check_secrets_are_private()?;
        file.path = path;
        Ok(file)
    }

    /// Parses `text` as the file at `path` (which is not read).
    pub fn parse(path: &Path, text: &str) -> Result<Self, TransportError> {
        let at = |span: Option<Range<usize>>, what: String| {
            let (line, column) = line_column(text, span.map_or(0, |s| s.start));
            TransportError::config(format!(
                "profile file {}: line {line}, column {column}: {what}",
                path.display()
            ))
        };
        let doc = toml_edit::Document::parse(text.to_owned())
            .map_err(|e| at(e.span(), e.message().to_owned()))?;
        let mut default = None;
        let mut profiles = BTreeMap::new();
        for (key, item) in doc.as_table().iter() {
            let span = doc.as_table().key(key).and_then(|k| k.span());
            match key {
                "default" => {
                    default = Some(
                        string(item)
                            .ok_or_else(|| at(item.span(), "`default` must be a string".into()))?,
                    )
                }
                "profiles" => {
                    let table = item
                        .as_table_like()
                        .ok_or_else(|| at(item.span(), "`profiles` must be a table".into()))?;
                    for (name, item) in table.iter() {
                        let key_span = table.key(name).and_then(|k| k.span());
                        check_profile_name(name)
                            .map_err(|e| at(key_span.or(item.span()), message_of(&e)))?;
                        let profile = parse_profile(path, name, item, &at)?;
                        profiles.insert(name.to_owned(), profile);
                    }
                }
                other => {
                    return Err(at(
                        span,
                        format!("unknown key `{other}` (expected `default` or `profiles`)"),
                    ))
                }
            }
        }
        if let Some(name) = &default {
            if !profiles.contains_key(name) {
                let span = doc.as_table().get("default").and_then(Item::span);
                return Err(at(
                    span,
                    format!("the default profile `{name}` is not defined"),
                ));
            }
        }
        Ok(ProfileFile {
            path: path.to_owned(),
            doc: doc.into_mut(),
            default,
            profiles,
        })
    }

    fn check_secrets_are_private(&self) -> Result<(), TransportError> {
        let Some((name, _)) = self
            .profiles
            .iter()
            .find(|(_, p)| matches!(p.secret, Some(SecretSource::Plain(_))))
        else {
            return Ok(());
        };
        let metadata = std::fs::metadata(&self.path).map_err(|e| {
            ConfigError::unreadable(format!("profile file {}: {e}", self.path.display()))
        })?;
        if is_private(&metadata) {
            return Ok(());
        }
        Err(TransportError::config(format!(
            "profile file {}: profile `{name}` has a plain client_secret but the file is mode {} \
             (others can read it): run `chmod 600 {}`, or use secret_env or secret_command",
            self.path.display(),
            mode_of(&metadata),
            self.path.display()
        )))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of the default profile, if one is set.
    pub fn default_name(&self) -> Option<&str> {
        self.default.as_deref()
    }

    /// One profile by name.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The profile named `name`, or an error listing the names there are.
    pub fn require(&self, name: &str) -> Result<&Profile, TransportError> {
        check_profile_name(name)?;
        self.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            TransportError::config(format!(
                "no profile `{name}` in {} (profiles: {})",
                self.path.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    /// Every profile, by name.
    pub fn profiles(&self) -> impl Iterator<Item = (&str, &Profile)> {
        self.profiles.iter().map(|(n, p)| (n.as_str(), p))
    }

    /// Adds or replaces the profile `name` (other profiles and comments are kept); the
    /// name must pass [`check_profile_name`].
    pub fn set(&mut self, name: &str, profile: Profile) -> Result<(), TransportError> {
        check_profile_name(name)?;
        let mut table = Table::new();
        let secret = match &profile.secret {
            None => None,
            Some(SecretSource::Env(var)) => Some(("secret_env", toml_edit::value(var.as_str()))),
            Some(SecretSource::Command(argv)) => Some((
                "secret_command",
                toml_edit::value(argv.iter().map(String::as_str).collect::<Array>()),
            )),
            Some(SecretSource::Plain(secret)) => {
                Some(("client_secret", toml_edit::value(secret.expose())))
            }
        };
        let text =
            |key, value: &Option<String>| value.as_deref().map(|v| (key, toml_edit::value(v)));
        let fields = [
            Some(("platform", toml_edit::value(profile.platform.as_str()))),
            text("base_url", &profile.base_url),
            text("client_id", &profile.client_id),
            secret,
            text("rate_limit", &profile.rate_limit.map(|p| p.to_string())),
            text(
                "ca_cert",
                &profile.ca_cert.as_ref().map(|p| p.display().to_string()),
            ),
            text("shared_state", &profile.shared_state),
        ];
        for (key, value) in fields.into_iter().flatten() {
            table.insert(key, value);
        }
        for (key, value) in &profile.extra {
            table.insert(key, toml_edit::value(value.as_str()));
        }
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        if let Some(profiles) = profiles.as_table_like_mut() {
            profiles.insert(name, Item::Table(table));
        }
        self.profiles.insert(name.to_owned(), profile);
        Ok(())
    }

    /// Removes the profile `name` (and the default, if it was the default); `false` if
    /// there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        if self.profiles.remove(name).is_none() {
            return false;
        }
        if let Some(profiles) = self
            .doc
            .get_mut("profiles")
            .and_then(Item::as_table_like_mut)
        {
            profiles.remove(name);
        }
        if self.default.as_deref() == Some(name) {
            self.default = None;
            self.doc.remove("default");
        }
        true
    }

    /// Makes `name` the default profile; it must exist.
    pub fn set_default(&mut self, name: &str) -> Result<(), TransportError> {
        self.require(name)?;
        self.doc.insert("default", toml_edit::value(name));
        self.default = Some(name.to_owned());
        Ok(())
    }

    /// Writes the file atomically with mode 0600 (creating its directory, mode 0700).
    /// A profiles file that is a symbolic link (kept in a dotfiles repository) is
    /// written through: the file it points to is replaced and the link stays.
    pub fn save(&self) -> Result<(), TransportError> {
        let cannot = |e: std::io::Error| -> TransportError {
            ConfigError::unreadable(format!(
                "profile file {}: cannot write it: {e}",
                self.path.display()
            ))
            .into()
        };
        let target = match std::fs::symlink_metadata(&self.path) {
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::canonicalize(&self.path).map_err(|e| {
                    cannot(std::io::Error::new(
                        e.kind(),
                        format!("it is a link whose target cannot be resolved ({e})"),
                    ))
                })?
            }
            _ => self.path.clone(),
        };
        write_private(&target, self.text().as_bytes()).map_err(cannot)
    }

    /// The file's text as [`save`](Self::save) writes it.
    pub(crate) fn text(&self) -> String {
        self.doc.to_string()
    }
}

/// Reads one `[profiles.NAME]` table of the file at `path`.
fn parse_profile(
    path: &Path,
    name: &str,
    item: &Item,
    at: &impl Fn(Option<Range<usize>>, String) -> TransportError,
) -> Result<Profile, TransportError> {
    let table = item
        .as_table_like()
        .ok_or_else(|| at(item.span(), format!("profile `{name}` must be a table")))?;
    let mut platform = None;
    let mut profile = Profile::new("");
    for (key, item) in table.iter() {
        let text = |what: &str| {
            string(item)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    at(
                        item.span(),
                        format!("profile `{name}`: `{key}` must be a non-empty string{what}"),
                    )
                })
        };
        let secret = |source: SecretSource, profile: &mut Profile| {
            if profile.secret.is_some() {
                return Err(at(
                    item.span(),
                    format!("profile `{name}`: give one of secret_env, secret_command and client_secret"),
                ));
            }
            profile.secret = Some(source);
            Ok(())
        };
        match key {
            "platform" => platform = Some(text(" such as \"isc\"")?),
            "base_url" => profile.base_url = Some(text("")?),
            "client_id" => profile.client_id = Some(text("")?),
            "secret_env" => secret(SecretSource::Env(text(" (a variable name)")?), &mut profile)?,
            "client_secret" => secret(SecretSource::Plain(Secret::new(text("")?)), &mut profile)?,
            "secret_command" => {
                let argv = item
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
                    .and_then(|argv| argv.filter(|a| a.first().is_some_and(|p| !p.is_empty())))
                    .ok_or_else(|| at(item.span(), format!("profile `{name}`: `secret_command` must be an array of strings, the program first")))?;
                secret(SecretSource::Command(argv), &mut profile)?;
            }
            "rate_limit" => {
                let policy = text(" (auto, off or MAX/WINDOW)")?.parse().map_err(|e| {
                    at(
                        item.span(),
                        format!("profile `{name}`: `rate_limit`: {}", message_of(&e)),
                    )
                })?;
                profile.rate_limit = Some(policy);
            }
            "ca_cert" => profile.ca_cert = Some(beside(path, text(" (a PEM file)")?)),
            "shared_state" => {
                let url = text(" (redis://HOST[:PORT][/DB])")?;
                if crate::redact::url_without_password(&url).1 {
                    return Err(at(item.span(), format!(
                        "profile `{name}`: `shared_state` holds a password, and a profile is plain \
                         text: give the whole URL in CONNKIT_SHARED_STATE (from a secret store) instead"
                    )));
                }
                profile.shared_state = Some(url);
            }
            other => match (misspelt(other), string(item)) {
                (None, Some(value)) => {
                    profile.extra.insert(other.to_owned(), value);
                }
                (near, _) => {
                    let span = table.key(other).and_then(|k| k.span());
                    let hint = near.map_or_else(
                        || "; a key of another application must be a string".to_owned(),
                        |key| format!("; did you mean `{key}`?"),
                    );
                    return Err(at(
                        span,
                        format!(
                            "profile `{name}`: unknown key `{other}` (expected {}{hint})",
                            PROFILE_KEYS.join(", ")
                        ),
                    ));
                }
            },
        }
    }
    profile.platform = platform.ok_or_else(|| {
        at(
            item.span(),
            format!("profile `{name}` has no `platform` (e.g. platform = \"isc\")"),
        )
    })?;
    Ok(profile)
}

/// The keys of a profile that this crate reads.
const PROFILE_KEYS: [&str; 9] = [
    "platform",
    "base_url",
    "client_id",
    "secret_env",
    "secret_command",
    "client_secret",
    "rate_limit",
    "ca_cert",
    "shared_state",
];

/// The key of [`PROFILE_KEYS`] that `key` looks like a misspelling of (at most two
/// edits away, ignoring case), if any: such a key is refused rather than kept as
/// another application's, which would leave the setting silently unset.
fn misspelt(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    PROFILE_KEYS
        .into_iter()
        .find(|known| edit_distance(&key, known) <= 2)
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `file` as written in the profiles file at `profiles`: relative to its directory.
fn beside(profiles: &Path, file: String) -> PathBuf {
    match profiles.parent() {
        Some(dir) => dir.join(file),
        None => PathBuf::from(file),
    }
}

fn string(item: &Item) -> Option<String> {
    item.as_value().and_then(Value::as_str).map(str::to_owned)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        ProfileFile::parse(Path::new("/p/profiles.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn format_errors_name_the_file_line_and_column_but_no_value() {
        const A: &str = "[profiles.a]\nplatform = \"isc\"\n";
        let cases: &[(String, &[&str])] = &[
            (
                format!("{A}client_id = \n"),
                &["/p/profiles.toml: line 3, column 13"],
            ),
            (
                format!("{A}base_ulr = \"x\"\n"),
                &[
                    "line 3, column 1",
                    "unknown key `base_ulr`",
                    "did you mean `base_url`?",
                ],
            ),
            (
                format!("{A}Client_Secret = \"918273\"\n"),
                &["did you mean `client_secret`?"],
            ),
            (
                format!("{A}theme = 3\n"),
                &["unknown key `theme`", "must be a string"],
            ),
            (
                format!("{A}client_secret = 918273\n"),
                &["line 3, column 17", "`client_secret` must be"],
            ),
            (
                format!("{A}secret_env = \"V\"\nsecret_command = [\"x\"]\n"),
                &["line 4", "one of secret_env"],
            ),
            (
                format!("{A}secret_command = [\"x\", 1]\n"),
                &["array of strings"],
            ),
            (
                format!("{A}rate_limit = \"fast\"\n"),
                &[
                    "line 3, column 14",
                    "`rate_limit`",
                    "auto, off or MAX/WINDOW",
                ],
            ),
            (
                format!("{A}rate_limit = \"0/10s\"\n"),
                &["line 3, column 14", "at least 1"],
            ),
            (
                format!("{A}shared_state = \"redis://:918273@cache:6379\"\n"),
                &["line 3, column 16", "`shared_state` holds a password"],
            ),
            (
                "[profiles.a]\nbase_url = \"https://t\"\n".into(),
                &["no `platform`"],
            ),
            (
                format!("default = \"b\"\n{A}"),
                &["line 1, column 11", "`b` is not defined"],
            ),
            ("colour = 1\n".into(), &["unknown key `colour`"]),
        ];
        for (text, needles) in cases {
            let err = error_of(text);
            for needle in *needles {
                assert!(err.contains(needle), "{text:?}: {err}");
            }
            assert!(!err.contains("918273"), "{err}");
        }
    }

    #[test]
    fn other_applications_keys_are_kept_and_written_back() {
        let text = "[profiles.a]\nplatform = \"isc\"\noutput = \"json\" # mine\ntheme = \"dark\"\n";
        let mut file = ProfileFile::parse(Path::new("/p/profiles.toml"), text).unwrap();
        let a = file.get("a").unwrap().clone();
        assert_eq!(a.extra.get("output").map(String::as_str), Some("json"));
        assert_eq!(a.extra.get("theme").map(String::as_str), Some("dark"));
        let mut b = Profile::new(PLATFORM_C1);
        b.extra.insert("output".into(), "ndjson".into());
        file.set("b", b.clone()).unwrap();
        let again = ProfileFile::parse(Path::new("/p/profiles.toml"), &file.text()).unwrap();
        assert_eq!(again.get("a"), Some(&a));
        assert_eq!(again.get("b"), Some(&b));
        assert!(file.text().contains("# mine"), "{}", file.text());
    }

    #[test]
    fn misspellings_are_near_a_known_key() {
        assert_eq!(misspelt("platfrom"), Some("platform"));
        assert_eq!(misspelt("CA_CERT"), Some("ca_cert"));
        assert_eq!(misspelt("secretenv"), Some("secret_env"));
        assert_eq!(misspelt("output"), None);
        assert_eq!(misspelt("theme"), None);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn rate_limit_is_a_policy_and_ca_cert_is_beside_the_file() {
        let text = "[profiles.a]\nplatform = \"isc\"\nrate_limit = \"20/2s\"\nca_cert = \"ca/proxy.pem\"\n\
                    [profiles.b]\nplatform = \"isc\"\nrate_limit = \"OFF\"\nca_cert = \"/etc/ca.pem\"\n";
        let file = ProfileFile::parse(Path::new("/p/profiles.toml"), text).unwrap();
        let a = file.get("a").unwrap();
        assert_eq!(a.rate_limit, Some("20/2s".parse().unwrap()));
        assert_eq!(a.ca_cert.as_deref(), Some(Path::new("/p/ca/proxy.pem")));
        let b = file.get("b").unwrap();
        assert_eq!(b.rate_limit, Some(RateLimitPolicy::Off));
        assert_eq!(b.ca_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
    }

    #[test]
    fn shared_state_is_kept_and_written_back() {
        let text =
            "[profiles.a]\nplatform = \"isc\"\nshared_state = \"rediss://cache.example:6380/2\"\n";
        let mut file = ProfileFile::parse(Path::new("/p/profiles.toml"), text).unwrap();
        let a = file.get("a").unwrap().clone();
        assert_eq!(
            a.shared_state.as_deref(),
            Some("rediss://cache.example:6380/2")
        );
        file.set("b", a).unwrap();
        let written = file.text();
        let again = ProfileFile::parse(Path::new("/p/profiles.toml"), &written).unwrap();
        assert_eq!(
            again.get("b").unwrap().shared_state,
            again.get("a").unwrap().shared_state
        );
    }

    #[test]
    fn secrets_come_from_their_source() {
        let env = |name: &str| (name == "V").then(|| "from-env".to_owned());
        let read = |s: SecretSource| s.read(env).map(|s| s.expose().to_owned());
        assert_eq!(read(SecretSource::Env("V".into())).unwrap(), "from-env");
        let err = read(SecretSource::Env("W".into())).unwrap_err().to_string();
        assert!(err.contains("environment variable W"), "{err}");
        let printed = SecretSource::Command(vec!["printf".into(), "abc\\n".into()]);
        assert_eq!(read(printed).unwrap(), "abc");
        let failing =
            SecretSource::Command(vec!["sh".into(), "-c".into(), "echo oops; exit 3".into()]);
        let err = read(failing).unwrap_err().to_string();
        assert!(
            err.contains("`sh` failed") && !err.contains("oops"),
            "{err}"
        );
        let missing = SecretSource::Command(vec!["/nonexistent/connkit-helper".into()]);
        assert!(read(missing)
            .unwrap_err()
            .to_string()
            .contains("could not run"));
        let plain = format!("{:?}", SecretSource::Plain(Secret::new("p4ss")));
        assert!(!plain.contains("p4ss"), "{plain}");
    }

    #[cfg(unix)]
    #[test]
    fn edits_keep_comments_and_plain_secrets_need_a_private_file() {
        use std::os::unix::fs::PermissionsExt;

        let dir = std::env::temp_dir().join(format!("connkit-profiles-{}", std::process::id()));
        let path = dir.join("profiles.toml");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            &path,
            "# my tenants\n[profiles.a]\nplatform = \"isc\" # prod\n",
        )
        .unwrap();

        let mut file = ProfileFile::load(&path).unwrap();
        let mut b = Profile::new("isc");
        b.base_url = Some("https://b.example".into());
        b.secret = Some(SecretSource::Command(vec!["pass".into(), "b".into()]));
        file.set("b", b.clone()).unwrap();
        file.set_default("b").unwrap();
        assert!(file.set_default("zzz").is_err());
        file.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my tenants") && text.contains("# prod"),
            "{text}"
        );
        let again = ProfileFile::load(&path).unwrap();
        assert_eq!(again.get("b"), Some(&b));
        assert_eq!(again.default_name(), Some("b"));

        let mut again = again;
        assert!(again.remove("b") && !again.remove("b"));
        assert_eq!(again.default_name(), None);
        let mut plain = Profile::new("isc");
        plain.secret = Some(SecretSource::Plain(Secret::new("p4ss")));
        again.set("plain", plain).unwrap();
        again.save().unwrap();
        assert!(ProfileFile::load(&path).is_ok(), "saved 0600");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = ProfileFile::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("mode 0644") && err.contains("chmod 600") && !err.contains("p4ss"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn argv(script: &str) -> Vec<String> {
        ["sh", "-c", script].map(str::to_owned).to_vec()
    }

    #[test]
    fn a_secret_command_prints_the_secret() {
        let secret = run_secret_command(&argv("printf 's3cret\\n'"), None).unwrap();
        assert_eq!(secret, "s3cret");
        let err = run_secret_command(&argv("exit 3"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("failed"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_hung_secret_command_is_stopped_at_the_deadline_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // A grandchild that would outlive its parent, and a parent that never ends.
        let script = format!("sleep 300 & echo $! > {}; sleep 300", pids.display());
        let started = Instant::now();
        let deadline = started + Duration::from_millis(500);
        let err = run_secret_command(&argv(&script), Some(deadline))
            .unwrap_err()
            .to_string();
        assert!(err.contains("did not finish within 0.5s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        if !std::io::stdin().is_terminal() {
            let grandchild = std::fs::read_to_string(&pids).unwrap();
            let proc = Path::new("/proc").join(grandchild.trim());
            let gone = (0..100).any(|_| {
                std::thread::sleep(Duration::from_millis(10));
                // Gone, or a zombie waiting for init to reap it.
                std::fs::read_to_string(proc.join("stat"))
                    .map_or(true, |stat| stat.contains(") Z "))
            });
            assert!(gone, "the grandchild {} still runs", grandchild.trim());
        }
    }

    #[test]
    fn a_secret_command_that_prints_megabytes_is_refused() {
        let started = Instant::now();
        let err = run_secret_command(&argv("head -c 50000000 /dev/zero"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 65536 bytes"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn profile_names_are_short_plain_words() {
        for ok in ["dev", "prod-eu.2", "a_b", &"x".repeat(64)] {
            assert!(check_profile_name(ok).is_ok(), "{ok}");
        }
        let long = "y".repeat(5000);
        for bad in ["", ".", "..", "../x", "a\"b", "a\nb", "a b", "é", &long] {
            let err = check_profile_name(bad).unwrap_err().to_string();
            assert!(err.contains("is not allowed"), "{bad}: {err}");
            assert!(!err.contains('\n') && err.len() < 300, "{err}");
        }
        let err = error_of("[profiles.\"../x\"]\nbase_url = \"https://x.example\"\n");
        assert!(err.contains("line 1") && err.contains("../x"), "{err}");
        let mut file = ProfileFile::parse(Path::new("/p/profiles.toml"), "").unwrap();
        assert!(file.set("a\"b", Profile::new(PLATFORM_ISC)).is_err());
        assert!(file
            .require("../x")
            .unwrap_err()
            .to_string()
            .contains("not allowed"));
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_profiles_file_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-profiles.toml");
        std::fs::write(&real, "# mine\n").unwrap();
        let link = dir.path().join("profiles.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut file = ProfileFile::load(&link).unwrap();
        file.set("dev", Profile::new(PLATFORM_ISC)).unwrap();
        file.save().unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        let text = std::fs::read_to_string(&real).unwrap();
        assert!(
            text.contains("# mine") && text.contains("[profiles.dev]"),
            "{text}"
        );
    }
}
