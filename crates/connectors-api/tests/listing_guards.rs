//! Issue 20, for `getConnectorList`: a server that ignores `offset` ends a listing in an
//! error instead of the same connectors again and again, and a listing dropped while
//! its request waits in the rate limiter sends nothing afterwards.

use connkit_connectors::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connkit_connectors::{Client, Error, PaginationError};
use connkit_sandbox::Sandbox;
use connkit_transport::{HttpBackend, RateLimit, RateLimiter};
use futures::StreamExt;
use hyper_util::rt::TokioIo;

/// A loopback HTTP/1.1 server that ignores `offset` (and `limit`): every request gets
/// the same `page` connectors, with `X-Total-Count: total` when it asks for `count`.
struct IgnoresOffset {
    base_url: String,
    requests: Arc<AtomicUsize>,
}

impl IgnoresOffset {
    async fn serve(page: usize, total: Option<u64>) -> IgnoresOffset {
        let items: Vec<_> = (0..page)
            .map(|i| serde_json::json!({"name": format!("c{i}"), "scriptName": format!("c{i}")}))
            .collect();
        let body = serde_json::to_string(&items).expect("JSON");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&requests);
        // The task ends with the test's runtime.
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (body, counted) = (body.clone(), Arc::clone(&counted));
                let service = hyper::service::service_fn(move |request: http::Request<_>| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let counts = request
                        .uri()
                        .query()
                        .is_some_and(|q| q.contains("count=true"));
                    let mut answer = http::Response::builder()
                        .header(http::header::CONTENT_TYPE, "application/json");
                    if let Some(total) = total.filter(|_| counts) {
                        answer = answer.header("X-Total-Count", total);
                    }
                    std::future::ready(answer.body(body.clone()))
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        IgnoresOffset { base_url, requests }
    }
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_an_error_rather_than_the_same_connectors_again() {
    for (total, concurrency) in [(None, 1), (Some(3000), 1), (Some(3000), 4)] {
        let server = IgnoresOffset::serve(3, total).await;
        let backend = HttpBackend::new().expect("backend");
        let client = Client::new(&server.base_url, Arc::new(backend)).expect("client");
        let mut paginator = client
            .list_connectors()
            .into_paginator()
            .page_size(3)
            .concurrency(concurrency);
        let first = paginator.next_page().await.expect("first page");
        assert_eq!(first.map(|page| page.len()), Some(3));
        let err = paginator
            .next_page()
            .await
            .expect_err("the repeated page is an error");
        assert!(
            matches!(
                err,
                Error::Pagination(PaginationError::RepeatedPage {
                    operation: "getConnectorList",
                    offset: 3,
                    previous: 0,
                    items: 3,
                    ..
                })
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "getConnectorList: the service answered offset 3 with the same 3 items as offset 0: \
             it ignores `offset`; stopping instead of repeating them"
        );
        assert!(paginator.next_page().await.expect("done").is_none());
        // The first page, its repeat, and at most what was in flight or decoding then.
        let sent = server.requests.load(Ordering::SeqCst);
        assert!(sent <= 2 + 2 * concurrency, "{sent} requests ({total:?})");
    }
}

#[tokio::test]
async fn a_dropped_listing_sends_nothing_after_the_drop() {
    let sandbox = Sandbox::builder().seed(5).build().expect("sandbox");
    let server = sandbox
        .serve("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("serve");
    // One request a second: the first uses the budget, the listing's waits.
    let limiter = RateLimiter::new(1, Duration::from_secs(1)).expect("limit");
    let backend = HttpBackend::new().expect("backend");
    let transport = RateLimit::new(backend, limiter);
    let client = Client::new(&server.base_url(), Arc::new(transport)).expect("client");
    client
        .list_connectors()
        .limit(1)
        .send()
        .await
        .expect("a first list");

    let mut listing = client.list_connectors().into_paginator().into_stream();
    let waiting = tokio::time::timeout(Duration::from_millis(200), listing.next()).await;
    assert!(
        waiting.is_err(),
        "the listing's request waits in the limiter"
    );
    drop(listing);

    // Long past the moment the limiter would have let it go.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let lists = sandbox
        .stats()
        .by_operation
        .get("getConnectorList")
        .copied();
    assert_eq!(lists, Some(1), "only the first list reached the server");
}
