//! [`FilterArg`]: a connector-list filter given as a typed [`Filter`] or as text.

use connkit_models::filter::{Filter, CONNECTOR_LIST};

use crate::error::{Error, Result};

/// The `filters` of a connector list, as the caller gave it.
///
/// Text is parsed and both forms are checked against the fields and operators the list
/// supports before anything is sent; [`FilterArg::Unchecked`] skips both and sends the
/// text verbatim (to probe the server's own validation).
///
/// ```
/// use connkit_connectors::FilterArg;
/// use connkit_models::filter;
///
/// let typed: FilterArg = filter::field("name").sw("Act").into();
/// assert_eq!(typed.to_query().unwrap(), r#"name sw "Act""#);
///
/// let text: FilterArg = r#"type eq "ServiceNow""#.into();
/// assert!(text.to_query().is_ok());
///
/// // Refused: the message says what, its source says why.
/// let refused: FilterArg = r#"name eq "x""#.into();
/// let err = refused.to_query().unwrap_err();
/// assert_eq!(err.to_string(), "filter not supported by the connector list");
/// let why = std::error::Error::source(&err).unwrap().to_string();
/// assert!(why.contains("`eq` is not allowed on field `name`"), "{why}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum FilterArg {
    /// A typed filter, rendered canonically.
    Typed(Filter),
    /// Filter text: parsed, checked, and sent in canonical form.
    Text(String),
    /// Filter text sent verbatim, without parsing or checking.
    Unchecked(String),
}

impl FilterArg {
    /// The value of the `filters` query parameter, or why the filter is refused
    /// ([`Error::InvalidFilter`] with a column, [`Error::FilterNotAllowed`] naming the
    /// field and operator).
    pub fn to_query(&self) -> Result<String> {
        let parsed;
        let filter = match self {
            FilterArg::Unchecked(text) => return Ok(text.clone()),
            FilterArg::Typed(filter) => filter,
            FilterArg::Text(text) => {
                parsed = text.parse::<Filter>().map_err(Error::InvalidFilter)?;
                &parsed
            }
        };
        CONNECTOR_LIST
            .check(filter)
            .map_err(Error::FilterNotAllowed)?;
        Ok(filter.to_string())
    }
}

impl From<Filter> for FilterArg {
    fn from(filter: Filter) -> Self {
        FilterArg::Typed(filter)
    }
}

impl From<&str> for FilterArg {
    fn from(text: &str) -> Self {
        FilterArg::Text(text.to_owned())
    }
}

impl From<String> for FilterArg {
    fn from(text: String) -> Self {
        FilterArg::Text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_text_reports_its_column() {
        let err = FilterArg::from(r#"name sw"#).to_query().unwrap_err();
        match err {
            Error::InvalidFilter(e) => assert!(e.column >= 8, "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unsupported_pairs_are_named() {
        let err = FilterArg::from(r#"directConnect sw "t""#)
            .to_query()
            .unwrap_err();
        // What is refused is the source, not repeated in the message.
        let Error::FilterNotAllowed(refused) = &err else {
            panic!("{err:?}")
        };
        let text = refused.to_string();
        assert!(
            text.contains("directConnect") && text.contains("sw"),
            "{text}"
        );
        let err = FilterArg::from(r#"owner eq "x""#).to_query().unwrap_err();
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains("owner")), "{err:?}");
    }

    #[test]
    fn unchecked_text_is_sent_verbatim() {
        let raw = r#"owner  EQ "x""#;
        assert_eq!(FilterArg::Unchecked(raw.into()).to_query().unwrap(), raw);
    }
}
