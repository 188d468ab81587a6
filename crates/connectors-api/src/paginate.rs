//! [`Paginator`]: every connector of a list, page by page, optionally several pages at
//! a time.

use std::collections::VecDeque;
use std::pin::Pin;

use connkit_models::isc::v2024::V3ConnectorDto;
use futures::stream::{self, Stream, StreamExt};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::filter::FilterArg;
use crate::ops::{ListConnectors, MAX_LIMIT};
use crate::page::Page;

type PageStream = Pin<Box<dyn Stream<Item = Result<Page<V3ConnectorDto>>> + Send>>;

/// Pages through `GET /connectors`, from the list's `offset` on.
///
/// The first request asks for `count=true`. When the service reports the total,
/// pagination stops at it (or at the item cap): no request past the end, whatever the
/// total (0, an exact multiple of the page size, …), and a collection that grows while it
/// is listed cannot keep the paginator going. Without a total it stops at the first short
/// page. With [`concurrency(n)`](Paginator::concurrency) and a total, the remaining pages
/// are fetched up to `n` at a time and delivered in order, so at most about `n` pages are
/// in memory. The first error ends pagination and is returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_connectors::Error> {
/// use std::sync::Arc;
/// use connkit_connectors::Client;
/// use connkit_models::filter;
/// use connkit_sandbox::Sandbox;
///
/// let sandbox = Sandbox::builder().seed(600).build().unwrap();
/// let client = Client::new("http://127.0.0.1:1", Arc::new(sandbox)).unwrap();
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
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until polled"]
pub struct Paginator {
    client: Client,
    /// The list request with everything but `limit`, `offset` and `count`.
    template: ListConnectors,
    start: u64,
    page_size: u32,
    cap: Option<u64>,
    concurrency: usize,
    /// Items handed out so far (pages count all their items).
    delivered: u64,
    total: Option<u64>,
    state: State,
    /// Items of the current page not yet returned by `try_next`.
    buffer: VecDeque<V3ConnectorDto>,
}

enum State {
    /// Nothing fetched yet; a filter refused up front waits here to be returned.
    First(Option<Error>),
    /// Fetch the page at this offset next, one at a time.
    Sequential(u64),
    /// The remaining pages, already requested in order.
    Concurrent(PageStream),
    Done,
}

