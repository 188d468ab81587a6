//! The list's query string: `filters`, `limit`, `offset`, `count` and `locale` (one of
//! the spec's locales; the sandbox's data not being localized, it has no other effect).
//!
//! Both `+` and `%20` decode to a space. Errors echo at most [`ECHO_CHARS`] characters
//! of a value.

use connkit_models::filter::{Filter, ParseError, CONNECTOR_LIST};
use connkit_models::isc::v2024::Locale;

use crate::api_error::ApiError;

/// The largest and default `limit`.
pub(crate) const MAX_LIMIT: usize = 250;

/// How many characters of a bad value an error repeats.
pub(crate) const ECHO_CHARS: usize = 100;

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
                                "limit '{}' is not a whole number from 0 to {MAX_LIMIT}",
                                echo(&value)
                            ))
                        })?
                }
                // An int32 in the spec.
                "offset" => {
                    out.offset = value
                        .parse::<i32>()
                        .ok()
                        .and_then(|o| usize::try_from(o).ok())
                        .ok_or_else(|| {
                            ApiError::BadRequest(format!(
                                "offset '{}' is not a whole number from 0 to {}",
                                echo(&value),
                                i32::MAX
                            ))
                        })?
                }
                "locale" => {
                    locale(&value)?;
                }
                "count" => {
                    out.count = if value.eq_ignore_ascii_case("true") {
                        true
                    } else if value.eq_ignore_ascii_case("false") {
                        false
                    } else {
                        return Err(ApiError::BadRequest(format!(
                            "count '{}' is neither true nor false",
                            echo(&value)
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
    let filter: Filter = text.parse().map_err(|e: ParseError| {
        ApiError::BadRequest(format!(
            "invalid filters '{}': {}",
            echo(text),
            echo(&e.to_string())
        ))
    })?;
    CONNECTOR_LIST.check(&filter).map_err(|e| {
        ApiError::BadRequest(format!(
            "unsupported filters '{}': {}",
            echo(text),
            echo(&e.to_string())
        ))
    })?;
    Ok(filter)
}

/// `text` as an error repeats it: whole when short, else its first [`ECHO_CHARS`]
/// characters and how long it was.
pub(crate) fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!(
            "{}… ({} characters in all)",
            &text[..cut],
            text.chars().count()
        ),
    }
}

/// The locale `value` names, or a 400 when it is not one of the spec's.
pub(crate) fn locale(value: &str) -> Result<Locale, ApiError> {
    let locale = Locale::from(value);
    if locale.is_unknown() {
        return Err(ApiError::BadRequest(format!(
            "locale '{}' is not one of {}",
            echo(value),
            Locale::KNOWN
                .iter()
                .map(Locale::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(locale)
}

/// Checks the `locale` parameter of a query that takes no other.
pub(crate) fn check_locale_param(query: &str) -> Result<(), ApiError> {
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == "locale" {
            locale(&value)?;
        }
    }
    Ok(())
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
        let q = ListQuery::parse("limit=0&offset=500&count=TRUE&locale=no&sorters=name").unwrap();
        assert_eq!((q.limit, q.offset, q.count), (0, 500, true));
        let q = ListQuery::parse("offset=2147483647").unwrap();
        assert_eq!(q.offset, 2_147_483_647);
    }

    #[test]
    fn long_values_are_cut_in_errors() {
        let deep = format!("{}name eq \"x\"", "(".repeat(20_000));
        let text = bad(&format!(
            "filters={}",
            deep.replace(' ', "+").replace('"', "%22")
        ));
        assert!(text.len() < 600, "{} bytes: {text}", text.len());
        assert!(text.contains("(20011 characters in all)"), "{text}");
        assert_eq!(echo("short"), "short");
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
            "offset '-1' is not a whole number from 0 to 2147483647"
        );
        assert_eq!(
            bad("offset=2147483648"),
            "offset '2147483648' is not a whole number from 0 to 2147483647"
        );
        assert!(bad("locale=%C3%9C%C3%89").starts_with("locale 'ÜÉ' is not one of de, no,"));
        assert!(bad("locale=xx").starts_with("locale 'xx' is not one of"));
        assert_eq!(bad("count=yes"), "count 'yes' is neither true nor false");
        assert!(bad("filters=name+sw").starts_with("invalid filters 'name sw': "));
        let text = bad("filters=name+eq+%22x%22");
        assert!(
            text.starts_with("unsupported filters 'name eq \"x\"': "),
            "{text}"
        );
    }
}
