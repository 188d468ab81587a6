//! [`Paginator`]: every item of a listing, page after page, over any [`PageSource`]:
//! offsets ([`Offset`], ISC) or page tokens ([`Token`], ConductorOne).
//!
//! The engine is the same for both: an item cap, a deadline for the whole listing, the
//! next page requested while the current one is handed out, decoding off the polling
//! task, loop protection (a cursor seen twice is an error, and so is an offset answered
//! with the very page before it), page requests that end with the listing, and `Unpin`
//! streams. What differs is the cursor: an offset can seek, so once the total is known
//! the remaining pages are requested several at a time; a page token is only known from
//! the page before it.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use connkit_transport::Deadline;
use futures::future::{self, Either};
use futures::stream::{self, Stream, StreamExt};

use crate::stream::ListStream;

/// The most items [`Paginator::try_collect`] reserves room for up front.
const MAX_RESERVE: u64 = 1 << 16;

/// Where a page starts.
pub trait Cursor: Clone + Eq + Hash + fmt::Display + Send + Sync + 'static {
    /// Where the page after `page` (fetched here, asking for `asked` items) starts;
    /// `None` when it was the last.
    fn after(&self, page: &PageMeta<'_>, asked: u32) -> Option<Self>;

    /// The position of the page's first item in the collection, if the cursor knows it.
    fn position(&self) -> Option<u64> {
        None
    }

    /// The cursor at `position`, for cursors that can seek: once the total is known,
    /// the paginator then requests the remaining pages concurrently.
    fn seek(position: u64) -> Option<Self> {
        let _ = position;
        None
    }
}

/// An offset into the collection (`offset` + `limit` paging).
///
/// A page shorter than asked for is the last; so is the one that reaches the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Offset(pub u64);

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}", self.0)
    }
}

impl Cursor for Offset {
    fn after(&self, page: &PageMeta<'_>, asked: u32) -> Option<Self> {
        (page.len as u64 >= u64::from(asked)).then(|| Offset(self.0 + u64::from(asked)))
    }

    fn position(&self) -> Option<u64> {
        Some(self.0)
    }

    fn seek(position: u64) -> Option<Self> {
        Some(Offset(position))
    }
}

/// A page token (`page_token` → `nextPageToken` paging); `None` is the first page.
///
/// An empty or absent next token ends the listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Token(pub Option<String>);

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or_default())
    }
}

impl Cursor for Token {
    fn after(&self, page: &PageMeta<'_>, _asked: u32) -> Option<Self> {
        page.next_token
            .filter(|token| !token.is_empty())
            .map(|token| Token(Some(token.to_owned())))
    }
}

/// What the paginator needs to know of a page.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct PageMeta<'a> {
    /// How many items it holds.
    pub len: usize,
    /// The collection's total, if the service reported it.
    pub total: Option<u64>,
    /// The token of the next page, for token paging.
    pub next_token: Option<&'a str>,
}

impl<'a> PageMeta<'a> {
    /// A page of `len` items.
    pub fn new(len: usize) -> Self {
        PageMeta {
            len,
            ..PageMeta::default()
        }
    }

    /// With the collection's total.
    pub fn total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// With the next page's token.
    pub fn next_token(mut self, token: Option<&'a str>) -> Self {
        self.next_token = token;
        self
    }
}

/// One page request, as the paginator asks a [`PageSource`] to send it.
#[derive(Debug)]
#[non_exhaustive]
pub struct PageRequest<'a, C> {
    /// Where the page starts.
    pub cursor: &'a C,
    /// How many items to ask for.
    pub limit: u32,
    /// `true` for the listing's first request (e.g. to ask for the total).
    pub first: bool,
    /// The listing's deadline, for the request to carry.
    pub deadline: Option<Deadline>,
}

/// The answer to a page request, before decoding.
pub type Sending<E> = Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, E>> + Send>>;

