//! The list's query string: `filters`, `limit`, `offset`, `count` (`locale` is
//! accepted and, the sandbox's data not being localized, has no effect).
//!
//! Both `+` and `%20` decode to a space.

use connkit_models::filter::{Filter, CONNECTOR_LIST};

use crate::api_error::ApiError;

/// The largest and default `limit`.
pub(crate) const MAX_LIMIT: usize = 250;

/// A parsed list query.
#[derive(Debug)]
pub(crate) struct ListQuery {
    pub(crate) filter: Option<Filter>,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    pub(crate) count: bool,
}

impl ListQuery {
    /// Parses and checks a raw query string.
    pub(crate) fn parse(query: &str) -> Result<Self, ApiError> {
        let mut out = ListQuery {
            filter: None,
            limit: MAX_LIMIT,
            offset: 0,
            count: false,
        };
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "filters" if value.trim().is_empty() => out.filter = None,
                "filters" => out.filter = Some(parse_filter(&value)?),
                "limit" => {
                    out.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|l| *l <= MAX_LIMIT)
                        .ok_or_else(|| {
                            ApiError::BadRequest(format!(
                                "limit '{value}' is not a whole number from 0 to {MAX_LIMIT}"
                            ))
                        })?
                }
                "offset" => {
                    out.offset = value.parse::<usize>().map_err(|_| {
                        ApiError::BadRequest(format!(
                            "offset '{value}' is not a whole number of 0 or more"
                        ))
                    })?
                }
                "count" => {
                    out.count = if value.eq_ignore_ascii_case("true") {
                        true
                    } else if value.eq_ignore_ascii_case("false") {
                        false
                    } else {
                        return Err(ApiError::BadRequest(format!(
                            "count '{value}' is neither true nor false"
                        )));
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

fn parse_filter(text: &str) -> Result<Filter, ApiError> {
    let filter: Filter = text
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("invalid filters '{text}': {e}")))?;
    CONNECTOR_LIST
        .check(&filter)
        .map_err(|e| ApiError::BadRequest(format!("unsupported filters '{text}': {e}")))?;
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(query: &str) -> String {
        match ListQuery::parse(query) {
            Err(ApiError::BadRequest(text)) => text,
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn defaults_and_values() {
        let q = ListQuery::parse("").unwrap();
        assert_eq!(
            (q.limit, q.offset, q.count, q.filter.is_none()),
            (250, 0, false, true)
        );
        let q = ListQuery::parse("limit=0&offset=500&count=TRUE&locale=xx&sorters=name").unwrap();
        assert_eq!((q.limit, q.offset, q.count), (0, 500, true));
    }

    #[test]
    fn plus_and_percent_20_are_spaces() {
        let a = ListQuery::parse("filters=name+sw+%22Act%22")
            .unwrap()
            .filter;
        let b = ListQuery::parse("filters=name%20sw%20%22Act%22")
            .unwrap()
            .filter;
        assert!(a.is_some());
        assert_eq!(a, b);
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(
            bad("limit=abc"),
            "limit 'abc' is not a whole number from 0 to 250"
        );
        assert_eq!(
            bad("limit=999"),
            "limit '999' is not a whole number from 0 to 250"
        );
        assert_eq!(
            bad("offset=-1"),
            "offset '-1' is not a whole number of 0 or more"
        );
        assert_eq!(bad("count=yes"), "count 'yes' is neither true nor false");
        assert!(bad("filters=name+sw").starts_with("invalid filters 'name sw': "));
        let text = bad("filters=name+eq+%22x%22");
        assert!(
            text.starts_with("unsupported filters 'name eq \"x\"': "),
            "{text}"
        );
    }
}
