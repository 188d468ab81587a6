//! The paginator against the sandbox: for any total, page size, start, cap and
//! concurrency it yields exactly the collection, in order; with faults and retries too.

mod common;

use connkit_connectors::prelude::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{fast_retries, Harness, Mode};
use connkit_connectors::ops::ListConnectors;
use connkit_connectors::{Client, Error, ErrorKind, Operation, Reconciliation};
use connkit_models::isc::v2024::{V3ConnectorDto, V3CreateConnectorDto};
use connkit_sandbox::{FaultConfig, Sandbox};
use connkit_transport::test_util::Recorder;
use connkit_transport::Transport;
use futures::{StreamExt, TryStreamExt};
use proptest::prelude::*;

/// The whole collection, read with plain list requests (no paginator involved).
async fn collection(transport: &dyn Transport) -> Vec<String> {
    let base = connkit_transport::BaseUrl::parse("http://127.0.0.1:9").expect("base");
    let mut all = Vec::new();
    loop {
        let op = ListConnectors::new().offset(all.len() as u64).limit(250);
        let request = op.build_request(&base).expect("request");
        let page = op
            .parse_response(transport.send(request).await.expect("send"))
            .expect("page");
        let n = page.items.len();
        all.extend(page.items.into_iter().map(script));
        if n < 250 {
            return all;
        }
    }
}

fn script(c: V3ConnectorDto) -> String {
    c.script_name.expect("scriptName")
}

/// Every script name, through the paginator.
async fn all_scripts(client: &Client, page_size: u32, concurrency: usize) -> Vec<String> {
    client
        .list_connectors()
        .into_paginator()
        .page_size(page_size)
        .concurrency(concurrency)
        .try_collect()
        .await
        .expect("paginate")
        .into_iter()
        .map(script)
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn yields_the_collection_in_order_without_gaps_or_duplicates(
        total in prop_oneof![Just(0usize), Just(250), Just(500), 0usize..2000],
        page_size in prop_oneof![Just(250u32), 1u32..=250],
        start_fraction in prop_oneof![Just(0.0f64), Just(1.0), 0.0f64..1.1],
        cap in proptest::option::of(0u64..2100),
        concurrency in 1usize..=8,
    ) {
        runtime().block_on(async {
            let sandbox = Sandbox::builder().seed(total).build().expect("sandbox");
            let expected = collection(&sandbox).await;
            prop_assert_eq!(expected.len(), total);
            let start = ((total as f64) * start_fraction) as u64;
            let recorder = Recorder::new(sandbox.clone());
            let client = Client::new("http://127.0.0.1:9", Arc::new(recorder.clone())).expect("client");

            let mut paginator = client
                .list_connectors()
                .offset(start)
                .into_paginator()
                .page_size(page_size)
                .concurrency(concurrency);
            if let Some(cap) = cap {
                paginator = paginator.max_items(cap);
            }
            let got: Vec<String> = paginator.try_collect().await.expect("paginate").into_iter().map(script).collect();

            let from = (start as usize).min(total);
            let to = cap.map_or(total, |c| (from + c as usize).min(total));
            prop_assert_eq!(&got[..], &expected[from..to]);
            let unique: HashSet<&String> = got.iter().collect();
            prop_assert_eq!(unique.len(), got.len());

            // No request past the end: one per page that holds items, and one for an
            // empty result (unless the cap is 0, which needs none).
            let pages = (to - from).div_ceil(page_size as usize) as u64;
            let requests = recorder.len() as u64;
            let expected_requests = if cap == Some(0) { 0 } else { pages.max(1) };
            prop_assert_eq!(requests, expected_requests, "requests for {} items", to - from);
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn with_faults_and_retries_every_item_still_arrives_once_in_order(
        total in 0usize..1200,
        page_size in 1u32..=250,
        concurrency in 1usize..=8,
        seed in 0u64..1000,
    ) {
        runtime().block_on(async {
            let expected = collection(&Sandbox::builder().seed(total).build().expect("sandbox")).await;
            let faults: FaultConfig = format!("error=0.15,reset=0.05,truncate=0.05,seed={seed}")
                .parse()
                .expect("faults");
            let sandbox = Sandbox::builder().seed(total).faults(faults).build().expect("sandbox");
            let client = Client::builder()
                .base_url("http://127.0.0.1:9")
                .backend_with_stack(Arc::new(sandbox.clone()))
                .configure_stack(|s| s.retry(fast_retries()).no_rate_limit())
                .build()
                .expect("client");
            let got = all_scripts(&client, page_size, concurrency).await;
            prop_assert_eq!(got, expected);
            Ok(())
        })?;
    }
}

/// Both streams are `Unpin` and `Send`, so `.next().await` needs no `pin!` and they can
/// move to another task.
#[tokio::test]
async fn streams_need_no_pinning() {
    fn unpin_send<T: Unpin + Send + 'static>(value: T) -> T {
        value
    }
    let client = Client::from_transport(Sandbox::builder().seed(12).build().expect("sandbox"))
        .expect("client");
    let mut items = unpin_send(
        client
            .list_connectors()
            .limit(5)
            .into_paginator()
            .into_stream(),
    );
    let mut pages = unpin_send(
        client
            .list_connectors()
            .limit(5)
            .into_paginator()
            .into_page_stream(),
    );
    let mut n = 0;
    while let Some(item) = items.next().await {
        item.expect("item");
        n += 1;
    }
    assert_eq!(n, 12);
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.expect("page").len());
    }
    assert_eq!(sizes, [5, 5, 2]);
    let moved = tokio::spawn(async move { items.next().await.is_none() });
    assert!(moved.await.expect("task"));
}