/// A list operation of some API, as the paginator drives it: how to send a page
/// request, decode its answer, and look into a page.
pub trait PageSource: Clone + Send + Sync + 'static {
    /// How pages are addressed.
    type Cursor: Cursor;
    /// One decoded page, as [`Paginator::next_page`] returns it.
    type Page: Send + 'static;
    /// One item, as [`Paginator::try_next`] returns it.
    type Item: Send + 'static;
    /// The API's error type.
    type Error: From<PaginationError> + Send + 'static;

    /// The list operation's name, for errors.
    fn operation_id(&self) -> &'static str;

    /// Sends the request for one page.
    fn send(&self, request: PageRequest<'_, Self::Cursor>) -> Sending<Self::Error>;

    /// Decodes the answer to the page at `cursor` (runs on Tokio's blocking pool when
    /// there is a runtime).
    fn decode(
        &self,
        cursor: &Self::Cursor,
        response: http::Response<Bytes>,
    ) -> Result<Self::Page, Self::Error>;

    /// What the paginator needs to know of `page`.
    fn meta(page: &Self::Page) -> PageMeta<'_>;

    /// Keeps only the first `len` items of `page` (for the item cap).
    fn truncate(page: &mut Self::Page, len: usize);

    /// The page's items.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;

    /// `true` if `error` is a timeout, which the paginator then reports as its own
    /// deadline when that has passed.
    fn is_timeout(error: &Self::Error) -> bool {
        let _ = error;
        false
    }
}

/// How a listing failed on its own account (the API's errors come as they are).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// The service pointed at a page it had already pointed at: following it would loop.
    #[error("{operation}: the service sent the cursor {cursor:?} a second time; stopping instead of looping")]
    RepeatedCursor {
        /// The list operation.
        operation: &'static str,
        /// The repeated cursor (the page token itself, for token paging).
        cursor: String,
    },
    /// The service answered an offset with the very page it had answered the offset
    /// before with: it ignores the offset, and following it would hand out the same
    /// items again and again until the listing's total or time limit.
    #[error("{operation}: the service answered offset {offset} with the same {items} items as offset {previous}: it ignores `offset`; stopping instead of repeating them")]
    RepeatedPage {
        /// The list operation.
        operation: &'static str,
        /// Where the repeated page was asked for.
        offset: u64,
        /// Where the page it repeats was asked for.
        previous: u64,
        /// How many items the page holds.
        items: usize,
    },
    /// The listing's [`timeout`](Paginator::timeout) or
    /// [`deadline`](Paginator::deadline) passed.
    #[error("{operation}: the listing's time limit of {after:?} ran out")]
    Expired {
        /// The list operation.
        operation: &'static str,
        /// The time limit.
        after: Duration,
    },
    /// The task sending a page was cancelled (the Tokio runtime is shutting down).
    #[error("{operation}: the page request was cancelled (the runtime is shutting down)")]
    Cancelled {
        /// The list operation.
        operation: &'static str,
    },
}

/// A page fetched and decoded, with where it was asked for.
struct Fetched<S: PageSource> {
    page: S::Page,
    cursor: S::Cursor,
    /// How many items were asked for.
    asked: u32,
    /// The raw body (a reference-counted handle), to tell a page the service repeated
    /// from a new one.
    body: Bytes,
}

/// A page being fetched and decoded.
type Decoding<S> =
    Pin<Box<dyn Future<Output = Result<Fetched<S>, <S as PageSource>::Error>> + Send>>;
/// The planned pages of a listing whose total is known, in order.
type PageStream<S> =
    Pin<Box<dyn Stream<Item = Result<Fetched<S>, <S as PageSource>::Error>> + Send>>;