impl std::fmt::Debug for Paginator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("start", &self.start)
            .field("page_size", &self.page_size)
            .field("cap", &self.cap)
            .field("concurrency", &self.concurrency)
            .field("delivered", &self.delivered)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Paginator {
    pub(crate) fn new(client: Client, list: ListConnectors) -> Self {
        let start = list.offset.unwrap_or(0);
        let page_size = list.limit.unwrap_or(MAX_LIMIT).clamp(1, MAX_LIMIT);
        // Check the filter once; every page then sends its canonical text.
        let (filters, error) = match list.filters.as_ref().map(FilterArg::to_query) {
            None => (None, None),
            Some(Ok(text)) => (Some(FilterArg::Unchecked(text)), None),
            Some(Err(error)) => (None, Some(error)),
        };
        let template = ListConnectors {
            filters,
            limit: None,
            offset: None,
            count: false,
            locale: list.locale,
        };
        Paginator {
            client,
            template,
            start,
            page_size,
            cap: None,
            concurrency: 1,
            delivered: 0,
            total: None,
            state: State::First(error),
            buffer: VecDeque::new(),
        }
    }

    /// Items per request, clamped to `1..=250`.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.clamp(1, MAX_LIMIT);
        self
    }

    /// Stops after `max` items.
    pub fn max_items(mut self, max: u64) -> Self {
        self.cap = Some(max);
        self
    }

    /// Fetches up to `n` pages at a time after the first (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The collection's total, once the first page has reported it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The offset just past the last item pagination may return.
    fn end(&self) -> u64 {
        let by_cap = self
            .cap
            .map_or(u64::MAX, |cap| self.start.saturating_add(cap));
        self.total.map_or(by_cap, |total| total.min(by_cap))
    }

    /// The request for the page at `offset`, or `None` if nothing is left to ask for.
    fn request_at(&self, offset: u64) -> Option<ListConnectors> {
        let left = self.end().saturating_sub(offset);
        let limit = u64::from(self.page_size).min(left);
        (limit > 0).then(|| {
            let mut op = self.template.clone().offset(offset);
            op.limit = u32::try_from(limit).ok();
            op
        })
    }

    /// The next page, or `None` at the end. Empty pages are skipped.
    pub async fn next_page(&mut self) -> Result<Option<Page<V3ConnectorDto>>> {
        loop {
            let page = match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(None),
                State::First(Some(error)) => return Err(error),
                State::First(None) => match self.request_at(self.start) {
                    None => return Ok(None),
                    Some(op) => self.fetch_first(op.count(true)).await?,
                },
                State::Sequential(offset) => match self.request_at(offset) {
                    None => return Ok(None),
                    Some(op) => {
                        let limit = u64::from(op.limit.unwrap_or(0));
                        let page = self.client.execute(&op).await?;
                        if page.items.len() as u64 >= limit {
                            self.state = State::Sequential(offset + limit);
                        }
                        page
                    }
                },
                State::Concurrent(mut pages) => match pages.next().await {
                    None => return Ok(None),
                    Some(page) => {
                        let page = page?;
                        self.state = State::Concurrent(pages);
                        page
                    }
                },
            };
            if let Some(page) = self.deliver(page) {
                return Ok(Some(page));
            }
        }
    }

    /// Fetches the first page and decides how to go on.
    async fn fetch_first(&mut self, op: ListConnectors) -> Result<Page<V3ConnectorDto>> {
        let limit = u64::from(op.limit.unwrap_or(0));
        let page = self.client.execute(&op).await?;
        self.total = page.total;
        let full = page.items.len() as u64 >= limit;
        let next = self.start + limit;
        if full && self.total.is_some() && self.concurrency > 1 {
            self.state = State::Concurrent(self.remaining_pages(next));
        } else if full {
            self.state = State::Sequential(next);
        }
        Ok(page)
    }

    /// Every page from `offset` to the end, requested up to `concurrency` at a time and
    /// yielded in order.
    fn remaining_pages(&self, offset: u64) -> PageStream {
        let step = u64::from(self.page_size);
        let requests: Vec<ListConnectors> =
            std::iter::successors(Some(offset), |o| o.checked_add(step))
                .map_while(|o| self.request_at(o))
                .collect();
        let client = self.client.clone();
        stream::iter(requests)
            .map(move |op| {
                let client = client.clone();
                async move { client.execute(&op).await }
            })
            .buffered(self.concurrency)
            .boxed()
    }

    /// Applies the item cap to a fetched page; `None` if nothing of it is to be returned.
    fn deliver(&mut self, mut page: Page<V3ConnectorDto>) -> Option<Page<V3ConnectorDto>> {
        if let Some(cap) = self.cap {
            let left = cap.saturating_sub(self.delivered);
            page.items
                .truncate(usize::try_from(left).unwrap_or(usize::MAX));
        }
        self.delivered += page.items.len() as u64;
        (!page.items.is_empty()).then_some(page)
    }

    /// The next connector, or `None` at the end.
    pub async fn try_next(&mut self) -> Result<Option<V3ConnectorDto>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(page.items),
                None => return Ok(None),
            }
        }
    }

    /// Every remaining connector, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<V3ConnectorDto>> {
        let mut all: Vec<V3ConnectorDto> = self.buffer.drain(..).collect();
        while let Some(page) = self.next_page().await? {
            all.extend(page.items);
        }
        Ok(all)
    }

    /// The remaining connectors as a stream; it ends after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<V3ConnectorDto>> + Send {
        stream::try_unfold(self, |mut p| async move {
            Ok(p.try_next().await?.map(|item| (item, p)))
        })
    }

    /// The remaining pages as a stream; it ends after the first error.
    pub fn into_page_stream(self) -> impl Stream<Item = Result<Page<V3ConnectorDto>>> + Send {
        stream::try_unfold(self, |mut p| async move {
            Ok(p.next_page().await?.map(|page| (page, p)))
        })
    }
}
