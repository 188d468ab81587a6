//! `Secret`: a string that never shows itself in `Debug`, `Display`, errors or logs.

use std::fmt;

/// What a redacted value prints as.
pub const REDACTED: &str = "[redacted]";

/// A secret string (client secret, bearer token). `Debug` and `Display` print
/// `[redacted]`; the value is only reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself: use it only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `true` if the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `url` with the password of its user info replaced by `***` (a URL that names one
/// must never be printed whole), and whether it had one.
pub(crate) fn url_without_password(url: &str) -> (String, bool) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return ("(not a URL)".to_owned(), false);
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority
        .rsplit_once('@')
        .and_then(|(info, host)| Some((info.split_once(':')?, host)))
    {
        Some(((user, _password), host)) => (format!("{scheme}://{user}:***@{host}{path}"), true),
        None => (url.to_owned(), false),
    }
}

/// Replaces every occurrence of each non-empty secret in `text` with `[redacted]`, also
/// in the form-encoded spelling a token endpoint may echo back.
pub(crate) fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let raw = secret.expose();
        out = out.replace(raw, REDACTED);
        let encoded: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        if encoded != raw {
            out = out.replace(&encoded, REDACTED);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn a_url_password_never_shows() {
        let cases = [
            (
                "redis://:hunter2@127.0.0.1:6379/3",
                "redis://:***@127.0.0.1:6379/3",
                true,
            ),
            (
                "rediss://ops:hunter2@cache.example",
                "rediss://ops:***@cache.example",
                true,
            ),
            (
                "redis://ops@cache.example/1",
                "redis://ops@cache.example/1",
                false,
            ),
            (
                "redis://cache.example/a@b",
                "redis://cache.example/a@b",
                false,
            ),
            ("not a url", "(not a URL)", false),
        ];
        for (url, shown, had) in cases {
            assert_eq!(url_without_password(url), (shown.to_owned(), had), "{url}");
        }
    }

    #[test]
    fn scrub_removes_raw_and_form_encoded_secrets() {
        let s = Secret::new("a b&c");
        let empty = Secret::new("");
        let text = "raw=a b&c enc=a+b%26c";
        assert_eq!(scrub(text, &[&s, &empty]), "raw=[redacted] enc=[redacted]");
    }
}
