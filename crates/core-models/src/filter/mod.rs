//! The ISC filter language: the `filters` query parameter of list endpoints.
//!
//! One syntax tree ([`Filter`]) with three ways in and one way out:
//!
//! - **build** it with [`field`]: `field("name").sw("Act").and(field("type").eq("JDBC"))`;
//! - **parse** it from text with [`str::parse`] (errors carry the column, see [`ParseError`]);
//! - **render** it with `to_string()`: canonical text that parses back to the same tree;
//! - **check** it against what an endpoint accepts with [`AllowedFilters::check`] (for the
//!   connector list: [`CONNECTOR_LIST`]).
//!
//! ```
//! use connkit_models::filter::{field, Filter, CONNECTOR_LIST};
//!
//! let built = field("name").sw("Act").and(field("features").ca(["AUTHENTICATE"]).not());
//! let text = built.to_string();
//! assert_eq!(text, r#"name sw "Act" and not features ca ("AUTHENTICATE")"#);
//! assert_eq!(text.parse::<Filter>(), Ok(built.clone()));
//! assert!(CONNECTOR_LIST.check(&built).is_ok());
//!
//! let err = "name EQ \"Act\"".parse::<Filter>().unwrap_err();
//! assert_eq!(err.to_string(), "operators are lowercase: write `eq` instead of `EQ` at column 6");
//! ```
//!
//! # The language
//!
//! - Comparisons `field op value` with `eq ne gt ge lt le co sw`; lists `field in (v, …)` and
//!   `field ca (v, …)` (contains all); prefix `pr field` (present); postfix `field isnull`.
//! - `not`, `and`, `or`, binding in that order (`a or b and not c` is `a or (b and (not c))`),
//!   and parentheses.
//! - Operators and keywords are lowercase only: `EQ` or `AND` is an error that says so.
//! - Values: strings in double quotes, where `\"` and `\\` are the only escapes (any other
//!   character, including a newline, stands for itself); bare `true`, `false` and `null`;
//!   JSON-style numbers.
//! - Field names are identifiers, possibly dotted (`attributes.foo`), see [`is_field_name`].
//!
//! **Booleans**: the service accepts `directConnect eq true` and also `directConnect eq "true"`.
//! The parser keeps what was written: the quoted form is a [`Literal::String`]. Consumers that
//! compare with a boolean field should use [`Literal::as_bool`], which accepts both spellings.
//!
//! **Depth**: parsing refuses nesting deeper than [`MAX_DEPTH`] levels of `(` and `not`, so
//! hostile input gets an error instead of exhausting the stack. Trees built in code are not
//! limited; rendering and dropping them recurse, so keep them to a sane depth.

mod allowed;
mod ast;
mod builder;
mod error;
mod lex;
mod parse;
mod render;

pub use allowed::{AllowedFilters, FilterNotAllowed, CONNECTOR_LIST};
pub use ast::{CompareOp, Filter, Literal, Operator};
pub use builder::{field, Field};
pub use error::ParseError;

/// The deepest nesting of `(` and `not` the parser accepts.
pub const MAX_DEPTH: usize = 100;

/// Every word with a meaning of its own in the language (all lowercase).
const KEYWORDS: [&str; 18] = [
    "eq", "ne", "gt", "ge", "lt", "le", "co", "sw", "in", "ca", "pr", "isnull", "and", "or", "not",
    "true", "false", "null",
];

/// Is `word` (exactly, lowercase) a keyword?
fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Whether `name` can be written as a field in a filter: dot-separated segments of ASCII
/// letters, digits and `_` (each starting with a letter or `_`), and not a keyword in any
/// letter case (`and`, `EQ`, `True`, … are reserved).
///
/// The builder does not check names; a filter with a bad field name renders to text that does
/// not parse. [`AllowedFilters::check`] refuses such fields for a given endpoint.
pub fn is_field_name(name: &str) -> bool {
    let well_formed = name.split('.').all(|segment| {
        let mut chars = segment.chars();
        chars.next().is_some_and(lex::is_word_start) && chars.all(lex::is_word_char)
    });
    well_formed && !is_keyword(&name.to_ascii_lowercase())
}

impl serde::Serialize for Filter {
    /// A filter is a string on the wire: its canonical text.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Filter {
    /// Parse the filter text; the error names the column.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        for ok in [
            "name",
            "directConnect",
            "attributes.foo",
            "_x.y_2.z",
            "Type",
            "a.and",
        ] {
            assert!(is_field_name(ok), "{ok}");
        }
        for bad in [
            "", "1a", "a.", ".a", "a..b", "a-b", "é", "and", "EQ", "True", "isNull", "a b",
        ] {
            assert!(!is_field_name(bad), "{bad}");
        }
    }

    #[test]
    fn serde_uses_the_text_form() {
        let f = field("name").sw("A\"b");
        let json = serde_json::to_string(&f).unwrap_or_default();
        assert_eq!(json, r#""name sw \"A\\\"b\"""#);
        assert_eq!(serde_json::from_str::<Filter>(&json).ok(), Some(f));
        let bad = serde_json::from_str::<Filter>(r#""name EQ 1""#);
        assert!(bad.is_err_and(|e| e.to_string().contains("at column 6")));
    }
}
