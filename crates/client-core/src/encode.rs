//! Percent-encoding of path segments and query strings (RFC 3986), and the one
//! builder of resource paths that refuses an empty id.
//!
//! Everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so a
//! value can carry quotes, spaces, `#`, `%`, `&`, `+`, `/` or non-ASCII text and still
//! reach the server unchanged. A segment that is all dots (`.`, `..`) has its dots
//! encoded too: URL normalisation would otherwise remove it and change the route.

use std::fmt::Write;

use crate::InvalidRequest;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `value` percent-encoded to `out`; with `dots`, `.` is encoded as well.
fn push_encoded(out: &mut String, value: &str, dots: bool) {
    for b in value.bytes() {
        if is_unreserved(b) && !(dots && b == b'.') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// `value` percent-encoded as one path segment (a `/` in it is encoded too).
///
/// ```
/// use connkit_client::path_segment;
///
/// assert_eq!(path_segment("a b/c#d"), "a%20b%2Fc%23d");
/// assert_eq!(path_segment("v1.2"), "v1.2");
/// assert_eq!(path_segment(".."), "%2E%2E");
/// ```
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let dot_segment = !value.is_empty() && value.bytes().all(|b| b == b'.');
    push_encoded(&mut out, value, dot_segment);
    out
}

/// A query string under construction: `?k=v&k2=v2`, each key and value encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    encoded: String,
}

impl Query {
    /// Appends `key=value`.
    pub fn push(&mut self, key: &str, value: impl AsRef<str>) {
        self.encoded
            .push(if self.encoded.is_empty() { '?' } else { '&' });
        push_encoded(&mut self.encoded, key, false);
        self.encoded.push('=');
        push_encoded(&mut self.encoded, value.as_ref(), false);
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn push_opt<V: std::fmt::Display>(&mut self, key: &str, value: Option<V>) {
        if let Some(v) = value {
            self.push(key, v.to_string());
        }
    }

    /// The query including its leading `?`, or an empty string.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }
}

/// A resource path from literal parts and ids. Each id must be non-blank (an empty one
/// would change which route answers: both APIs treat `/connectors/` as the list) and is
/// percent-encoded as one segment.
///
/// ```
/// use connkit_client::PathBuilder;
///
/// let path = PathBuilder::new("/apps").id("app id", "a 1")?.lit("connectors").id("connector id", "c/2")?.done();
/// assert_eq!(path, "/apps/a%201/connectors/c%2F2");
/// let err = PathBuilder::new("/apps").id("app id", " ").unwrap_err();
/// assert_eq!(err.to_string(), "the app id is empty");
/// # Ok::<(), connkit_client::InvalidRequest>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct PathBuilder(String);

impl PathBuilder {
    /// Starts at `literal` (e.g. `/connectors`), taken as already encoded.
    pub fn new(literal: &str) -> Self {
        PathBuilder(literal.to_owned())
    }

    /// Appends `/literal`.
    pub fn lit(mut self, literal: &str) -> Self {
        self.0.push('/');
        self.0.push_str(literal);
        self
    }

    /// Appends `/{id}` encoded, refusing a blank id and naming it as `what`.
    pub fn id(mut self, what: &str, id: &str) -> Result<Self, InvalidRequest> {
        if id.trim().is_empty() {
            return Err(InvalidRequest::new(format!("the {what} is empty")));
        }
        self.0.push('/');
        self.0.push_str(&path_segment(id));
        Ok(self)
    }

    /// The path.
    pub fn done(self) -> String {
        self.0
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
        assert_eq!(path_segment("."), "%2E");
        assert_eq!(path_segment("..."), "%2E%2E%2E");
        assert_eq!(path_segment(""), "");
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
