//! [`ConfigError`]: why the configuration cannot be used, typed so that a caller can
//! tell a setting no source gave from one given with an unusable value without
//! looking at the sources again.

/// A setting a client needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The tenant's base URL.
    BaseUrl,
    /// The OAuth2 client id.
    ClientId,
    /// The OAuth2 client secret.
    ClientSecret,
}

/// What is wrong with the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// No source gave this setting.
    Missing(Setting),
    /// A value was given, but cannot be used (a malformed URL, an empty token, a
    /// profile for another platform, …); the message names where it came from.
    Invalid,
    /// A file or command that holds settings could not be read, run or written.
    Unreadable,
}

/// Configuration is missing or invalid (base URL, credentials, config or profile file).
///
/// [`problem`](ConfigError::problem) classifies it; the `Display` is one line that
/// names the source (file, environment variable, argument) and never quotes a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {message}")]
pub struct ConfigError {
    problem: ConfigProblem,
    message: String,
}

impl ConfigError {
    /// No source gave `setting`; `message` says where it was looked for.
    pub fn missing(setting: Setting, message: impl Into<String>) -> Self {
        Self::new(ConfigProblem::Missing(setting), message)
    }

    /// A value was given but cannot be used; `message` says which and from where.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ConfigProblem::Invalid, message)
    }

    /// A file or command holding settings could not be read, run or written.
    pub fn unreadable(message: impl Into<String>) -> Self {
        Self::new(ConfigProblem::Unreadable, message)
    }

    fn new(problem: ConfigProblem, message: impl Into<String>) -> Self {
        ConfigError {
            problem,
            message: message.into(),
        }
    }

    /// What is wrong.
    pub fn problem(&self) -> ConfigProblem {
        self.problem
    }

    /// The message without the `configuration error: ` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `true` when no source gave `setting` (as opposed to giving a bad value).
    pub fn is_missing(&self, setting: Setting) -> bool {
        self.problem == ConfigProblem::Missing(setting)
    }

    /// The same problem, its message prefixed by `context` (e.g. the profile it came
    /// from).
    pub(crate) fn context(self, context: impl std::fmt::Display) -> Self {
        ConfigError {
            message: format!("{context}: {}", self.message),
            ..self
        }
    }
}
