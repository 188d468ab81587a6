//! Auth, the rate limit and the stats endpoint, in-process and over HTTP.

use std::time::Duration;

use connkit_sandbox::{AuthMode, RateLimitConfig, Sandbox};
use http::Method;
use serde_json::json;

use crate::harness::{send_remote, Pair, Req};

pub(crate) fn token_request() -> Req {
    Req::new(Method::POST, "/oauth/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=id&client_secret=secret")
}

#[tokio::test]
async fn auth_requires_an_issued_token() {
    let pair = Pair::authed(3).await;
    let missing = pair.send(Req::get("/v2024/connectors")).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.json(),
        json!({"error": "Authentication failed: no Authorization header"})
    );
    let unknown = pair
        .send(Req::get("/v2024/connectors").header("Authorization", "Bearer forged"))
        .await;
    assert_eq!(
        unknown.json(),
        json!({"error": "JWT validation failed: unknown token"})
    );
    let basic = pair
        .send(Req::get("/v2024/connectors").header("Authorization", "Basic Zm9vOmJhcg=="))
        .await;
    assert_eq!(basic.status, 401);

    // Each sandbox issues its own tokens: fetch one from each and use it there.
    let local_token = crate::harness::send_local(&pair.local, token_request())
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ok = crate::harness::send_local(
        &pair.local,
        Req::get("/v2024/connectors").header("Authorization", &format!("Bearer {local_token}")),
    )
    .await;
    assert_eq!(ok.status, 200);
    let remote_token = pair.send(token_request()).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let remote_ok = crate::harness::send_remote(
        &pair,
        Req::get("/v2024/connectors/ldap")
            .header("Authorization", &format!("Bearer {remote_token}")),
    )
    .await;
    assert_eq!(remote_ok.status, 200);
}

#[tokio::test]
async fn fixed_tokens_and_expiry() {
    let pair = Pair::new(|| {
        Sandbox::builder()
            .seed(3)
            .require_auth(AuthMode::Fixed("letmein".to_owned()))
    })
    .await;
    let issued = pair.send(token_request()).await.json();
    assert_eq!(issued["access_token"], "letmein");
    let ok = pair
        .send(Req::get("/v2024/connectors/ldap").header("Authorization", "Bearer letmein"))
        .await;
    assert_eq!(ok.status, 200);
    let wrong = pair
        .send(Req::get("/v2024/connectors/ldap").header("Authorization", "Bearer other"))
        .await;
    assert_eq!(wrong.status, 401);

    let expiring = Sandbox::builder()
        .require_auth(AuthMode::AnyIssuedToken)
        .token_ttl(Duration::from_millis(1500))
        .build()
        .unwrap();
    let token = crate::harness::send_local(&expiring, token_request())
        .await
        .json();
    assert_eq!(token["expires_in"], 0);
    let header = format!("Bearer {}", token["access_token"].as_str().unwrap());
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let expired = crate::harness::send_local(
        &expiring,
        Req::get("/v2024/connectors").header("Authorization", &header),
    )
    .await;
    assert_eq!(
        expired.json(),
        json!({"error": "JWT validation failed: JWT is expired"})
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let pair = Pair::new(|| {
        Sandbox::builder().seed(3).rate_limit(RateLimitConfig {
            max: 4,
            window: Duration::from_secs(30),
        })
    })
    .await;
    for _ in 0..4 {
        assert_eq!(
            pair.send(Req::get("/v2024/connectors?limit=1"))
                .await
                .status,
            200
        );
    }
    let limited = pair.send(Req::get("/v2024/connectors?limit=1")).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json(), json!({"message": " Rate Limit Exceeded "}));
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((29..=30).contains(&wait), "Retry-After {wait}");
    // Another client (another Authorization value) has its own window.
    let other = pair
        .send(Req::get("/v2024/connectors?limit=1").header("Authorization", "Bearer someone-else"))
        .await;
    assert_eq!(other.status, 200);
}

