//! Writes whose answer is lost, over real HTTP: the outcome is unknown, so the library
//! says [`Error::MaybeApplied`] (the caller does not have to guess), and a create is
//! looked for among its app's connectors, on catalog entry and display name.
//!
//! The sandbox's faults are drawn from a seeded generator, so each test picks a seed
//! whose draws hit exactly the request it means (at a ratio of 0.5, a draw below 0.5 is
//! a fault) and checks the sandbox's fault count to show it did.

use connkit_c1::prelude::*;
use std::time::Duration;

use connkit_c1::{Client, Error, ErrorKind, Reconciliation};
use connkit_sandbox::{Sandbox, ServerHandle};
use connkit_transport::RetryPolicy;

/// A sandbox served on loopback with `faults`, and a client of it with fast retries.
async fn lossy(faults: &str) -> (Sandbox, ServerHandle, Client) {
    let sandbox = Sandbox::builder()
        .faults(faults.parse().expect("faults"))
        .build()
        .expect("sandbox");
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let fast = RetryPolicy::default()
        .max_attempts(12)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(4));
    let client = Client::builder()
        .base_url(server.base_url())
        .configure_stack(move |stack| stack.retry(fast).rate_limit_state_dir(None))
        .build()
        .expect("client");
    (sandbox, server, client)
}

/// What the lookup after a lost answer found.
fn reconciliation(err: &Error) -> &Reconciliation {
    match err {
        Error::MaybeApplied { reconciliation, .. } => reconciliation,
        other => panic!("not MaybeApplied: {other:?}"),
    }
}

/// How many faults of `kind` the sandbox injected.
fn injected(sandbox: &Sandbox, kind: &str) -> u64 {
    sandbox
        .stats()
        .injected_faults
        .get(kind)
        .copied()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_lists_what_matches_it_and_claims_none() {
    // Seed 4: the first request (the create) is handled, then its answer is cut off;
    // the lookup's page is not.
    let (sandbox, _server, client) = lossy("truncate=0.5,seed=4").await;
    let (app, _) = sandbox
        .c1()
        .apps()
        .into_iter()
        .find(|(_, name)| name == "Okta")
        .expect("the Okta demo app");
    // The Okta demo app already holds "Okta connector 1" and "Okta connector 2" of this
    // catalog entry: the first has the name the create gives, the second does not.
    let err = client
        .create_delegated_connector(&app, "catalog-okta")
        .display_name("Okta connector 1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(injected(&sandbox, "truncate"), 1);
    assert_eq!(err.kind(), ErrorKind::MaybeApplied, "{err:?}");
    assert!(!err.is_retryable());
    let Reconciliation::Exists(found) = reconciliation(&err) else {
        panic!("no candidates: {err:?}")
    };
    // The one that existed and the one this request made; never the other name.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found
        .iter()
        .all(|c| c.display_name.as_deref() == Some("Okta connector 1")));
    let message = err.to_string();
    assert!(message.contains("may have been applied"), "{message}");
    assert!(
        message.contains("2 connector(s) of the app match"),
        "{message}"
    );
    assert!(message.contains("check before creating again"), "{message}");
    // Sent once: a POST whose answer was lost is never resent.
    assert_eq!(sandbox.stats().by_operation["c1.CreateDelegated"], 1);
}

#[tokio::test]
async fn a_create_lost_before_the_service_saw_it_is_known_not_applied() {
    // Seed 4: the first request's connection is dropped before it is handled.
    let (sandbox, _server, client) = lossy("reset=0.5,seed=4").await;
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let err = client
        .create_delegated_connector(&app, "catalog-okta")
        .display_name("Never arrived")
        .send()
        .await
        .unwrap_err();
    assert_eq!(injected(&sandbox, "reset"), 1);
    assert_eq!(err.kind(), ErrorKind::Unreachable, "{err:?}");
    let message = err.to_string();
    assert!(
        message.ends_with(
            "no connector of the app matches what it sent: the create was not applied and may \
             be sent again"
        ),
        "{message}"
    );
    assert!(matches!(reconciliation(&err), Reconciliation::Absent));
}

#[tokio::test]
async fn an_update_whose_answer_is_lost_may_have_been_applied() {
    // Seed 7: the first request (the list) is answered, the second (the update) is
    // handled and its answer cut off.
    let (sandbox, _server, client) = lossy("truncate=0.5,seed=7").await;
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let page = client.list_connectors(&app).send().await.unwrap();
    let id = page.connectors().next().unwrap().id.clone().unwrap();
    let err = client
        .update_connector(&app, &id)
        .description("changed")
        .send()
        .await
        .unwrap_err();
    assert_eq!(injected(&sandbox, "truncate"), 1);
    assert!(
        matches!(reconciliation(&err), Reconciliation::NotAttempted),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::MaybeApplied);
    assert!(!err.is_retryable());
    assert_eq!(
        connkit_c1::ErrorMetadata::operation(&err),
        Some("Update"),
        "the error names its operation"
    );
}

#[tokio::test]
async fn a_read_whose_answers_are_lost_is_a_transport_error_of_its_operation() {
    let (sandbox, _server, client) = lossy("reset=1").await;
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let err = client.get_connector(&app, "any").send().await.unwrap_err();
    let Error::Transport {
        operation, source, ..
    } = &err
    else {
        panic!("not a transport error: {err:?}")
    };
    assert_eq!(*operation, "Get");
    assert!(source.may_have_been_processed(), "{source}");
    assert!(
        err.to_string().starts_with("Get: no usable response"),
        "{err}"
    );
    assert!(err.is_retryable());
    // A GET is retried: every attempt was made.
    assert_eq!(injected(&sandbox, "reset"), 12);
}
