//! The auth layer against a real token endpoint: caching, refresh, 401 replay,
//! single flight, endpoint errors.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connkit_transport::{
    Auth, AuthProblem, ClientCredentials, RetryPolicy, TokenCache, Transport, TransportError,
};
use http::Method;

use crate::server::{chain, json, request, respond, serve, TestServer};

pub const CLIENT_ID: &str = "client-7";
/// Has characters that must be form-encoded.
pub const CLIENT_SECRET: &str = "s3cr+et&=x";

/// How the fake tenant behaves.
#[derive(Clone, Copy)]
pub struct Tenant {
    pub expires_in: u64,
    pub token_delay: Duration,
    /// The status the API answers for a bearer token (`tok-1`, `tok-2`, …).
    pub api: fn(&str) -> u16,
}

pub fn accept_any(_: &str) -> u16 {
    200
}

/// A tenant with `/oauth/token` (checking the form exactly) and an API under `/v2024`.
pub async fn tenant(t: Tenant) -> TestServer {
    let issued = Arc::new(AtomicUsize::new(0));
    serve(move |seen, _| {
        let issued = Arc::clone(&issued);
        async move {
            if seen.path == "/oauth/token" {
                let expected = "grant_type=client_credentials&client_id=client-7&client_secret=s3cr%2Bet%26%3Dx";
                let form_ok = seen.method == Method::POST
                    && seen.header("content-type") == Some("application/x-www-form-urlencoded")
                    && seen.body_str() == expected;
                if !form_ok {
                    return json(401, r#"{"error":"invalid_client"}"#);
                }
                tokio::time::sleep(t.token_delay).await;
                let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                return json(
                    200,
                    &format!(
                        r#"{{"access_token":"tok-{n}","token_type":"bearer","expires_in":{},"scope":"sp:scopes:all"}}"#,
                        t.expires_in
                    ),
                );
            }
            let token = seen
                .header("authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .unwrap_or("");
            respond((t.api)(token), &[], format!("hello {token}"))
        }
    })
    .await
}

pub fn oauth_stack(server: &TestServer, secret: &str) -> Arc<dyn Transport> {
    crate::server::stack_builder()
        .auth(Auth::client_credentials(&server.base(), CLIENT_ID, secret).unwrap())
        .retry(RetryPolicy::no_retries())
        .build()
        .unwrap()
}

fn tokens_used(server: &TestServer) -> Vec<String> {
    server
        .seen_at("/v2024/connectors")
        .iter()
        .map(|s| s.header("authorization").unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn the_token_is_cached_then_refreshed_shortly_before_expiry() {
    // expires_in 2 s: refreshed a quarter of its life early, so after 1.5 s.
    let server = tenant(Tenant {
        expires_in: 2,
        token_delay: Duration::ZERO,
        api: accept_any,
    })
    .await;
    let transport = oauth_stack(&server, CLIENT_SECRET);
    for _ in 0..3 {
        let response = transport
            .send(request(Method::GET, &server.api("/connectors")))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(server.seen_at("/oauth/token").len(), 1);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(server.seen_at("/oauth/token").len(), 2);
    assert_eq!(
        tokens_used(&server),
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2"
        ]
    );
}

fn only_fresh_tokens(token: &str) -> u16 {
    if token == "tok-1" {
        401
    } else {
        200
    }
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_replays_once() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::ZERO,
        api: only_fresh_tokens,
    })
    .await;
    let transport = oauth_stack(&server, CLIENT_SECRET);
    let mut put = request(Method::PUT, &server.api("/connectors"));
    *put.body_mut() = bytes::Bytes::from_static(b"<xml/>");
    let response = transport.send(put).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(&response.body()[..], b"hello tok-2");
    assert_eq!(server.seen_at("/oauth/token").len(), 2);
    assert_eq!(tokens_used(&server), ["Bearer tok-1", "Bearer tok-2"]);
    // The replay carries the same body.
    let bodies: Vec<_> = server
        .seen_at("/v2024/connectors")
        .iter()
        .map(|s| s.body_str().to_owned())
        .collect();
    assert_eq!(bodies, ["<xml/>", "<xml/>"]);
}

fn reject_everything(_: &str) -> u16 {
    401
}

#[tokio::test]
async fn a_401_after_the_replay_is_returned_not_looped() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::ZERO,
        api: reject_everything,
    })
    .await;
    let transport = oauth_stack(&server, CLIENT_SECRET);
    let response = transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(server.seen_at("/oauth/token").len(), 2);
    assert_eq!(server.seen_at("/v2024/connectors").len(), 2);
}

