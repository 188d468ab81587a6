//! RFC 6901 JSON Pointers: the one parser (and escaper) that pre-flight, the sandbox
//! and connectors-as-code share, so that they agree on what a pointer is.

/// Why a text is not a JSON Pointer; the message quotes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PointerError {
    /// A non-empty pointer must start with `/`.
    #[error("`{pointer}` is not a JSON Pointer: it must be empty or start with `/`")]
    NoLeadingSlash {
        /// The text as given.
        pointer: String,
    },
    /// `~` is an escape: only `~0` (for `~`) and `~1` (for `/`) exist.
    #[error("`{pointer}` is not a JSON Pointer: `~` must be followed by `0` or `1`")]
    BadEscape {
        /// The text as given.
        pointer: String,
    },
}

/// The reference tokens of `pointer`, unescaped: `""` is the whole document (no
/// token), `/a~1b/0` is `["a/b", "0"]`.
///
/// ```
/// use connkit_models::json_pointer::{parse, PointerError};
///
/// assert_eq!(parse("/connectorMetadata/a~1b~0").unwrap(), ["connectorMetadata", "a/b~"]);
/// assert!(parse("").unwrap().is_empty());
/// assert!(matches!(parse("a"), Err(PointerError::NoLeadingSlash { .. })));
/// assert!(matches!(parse("/a~2"), Err(PointerError::BadEscape { .. })));
/// ```
pub fn parse(pointer: &str) -> Result<Vec<String>, PointerError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(PointerError::NoLeadingSlash {
            pointer: pointer.to_owned(),
        });
    };
    rest.split('/')
        .map(|token| {
            let mut out = String::with_capacity(token.len());
            let mut chars = token.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => {
                        return Err(PointerError::BadEscape {
                            pointer: pointer.to_owned(),
                        })
                    }
                }
            }
            Ok(out)
        })
        .collect()
}

/// `token` escaped for use in a pointer (`~` → `~0`, `/` → `~1`), so that
/// `format!("/connectorMetadata/{}", escape(key))` names exactly `key`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_parse_round_trip() {
        for token in ["", "a", "a/b", "~", "~1", "/~0/", "ü/~"] {
            let pointer = format!("/x/{}", escape(token));
            assert_eq!(parse(&pointer).unwrap(), ["x", token], "{pointer}");
        }
        assert_eq!(parse("/").unwrap(), [""]);
        assert_eq!(parse("//").unwrap(), ["", ""]);
    }

    #[test]
    fn errors_quote_the_pointer() {
        assert_eq!(
            parse("a/b").unwrap_err().to_string(),
            "`a/b` is not a JSON Pointer: it must be empty or start with `/`"
        );
        for bad in ["/a~", "/a~2", "/~x/b"] {
            let err = parse(bad).unwrap_err();
            assert!(matches!(err, PointerError::BadEscape { .. }), "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }
}