/// Every item of a listing, page by page.
///
/// - It stops at the last page (as the [`Cursor`] tells), at the collection's total
///   when the service reported one (no request past the end), or at the
///   [item cap](Paginator::max_items).
/// - A cursor the service already pointed at is a
///   [`PaginationError::RepeatedCursor`], not a loop; an offset answered with the same
///   body as the offset before it (a service that ignores the offset) is a
///   [`PaginationError::RepeatedPage`], returned instead of the repeated items.
/// - As soon as a page is decoded the next one is requested (on a spawned task inside a
///   Tokio runtime), so it travels while the caller works through the current one;
///   decoding runs on Tokio's blocking pool. At most two pages are in memory.
/// - With a seekable cursor ([`Offset`]) and a known total, the remaining pages are
///   requested up to [`concurrency(n)`](Paginator::concurrency) at a time and delivered
///   in order (about `2n + 1` pages in memory).
/// - [`timeout`](Paginator::timeout) bounds the whole listing: every request carries
///   the [`Deadline`], and no page is requested after it.
/// - The first error ends pagination and is returned.
/// - Dropping the paginator (or its stream) aborts the page requests it started, and
///   the decoding not yet under way: no request keeps waiting in a rate limiter or
///   reaches the service for nobody.
#[must_use = "a paginator does nothing until polled"]
pub struct Paginator<S: PageSource> {
    source: S,
    start: S::Cursor,
    page_size: u32,
    max_page_size: u32,
    cap: Option<u64>,
    concurrency: usize,
    /// Items handed out so far (pages count all their items).
    delivered: u64,
    /// Items in the pages fetched one after another so far.
    fetched: u64,
    total: Option<u64>,
    seen: HashSet<S::Cursor>,
    /// The position and body of the last non-empty page fetched at a position.
    previous: Option<(u64, Bytes)>,
    state: State<S>,
    /// Items of the current page not yet returned by `try_next`.
    buffer: VecDeque<S::Item>,
    /// When the whole listing must be done, and the limit that set it.
    deadline: Option<(Deadline, Duration)>,
}

enum State<S: PageSource> {
    /// Nothing fetched yet; an error found up front waits here to be returned.
    Start(Option<S::Error>),
    /// The next page is being fetched (or is fetched and decoded).
    InFlight(Decoding<S>),
    /// The remaining pages (the total is known), requested and decoded ahead, in order.
    Concurrent(PageStream<S>),
    /// The next call returns this error (found after the page that caused it was
    /// delivered).
    Failed(S::Error),
    Done,
}

