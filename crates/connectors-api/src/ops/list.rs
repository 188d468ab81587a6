//! `getConnectorList`: `GET /connectors`.

use bytes::Bytes;
use connkit_models::decode::DecodeError;
use connkit_models::isc::v2024::{Locale, V3ConnectorDto};
use connkit_transport::BaseUrl;
use http::Method;

use crate::error::{Error, Result};
use crate::filter::FilterArg;
use connkit_client::{DecodeFailure, RequestSpec};

use crate::operation::{decode_repaired, expect_success, BuildOn, Operation};
use connkit_client::Page;

/// The largest `limit` the service accepts, and its default.
pub const MAX_LIMIT: u32 = 250;

const OPERATION: &str = "getConnectorList";

/// `GET /connectors?filters&limit&offset&count&locale`: one page of released connectors.
///
/// ```
/// use connkit_connectors::ops::ListConnectors;
/// use connkit_connectors::Operation;
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://acme.api.identitynow.com").unwrap();
/// let op = ListConnectors::new()
///     .filter(r#"name sw "Active Dir""#)
///     .limit(50)
///     .offset(100)
///     .count(true);
/// let request = op.build_request(&base).unwrap();
/// assert_eq!(
///     request.uri().query(),
///     Some("filters=name%20sw%20%22Active%20Dir%22&limit=50&offset=100&count=true")
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListConnectors {
    /// `filters`: checked against the fields and operators the list supports.
    pub filters: Option<FilterArg>,
    /// `limit`, `0..=250` (service default 250).
    pub limit: Option<u32>,
    /// `offset`, in records.
    pub offset: Option<u64>,
    /// `count=true`: ask for the total in `X-Total-Count`.
    pub count: bool,
    /// `locale` of the answer.
    pub locale: Option<Locale>,
}

impl ListConnectors {
    /// The first page with the service's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `filters` from a typed [`Filter`](connkit_models::filter::Filter) or text.
    pub fn filter(mut self, filter: impl Into<FilterArg>) -> Self {
        self.filters = Some(filter.into());
        self
    }

    /// Sets `limit` (`0..=250`; more is refused before sending).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `offset`.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets `count`.
    pub fn count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    /// Sets `locale`.
    pub fn locale(mut self, locale: Locale) -> Self {
        self.locale = Some(locale);
        self
    }
}

impl Operation for ListConnectors {
    type Output = Page<V3ConnectorDto>;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        OPERATION
    }

    fn build_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>> {
        if let Some(limit) = self.limit.filter(|l| *l > MAX_LIMIT) {
            return Err(Error::invalid_input(format!(
                "limit {limit} is more than the maximum of {MAX_LIMIT}"
            )));
        }
        let mut spec = RequestSpec::new(Method::GET, "/connectors".to_owned(), "application/json");
        if let Some(filters) = &self.filters {
            spec.query.push("filters", filters.to_query()?);
        }
        spec.query.push_opt("limit", self.limit);
        spec.query.push_opt("offset", self.offset);
        spec.query.push_opt("count", self.count.then_some(true));
        spec.query.push_opt("locale", self.locale.as_ref());
        spec.build_on(base)
    }

    fn parse_response(&self, response: http::Response<Bytes>) -> Result<Self::Output> {
        let response = expect_success(OPERATION, None, response)?;
        let total = total_count(&response)?;
        let decoded = decode_repaired::<Vec<V3ConnectorDto>>(OPERATION, response)?;
        let dropped = decoded.dropped_items();
        Ok(Page::new(decoded.value, self.offset.unwrap_or(0), total).with_dropped(dropped))
    }
}

/// The `X-Total-Count` header, if present; a value that is not a number is an error.
pub(crate) fn total_count(response: &http::Response<Bytes>) -> Result<Option<u64>> {
    let Some(value) = response.headers().get("x-total-count") else {
        return Ok(None);
    };
    match value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        Some(total) => Ok(Some(total)),
        None => Err(Error::Decode(DecodeFailure::new(
            OPERATION,
            response.status(),
            response.body().clone(),
            DecodeError {
                path: "X-Total-Count".to_owned(),
                line: 0,
                column: 0,
                offset: 0,
                message: format!("header value {value:?} is not a non-negative integer"),
                is_eof: false,
            },
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://t.example").unwrap()
    }

    #[test]
    fn no_parameters_means_no_query() {
        let r = ListConnectors::new().build_request(&base()).unwrap();
        assert_eq!(r.method(), Method::GET);
        assert_eq!(r.uri(), "https://t.example/v2024/connectors");
        assert_eq!(r.headers()["accept"], "application/json");
        assert!(r.body().is_empty());
    }

    #[test]
    fn locale_no_is_a_string_and_limit_is_capped() {
        let r = ListConnectors::new()
            .locale(Locale::No)
            .build_request(&base())
            .unwrap();
        assert_eq!(r.uri().query(), Some("locale=no"));
        let err = ListConnectors::new()
            .limit(251)
            .build_request(&base())
            .unwrap_err();
        assert!(err.to_string().contains("251"), "{err}");
    }

    #[test]
    fn a_refused_filter_builds_no_request() {
        let err = ListConnectors::new()
            .filter(r#"category sw "x""#)
            .build_request(&base())
            .unwrap_err();
        assert!(matches!(err, Error::FilterNotAllowed(_)), "{err:?}");
    }

    #[test]
    fn parses_items_and_total() {
        let op = ListConnectors::new().offset(10).count(true);
        let response = http::Response::builder()
            .header("X-Total-Count", "12")
            .body(Bytes::from_static(
                br#"[{"name":"a"},{"name":"b","status":"NEW"}]"#,
            ))
            .unwrap();
        let page = op.parse_response(response).unwrap();
        assert_eq!((page.offset, page.total, page.len()), (10, Some(12), 2));
        assert_eq!(page.next_offset(), 12);

        let bad = http::Response::builder()
            .header("X-Total-Count", "many")
            .body(Bytes::from_static(b"[]"))
            .unwrap();
        let err = op.parse_response(bad).unwrap_err();
        assert!(format!("{:?}", err).contains("X-Total-Count"));
    }

    #[test]
    fn an_unreadable_item_still_counts_toward_the_page() {
        let op = ListConnectors::new().offset(250).limit(3);
        let response = http::Response::builder()
            .body(Bytes::from_static(
                br#"[{"name":"a","features":"[\"SYNC\"]"},"junk",{"name":"c"}]"#,
            ))
            .unwrap();
        let page = op.parse_response(response).unwrap();
        let names: Vec<_> = page.items.iter().map(|i| i.name.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("c")]);
        assert_eq!(
            page.items[0].features.as_deref(),
            Some(&["SYNC".to_owned()][..])
        );
        // Three items were sent, as asked: the page is full, and the next one starts
        // after all three.
        assert_eq!(
            (page.dropped, page.received(), page.next_offset()),
            (1, 3, 253)
        );
    }
}
