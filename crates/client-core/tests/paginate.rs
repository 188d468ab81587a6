//! The paginator engine against an in-memory list service, for both cursor kinds: no
//! item lost or repeated for any size, page size, cap and concurrency; no request past
//! a known total; a repeated page token is an error, not a loop; so is an offset the
//! service ignores.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use connkit_client::{
    Offset, PageMeta, PageRequest, PageSource, PaginationError, Paginator, Sending, Token,
};
use proptest::prelude::*;

/// One page as the toy service writes it: `items;total;next` (empty fields absent).
#[derive(Debug)]
struct ToyPage {
    items: Vec<u32>,
    total: Option<u64>,
    next: Option<String>,
}

/// A list of `0..len` served in pages; `report_total` says whether answers carry the
/// total; `stuck_at`, for token paging, makes a page that reached past that index (and
/// was asked for with a token) point back at the token that led to it;
/// `ignores_offset` answers every request with the first page.
#[derive(Clone)]
struct ToyList {
    len: u32,
    report_total: bool,
    stuck_at: Option<u32>,
    ignores_offset: bool,
    requests: Arc<AtomicUsize>,
}

impl ToyList {
    fn new(len: u32, report_total: bool) -> Self {
        ToyList {
            len,
            report_total,
            stuck_at: None,
            ignores_offset: false,
            requests: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The answer to a request for `limit` items from index `from`.
    fn answer(&self, from: u32, limit: u32) -> String {
        let from = if self.ignores_offset { 0 } else { from };
        let end = from.saturating_add(limit).min(self.len);
        let items: Vec<String> = (from.min(end)..end).map(|i| i.to_string()).collect();
        let total = if self.report_total {
            self.len.to_string()
        } else {
            String::new()
        };
        let next = match self.stuck_at {
            Some(at) if end > at && from > 0 => from.to_string(),
            _ if end < self.len => end.to_string(),
            _ => String::new(),
        };
        format!("{};{total};{next}", items.join(","))
    }
}

fn parse(response: http::Response<Bytes>) -> ToyPage {
    let text = String::from_utf8(response.into_body().to_vec()).unwrap();
    let mut parts = text.split(';');
    let mut field = || parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
    let items = field().map_or_else(Vec::new, |list| {
        list.split(',').map(|i| i.parse().unwrap()).collect()
    });
    ToyPage {
        items,
        total: field().map(|t| t.parse().unwrap()),
        next: field(),
    }
}

#[derive(Debug, PartialEq)]
struct Failure(PaginationError);

impl From<PaginationError> for Failure {
    fn from(error: PaginationError) -> Self {
        Failure(error)
    }
}

/// How the toy service reads a cursor and writes what a page says of the next one.
trait ToyCursor: connkit_client::Cursor {
    /// The index the page starts at.
    fn index(&self) -> u32;
    /// What the paginator needs of `page` under this kind of paging.
    fn meta(page: &ToyPage) -> PageMeta<'_>;
}

impl ToyCursor for Offset {
    fn index(&self) -> u32 {
        u32::try_from(self.0).unwrap()
    }

    fn meta(page: &ToyPage) -> PageMeta<'_> {
        PageMeta::new(page.items.len()).total(page.total)
    }
}

impl ToyCursor for Token {
    fn index(&self) -> u32 {
        self.0.as_deref().map_or(0, |t| t.parse().unwrap())
    }

    fn meta(page: &ToyPage) -> PageMeta<'_> {
        PageMeta::new(page.items.len()).next_token(page.next.as_deref())
    }
}

/// The toy list paged by cursors of kind `C`.
struct Toy<C>(ToyList, PhantomData<C>);

impl<C> Clone for Toy<C> {
    fn clone(&self) -> Self {
        Toy(self.0.clone(), PhantomData)
    }
}

fn toy<C>(list: &ToyList) -> Toy<C> {
    Toy(list.clone(), PhantomData)
}

impl<C: ToyCursor> PageSource for Toy<C> {
    type Cursor = C;
    type Page = ToyPage;
    type Item = u32;
    type Error = Failure;

