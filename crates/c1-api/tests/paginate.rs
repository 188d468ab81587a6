//! The token paginator: no connector lost or repeated for any total and page size, a
//! repeated token is an error rather than a loop, the next page is fetched while the
//! current one is worked through, and a dropped listing drops that request too.

use connkit_c1::prelude::*;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connkit_c1::{Client, Error};
use connkit_sandbox::Sandbox;
use connkit_transport::{HttpBackend, RateLimit, RateLimiter, Transport, TransportError};
use futures::StreamExt;
use proptest::prelude::*;
use serde_json::json;

/// A server that pages `total` connectors `size` at a time with opaque tokens; from
/// item `repeat_from` on it answers the token it was asked with (a server bug).
struct Pager {
    total: usize,
    size: usize,
    repeat_from: Option<usize>,
}

#[async_trait::async_trait]
impl Transport for Pager {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let query = request.uri().query().unwrap_or("");
        let token = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "page_token")
            .map(|(_, v)| v.into_owned());
        let start: usize = token
            .as_deref()
            .map_or(0, |t| t.trim_start_matches("tok-").parse().unwrap());
        let end = (start + self.size).min(self.total);
        let list: Vec<_> = (start..end)
            .map(|i| json!({"connector": {"id": format!("c{i:05}")}}))
            .collect();
        let next = match self.repeat_from {
            Some(r) if start >= r => token.clone().unwrap_or_else(|| "tok-0".into()),
            _ if end < self.total => format!("tok-{end}"),
            // The last page: "" or no token at all, both mean the end.
            _ if self.total % 2 == 0 => String::new(),
            _ => {
                let body = json!({"list": list}).to_string();
                return Ok(http::Response::new(Bytes::from(body)));
            }
        };
        let body = json!({"list": list, "nextPageToken": next}).to_string();
        Ok(http::Response::new(Bytes::from(body)))
    }
}

fn client(pager: Pager) -> Client {
    Client::new("https://acme.conductor.one", Arc::new(pager)).unwrap()
}

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_connector_once_in_order(total in 0usize..260, size in 1usize..40) {
        let all = run(client(Pager { total, size, repeat_from: None })
            .list_connectors("app")
            .into_paginator()
            .try_collect())
            .unwrap();
        let ids: Vec<String> = all.into_iter().map(|c| c.id.unwrap()).collect();
        let expected: Vec<String> = (0..total).map(|i| format!("c{i:05}")).collect();
        prop_assert_eq!(ids, expected);
    }

    #[test]
    fn a_repeated_token_is_an_error(total in 2usize..200, size in 1usize..30, at in 0usize..200) {
        let repeat_from = at % total;
        let result = run(client(Pager { total, size, repeat_from: Some(repeat_from) })
            .list_connectors("app")
            .into_paginator()
            .try_collect());
        // The bug shows when a page starts at or after `repeat_from`.
        let shows = (0..total).step_by(size).any(|start| start >= repeat_from);
        match result {
            Err(Error::RepeatedPageToken { token, .. }) => {
                prop_assert!(shows && token.starts_with("tok-"));
            }
            Ok(all) => prop_assert!(!shows && all.len() == total),
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }
}

/// A sandbox whose first demo app has `n` connectors more; that app's id, and an
/// in-process client of the sandbox.
async fn sandbox_with_connectors(n: usize) -> (Sandbox, String, Client) {
    let sandbox = Sandbox::new();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = Client::new("https://sandbox.invalid", Arc::new(sandbox.clone())).unwrap();
    for n in 0..n {
        client
            .create_delegated_connector(&app, "catalog-okta")
            .display_name(format!("c{n}"))
            .send()
            .await
            .unwrap();
    }
    (sandbox, app, client)
}

#[tokio::test]
async fn the_next_page_is_fetched_while_the_current_one_is_used() {
    let (sandbox, app, client) = sandbox_with_connectors(28).await;
    sandbox.reset_stats();
    let mut pages = client.list_connectors(&app).page_size(10).into_paginator();
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.connectors().count(), 10);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(sandbox.stats().by_operation.get("c1.List"), Some(&2));
    let mut rest = 0;
    while let Some(page) = pages.next_page().await.unwrap() {
        rest += page.connectors().count();
    }
    assert_eq!(rest, 20);
    assert_eq!(sandbox.stats().by_operation.get("c1.List"), Some(&3));

    // With a cap, nothing past it is fetched.
    sandbox.reset_stats();
    let capped = client
        .list_connectors(&app)
        .page_size(10)
        .into_paginator()
        .max_items(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(capped.len(), 10);
    assert_eq!(sandbox.stats().by_operation.get("c1.List"), Some(&1));
}

#[tokio::test]
async fn a_listing_dropped_after_its_first_item_never_sends_the_page_it_prefetched() {
    let (sandbox, app, _) = sandbox_with_connectors(11).await;
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    // One request a second: the first page uses the budget, the prefetch waits.
    let limiter = RateLimiter::new(1, Duration::from_secs(1)).unwrap();
    let transport = RateLimit::new(HttpBackend::new().unwrap(), limiter);
    let client = Client::new(&server.base_url(), Arc::new(transport)).unwrap();
    sandbox.reset_stats();

    let mut listing = client
        .list_connectors(&app)
        .page_size(10)
        .into_paginator()
        .into_stream();
    listing.next().await.unwrap().unwrap();
    drop(listing);

    // Long past the moment the limiter would have let the prefetch go.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sandbox.stats().by_operation.get("c1.List"), Some(&1));
}
