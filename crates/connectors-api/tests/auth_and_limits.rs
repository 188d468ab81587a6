//! Credentials, 401s and 429s through the client, over real HTTP.

mod common;

use std::time::Duration;

use common::{fast_retries, Harness, Mode, MODES};
use connkit_connectors::{Error, ErrorKind, RetryAfter};
use connkit_sandbox::{AuthMode, RateLimitConfig, Sandbox};
use connkit_transport::{RetryPolicy, Transport as _};

#[tokio::test]
async fn client_credentials_are_exchanged_for_a_token() {
    for mode in MODES {
        let sandbox = Sandbox::builder()
            .seed(3)
            .require_auth(AuthMode::AnyIssuedToken)
            .build()
            .expect("sandbox");
        let h =
            Harness::with_sandbox(mode, sandbox, |b| b.client_credentials("id", "secret")).await;
        let page = h
            .client
            .list_connectors()
            .send()
            .await
            .expect("list with a token");
        assert_eq!(page.items.len(), 3);
        let sent = h.sent();
        assert_eq!(sent.len(), 2, "{mode:?}: one token request, one list");
        assert_eq!(sent[0].uri.path(), "/oauth/token");
        assert!(
            sent[1]
                .header("authorization")
                .is_some_and(|v| v.starts_with("Bearer ")),
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error() {
    for mode in MODES {
        let sandbox = Sandbox::builder()
            .seed(1)
            .require_auth(AuthMode::Fixed("the-right-one".into()))
            .build()
            .expect("sandbox");
        let h = Harness::with_sandbox(mode, sandbox, |b| b.token("a-wrong-one")).await;
        let err = h.client.get_connector("x").send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{mode:?}: {err:?}");
        assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
        assert!(
            err.to_string()
                .starts_with("getConnector: 401 Unauthorized"),
            "{err}"
        );
        let debug = format!("{err:?}");
        assert!(!debug.contains("a-wrong-one"), "the token leaked: {debug}");

        let h = Harness::with_sandbox(
            mode,
            Sandbox::builder()
                .require_auth(AuthMode::AnyIssuedToken)
                .build()
                .expect("sandbox"),
            |b| b.token("never-issued"),
        )
        .await;
        let err = h.client.list_connectors().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{mode:?}: {err:?}");
    }
}

fn limited() -> Sandbox {
    Sandbox::builder()
        .seed(2)
        .rate_limit(RateLimitConfig {
            max: 2,
            window: Duration::from_secs(30),
        })
        .build()
        .expect("sandbox")
}

/// Sends the two requests the limit allows.
async fn use_up_the_limit(h: &Harness) {
    for _ in 0..2 {
        h.client
            .list_connectors()
            .send()
            .await
            .expect("within the limit");
    }
}

#[tokio::test]
async fn a_429_carries_retry_after_and_is_rate_limited() {
    let h = Harness::with_sandbox(Mode::Http, limited(), |b| {
        b.configure_stack(|s| s.retry(RetryPolicy::no_retries()).no_rate_limit())
    })
    .await;
    use_up_the_limit(&h).await;
    let err = h.client.list_connectors().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err:?}");
    assert!(err.is_retryable());
    let service = err.as_service().expect("service error");
    assert_eq!(service.status, 429);
    assert!(
        matches!(service.retry_after, Some(RetryAfter::Delay(d)) if d > Duration::ZERO && d <= Duration::from_secs(30)),
        "{service:?}"
    );
    assert_eq!(service.first_message(), Some("Rate Limit Exceeded"));
}

#[tokio::test]
async fn retries_that_run_out_keep_the_last_answer() {
    // The server asks to wait up to 30 s; the policy allows 1 s: the retry layer gives
    // up at once and the client decodes the 429 it kept.
    let h = Harness::with_sandbox(Mode::InProcess, limited(), |b| {
        b.configure_stack(|s| {
            s.retry(fast_retries().max_retry_after(Duration::from_secs(1)))
                .no_rate_limit()
        })
    })
    .await;
    use_up_the_limit(&h).await;
    let err = h.client.get_connector("x").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err:?}");
    match &err {
        Error::Service(s) => {
            assert_eq!(s.status, 429);
            let attempts = s.attempts.expect("attempts");
            let counted = match attempts {
                1 => " after 1 attempt".to_owned(),
                n => format!(" after {n} attempts"),
            };
            assert!(err.to_string().ends_with(&counted), "{err}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connection_failures_are_transport_errors_with_their_cause() {
    // Nothing listens on this port (bound, then dropped).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = connkit_connectors::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .configure_stack(|s| s.retry(RetryPolicy::no_retries()))
        .build()
        .expect("client");
    let err = client.get_connector("x").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().starts_with("getConnector:"), "{err}");
    assert_eq!(err.kind(), ErrorKind::Unreachable);

    // With client credentials the token request fails first: still unreachable, not
    // an authentication failure.
    let client = connkit_connectors::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .client_credentials("id", "secret")
        .configure_stack(|s| s.retry(RetryPolicy::no_retries()))
        .build()
        .expect("client");
    let err = client.get_connector("x").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unreachable, "{err:?}");
}

/// Two tenants on loopback: the client's token, bought from the first, must never reach
/// the second, even when a request is addressed there through the client's transport.
#[tokio::test]
async fn a_token_is_never_sent_to_another_host() {
    let tenant = || {
        Sandbox::builder()
            .seed(1)
            .require_auth(AuthMode::AnyIssuedToken)
            .build()
            .expect("sandbox")
    };
    let (ours, other) = (tenant(), tenant());
    let our_server = ours.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let other_server = other.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = connkit_connectors::Client::builder()
        .base_url(our_server.base_url())
        .client_credentials("id", "secret")
        .build()
        .expect("client");
    client
        .list_connectors()
        .send()
        .await
        .expect("a token from our tenant, used there");

    let elsewhere = http::Request::get(format!("{}/v2024/connectors", other_server.base_url()))
        .header(http::header::AUTHORIZATION, "Bearer set-by-the-caller")
        .body(bytes::Bytes::new())
        .unwrap();
    let answer = client.transport().send(elsewhere).await.unwrap();
    // The other host saw no Authorization at all (a token of ours would be "unknown").
    assert_eq!(answer.status(), http::StatusCode::UNAUTHORIZED);
    let body = String::from_utf8_lossy(answer.body());
    assert!(body.contains("no Authorization header"), "{body}");
    let stats = other.stats();
    assert_eq!(stats.total, 1, "{stats:?}");
}

/// Two clients sharing a token cache directory (as two runs of a program would) make
/// one token request between them: the builder's `token_cache`, as C1's has.
#[tokio::test]
async fn clients_sharing_a_token_cache_buy_one_token() {
    let sandbox = Sandbox::builder()
        .seed(1)
        .require_auth(AuthMode::AnyIssuedToken)
        .build()
        .expect("sandbox");
    let server = sandbox
        .serve("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("serve");
    let dir = std::env::temp_dir().join(format!(
        "connkit-isc-shared-token-cache-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for _ in 0..2 {
        let client = connkit_connectors::Client::builder()
            .base_url(server.base_url())
            .client_credentials("id", "secret")
            .token_cache(connkit_transport::TokenCache::in_dir(&dir))
            .build()
            .expect("client");
        client.list_connectors().send().await.expect("list");
    }
    let cached = connkit_transport::TokenCache::in_dir(&dir)
        .entries()
        .expect("entries");
    let _ = std::fs::remove_dir_all(&dir);
    let stats = sandbox.stats();
    assert_eq!(stats.by_operation.get("oauthToken"), Some(&1), "{stats:?}");
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert_eq!(cached[0].client_id, "id");
}