#[tokio::test]
async fn concurrent_first_use_makes_one_token_request() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::from_millis(200),
        api: accept_any,
    })
    .await;
    let transport = oauth_stack(&server, CLIENT_SECRET);
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let transport = Arc::clone(&transport);
        let uri = server.api("/connectors");
        tasks.push(tokio::spawn(async move {
            transport.send(request(Method::GET, &uri)).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(server.seen_at("/oauth/token").len(), 1);
    assert!(tokens_used(&server).iter().all(|t| t == "Bearer tok-1"));
    assert_eq!(tokens_used(&server).len(), 25);
}

#[tokio::test]
async fn a_refused_token_request_names_the_endpoint_and_its_answer() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::ZERO,
        api: accept_any,
    })
    .await;
    let transport = oauth_stack(&server, "wrong-secret");
    let err = transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let TransportError::Auth { endpoint, problem } = &err else {
        unreachable!()
    };
    assert_eq!(endpoint, &format!("http://{}/oauth/token", server.addr));
    match problem {
        AuthProblem::Rejected { status, body } => {
            assert_eq!(status.as_u16(), 401);
            assert!(body.contains("invalid_client"), "{body}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = chain(&err);
    let expected = format!(
        "could not get an access token from http://{}/oauth/token: the token endpoint answered 401",
        server.addr
    );
    assert!(text.starts_with(&expected), "{text}");
    // Nothing went to the API.
    assert!(server.seen_at("/v2024/connectors").is_empty());
}

#[tokio::test]
async fn an_unusable_token_answer_stops_before_the_api_is_called() {
    for (answer, needle) in [
        (
            r#"{"access_token":"","token_type":"bearer","expires_in":60}"#,
            "empty",
        ),
        (r#"{"token_type":"bearer"}"#, "no access_token"),
        (r#"<html>login</html>"#, "not JSON"),
        (r#"{"access_token":"x","token_type":"mac"}"#, "mac"),
    ] {
        let server = serve(move |seen, _| async move {
            if seen.path == "/oauth/token" {
                json(200, answer)
            } else {
                respond(200, &[], "should not be called")
            }
        })
        .await;
        let transport = oauth_stack(&server, CLIENT_SECRET);
        let err = transport
            .send(request(Method::GET, &server.api("/connectors")))
            .await
            .unwrap_err();
        match &err {
            TransportError::Auth {
                problem: AuthProblem::BadToken { reason },
                ..
            } => assert!(reason.contains(needle), "{reason}"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(server.seen_at("/v2024/connectors").is_empty(), "{answer}");
    }
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_unreachable_not_an_auth_failure() {
    let addr = crate::server::closed_port().await;
    let base = connkit_transport::BaseUrl::parse(&format!("http://{addr}")).unwrap();
    let transport = crate::server::stack_builder()
        .auth(Auth::client_credentials(&base, CLIENT_ID, CLIENT_SECRET).unwrap())
        .retry(crate::retry::fast_retries(2))
        .build()
        .unwrap();
    let uri = format!("{}/v2024/connectors", base.root());
    let err = transport
        .send(request(Method::GET, &uri))
        .await
        .unwrap_err();
    let TransportError::Auth {
        problem: AuthProblem::Unreachable(inner),
        ..
    } = &err
    else {
        panic!("unexpected {err:?}")
    };
    // Nothing was learnt about the credentials: a connection failure, not "auth failed".
    assert!(!err.is_auth(), "{err:?}");
    assert!(err.is_unreachable(), "{err:?}");
    // The token request is marked idempotent, so the retry layer below retried it.
    assert!(
        matches!(
            **inner,
            TransportError::RetriesExhausted { attempts: 2, .. }
        ),
        "{inner:?}"
    );
}

#[tokio::test]
async fn a_static_bearer_token_is_sent_and_a_401_returned_as_is() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::ZERO,
        api: |token| if token == "static-tok" { 401 } else { 500 },
    })
    .await;
    let transport = crate::server::stack_builder()
        .auth(Auth::bearer("static-tok").unwrap())
        .build()
        .unwrap();
    let response = transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(tokens_used(&server), ["Bearer static-tok"]);
    assert!(server.seen_at("/oauth/token").is_empty());
}

#[tokio::test]
async fn tasks_waiting_on_a_failed_token_request_share_its_failure() {
    let server = serve(|seen, _| async move {
        if seen.path == "/oauth/token" {
            tokio::time::sleep(Duration::from_millis(200)).await;
            json(503, r#"{"message":"maintenance"}"#)
        } else {
            respond(200, &[], "should not be called")
        }
    })
    .await;
    let transport = oauth_stack(&server, CLIENT_SECRET);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let transport = Arc::clone(&transport);
        let uri = server.api("/connectors");
        tasks.push(tokio::spawn(async move {
            transport.send(request(Method::GET, &uri)).await
        }));
    }
    for task in tasks {
        // The retry layer below auth (one attempt here) gave up on the 503.
        let err = task.await.unwrap().unwrap_err();
        assert!(err.is_auth() && !err.is_rate_limited(), "{err:?}");
        let text = chain(&err);
        assert!(
            text.ends_with(
                "gave up after 1 attempt: the last response was 503 Service Unavailable"
            ),
            "{text}"
        );
    }
    assert_eq!(server.seen_at("/oauth/token").len(), 1);
    // A request that starts afterwards asks again.
    let again = transport
        .send(request(Method::GET, &server.api("/connectors")))
        .await;
    assert!(
        matches!(again, Err(TransportError::Auth { .. })),
        "{again:?}"
    );
    assert_eq!(server.seen_at("/oauth/token").len(), 2);
    assert!(server.seen_at("/v2024/connectors").is_empty());
}

/// A stack as a separate process would build it: its own memory, the shared cache.
fn cached_stack(server: &TestServer, cache: &TokenCache) -> Arc<dyn Transport> {
    let credentials = ClientCredentials::new(&server.base(), CLIENT_ID, CLIENT_SECRET)
        .unwrap()
        .token_cache(cache.clone());
    crate::server::stack_builder()
        .auth(Auth::ClientCredentials(credentials))
        .retry(RetryPolicy::no_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_token_cache_serves_later_stacks_and_drops_a_rejected_token() {
    let server = tenant(Tenant {
        expires_in: 3600,
        token_delay: Duration::ZERO,
        api: only_fresh_tokens,
    })
    .await;
    let dir = std::env::temp_dir().join(format!("connkit-http-token-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = TokenCache::in_dir(&dir);
    let get = || request(Method::GET, &server.api("/connectors"));

    // The first stack fetches tok-1, the API refuses it, tok-2 replaces it in the cache.
    let first = cached_stack(&server, &cache).send(get()).await.unwrap();
    assert_eq!(&first.body()[..], b"hello tok-2");
    // Later stacks start from the cache: no token request.
    for _ in 0..3 {
        let later = cached_stack(&server, &cache).send(get()).await.unwrap();
        assert_eq!(&later.body()[..], b"hello tok-2");
    }
    assert_eq!(server.seen_at("/oauth/token").len(), 2);

    let entries = cache.entries().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].client_id, CLIENT_ID);
    assert!(entries[0].token_url.ends_with("/oauth/token"));
    let stored = std::fs::read_to_string(&entries[0].path).unwrap();
    assert!(
        stored.contains("tok-2") && !stored.contains("s3cr"),
        "{stored}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A client authentication method of an API crate's own: the form carries what it
/// makes for each token request (here a counter, as a signed assertion is new each
/// time), never the client secret; its values are scrubbed from errors like a secret.
#[derive(Debug, Default)]
struct NumberedAssertion(AtomicUsize);

impl connkit_transport::ClientAuthMethod for NumberedAssertion {
    fn form_fields(
        &self,
        client_secret: &connkit_transport::Secret,
    ) -> Vec<(&'static str, connkit_transport::Secret)> {
        assert_eq!(client_secret.expose(), CLIENT_SECRET);
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        vec![
            ("client_assertion_type", "jwt".into()),
            ("client_assertion", format!("signed-{n}").into()),
        ]
    }
}

#[tokio::test]
async fn a_pluggable_method_makes_each_token_request_and_gets_the_layers_rules() {
    // The endpoint takes assertions 1 and 2, refuses the third quoting it; the API
    // answers 401 to the first token (as to one revoked).
    let server = serve(|seen, _| async move {
        if seen.path == "/auth/token" {
            let form = seen.body_str();
            return match form.rsplit_once("client_assertion=signed-") {
                Some((_, "1")) => json(200, r#"{"access_token":"t1","expires_in":600}"#),
                Some((_, "2")) => json(200, r#"{"access_token":"t2","expires_in":600}"#),
                _ => json(401, &format!(r#"{{"error":"bad assertion in {form}"}}"#)),
            };
        }
        let token = seen.header("authorization").unwrap_or("").to_owned();
        respond(if token == "Bearer t1" { 401 } else { 200 }, &[], token)
    })
    .await;
    let token_uri: http::Uri = format!("{}/auth/token", server.base().root())
        .parse()
        .unwrap();
    let credentials = ClientCredentials::with_method(
        token_uri.clone(),
        CLIENT_ID,
        CLIENT_SECRET,
        Arc::new(NumberedAssertion::default()),
    )
    .unwrap();
    let transport = crate::server::stack_builder()
        .auth(Auth::ClientCredentials(credentials))
        .retry(RetryPolicy::no_retries())
        .build()
        .unwrap();
    let api = format!("{}/api/things", server.base().root());
    let answer = transport.send(request(Method::GET, &api)).await.unwrap();
    assert_eq!(
        (answer.status().as_u16(), &answer.body()[..]),
        (200, &b"Bearer t2"[..])
    );
    let forms: Vec<String> = server
        .seen_at("/auth/token")
        .iter()
        .map(|s| s.body_str().to_owned())
        .collect();
    assert_eq!(
        forms,
        [
            "grant_type=client_credentials&client_id=client-7&client_assertion_type=jwt&client_assertion=signed-1",
            "grant_type=client_credentials&client_id=client-7&client_assertion_type=jwt&client_assertion=signed-2",
        ]
    );
    // Another origin gets no token, and asks for none.
    let other = server.base().root().replace("127.0.0.1", "localhost");
    let answer = transport
        .send(request(Method::GET, &format!("{other}/api/things")))
        .await
        .unwrap();
    assert_eq!(&answer.body()[..], b"");
    assert_eq!(server.seen_at("/auth/token").len(), 2);

    // A token endpoint that quotes the form has its fields scrubbed from the error.
    let credentials = ClientCredentials::with_method(
        token_uri,
        CLIENT_ID,
        CLIENT_SECRET,
        Arc::new(NumberedAssertion(AtomicUsize::new(5))),
    )
    .unwrap();
    let transport = crate::server::stack_builder()
        .auth(Auth::ClientCredentials(credentials))
        .retry(RetryPolicy::no_retries())
        .build()
        .unwrap();
    let err = transport
        .send(request(Method::GET, &api))
        .await
        .unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("401") && text.contains("[redacted]"),
        "{text}"
    );
    assert!(!text.contains("signed-6"), "{text}");

    let no_host = ClientCredentials::with_method(
        "/auth/token".parse().unwrap(),
        CLIENT_ID,
        CLIENT_SECRET,
        Arc::new(NumberedAssertion::default()),
    );
    assert!(no_host.unwrap_err().to_string().contains("with a host"));
}