#[tokio::test]
async fn streams_of_items_and_pages_agree_with_try_next() {
    let sandbox = Sandbox::builder().seed(260).build().expect("sandbox");
    let client = Client::new("http://127.0.0.1:9", Arc::new(sandbox.clone())).expect("client");
    let expected = collection(&sandbox).await;

    let items: Vec<String> = client
        .list_connectors()
        .into_paginator()
        .page_size(100)
        .concurrency(3)
        .into_stream()
        .map_ok(script)
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(items, expected);

    let pages: Vec<(u64, usize, Option<u64>)> = client
        .list_connectors()
        .into_paginator()
        .page_size(100)
        .into_page_stream()
        .map_ok(|p| (p.offset, p.len(), p.total))
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(
        pages,
        [(0, 100, Some(260)), (100, 100, None), (200, 60, None)]
    );

    // The page size is clamped to 250; an offset at the total yields nothing.
    let pages: Vec<(u64, usize)> = client
        .list_connectors()
        .into_paginator()
        .page_size(1000)
        .into_page_stream()
        .map_ok(|p| (p.offset, p.len()))
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages, [(0, 250), (250, 10)]);
    let none = client
        .list_connectors()
        .offset(260)
        .into_paginator()
        .concurrency(4)
        .try_collect()
        .await
        .expect("empty");
    assert!(none.is_empty());

    let mut paginator = client
        .list_connectors()
        .into_paginator()
        .page_size(7)
        .max_items(9);
    let mut one_by_one = Vec::new();
    while let Some(c) = paginator.try_next().await.expect("next") {
        one_by_one.push(script(c));
    }
    assert_eq!(one_by_one, expected[..9]);
    assert_eq!(paginator.total(), Some(260));
}

/// Counts the requests in flight at once (each takes a moment).
struct InFlight {
    inner: Sandbox,
    now: AtomicUsize,
    max: AtomicUsize,
}

#[async_trait::async_trait]
impl Transport for InFlight {
    async fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> Result<http::Response<bytes::Bytes>, connkit_transport::TransportError> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        let response = self.inner.send(request).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        response
    }
}

#[tokio::test]
async fn concurrency_bounds_the_requests_in_flight() {
    for n in [1, 3, 8] {
        let gate = Arc::new(InFlight {
            inner: Sandbox::builder().seed(500).build().expect("sandbox"),
            now: AtomicUsize::new(0),
            max: AtomicUsize::new(0),
        });
        let client = Client::new("http://127.0.0.1:9", gate.clone()).expect("client");
        let expected = collection(&gate.inner).await;
        assert_eq!(all_scripts(&client, 20, n).await, expected);
        assert_eq!(gate.max.load(Ordering::SeqCst), n, "concurrency {n}");
    }
}