impl<S: PageSource> fmt::Debug for Paginator<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.source.operation_id())
            .field("start", &self.start.to_string())
            .field("page_size", &self.page_size)
            .field("cap", &self.cap)
            .field("concurrency", &self.concurrency)
            .field("delivered", &self.delivered)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl<S: PageSource> Paginator<S> {
    /// A listing of `source` from `start`, asking for `page_size` items per page, at most
    /// `max_page_size` (what the service accepts).
    pub fn new(source: S, start: S::Cursor, page_size: u32, max_page_size: u32) -> Self {
        let max_page_size = max_page_size.max(1);
        Paginator {
            source,
            start,
            page_size: page_size.clamp(1, max_page_size),
            max_page_size,
            cap: None,
            concurrency: 1,
            delivered: 0,
            fetched: 0,
            total: None,
            seen: HashSet::new(),
            previous: None,
            state: State::Start(None),
            buffer: VecDeque::new(),
            deadline: None,
        }
    }

    /// The same listing (start, page size, item cap, concurrency, deadline) over
    /// another source of the same pages, such as one that hands items out as the JSON
    /// the service sent instead of decoding them. The listing starts from the
    /// beginning: pages `self` already fetched are dropped, so call it before the first
    /// page; an error waiting to be returned at the start is kept.
    pub fn map_source<T>(self, source: impl FnOnce(S) -> T) -> Paginator<T>
    where
        T: PageSource<Cursor = S::Cursor, Error = S::Error>,
    {
        let pending = match self.state {
            State::Start(error) => error,
            _ => None,
        };
        Paginator {
            source: source(self.source),
            start: self.start,
            page_size: self.page_size,
            max_page_size: self.max_page_size,
            cap: self.cap,
            concurrency: self.concurrency,
            delivered: 0,
            fetched: 0,
            total: None,
            seen: HashSet::new(),
            previous: None,
            state: State::Start(pending),
            buffer: VecDeque::new(),
            deadline: self.deadline,
        }
    }

    /// A listing that cannot start: the first call returns `error` (e.g. a filter the
    /// service would refuse, found before anything was sent).
    pub fn failing(mut self, error: S::Error) -> Self {
        self.state = State::Start(Some(error));
        self
    }

    /// Items per request, clamped to what the service accepts.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.clamp(1, self.max_page_size);
        self
    }

    /// Stops after `max` items.
    pub fn max_items(mut self, max: u64) -> Self {
        self.cap = Some(max);
        self
    }

    /// Fetches up to `n` pages at a time after the first (at least 1), when the cursor
    /// can seek and the service reported the total.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Ends the whole listing `limit` from now.
    pub fn timeout(mut self, limit: Duration) -> Self {
        // Saturate rather than panic on an absurdly large limit.
        self.deadline = Instant::now()
            .checked_add(limit)
            .map(|at| (Deadline(at), limit));
        self
    }

    /// Ends the whole listing at `at`.
    pub fn deadline(mut self, at: Instant) -> Self {
        self.deadline = Some((Deadline(at), at.saturating_duration_since(Instant::now())));
        self
    }

    /// The collection's total, once the first page has reported it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The listing's deadline, as sent with each request.
    fn request_deadline(&self) -> Option<Deadline> {
        self.deadline.map(|(deadline, _)| deadline)
    }

    /// The timeout error, once the deadline has passed.
    fn expired(&self) -> Option<S::Error> {
        let (Deadline(at), after) = self.deadline?;
        (Instant::now() >= at).then(|| {
            PaginationError::Expired {
                operation: self.source.operation_id(),
                after,
            }
            .into()
        })
    }

    /// How many items to ask for at `cursor`, or `None` if nothing is left to ask for.
    fn limit_at(&self, cursor: &S::Cursor) -> Option<u32> {
        let mut left = u64::from(self.page_size);
        if let Some(cap) = self.cap {
            let used = match (cursor.position(), self.start.position()) {
                (Some(at), Some(start)) => at.saturating_sub(start),
                _ => self.fetched,
            };
            left = left.min(cap.saturating_sub(used));
        }
        if let (Some(total), Some(at)) = (self.total, cursor.position()) {
            left = left.min(total.saturating_sub(at));
        }
        u32::try_from(left).ok().filter(|left| *left > 0)
    }

    /// Sends the request for the page at `cursor` (on a spawned task inside a Tokio
    /// runtime, so that it travels without being polled; dropping the result aborts it)
    /// and decodes the answer.
    fn fetch(&self, cursor: S::Cursor, asked: u32, first: bool) -> Decoding<S> {
        let source = self.source.clone();
        let sending = source.send(PageRequest {
            cursor: &cursor,
            limit: asked,
            first,
            deadline: self.request_deadline(),
        });
        let sending = spawned(source.operation_id(), sending);
        Box::pin(async move {
            let response = sending.await?;
            decode(source, cursor, asked, response).await
        })
    }

    /// The next page, or `None` at the end. Empty pages are skipped.
    pub async fn next_page(&mut self) -> Result<Option<S::Page>, S::Error> {
        self.fetch_next()
            .await
            .map_err(|error| match self.expired() {
                // A request cut short by the listing's deadline: say which limit it was.
                Some(expired) if S::is_timeout(&error) => expired,
                _ => error,
            })
    }

    async fn fetch_next(&mut self) -> Result<Option<S::Page>, S::Error> {
        loop {
            if !matches!(self.state, State::Done) {
                if let Some(expired) = self.expired() {
                    self.state = State::Done;
                    return Err(expired);
                }
            }
            // Whatever fails below leaves the listing done.
            let (fetched, first) = match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(None),
                State::Start(Some(error)) | State::Failed(error) => return Err(error),
                State::Start(None) => {
                    let cursor = self.start.clone();
                    self.seen.insert(cursor.clone());
                    let Some(asked) = self.limit_at(&cursor) else {
                        return Ok(None);
                    };
                    (self.fetch(cursor, asked, true).await?, true)
                }
                State::InFlight(page) => (page.await?, false),
                State::Concurrent(mut pages) => {
                    let Some(fetched) = pages.next().await else {
                        return Ok(None);
                    };
                    let fetched = fetched?;
                    self.check_advanced(&fetched)?;
                    // One page at a time, a short page ends pagination, as without a
                    // total (the collection shrank); the request already sent for the
                    // next page is dropped.
                    let full = S::meta(&fetched.page).len as u64 >= u64::from(fetched.asked);
                    if self.concurrency > 1 || full {
                        self.state = State::Concurrent(pages);
                    }
                    match self.deliver(fetched.page) {
                        Some(page) => return Ok(Some(page)),
                        None => continue,
                    }
                }
            };
            self.check_advanced(&fetched)?;
            self.advance(&fetched, first);
            if let Some(page) = self.deliver(fetched.page) {
                return Ok(Some(page));
            }
        }
    }

    /// Fails if `fetched` is, byte for byte, the non-empty page fetched before it at
    /// another offset: a service that ignores the offset answers every offset so, and
    /// the listing would hand out the same items until its total or time limit. Cursors
    /// without a position (page tokens) are left to the repeated-cursor check: there the
    /// service itself names the next page.
    fn check_advanced(&mut self, fetched: &Fetched<S>) -> Result<(), S::Error> {
        let items = S::meta(&fetched.page).len;
        let Some(offset) = fetched.cursor.position().filter(|_| items > 0) else {
            return Ok(());
        };
        match self.previous.replace((offset, fetched.body.clone())) {
            Some((previous, body)) if body == fetched.body => Err(PaginationError::RepeatedPage {
                operation: self.source.operation_id(),
                offset,
                previous,
                items,
            }
            .into()),
            _ => Ok(()),
        }
    }

    /// Decides, from the page just fetched, what comes next, and sends for it right
    /// away.
    fn advance(&mut self, fetched: &Fetched<S>, first: bool) {
        let meta = S::meta(&fetched.page);
        if first {
            self.total = meta.total;
        }
        self.fetched += meta.len as u64;
        self.state = match fetched.cursor.after(&meta, fetched.asked) {
            None => State::Done,
            Some(next) if !self.seen.insert(next.clone()) => State::Failed(
                PaginationError::RepeatedCursor {
                    operation: self.source.operation_id(),
                    cursor: next.to_string(),
                }
                .into(),
            ),
            Some(next) => match next.position().filter(|_| first && self.total.is_some()) {
                Some(from) if S::Cursor::seek(from).is_some() => {
                    State::Concurrent(self.remaining_pages(from))
                }
                _ => match self.limit_at(&next) {
                    None => State::Done,
                    Some(asked) => State::InFlight(self.fetch(next, asked, false)),
                },
            },
        };
    }

    /// Every page from `from` to the end, yielded in order.
    ///
    /// Two stages: up to `concurrency` requests in flight (a request starts when one
    /// before it has been answered), and up to `concurrency + 1` answers decoding
    /// elsewhere while the next requests are out. At concurrency 1 the request for page
    /// n + 1 is thus in flight while page n decodes.
    fn remaining_pages(&self, from: u64) -> PageStream<S> {
        let step = u64::from(self.page_size);
        let requests: Vec<(S::Cursor, u32)> =
            std::iter::successors(Some(from), |at| at.checked_add(step))
                .map_while(|at| {
                    let cursor = S::Cursor::seek(at)?;
                    let asked = self.limit_at(&cursor)?;
                    Some((cursor, asked))
                })
                .collect();
        let source = self.source.clone();
        let deadline = self.request_deadline();
        stream::iter(requests)
            .map(move |(cursor, asked)| {
                let source = source.clone();
                async move {
                    let response = source
                        .send(PageRequest {
                            cursor: &cursor,
                            limit: asked,
                            first: false,
                            deadline,
                        })
                        .await?;
                    Ok(decode(source, cursor, asked, response))
                }
            })
            .buffered(self.concurrency)
            .map(|sent: Result<_, S::Error>| match sent {
                Ok(decoding) => Either::Left(decoding),
                Err(error) => Either::Right(future::ready(Err(error))),
            })
            .buffered(self.concurrency + 1)
            .boxed()
    }

    /// Applies the item cap to a fetched page; `None` if nothing of it is to be returned.
    fn deliver(&mut self, mut page: S::Page) -> Option<S::Page> {
        if let Some(cap) = self.cap {
            let left = usize::try_from(cap.saturating_sub(self.delivered)).unwrap_or(usize::MAX);
            if S::meta(&page).len > left {
                S::truncate(&mut page, left);
            }
        }
        let len = S::meta(&page).len;
        self.delivered += len as u64;
        (len > 0).then_some(page)
    }

    /// The next item, or `None` at the end.
    pub async fn try_next(&mut self) -> Result<Option<S::Item>, S::Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(S::into_items(page)),
                None => return Ok(None),
            }
        }
    }

    /// Every remaining item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<S::Item>, S::Error> {
        let mut all: Vec<S::Item> = self.buffer.drain(..).collect();
        while let Some(page) = self.next_page().await? {
            if all.is_empty() {
                // Sized once from the total rather than grown (and copied) page by page;
                // the service's total is not trusted beyond `MAX_RESERVE` items.
                let mut first = S::into_items(page);
                if let Some(total) = self.total {
                    let left = total
                        .saturating_sub(self.start.position().unwrap_or(0))
                        .min(self.cap.unwrap_or(u64::MAX))
                        .min(MAX_RESERVE);
                    let left = usize::try_from(left).unwrap_or(0);
                    first.reserve(left.saturating_sub(first.len()));
                }
                all = first;
            } else {
                all.extend(S::into_items(page));
            }
        }
        Ok(all)
    }

    /// The remaining items as a stream; it ends after the first error.
    ///
    /// The stream is [`Unpin`]: call `.next().await` on it directly.
    pub fn into_stream(self) -> ListStream<S::Item, S::Error> {
        ListStream::new(stream::try_unfold(self, |mut p| async move {
            Ok(p.try_next().await?.map(|item| (item, p)))
        }))
    }

    /// The remaining pages as a stream ([`Unpin`], like
    /// [`into_stream`](Paginator::into_stream)'s); it ends after the first error.
    pub fn into_page_stream(self) -> ListStream<S::Page, S::Error> {
        ListStream::new(stream::try_unfold(self, |mut p| async move {
            Ok(p.next_page().await?.map(|page| (page, p)))
        }))
    }
}

