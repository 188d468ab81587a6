//! Percent-encoding of path segments and query strings (RFC 3986).
//!
//! Everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so a
//! value can carry quotes, spaces, `#`, `%`, `&`, `+`, `/` or non-ASCII text and still
//! reach the server unchanged.

use std::fmt::Write;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `value` percent-encoded to `out`.
fn push_encoded(out: &mut String, value: &str) {
    for b in value.bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// `value` percent-encoded as one path segment (a `/` in it is encoded too).
pub(crate) fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_encoded(&mut out, value);
    out
}

/// A query string under construction: `?k=v&k2=v2`, each key and value encoded.
#[derive(Debug, Default)]
pub(crate) struct Query {
    encoded: String,
}

impl Query {
    /// Appends `key=value`.
    pub(crate) fn push(&mut self, key: &str, value: impl AsRef<str>) {
        self.encoded
            .push(if self.encoded.is_empty() { '?' } else { '&' });
        push_encoded(&mut self.encoded, key);
        self.encoded.push('=');
        push_encoded(&mut self.encoded, value.as_ref());
    }

    /// Appends `key=value` when `value` is `Some`.
    pub(crate) fn push_opt<V: std::fmt::Display>(&mut self, key: &str, value: Option<V>) {
        if let Some(v) = value {
            self.push(key, v.to_string());
        }
    }

    /// The query including its leading `?`, or an empty string.
    pub(crate) fn as_str(&self) -> &str {
        &self.encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_reserved() {
        assert_eq!(
            path_segment("a b/c#d%e&f?g+h\"i'é"),
            "a%20b%2Fc%23d%25e%26f%3Fg%2Bh%22i%27%C3%A9"
        );
        assert_eq!(path_segment("Az09-._~"), "Az09-._~");
    }

    #[test]
    fn builds_a_query() {
        let mut q = Query::default();
        assert_eq!(q.as_str(), "");
        q.push("filters", r#"name sw "A #1&2%""#);
        q.push_opt("limit", Some(5));
        q.push_opt::<u32>("offset", None);
        assert_eq!(
            q.as_str(),
            "?filters=name%20sw%20%22A%20%231%262%25%22&limit=5"
        );
    }
}