#[tokio::test]
async fn the_first_error_ends_pagination() {
    let client = Client::new(
        "http://127.0.0.1:9",
        Arc::new(Sandbox::builder().seed(30).build().expect("sandbox")),
    )
    .expect("client");
    let mut paginator = client
        .list_connectors()
        .filter(r#"name eq "x""#)
        .into_paginator();
    let err = paginator.next_page().await.unwrap_err();
    assert!(matches!(
        err,
        connkit_connectors::Error::FilterNotAllowed(_)
    ));
    assert!(paginator.next_page().await.expect("done").is_none());

    // The server refuses the unchecked filter on the first page: one error, then the end.
    let mut stream = client
        .list_connectors()
        .unchecked_filter("owner eq 1")
        .into_paginator()
        .into_stream();
    let first = stream.next().await.expect("an item");
    assert_eq!(
        first.unwrap_err().status(),
        Some(http::StatusCode::BAD_REQUEST)
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_collection_that_changes_underneath_ends_cleanly() {
    let h = Harness::new(Mode::InProcess, 40).await;
    let mut paginator = h.client.list_connectors().into_paginator().page_size(10);
    let first = paginator.next_page().await.expect("first").expect("a page");
    assert_eq!(first.total, Some(40));
    // Grow and shrink the collection while paging.
    for i in 0..25 {
        h.client
            .create_connector(&V3CreateConnectorDto::new(format!("zz grown {i}"), "c"))
            .send()
            .await
            .expect("create");
    }
    let mut seen = first.len();
    let mut pages = 1;
    while let Some(page) = paginator.next_page().await.expect("page") {
        seen += page.len();
        pages += 1;
        // Built-in connectors cannot be deleted: shrink by one of the created ones.
        let victim = format!("zz-grown-{pages}");
        h.client
            .delete_connector(victim)
            .send()
            .await
            .expect("delete");
    }
    assert!(pages <= 4, "stopped at the total seen first: {pages} pages");
    assert!(seen <= 40, "{seen}");
}

#[tokio::test]
async fn with_faults_and_retries_the_items_are_the_same_and_nothing_is_sent_twice() {
    let clean = Sandbox::builder().seed(700).build().expect("sandbox");
    let expected = collection(&clean).await;

    let faults: FaultConfig = "error=0.2,reset=0.05,truncate=0.05,seed=7"
        .parse()
        .expect("faults");
    let sandbox = Sandbox::builder()
        .seed(700)
        .faults(faults)
        .build()
        .expect("sandbox");
    let recorder = Recorder::new(Arc::new(sandbox.clone()) as Arc<dyn Transport>);
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .backend_with_stack(Arc::new(recorder.clone()))
        .configure_stack(|s| s.retry(fast_retries()).no_rate_limit())
        .build()
        .expect("client");

    for concurrency in [1, 4, 8] {
        let got = all_scripts(&client, 45, concurrency).await;
        assert_eq!(got, expected, "concurrency {concurrency}");
    }
    let stats = sandbox.stats();
    assert!(
        stats.injected_faults.values().sum::<u64>() > 10,
        "faults were injected: {stats:?}"
    );

    // Creates and patches are never retried after a 5xx or a dropped connection.
    let before = recorder.len();
    let mut attempts = 0u64;
    let mut created = Vec::new();
    for i in 0..30 {
        attempts += 1;
        let result = client
            .create_connector(&V3CreateConnectorDto::new(format!("Fault {i}"), "c"))
            .send()
            .await;
        match result {
            Ok(c) => created.push(script(c)),
            // The answer was lost after the service stored it: found by name.
            Err(Error::MaybeApplied {
                reconciliation: Reconciliation::Exists(found),
                ..
            }) => created.push(script(*found)),
            Err(e) => assert!(
                e.is_retryable() || e.kind() == ErrorKind::Unreachable,
                "{e:?}"
            ),
        }
    }
    for s in &created {
        attempts += 1;
        let _ = client.update_connector(s).set_metadata("k", 1).send().await;
    }
    // The GETs are the lookups by name of creates whose answer was lost.
    let sent: Vec<_> = recorder.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .cloned()
        .collect();
    let mut bodies = HashSet::new();
    for r in &sent {
        assert!(r.method == "POST" || r.method == "PATCH", "{}", r.method);
        assert!(
            bodies.insert((r.uri.clone(), r.body.clone())),
            "sent twice: {} {}",
            r.method,
            r.uri
        );
    }
    assert_eq!(sent.len() as u64, attempts);
    let stats = sandbox.stats();
    let by_op = |op: &str| stats.by_operation.get(op).copied().unwrap_or(0);
    assert_eq!(by_op("createCustomConnector"), 30);
    assert_eq!(by_op("updateConnector"), created.len() as u64);
    assert!(
        !created.is_empty() && created.len() < 30,
        "some creates failed, some not: {}",
        created.len()
    );

    // A PUT is idempotent: it is retried through the faults, replaying the very same
    // multipart bytes, until it lands.
    let before = recorder.len();
    for (i, script) in created.iter().enumerate() {
        client
            .put_source_config(script)
            .xml(format!("<sourceConfig n='{i}'/>"))
            .send()
            .await
            .expect("put through faults");
    }
    let mut attempts_by_uri = std::collections::HashMap::<String, Vec<bytes::Bytes>>::new();
    for put in &recorder.requests()[before..] {
        assert_eq!(put.method, "PUT");
        attempts_by_uri
            .entry(put.uri.to_string())
            .or_default()
            .push(put.body.clone());
    }
    assert_eq!(attempts_by_uri.len(), created.len());
    assert!(attempts_by_uri
        .values()
        .all(|bodies| bodies.iter().all(|b| *b == bodies[0])));
    assert!(
        attempts_by_uri.values().any(|bodies| bodies.len() > 1),
        "no PUT was retried"
    );
    for (i, script) in created.iter().enumerate() {
        let stored = client
            .get_source_config(script)
            .send()
            .await
            .expect("get through faults");
        assert_eq!(stored, format!("<sourceConfig n='{i}'/>").as_bytes());
    }
}

/// Runs `future` to completion on this thread, with no Tokio runtime around.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

#[test]
fn outside_a_tokio_runtime_pages_are_decoded_on_the_polling_thread() {
    assert!(tokio::runtime::Handle::try_current().is_err());
    let sandbox = Sandbox::builder().seed(130).build().expect("sandbox");
    let client = Client::new("http://127.0.0.1:9", Arc::new(sandbox.clone())).expect("client");
    let expected = block_on(collection(&sandbox));
    assert_eq!(expected.len(), 130);
    for concurrency in [1, 3] {
        let got = block_on(all_scripts(&client, 20, concurrency));
        assert_eq!(got, expected, "concurrency {concurrency}");
    }
}

/// The sandbox, except that the page at offset 40 is not a list of connectors.
struct BadPage(Sandbox);

#[async_trait::async_trait]
impl Transport for BadPage {
    async fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> Result<http::Response<bytes::Bytes>, connkit_transport::TransportError> {
        let bad = request
            .uri()
            .query()
            .is_some_and(|q| q.contains("offset=40"));
        let mut response = self.0.send(request).await?;
        if bad {
            // Not a list at all (an odd item in a list would be repaired, not fatal).
            *response.body_mut() = bytes::Bytes::from_static(b"{\"items\": [1]}");
        }
        Ok(response)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_does_not_decode_ends_pagination_after_the_pages_before_it() {
    let sandbox = Sandbox::builder().seed(200).build().expect("sandbox");
    let expected = collection(&sandbox).await;
    let client = Client::new("http://127.0.0.1:9", Arc::new(BadPage(sandbox))).expect("client");
    for concurrency in [1, 4] {
        let mut paginator = client
            .list_connectors()
            .into_paginator()
            .page_size(20)
            .concurrency(concurrency);
        let mut got = Vec::new();
        let err = loop {
            match paginator.next_page().await {
                Ok(Some(page)) => got.extend(page.items.into_iter().map(script)),
                Ok(None) => panic!("no error at concurrency {concurrency}"),
                Err(err) => break err,
            }
        };
        assert!(
            matches!(err, connkit_connectors::Error::Decode(_)),
            "{err:?}"
        );
        assert_eq!(got, expected[..40], "concurrency {concurrency}");
        assert!(paginator.next_page().await.expect("done").is_none());
    }
}