/// A task the paginator spawned, aborted when this handle is dropped.
///
/// A spawned task outlives its `JoinHandle`: without the abort, a listing dropped while
/// a page request waits (in the rate limiter, for a connection, for the answer) would
/// leave the request to go out anyway, using the rate budget and the service for
/// nobody. A task that has already finished is unaffected.
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T> Future for Task<T> {
    /// The task's output, or `None` if it was cancelled (the runtime is shutting down).
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(output) => Some(output),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_cancelled) => None,
        })
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `sending` on a spawned task when a Tokio runtime is running (so the request goes
/// out without being polled; dropping the result aborts it), else as it is.
fn spawned<E: From<PaginationError> + Send + 'static>(
    operation: &'static str,
    sending: Sending<E>,
) -> Sending<E> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return sending;
    };
    let task = Task(runtime.spawn(sending));
    Box::pin(async move {
        task.await
            .unwrap_or_else(|| Err(PaginationError::Cancelled { operation }.into()))
    })
}

/// Decodes the answer to the page at `cursor`, asked for with `asked` items: on Tokio's
/// blocking pool when a Tokio runtime is running (the caller's thread stays free to send
/// the next request; dropping the result before the pool starts it cancels it), else
/// right here, when awaited.
fn decode<S: PageSource>(
    source: S,
    cursor: S::Cursor,
    asked: u32,
    response: http::Response<Bytes>,
) -> Decoding<S> {
    // A handle, not a copy; compared with the next page's only when both are the
    // same length (a hash of every body cost more than the decode of a small item).
    let body = response.body().clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return Box::pin(future::lazy(move |_| {
            let page = source.decode(&cursor, response)?;
            Ok(Fetched {
                page,
                cursor,
                asked,
                body,
            })
        }));
    };
    // Cheap (the body is reference-counted): kept to decode here should the runtime
    // shut down before the blocking pool ran the task.
    let spare = copy_response(&response);
    let (source_again, cursor_again) = (source.clone(), cursor.clone());
    let task = Task(runtime.spawn_blocking(move || source.decode(&cursor, response)));
    Box::pin(async move {
        let page = match task.await {
            Some(page) => page?,
            None => source_again.decode(&cursor_again, spare)?,
        };
        Ok(Fetched {
            page,
            cursor: cursor_again,
            asked,
            body,
        })
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
