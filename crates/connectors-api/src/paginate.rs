//! [`Paginator`]: every connector of a list, page by page, optionally several pages at
//! a time — the shared [`connkit_client::Paginator`] over [`ConnectorListing`] with
//! [`Offset`] cursors.

use bytes::Bytes;
use connkit_client::{
    Listing, Offset, PageMeta, PageRequest, PageSource, PaginationError, Sending,
};
use connkit_models::isc::v2024::V3ConnectorDto;
use connkit_transport::{TimeoutPhase, TransportError};

use crate::client::Client;
use crate::error::Error;
use crate::filter::FilterArg;
use crate::operation::Operation;
use crate::ops::{ListConnectors, MAX_LIMIT};
use connkit_client::Page;

/// Pages through `GET /connectors`, from the list's `offset` on.
///
/// The first request asks for `count=true`. When the service reports the total,
/// pagination stops at it (or at the item cap): no request past the end, whatever the
/// total (0, an exact multiple of the page size, …), and a collection that grows while it
/// is listed cannot keep the paginator going. Without a total it stops at the first short
/// page. With a total, the remaining pages are fetched up to
/// [`concurrency(n)`](connkit_client::Paginator::concurrency) at a time (one at a time
/// by default) and delivered in order; inside a Tokio runtime each page is decoded on
/// Tokio's blocking pool while the next requests are in flight (elsewhere, on the
/// polling task), so at most about `2n + 1` pages are in memory. The first error ends
/// pagination and is returned.
///
/// A service that ignores `offset` answers every page with the first one: the page
/// that repeats the page before it byte for byte is not handed out, and the listing
/// ends with an [`Error::Pagination`] holding a
/// [`PaginationError::RepeatedPage`](crate::PaginationError::RepeatedPage) ("the
/// service answered offset 250 with the same 250 items as offset 0: it ignores
/// `offset`; …"), rather than the same connectors until the total or the time limit.
/// Dropping the paginator or its stream aborts the requests it has under way, also
/// those still waiting in the rate limiter.
///
/// [`timeout`](connkit_client::Paginator::timeout) (or
/// [`deadline`](connkit_client::Paginator::deadline)) bounds the whole listing: every
/// request carries the [`Deadline`](connkit_transport::Deadline), so the standard
/// transport stack ends a request, a retry backoff or a rate-limiter wait at it, and no
/// page is requested after it. Expiry is an [`Error::Transport`] with a
/// [`TransportError::Timeout`] of the `Operation` phase.
///
/// The items also come as an [`Unpin`] stream (`into_stream`; `.next().await` needs no
/// `pin!`) and the pages as one (`into_page_stream`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_connectors::Error> {
/// use connkit_connectors::prelude::*;
/// use connkit_connectors::Client;
/// use connkit_models::filter;
/// use connkit_sandbox::Sandbox;
/// use futures::StreamExt;
///
/// let sandbox = Sandbox::builder().seed(600).build().unwrap();
/// let client = Client::from_transport(sandbox).unwrap();
/// let all = client
///     .list_connectors()
///     .into_paginator()
///     .page_size(100)
///     .concurrency(4)
///     .try_collect()
///     .await?;
/// assert_eq!(all.len(), 600);
///
/// let mut some = client
///     .list_connectors()
///     .filter(filter::field("name").co("a"))
///     .into_paginator()
///     .max_items(3);
/// while let Some(connector) = some.try_next().await? {
///     assert!(connector.name.unwrap().to_lowercase().contains('a'));
/// }
///
/// let mut connectors = client.list_connectors().limit(7).into_paginator().into_stream();
/// let mut names = Vec::new();
/// while let Some(connector) = connectors.next().await {
///     names.push(connector?.name.unwrap_or_default());
/// }
/// assert_eq!(names.len(), 600);
/// # Ok(()) }
/// ```
pub type Paginator = connkit_client::Paginator<ConnectorListing>;

/// The listing behind [`Paginator`]: `getConnectorList` with everything but `limit`,
/// `offset` and `count`, sent for each page.
#[derive(Debug, Clone)]
pub struct ConnectorListing {
    client: Client,
    template: ListConnectors,
}

impl Listing<Client> for ListConnectors {
    type Source = ConnectorListing;

