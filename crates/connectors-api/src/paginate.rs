//! [`Paginator`]: every connector of a list, page by page, optionally several pages at
//! a time.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use connkit_models::isc::v2024::V3ConnectorDto;
use connkit_transport::{Deadline, TimeoutPhase, TransportError};
use futures::future::{self, Either};
use futures::stream::{self, Stream, StreamExt};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::filter::FilterArg;
use crate::operation::Operation;
use crate::ops::{ListConnectors, MAX_LIMIT};
use crate::page::Page;

type PageStream = Pin<Box<dyn Stream<Item = Result<Page<V3ConnectorDto>>> + Send>>;
/// A page being decoded (see [`decode`]).
type Decoding = Pin<Box<dyn Future<Output = Result<Page<V3ConnectorDto>>> + Send>>;

/// The most items [`Paginator::try_collect`] reserves room for up front.
const MAX_RESERVE: u64 = 1 << 16;

/// Pages through `GET /connectors`, from the list's `offset` on.
///
/// The first request asks for `count=true`. When the service reports the total,
/// pagination stops at it (or at the item cap): no request past the end, whatever the
/// total (0, an exact multiple of the page size, …), and a collection that grows while it
/// is listed cannot keep the paginator going. Without a total it stops at the first short
/// page. With a total, the remaining pages are fetched up to
/// [`concurrency(n)`](Paginator::concurrency) at a time (one at a time by default) and
/// delivered in order; inside a Tokio runtime each page is decoded on Tokio's blocking
/// pool while the next requests are in flight (elsewhere, on the polling task), so at
/// most about `2n + 1` pages are in memory. The first error ends pagination and is
/// returned.
///
/// [`timeout`](Paginator::timeout) (or [`deadline`](Paginator::deadline)) bounds the
/// whole listing: every request carries the [`Deadline`], so the standard transport
/// stack ends a request, a retry backoff or a rate-limiter wait at it, and no page is
/// requested after it. Expiry is an [`Error::Transport`] with a
/// [`TransportError::Timeout`] of the `Operation` phase.
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
    /// When the whole listing must be done, and the limit that set it.
    deadline: Option<(Deadline, Duration)>,
}

enum State {
    /// Nothing fetched yet; a filter refused up front waits here to be returned.
    First(Option<Error>),
    /// Fetch the page at this offset next, one at a time.
    Sequential(u64),
    /// The remaining pages (the total is known), requested and decoded ahead, in order.
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
            deadline: None,
        }
    }

    /// Ends the whole listing `limit` from now (see the type's docs).
    pub fn timeout(mut self, limit: Duration) -> Self {
        // Saturate rather than panic on an absurdly large limit.
        self.deadline = Instant::now()
            .checked_add(limit)
            .map(|at| (Deadline(at), limit));
        self
    }

    /// Ends the whole listing at `at` (see the type's docs).
    pub fn deadline(mut self, at: Instant) -> Self {
        self.deadline = Some((Deadline(at), at.saturating_duration_since(Instant::now())));
        self
    }

    /// The listing's deadline, as sent with each request.
    fn request_deadline(&self) -> Option<Deadline> {
        self.deadline.map(|(deadline, _)| deadline)
    }

    /// The timeout error, once the deadline has passed.
    fn expired(&self) -> Option<Error> {
        let (Deadline(at), after) = self.deadline?;
        (Instant::now() >= at).then(|| Error::Transport {
            operation: self.template.operation_id(),
            source: TransportError::Timeout {
                phase: TimeoutPhase::Operation,
                after,
            },
        })
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
        self.fetch_next()
            .await
            .map_err(|error| match (&error, self.expired()) {
                // A request cut short by the listing's deadline: say which limit it was.
                (
                    Error::Transport {
                        source: TransportError::Timeout { .. },
                        ..
                    },
                    Some(expired),
                ) => expired,
                _ => error,
            })
    }

    async fn fetch_next(&mut self) -> Result<Option<Page<V3ConnectorDto>>> {
        loop {
            if !matches!(self.state, State::Done) {
                if let Some(expired) = self.expired() {
                    self.state = State::Done;
                    return Err(expired);
                }
            }
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
                        let page = self.client.run(&op, self.request_deadline()).await?;
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
                        // One page at a time, a short page ends pagination, as without
                        // a total (the collection shrank); the request already sent
                        // for the next page is dropped.
                        let limit = self
                            .end()
                            .saturating_sub(page.offset)
                            .min(u64::from(self.page_size));
                        if self.concurrency > 1 || page.items.len() as u64 >= limit {
                            self.state = State::Concurrent(pages);
                        }
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
        let page = self.client.run(&op, self.request_deadline()).await?;
        self.total = page.total;
        let full = page.items.len() as u64 >= limit;
        let next = self.start + limit;
        if full && self.total.is_some() {
            self.state = State::Concurrent(self.remaining_pages(next));
        } else if full {
            self.state = State::Sequential(next);
        }
        Ok(page)
    }

    /// Every page from `offset` to the end, yielded in order.
    ///
    /// Two stages: up to `concurrency` requests in flight (a request starts when one
    /// before it has been answered), and up to `concurrency + 1` answers decoding
    /// elsewhere (see [`decode`]) while the next requests are out. At concurrency 1 the
    /// request for page n + 1 is thus in flight while page n decodes.
    fn remaining_pages(&self, offset: u64) -> PageStream {
        let step = u64::from(self.page_size);
        let requests: Vec<ListConnectors> =
            std::iter::successors(Some(offset), |o| o.checked_add(step))
                .map_while(|o| self.request_at(o))
                .collect();
        let client = self.client.clone();
        let deadline = self.request_deadline();
        stream::iter(requests)
            .map(move |op| {
                let client = client.clone();
                async move {
                    let response = client.fetch(&op, deadline).await?;
                    Ok(decode(op, response))
                }
            })
            .buffered(self.concurrency)
            .map(|fetched: Result<Decoding>| match fetched {
                Ok(decoding) => Either::Left(decoding),
                Err(error) => Either::Right(future::ready(Err(error))),
            })
            .buffered(self.concurrency + 1)
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
            if all.is_empty() {
                // Sized once from the total rather than grown (and copied) page by page;
                // the service's total is not trusted beyond `MAX_RESERVE` items.
                let mut first = page.items;
                if self.total.is_some() {
                    let left = self.end().saturating_sub(page.offset).min(MAX_RESERVE);
                    let left = usize::try_from(left).unwrap_or(0);
                    first.reserve(left.saturating_sub(first.len()));
                }
                all = first;
            } else {
                all.extend(page.items);
            }
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

/// Decodes a list answer: on Tokio's blocking pool when a Tokio runtime is running (the
/// caller's thread stays free to send the next request), else right here, when awaited.
fn decode(op: ListConnectors, response: http::Response<Bytes>) -> Decoding {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return Box::pin(future::lazy(move |_| op.parse_response(response)));
    };
    // Cheap (the body is reference-counted): kept to decode here should the runtime
    // shut down before the blocking pool ran the task.
    let spare = copy_response(&response);
    let op_again = op.clone();
    let task = runtime.spawn_blocking(move || op.parse_response(response));
    Box::pin(async move {
        match task.await {
            Ok(page) => page,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_cancelled) => op_again.parse_response(spare),
        }
    })
}

/// A second handle on a response: same status, version, headers and body bytes.
fn copy_response(response: &http::Response<Bytes>) -> http::Response<Bytes> {
    let mut copy = http::Response::new(response.body().clone());
    *copy.status_mut() = response.status();
    *copy.version_mut() = response.version();
    *copy.headers_mut() = response.headers().clone();
    copy
}