    fn operation_id(&self) -> &'static str {
        "toyList"
    }

    fn send(&self, request: PageRequest<'_, C>) -> Sending<Failure> {
        self.0.requests.fetch_add(1, Ordering::SeqCst);
        let text = self.0.answer(request.cursor.index(), request.limit);
        Box::pin(async move { Ok(http::Response::new(Bytes::from(text))) })
    }

    fn decode(&self, _: &C, response: http::Response<Bytes>) -> Result<ToyPage, Failure> {
        Ok(parse(response))
    }

    fn meta(page: &ToyPage) -> PageMeta<'_> {
        C::meta(page)
    }

    fn truncate(page: &mut ToyPage, len: usize) {
        page.items.truncate(len);
    }

    fn into_items(page: ToyPage) -> Vec<u32> {
        page.items
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn expected(len: u32, cap: Option<u64>) -> Vec<u32> {
    let end = cap.map_or(len, |cap| len.min(u32::try_from(cap).unwrap_or(u32::MAX)));
    (0..end).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn offsets_deliver_every_item_once(
        len in 0u32..300,
        page_size in 1u32..40,
        cap in proptest::option::of(0u64..320),
        concurrency in 1usize..4,
        report_total in any::<bool>(),
    ) {
        let list = ToyList::new(len, report_total);
        let pages = Paginator::new(toy(&list), Offset(0), page_size, 250)
            .concurrency(concurrency);
        let pages = match cap { Some(cap) => pages.max_items(cap), None => pages };
        let all = runtime().block_on(pages.try_collect()).unwrap();
        let want = expected(len, cap);
        prop_assert_eq!(&all, &want);
        if report_total {
            // Exactly the pages that hold what is wanted (one for an empty list).
            let pages = want.len().div_ceil(page_size as usize).max(1);
            let asked = if cap == Some(0) { 0 } else { pages };
            prop_assert_eq!(list.requests.load(Ordering::SeqCst), asked);
        }
    }

    #[test]
    fn tokens_deliver_every_item_once(
        len in 0u32..300,
        page_size in 1u32..40,
        cap in proptest::option::of(0u64..320),
    ) {
        let list = ToyList::new(len, false);
        let pages = Paginator::new(toy(&list), Token(None), page_size, 100);
        let pages = match cap { Some(cap) => pages.max_items(cap), None => pages };
        let all = runtime().block_on(pages.try_collect()).unwrap();
        prop_assert_eq!(all, expected(len, cap));
    }

    #[test]
    fn a_repeated_token_ends_in_an_error_after_its_page(
        stuck_at in 1u32..100,
        page_size in 1u32..20,
    ) {
        let mut list = ToyList::new(200, false);
        list.stuck_at = Some(stuck_at);
        let mut pages = Paginator::new(toy(&list), Token(None), page_size, 100);
        let mut seen = Vec::new();
        let error = runtime().block_on(async {
            loop {
                match pages.try_next().await {
                    Ok(Some(item)) => seen.push(item),
                    Ok(None) => return None,
                    Err(error) => return Some(error),
                }
            }
        });
        let Some(Failure(PaginationError::RepeatedCursor { operation, .. })) = error else {
            panic!("expected a repeated cursor, got {error:?}");
        };
        prop_assert_eq!(operation, "toyList");
        // Items come once each, in order, up to where the service got stuck.
        prop_assert!(seen.windows(2).all(|w| w[1] == w[0] + 1));
        prop_assert!(!seen.is_empty());
    }
}

#[test]
fn an_error_found_up_front_comes_first_and_a_deadline_ends_the_listing() {
    let list = ToyList::new(10, true);
    let failing = Paginator::new(toy(&list), Offset(0), 5, 250).failing(Failure(
        PaginationError::Cancelled {
            operation: "toyList",
        },
    ));
    let err = runtime().block_on(failing.try_collect()).unwrap_err();
    assert!(matches!(err.0, PaginationError::Cancelled { .. }));
    assert_eq!(list.requests.load(Ordering::SeqCst), 0);

    let expired = Paginator::new(toy(&list), Offset(0), 5, 250).timeout(std::time::Duration::ZERO);
    let err = runtime().block_on(expired.try_collect()).unwrap_err();
    assert!(matches!(err.0, PaginationError::Expired { .. }), "{err:?}");
    assert_eq!(list.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn an_offset_the_service_ignores_is_an_error_instead_of_the_same_items_again() {
    for (report_total, concurrency) in [(false, 1), (true, 1), (true, 3)] {
        let mut list = ToyList::new(100, report_total);
        list.ignores_offset = true;
        let mut pages = Paginator::new(toy(&list), Offset(0), 10, 250).concurrency(concurrency);
        let mut seen = Vec::new();
        let error = runtime().block_on(async {
            loop {
                match pages.try_next().await {
                    Ok(Some(item)) if seen.len() < 10 => seen.push(item),
                    Ok(other) => {
                        panic!("no error (total {report_total}): {other:?} after {seen:?}")
                    }
                    Err(error) => return error,
                }
            }
        });
        // The first page once, never its repeat.
        assert_eq!(seen, (0..10).collect::<Vec<_>>(), "total {report_total}");
        assert_eq!(
            error.0,
            PaginationError::RepeatedPage {
                operation: "toyList",
                offset: 10,
                previous: 0,
                items: 10
            }
        );
        assert_eq!(
            error.0.to_string(),
            "toyList: the service answered offset 10 with the same 10 items as offset 0: \
             it ignores `offset`; stopping instead of repeating them"
        );
        assert!(runtime().block_on(pages.try_next()).unwrap().is_none());
    }
}