    /// The paginator for this list, from its `offset` on.
    fn paginator(self, client: Client) -> Paginator {
        let start = Offset(self.offset.unwrap_or(0));
        let page_size = self.limit.unwrap_or(MAX_LIMIT);
        // Check the filter once; every page then sends its canonical text.
        let (filters, error) = match self.filters.as_ref().map(FilterArg::to_query) {
            None => (None, None),
            Some(Ok(text)) => (Some(FilterArg::Unchecked(text)), None),
            Some(Err(error)) => (None, Some(error)),
        };
        let template = ListConnectors {
            filters,
            limit: None,
            offset: None,
            count: false,
            locale: self.locale,
        };
        let pages = connkit_client::Paginator::new(
            ConnectorListing { client, template },
            start,
            page_size,
            MAX_LIMIT,
        );
        match error {
            Some(error) => pages.failing(error),
            None => pages,
        }
    }
}

impl ConnectorListing {
    /// The list request for `limit` items at `offset`.
    fn at(&self, Offset(offset): Offset, limit: Option<u32>) -> ListConnectors {
        let mut op = self.template.clone().offset(offset);
        op.limit = limit;
        op
    }
}

impl PageSource for ConnectorListing {
    type Cursor = Offset;
    type Page = Page<V3ConnectorDto>;
    type Item = V3ConnectorDto;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        self.template.operation_id()
    }

    fn send(&self, request: PageRequest<'_, Offset>) -> Sending<Error> {
        let op = self
            .at(*request.cursor, Some(request.limit))
            .count(request.first);
        let client = self.client.clone();
        let deadline = request.deadline;
        Box::pin(async move { client.fetch(&op, deadline).await })
    }

    fn decode(&self, at: &Offset, response: http::Response<Bytes>) -> Result<Self::Page, Error> {
        self.at(*at, None).parse_response(response)
    }

    fn meta(page: &Self::Page) -> PageMeta<'_> {
        PageMeta::new(page.received()).total(page.total)
    }

    fn truncate(page: &mut Self::Page, len: usize) {
        page.items.truncate(len);
    }

    fn into_items(page: Self::Page) -> Vec<V3ConnectorDto> {
        page.items
    }

    fn is_timeout(error: &Error) -> bool {
        matches!(
            error,
            Error::Transport {
                source: TransportError::Timeout { .. },
                ..
            }
        )
    }
}

impl From<PaginationError> for Error {
    fn from(error: PaginationError) -> Self {
        match error {
            PaginationError::Expired { operation, after } => Error::Transport {
                operation,
                source: TransportError::Timeout {
                    phase: TimeoutPhase::Operation,
                    after,
                },
            },
            other => Error::Pagination(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use connkit_sandbox::Sandbox;
    use connkit_transport::Transport;

    use super::*;

    /// The sandbox, except that the fourth item of the page at offset 40 is no
    /// connector at all.
    struct OneJunkItem(Sandbox);

    #[async_trait::async_trait]
    impl Transport for OneJunkItem {
        async fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, TransportError> {
            let junk = request
                .uri()
                .query()
                .is_some_and(|q| q.contains("offset=40"));
            let mut response = self.0.send(request).await?;
            if junk {
                let mut items: Vec<serde_json::Value> =
                    serde_json::from_slice(response.body()).expect("a list");
                items[3] = serde_json::Value::from("junk");
                *response.body_mut() = Bytes::from(serde_json::to_vec(&items).expect("encodes"));
            }
            Ok(response)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unreadable_item_does_not_end_the_listing() {
        let sandbox = Sandbox::builder().seed(100).build().expect("sandbox");
        let client = Client::new("http://127.0.0.1:9", Arc::new(OneJunkItem(sandbox))).unwrap();
        for concurrency in [1, 4] {
            let items = client
                .list_connectors()
                .into_paginator()
                .page_size(20)
                .concurrency(concurrency)
                .try_collect()
                .await
                .expect("the listing goes on");
            let scripts: std::collections::HashSet<_> =
                items.iter().map(|c| c.script_name.clone()).collect();
            assert_eq!(
                (items.len(), scripts.len()),
                (99, 99),
                "concurrency {concurrency}"
            );
        }
    }
}
