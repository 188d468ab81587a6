//! Writes whose answer is lost (the outcome is unknown, so a create is looked up by
//! name), and deadlines that bound a whole listing.

mod common;

use connkit_connectors::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::fast_retries;
use connkit_connectors::{Client, Error, ErrorKind, Reconciliation};
use connkit_models::isc::v2024::V3CreateConnectorDto;
use connkit_sandbox::{FaultConfig, Sandbox};
use connkit_transport::{TimeoutPhase, Transport, TransportError};
use http::Method;

/// What happens to the requests of one method on their way to the sandbox.
#[derive(Clone, Copy)]
enum Loss {
    /// The sandbox handles the request, then the connection breaks before the answer.
    AfterHandling,
    /// The connection breaks after the request was written, before the sandbox saw it.
    BeforeHandling,
}

/// The sandbox, but the answers to `method` are lost as `loss` says; the connection
/// breaks the way a reset does over HTTP.
struct LoseAnswers {
    sandbox: Sandbox,
    method: Method,
    loss: Loss,
}

#[async_trait::async_trait]
impl Transport for LoseAnswers {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        if request.method() != self.method {
            return self.sandbox.send(request).await;
        }
        if let Loss::AfterHandling = self.loss {
            self.sandbox.send(request).await?;
        }
        Err(TransportError::Network {
            source: "connection reset by peer".into(),
        })
    }
}

fn client(sandbox: &Sandbox, method: Method, loss: Loss) -> Client {
    let lossy = LoseAnswers {
        sandbox: sandbox.clone(),
        method,
        loss,
    };
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .backend_with_stack(Arc::new(lossy))
        .configure_stack(|s| s.retry(fast_retries()).no_rate_limit())
        .build()
        .expect("client")
}

/// What the lookup after a lost answer found.
fn reconciliation(err: &Error) -> &Reconciliation {
    match err {
        Error::MaybeApplied { reconciliation, .. } => reconciliation,
        other => panic!("not MaybeApplied: {other:?}"),
    }
}

fn dto(name: &str) -> V3CreateConnectorDto {
    V3CreateConnectorDto::new(name, "sailpoint.connector.OpenConnectorAdapter")
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_by_its_exact_name() {
    let sandbox = Sandbox::builder().seed(0).build().expect("sandbox");
    let plain = Client::new("http://127.0.0.1:9", Arc::new(sandbox.clone())).unwrap();
    // A longer name with the same prefix must not be taken for it.
    plain
        .create_connector(&dto("Lost answer 2"))
        .send()
        .await
        .unwrap();

    let client = client(&sandbox, Method::POST, Loss::AfterHandling);
    let err = client
        .create_connector(&dto("Lost answer"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MaybeApplied, "{err:?}");
    let Reconciliation::Exists(found) = reconciliation(&err) else {
        panic!("not reconciled as existing: {err:?}")
    };
    assert_eq!(found.name.as_deref(), Some("Lost answer"));
    let message = err.to_string();
    assert!(message.contains("may have been applied"), "{message}");
    assert!(message.contains("exists now"), "{message}");
    // Sent once: a POST whose answer was lost is never resent.
    assert_eq!(sandbox.stats().by_operation["createCustomConnector"], 2);
}

#[tokio::test]
async fn a_create_lost_before_the_service_saw_it_is_known_not_applied() {
    let sandbox = Sandbox::builder().seed(0).build().expect("sandbox");
    let client = client(&sandbox, Method::POST, Loss::BeforeHandling);
    let err = client
        .create_connector(&dto("Never arrived"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(reconciliation(&err), Reconciliation::Absent),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Unreachable);
    assert!(err.to_string().contains("not applied"), "{err}");
}

#[tokio::test]
async fn an_update_whose_answer_is_lost_may_have_been_applied() {
    let sandbox = Sandbox::builder().seed(3).build().expect("sandbox");
    let plain = Client::new("http://127.0.0.1:9", Arc::new(sandbox.clone())).unwrap();
    let script = plain
        .list_connectors()
        .send()
        .await
        .unwrap()
        .items
        .remove(0)
        .script_name
        .unwrap();
    let err = client(&sandbox, Method::PATCH, Loss::AfterHandling)
        .update_connector(&script)
        .set_metadata("supportsDelta", true)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(reconciliation(&err), Reconciliation::NotAttempted),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::MaybeApplied);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_paginator_timeout_bounds_the_whole_listing() {
    // 10 pages of 100 ms each; the listing may take 350 ms in all.
    let faults: FaultConfig = "latency=100ms".parse().expect("faults");
    let sandbox = Sandbox::builder()
        .seed(1000)
        .faults(faults)
        .build()
        .expect("sandbox");
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .backend_with_stack(Arc::new(sandbox.clone()))
        .configure_stack(|s| s.no_rate_limit())
        .build()
        .expect("client");
    let started = Instant::now();
    let mut pages = client
        .list_connectors()
        .into_paginator()
        .page_size(100)
        .timeout(Duration::from_millis(350));
    let mut items = 0;
    let err = loop {
        match pages.next_page().await {
            Ok(Some(page)) => items += page.items.len(),
            Ok(None) => panic!("listed all {items} items despite the timeout"),
            Err(err) => break err,
        }
    };
    let took = started.elapsed();
    assert!(
        matches!(
            &err,
            Error::Transport {
                source: TransportError::Timeout {
                    phase: TimeoutPhase::Operation,
                    after,
                },
                ..
            } if *after == Duration::from_millis(350)
        ),
        "{err:?}"
    );
    assert!(items < 1000, "{items}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // The listing is over: no further page is requested.
    assert!(pages.next_page().await.unwrap().is_none());
}