#[tokio::test]
async fn rate_limit_is_per_client_id_so_tokens_of_one_client_share_a_window() {
    let pair = Pair::new(|| {
        Sandbox::builder().seed(3).rate_limit(RateLimitConfig {
            max: 4,
            window: Duration::from_secs(30),
        })
    })
    .await;
    let token_of = |client: &'static str| {
        let pair = &pair;
        async move {
            let answer = send_remote(
                pair,
                Req::new(Method::POST, "/oauth/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(format!(
                        "grant_type=client_credentials&client_id={client}&client_secret=s"
                    )),
            )
            .await;
            assert_eq!(answer.status, 200);
            format!("Bearer {}", answer.json()["access_token"].as_str().unwrap())
        }
    };
    let (a1, a2, b) = (
        token_of("a").await,
        token_of("a").await,
        token_of("b").await,
    );
    let list = |authorization: &str| {
        Req::get("/v2024/connectors?limit=1").header("Authorization", authorization)
    };
    // Over HTTP only: the tokens are the served sandbox's.
    // Client a's two tokens draw on one window of 4.
    for authorization in [&a1, &a2, &a1, &a2] {
        assert_eq!(send_remote(&pair, list(authorization)).await.status, 200);
    }
    assert_eq!(send_remote(&pair, list(&a1)).await.status, 429);
    assert_eq!(send_remote(&pair, list(&a2)).await.status, 429);
    // Client b, and a token the sandbox never issued, have windows of their own.
    assert_eq!(send_remote(&pair, list(&b)).await.status, 200);
    assert_eq!(send_remote(&pair, list("Bearer foreign")).await.status, 200);
}

#[tokio::test]
async fn rate_limit_window_slides() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimitConfig {
            max: 2,
            window: Duration::from_millis(400),
        })
        .build()
        .unwrap();
    let status = |sandbox: Sandbox| async move {
        crate::harness::send_local(&sandbox, Req::get("/v2024/connectors?limit=1")).await
    };
    assert_eq!(status(sandbox.clone()).await.status, 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(status(sandbox.clone()).await.status, 200);
    let limited = status(sandbox.clone()).await;
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("1"))
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        status(sandbox.clone()).await.status,
        200,
        "the first request left the window"
    );
    assert_eq!(
        status(sandbox.clone()).await.status,
        429,
        "the second is still in it"
    );
}

#[tokio::test]
async fn stats_count_operations_and_statuses() {
    let pair = Pair::seeded(3).await;
    pair.send(Req::get("/v2024/connectors")).await;
    pair.send(Req::get("/v2024/connectors/ldap")).await;
    pair.send(Req::get("/v2024/connectors/nope")).await;
    pair.send(Req::get("/v2024/unknown")).await;
    pair.send(token_request()).await;

    let expected = json!({
        "total": 5,
        "by_operation": {"getConnectorList": 1, "getConnector": 2, "unmatched": 1, "oauthToken": 1},
        "by_status": {"200": 3, "404": 2},
        "injected_faults": {}
    });
    let over_http = crate::harness::send_remote(&pair, Req::get("/__sandbox/stats")).await;
    assert_eq!(
        (over_http.status, over_http.json()),
        (200, expected.clone())
    );
    assert_eq!(serde_json::to_value(pair.local.stats()).unwrap(), expected);
    assert_eq!(
        serde_json::to_value(pair.remote.stats()).unwrap(),
        expected,
        "admin reads are not counted"
    );

    let reset =
        crate::harness::send_remote(&pair, Req::new(Method::DELETE, "/__sandbox/stats")).await;
    assert_eq!(reset.status, 204);
    assert_eq!(pair.remote.stats().total, 0);
    pair.local.reset_stats();
    assert_eq!(pair.local.stats(), pair.remote.stats());

    // Admin routes answer a wrong method or path as the API does, uncounted.
    let wrong = crate::harness::send_remote(&pair, Req::new(Method::PUT, "/__sandbox/stats")).await;
    assert_eq!(wrong.status, 405);
    assert!(
        wrong.error_text().contains("PUT is not allowed"),
        "{}",
        wrong.text()
    );
    let unknown = crate::harness::send_remote(&pair, Req::get("/__sandbox/nope")).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.error_text().contains("no route"),
        "{}",
        unknown.text()
    );
    assert_eq!(pair.remote.stats().total, 0);
}
