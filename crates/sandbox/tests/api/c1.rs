//! The ConductorOne side: every operation in-process and over HTTP, the wire details
//! (301, page-size clamp, bodyless POSTs, nulls, `google.rpc.Status`), the token
//! endpoint's assertion checks, the state database, rate limit, faults and stats.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use connkit_sandbox::{FaultConfig, RateLimitConfig, Sandbox};
use ed25519_dalek::{Signer as _, SigningKey};
use http::Method;
use serde_json::{json, Value};

use crate::harness::{send_local, send_remote, Answer, Pair, Req};

pub(crate) fn app(sandbox: &Sandbox) -> String {
    sandbox.c1().demo_app_ids()[0].clone()
}

/// Checks the shape of an error: `google.rpc.Status` with a numeric code, the
/// request id at the end of the message and in `c1-trace-id`.
fn assert_status(answer: &Answer, http: u16, code: i64) -> String {
    assert_eq!(answer.status, http, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["code"], json!(code), "{body}");
    let trace = answer
        .header("c1-trace-id")
        .expect("c1-trace-id")
        .to_owned();
    let message = body["message"].as_str().expect("a message").to_owned();
    assert!(
        message.ends_with(&format!(" (request-id: {trace})")),
        "{message} / {trace}"
    );
    message
}

pub(crate) fn connector_of(answer: &Answer) -> Value {
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["connectorView"]["connector"].clone()
}

/// Sends to the pair's served sandbox or to its in-process one.
async fn send_to(pair: &Pair, remote: bool, req: Req) -> Answer {
    if remote {
        send_remote(pair, req).await
    } else {
        send_local(&pair.local, req).await
    }
}

/// Both sandboxes of a pair, with a way to send to either.
async fn on_both(pair: &Pair, req: Req) -> [Answer; 2] {
    [
        send_local(&pair.local, req.clone()).await,
        send_remote(pair, req).await,
    ]
}

#[tokio::test]
async fn every_operation_in_process_and_over_http() {
    let pair = Pair::seeded(1).await;
    for (n, sandbox) in [&pair.local, &pair.remote].into_iter().enumerate() {
        let app = app(sandbox);
        let base = format!("/api/v1/apps/{app}/connectors");

        let created = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, &base).json(json!({
                "catalogId": "catalog-okta", "displayName": "Okta prod", "description": null,
                "userIds": null, "expandMask": null
            })),
        )
        .await;
        let created = connector_of(&created);
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["displayName"], "Okta prod");
        let one = format!("{base}/{id}");

        let configured = connector_of(
            &send_to(
                &pair,
                n == 1,
                Req::new(Method::POST, format!("{base}/create")).json(json!({
                    "catalogId": "catalog-okta",
                    "config": {"@type": "type.googleapis.com/c1.connector.v2.Okta", "domain": "x"},
                    "description": "configured"
                })),
            )
            .await,
        );
        assert_eq!(configured["config"]["domain"], "x");

        // Update by mask: only the masked field changes, read-only fields are ignored.
        let updated = connector_of(
            &send_to(
                &pair,
                n == 1,
                Req::new(Method::POST, &one).json(json!({
                    "connector": {"description": "new", "displayName": "ignored",
                                  "createdAt": "2000-01-01T00:00:00Z"},
                    "updateMask": "description,createdAt"
                })),
            )
            .await,
        );
        assert_eq!(updated["description"], "new");
        assert_eq!(updated["displayName"], "Okta prod");
        assert_eq!(updated["createdAt"], created["createdAt"]);
        let delegated = connector_of(
            &send_to(
                &pair,
                n == 1,
                Req::new(Method::POST, format!("{one}/delegated")).json(json!({
                    "connector": {"displayName": "renamed"}, "updateMask": "displayName"
                })),
            )
            .await,
        );
        assert_eq!(delegated["displayName"], "renamed");
        let unknown = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, &one).json(json!({
                "connector": {}, "updateMask": "nope"
            })),
        )
        .await;
        assert_status(&unknown, 400, 3);

        // Sync lifecycle: bodyless POSTs without Content-Type answer `{}`.
        let synced = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/force_sync")),
        )
        .await;
        assert_eq!(synced.status, 200);
        assert_eq!(synced.header("content-type"), Some("application/json"));
        assert_eq!(synced.text(), "{}");
        let got = connector_of(&send_to(&pair, n == 1, Req::get(&one)).await);
        assert_eq!(got["status"]["status"], "SYNC_STATUS_DONE");
        assert!(got["status"]["completedAt"].is_string());
        let syncs = sandbox.c1().syncs(&app, &id);
        assert_eq!(syncs.len(), 1);
        let url = send_to(
            &pair,
            n == 1,
            Req::get(format!("{one}/syncs/{}/download_url", syncs[0].sync_id)),
        )
        .await;
        assert!(url.json()["downloadUrl"]
            .as_str()
            .unwrap()
            .contains(&syncs[0].sync_id));
        let missing = send_to(
            &pair,
            n == 1,
            Req::get(format!("{one}/syncs/nope/download_url")),
        )
        .await;
        assert_status(&missing, 404, 5);
        let confirmed = send_to(
            &pair,
            n == 1,
            Req::new(
                Method::POST,
                format!("{one}/confirm_sync_valid/{}", syncs[0].lifecycle_id),
            ),
        )
        .await;
        assert_eq!(confirmed.text(), "{}");

        let paused = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/pause")),
        )
        .await;
        assert_eq!(paused.text(), "{}");
        let got = connector_of(&send_to(&pair, n == 1, Req::get(&one)).await);
        assert_eq!(got["status"]["status"], "SYNC_STATUS_DISABLED");
        assert!(got["syncDisabledAt"].is_string());
        let refused = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/force_sync")),
        )
        .await;
        assert_status(&refused, 400, 9);
        send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/resume")),
        )
        .await;
        let got = connector_of(&send_to(&pair, n == 1, Req::get(&one)).await);
        assert_eq!(got["status"]["status"], "SYNC_STATUS_DONE");
        assert!(got.get("syncDisabledAt").is_none_or(Value::is_null));

        let scheduled = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/schedule")).json(json!({
                "cron": {"cronSpec": "0 3 * * *", "timezone": "Europe/Berlin"}
            })),
        )
        .await;
        assert_eq!(scheduled.text(), "{}");
        let got = connector_of(&send_to(&pair, n == 1, Req::get(&one)).await);
        assert_eq!(got["connectorSyncCronSchedule"]["cronSpec"], "0 3 * * *");
        let bad_cron = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/schedule")).json(json!({
                "cron": {"cronSpec": "daily"}
            })),
        )
        .await;
        assert_status(&bad_cron, 400, 3);

        // Credentials: the secret once, never again; revoke removes it.
        let rotated = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, "/api/v1/apps/connectors/credentials")
                .json(json!({"appId": app, "connectorId": id})),
        )
        .await
        .json();
        let secret = rotated["clientSecret"].as_str().unwrap();
        assert!(secret.starts_with("secret-token:conductorone.com:v1:"));
        assert_eq!(rotated["credential"]["clientSecret"], secret);
        let credential_id = rotated["credential"]["id"].as_str().unwrap().to_owned();
        let fetched = send_to(
            &pair,
            n == 1,
            Req::get(format!("{one}/credentials/{credential_id}")),
        )
        .await;
        assert_eq!(fetched.json()["credential"]["id"], credential_id.as_str());
        assert!(!fetched.text().contains("secret-token"));
        let revoked = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, format!("{one}/credentials/{credential_id}")),
        )
        .await;
        assert_eq!(revoked.text(), "{}");
        let gone = send_to(
            &pair,
            n == 1,
            Req::get(format!("{one}/credentials/{credential_id}")),
        )
        .await;
        assert_status(&gone, 404, 5);

        let markers = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, "/api/v1/apps/connectors/validate_config/http")
                .json(json!({"text": "{\n  \"a\": }"})),
        )
        .await
        .json();
        assert_eq!(markers["markers"][0]["severity"], "ERROR");
        assert_eq!(markers["markers"][0]["startLineNumber"], 2);
        let clean = send_to(
            &pair,
            n == 1,
            Req::new(Method::POST, "/api/v1/apps/connectors/validate_config/http")
                .json(json!({"text": "{\"a\": 1}"})),
        )
        .await
        .json();
        assert_eq!(clean["markers"], json!([]));

        let deleted = send_to(&pair, n == 1, Req::new(Method::DELETE, &one)).await;
        assert_eq!(deleted.text(), "{}");
        assert_status(&send_to(&pair, n == 1, Req::get(&one)).await, 404, 5);
        assert_status(
            &send_to(&pair, n == 1, Req::new(Method::DELETE, &one)).await,
            404,
            5,
        );
    }
}

#[tokio::test]
async fn list_clamps_page_size_and_ends_on_an_empty_token() {
    let pair = Pair::new(|| Sandbox::builder().seed(1)).await;
    let app = app(&pair.local);
    // 2 seeded + 120 created.
    for sandbox in [&pair.local, &pair.remote] {
        for n in 0..120 {
            let req = Req::new(Method::POST, format!("/api/v1/apps/{app}/connectors"))
                .json(json!({"displayName": format!("c{n}")}));
            assert_eq!(send_local(sandbox, req).await.status, 200);
        }
    }
    let list = format!("/api/v1/apps/{app}/connectors");
    for (query, size) in [
        ("", 25),
        ("?page_size=0", 25),
        ("?page_size=3", 10),
        ("?page_size=500", 100),
        ("?page_size=40", 40),
    ] {
        for answer in on_both(&pair, Req::get(format!("{list}{query}"))).await {
            let body = answer.json();
            assert_eq!(body["list"].as_array().unwrap().len(), size, "{query}");
            assert_ne!(body["nextPageToken"], "");
        }
    }
    for answer in on_both(&pair, Req::get(format!("{list}?page_size=abc"))).await {
        assert_status(&answer, 400, 3);
    }
    for answer in on_both(&pair, Req::get(format!("{list}?page_token=zz"))).await {
        assert_status(&answer, 400, 3);
    }
    // Walk all pages: every connector once, then "".
    let mut seen = std::collections::BTreeSet::new();
    let mut token = String::new();
    loop {
        let page = send_remote(
            &pair,
            Req::get(format!("{list}?page_size=100&page_token={token}")),
        )
        .await
        .json();
        for view in page["list"].as_array().unwrap() {
            assert!(seen.insert(view["connector"]["id"].as_str().unwrap().to_owned()));
        }
        token = page["nextPageToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 122);
    let unknown_app = send_remote(&pair, Req::get("/api/v1/apps/nope/connectors")).await;
    assert_status(&unknown_app, 404, 5);
}

#[tokio::test]
async fn a_trailing_slash_redirects_and_unknown_paths_are_a_status() {
    let pair = Pair::seeded(1).await;
    let app = app(&pair.local);
    for answer in on_both(
        &pair,
        Req::get(format!("/api/v1/apps/{app}/connectors/?page_size=10")),
    )
    .await
    {
        assert_eq!(answer.status, 301);
        assert_eq!(
            answer.header("location"),
            Some(format!("/api/v1/apps/{app}/connectors?page_size=10").as_str())
        );
    }
    for answer in on_both(&pair, Req::get("/api/v1/nothing/here")).await {
        assert_status(&answer, 404, 5);
    }
    for answer in on_both(
        &pair,
        Req::new(Method::POST, format!("/api/v1/apps/{app}/connectors"))
            .header("Content-Type", "application/json")
            .body("{not json"),
    )
    .await
    {
        let message = assert_status(&answer, 400, 3);
        assert!(message.contains("invalid request body"), "{message}");
    }
}

/// A client assertion as ConductorOne's tools sign it, with knobs to break it.
pub(crate) struct Assertion<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) key: &'a SigningKey,
    pub(crate) aud: &'a str,
    pub(crate) now: u64,
}

impl Assertion<'_> {
    /// Signed with a fresh random nonce, as ConductorOne's clients do.
    pub(crate) fn sign(&self) -> String {
        self.sign_claims(self.claims())
    }

    pub(crate) fn claims(&self) -> Value {
        json!({"iss": self.client_id, "sub": self.client_id, "aud": self.aud,
               "iat": self.now, "nbf": self.now - 120, "exp": self.now + 120})
    }

    pub(crate) fn sign_claims(&self, claims: Value) -> String {
        let nonce = format!("{:032x}", fastrand::u128(..));
        self.sign_with_header(
            json!({"alg": "EdDSA", "typ": "JWT", "nonce": nonce}),
            claims,
        )
    }

    /// `claims` under `header`, signed with the key.
    pub(crate) fn sign_with_header(&self, header: Value, claims: Value) -> String {
        let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!("{}.{}", part(header), part(claims));
        let signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// Every form of assertion ConductorOne's own clients send buys a token: the header
/// with or without `typ` (connkit and cone write none, go-jose callers may add
/// `"JWT"`), with or without a `kid` (go-jose writes the JWK's, when it has one), with a
/// `nonce` (cone, the Go SDK) or a `jti` claim instead; `aud` a string (baton-sdk,
/// Terraform) or an array (cone, the Go SDK). Ed25519 is the only key a secret holds
/// (cone refuses any other), so EdDSA is the only `alg` taken: an ES256 or `none`
/// assertion is refused naming `alg`, and each broken claim is refused naming it.
#[tokio::test]
async fn every_assertion_form_of_conductorones_clients_is_accepted() {
    let pair = Pair::authed(1).await;
    let (client_id, key) = minted(&pair);
    let good = Assertion {
        client_id: &client_id,
        key: &key,
        aud: "127.0.0.1",
        now: unix_now(),
    };
    let nonce = || format!("{:032x}", fastrand::u128(..));
    let headers = [
        ("no typ", json!({"alg": "EdDSA", "nonce": nonce()})),
        (
            "typ JWT",
            json!({"alg": "EdDSA", "typ": "JWT", "nonce": nonce()}),
        ),
        (
            "kid",
            json!({"alg": "EdDSA", "kid": "k-1", "nonce": nonce()}),
        ),
        (
            "kid and typ",
            json!({"alg": "EdDSA", "kid": "k-1", "typ": "JWT", "nonce": nonce()}),
        ),
        ("no nonce, a jti", json!({"alg": "EdDSA"})),
    ];
    for (form, header) in headers {
        for aud in [
            json!("127.0.0.1"),
            json!(["127.0.0.1"]),
            json!(["other.example", "127.0.0.1"]),
        ] {
            let mut claims = good.claims();
            claims["aud"] = aud.clone();
            claims["jti"] = json!(nonce());
            let mut header = header.clone();
            if header.get("nonce").is_some() {
                header["nonce"] = json!(nonce());
            }
            let signed = good.sign_with_header(header, claims);
            let answer = send_remote(&pair, token_request(&client_id, &signed)).await;
            assert_eq!(answer.status, 200, "{form}, aud {aud}: {}", answer.text());
        }
    }

    let bare = |alg: &str| json!({"alg": alg, "nonce": nonce()});
    let with = |name: &str, value: Value| {
        let mut claims = good.claims();
        claims[name] = value;
        claims
    };
    let at = |now: u64| Assertion { now, ..good }.claims();
    let other_key = SigningKey::from_bytes(&[9; 32]);
    let forged = Assertion {
        key: &other_key,
        ..good
    };
    let refusals = [
        (
            good.sign_with_header(bare("ES256"), good.claims()),
            "alg is \"ES256\"",
        ),
        (
            good.sign_with_header(bare("none"), good.claims()),
            "alg is \"none\"",
        ),
        (
            good.sign_with_header(bare("EdDSA"), with("aud", json!(["other.example"]))),
            "aud is [\"other.example\"], expected \"127.0.0.1\"",
        ),
        (
            good.sign_with_header(bare("EdDSA"), with("aud", json!("other.example"))),
            "aud is \"other.example\"",
        ),
        (
            good.sign_with_header(bare("EdDSA"), at(good.now - 600)),
            "exp is in the past",
        ),
        (
            good.sign_with_header(bare("EdDSA"), at(good.now + 600)),
            "nbf is in the future",
        ),
        (
            good.sign_with_header(bare("EdDSA"), with("iss", json!("someone@else/x"))),
            "iss and sub",
        ),
        (
            forged.sign_with_header(bare("EdDSA"), good.claims()),
            "signature does not verify",
        ),
    ];
    for (signed, needle) in refusals {
        let refused = send_remote(&pair, token_request(&client_id, &signed)).await;
        let message = assert_status(&refused, 401, 16);
        assert!(message.contains(needle), "{needle}: {message}");
    }
}

pub(crate) fn key_of(secret: &str) -> SigningKey {
    let jwk = secret
        .strip_prefix("secret-token:conductorone.com:v1:")
        .unwrap();
    let jwk: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwk).unwrap()).unwrap();
    let d: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["d"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    SigningKey::from_bytes(&d)
}

/// A credential minted by the pair's served sandbox: its client id and key.
fn minted(pair: &Pair) -> (String, SigningKey) {
    let base_url = pair.server.base_url();
    let host = base_url.trim_start_matches("http://");
    let (client_id, secret) = pair.remote.c1().mint_credentials(host).unwrap();
    (client_id, key_of(&secret))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub(crate) fn token_request(client_id: &str, assertion: &str) -> Req {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair(
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )
        .append_pair("client_assertion", assertion)
        .finish();
    Req::new(Method::POST, "/auth/v1/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
}

#[tokio::test]
async fn the_token_endpoint_verifies_the_signed_assertion() {
    let pair = Pair::authed(1).await;
    let host = pair
        .server
        .base_url()
        .trim_start_matches("http://")
        .to_owned();
    let (client_id, key) = minted(&pair);
    assert!(client_id.contains(&format!("@{host}/")), "{client_id}");
    let now = unix_now();
    let good = Assertion {
        client_id: &client_id,
        key: &key,
        aud: "127.0.0.1",
        now,
    };
    let app = app(&pair.remote);
    let list = Req::get(format!("/api/v1/apps/{app}/connectors"));
    assert_status(&send_remote(&pair, list.clone()).await, 401, 16);

    let answer = send_remote(&pair, token_request(&client_id, &good.sign())).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let token = answer.json()["access_token"].as_str().unwrap().to_owned();
    assert!(answer.json()["expires_in"].as_u64().unwrap() > 0);
    let listed = send_remote(
        &pair,
        list.clone()
            .header("Authorization", &format!("Bearer {token}")),
    )
    .await;
    assert_eq!(listed.status, 200);

    let other_key = SigningKey::from_bytes(&[9; 32]);
    let refusals = [
        (
            Assertion {
                now: now - 3600,
                ..good
            },
            "expired",
        ),
        (
            Assertion {
                aud: "acme.conductor.one",
                ..good
            },
            "aud is",
        ),
        (
            Assertion {
                key: &other_key,
                ..good
            },
            "does not verify",
        ),
    ];
    for (assertion, needle) in refusals {
        let refused = send_remote(&pair, token_request(&client_id, &assertion.sign())).await;
        let message = assert_status(&refused, 401, 16);
        assert!(message.contains(needle), "{needle}: {message}");
    }
    let unknown = send_remote(&pair, token_request("x@127.0.0.1/y", &good.sign())).await;
    assert!(assert_status(&unknown, 401, 16).contains("unknown client id"));
    let no_grant = send_remote(
        &pair,
        Req::new(Method::POST, "/auth/v1/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("client_id=a"),
    )
    .await;
    assert_status(&no_grant, 400, 3);

    // A rotated connector credential buys tokens until it is revoked.
    let bearer = format!("Bearer {token}");
    let listed = listed.json();
    let connector = listed["list"][0]["connector"]["id"].as_str().unwrap();
    let rotated = send_remote(
        &pair,
        Req::new(Method::POST, "/api/v1/apps/connectors/credentials")
            .header("Authorization", &bearer)
            .json(json!({"appId": app, "connectorId": connector})),
    )
    .await
    .json();
    let rotated_id = rotated["credential"]["clientId"].as_str().unwrap();
    let rotated_key = key_of(rotated["clientSecret"].as_str().unwrap());
    let signed = Assertion {
        client_id: rotated_id,
        key: &rotated_key,
        ..good
    }
    .sign();
    let bought = send_remote(&pair, token_request(rotated_id, &signed)).await;
    assert_eq!(bought.status, 200, "{}", bought.text());
    let credential_id = rotated["credential"]["id"].as_str().unwrap();
    let revoke = Req::new(
        Method::POST,
        format!("/api/v1/apps/{app}/connectors/{connector}/credentials/{credential_id}"),
    )
    .header("Authorization", &bearer);
    assert_eq!(send_remote(&pair, revoke).await.status, 200);
    let after = send_remote(&pair, token_request(rotated_id, &signed)).await;
    assert!(assert_status(&after, 401, 16).contains("unknown client id"));
}

/// ConductorOne's clients given a server URL (cone, the Go SDK) sign for that host and
/// send the token request there: the endpoint takes the host it is reached at as an
/// audience, besides the client id's host, and names both when `aud` is neither.
#[tokio::test]
async fn the_host_the_token_endpoint_is_reached_at_is_an_audience_too() {
    let pair = Pair::authed(1).await;
    let (client_id, secret) = pair
        .remote
        .c1()
        .mint_credentials("acme.conductor.one")
        .unwrap();
    let key = key_of(&secret);
    let now = unix_now();
    for (aud, accepted) in [
        ("127.0.0.1", true),
        ("acme.conductor.one", true),
        ("other.example", false),
    ] {
        let assertion = Assertion {
            client_id: &client_id,
            key: &key,
            aud,
            now,
        };
        let answer = send_remote(&pair, token_request(&client_id, &assertion.sign())).await;
        if accepted {
            assert_eq!(answer.status, 200, "{aud}: {}", answer.text());
        } else {
            let message = assert_status(&answer, 401, 16);
            assert!(
                message.contains(r#"expected "acme.conductor.one" or "127.0.0.1""#),
                "{message}"
            );
        }
    }
}

/// One assertion buys one token; every form of `aud` ConductorOne's clients write is
/// accepted; odd claims are refused naming the claim, never by a panic or a wrap.
#[tokio::test]
async fn the_token_endpoint_refuses_replays_and_odd_claims() {
    let pair = Pair::authed(1).await;
    let (client_id, key) = minted(&pair);
    let good = Assertion {
        client_id: &client_id,
        key: &key,
        aud: "127.0.0.1",
        now: unix_now(),
    };
    let now = good.now;
    let once = good.sign();
    let first = send_remote(&pair, token_request(&client_id, &once)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let replayed = send_remote(&pair, token_request(&client_id, &once)).await;
    assert!(assert_status(&replayed, 401, 16).contains("already used"));
    // The same claims with a new nonce (no jti needed) buy another token.
    let again = send_remote(&pair, token_request(&client_id, &good.sign())).await;
    assert_eq!(again.status, 200, "{}", again.text());

    let mut as_array = good.claims();
    as_array["aud"] = json!(["127.0.0.1"]);
    let array = send_remote(
        &pair,
        token_request(&client_id, &good.sign_claims(as_array)),
    )
    .await;
    assert_eq!(array.status, 200, "aud as an array: {}", array.text());
    // A jti, when present, is remembered too.
    let mut with_jti = good.claims();
    with_jti["jti"] = json!("j-1");
    let jti_first = send_remote(
        &pair,
        token_request(&client_id, &good.sign_claims(with_jti.clone())),
    )
    .await;
    assert_eq!(jti_first.status, 200, "{}", jti_first.text());
    let jti_again = send_remote(
        &pair,
        token_request(&client_id, &good.sign_claims(with_jti)),
    )
    .await;
    assert!(assert_status(&jti_again, 401, 16).contains("already used"));

    let mut inverted = good.claims();
    inverted["nbf"] = json!(now + 60);
    inverted["exp"] = json!(now - 60);
    let mut forever = good.claims();
    forever["exp"] = json!(u64::MAX);
    let mut no_aud = good.claims();
    no_aud.as_object_mut().unwrap().remove("aud");
    let mut text_exp = good.claims();
    text_exp["exp"] = json!("soon");
    for (claims, needle) in [
        (inverted, "nbf is after exp"),
        (forever, "longer than 10 minutes"),
        (no_aud, "aud"),
        (text_exp, "claim `exp`"),
    ] {
        let refused =
            send_remote(&pair, token_request(&client_id, &good.sign_claims(claims))).await;
        let message = assert_status(&refused, 401, 16);
        assert!(message.contains(needle), "{needle}: {message}");
    }

    // A 20 MB assertion is answered 413, not a closed connection, with a
    // `google.rpc.Status` body as every other C1 error.
    let huge = "a".repeat(20 << 20);
    let answer = send_remote(&pair, token_request(&client_id, &huge)).await;
    assert_eq!(
        answer.status,
        413,
        "{}",
        &answer.text()[..answer.text().len().min(200)]
    );
    let status: serde_json::Value = serde_json::from_str(answer.text()).expect("JSON");
    assert_eq!(status["code"], 8, "{status}");
    assert!(
        status["message"]
            .as_str()
            .is_some_and(|m| m.contains("larger")),
        "{status}"
    );
}

#[tokio::test]
async fn the_state_database_keeps_c1_changes_and_shares_them() {
    let dir = std::env::temp_dir().join(format!("connkit-c1-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("state.db");
    let first = Sandbox::builder()
        .seed(1)
        .state_file(&path)
        .build()
        .unwrap();
    let second = Sandbox::builder()
        .seed(1)
        .state_file(&path)
        .build()
        .unwrap();
    let app = app(&first);
    assert_eq!(app, crate::c1::app(&second));
    let created = connector_of(
        &send_local(
            &first,
            Req::new(Method::POST, format!("/api/v1/apps/{app}/connectors"))
                .json(json!({"displayName": "kept"})),
        )
        .await,
    );
    let one = format!(
        "/api/v1/apps/{app}/connectors/{}",
        created["id"].as_str().unwrap()
    );
    // The other sandbox on the same database sees it, and its change is seen back.
    assert_eq!(
        connector_of(&send_local(&second, Req::get(&one)).await)["displayName"],
        "kept"
    );
    send_local(&second, Req::new(Method::POST, format!("{one}/pause"))).await;
    let got = connector_of(&send_local(&first, Req::get(&one)).await);
    assert_eq!(got["status"]["status"], "SYNC_STATUS_DISABLED");
    drop((first, second));
    let reopened = Sandbox::builder()
        .seed(1)
        .state_file(&path)
        .build()
        .unwrap();
    assert_eq!(
        connector_of(&send_local(&reopened, Req::get(&one)).await)["displayName"],
        "kept"
    );
    drop(reopened);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn rate_limit_faults_and_stats_cover_c1() {
    let limited = Sandbox::builder()
        .seed(1)
        .rate_limit(RateLimitConfig {
            max: 2,
            window: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    let list = Req::get(format!("/api/v1/apps/{}/connectors", app(&limited)));
    for _ in 0..2 {
        assert_eq!(send_local(&limited, list.clone()).await.status, 200);
    }
    let refused = send_local(&limited, list.clone()).await;
    assert_status(&refused, 429, 8);
    assert!(refused.header("retry-after").is_some());
    let stats = limited.stats();
    assert_eq!(stats.by_operation.get("c1.List"), Some(&3));

    let faulty = Sandbox::builder()
        .seed(1)
        .faults("error=1,seed=1".parse::<FaultConfig>().unwrap())
        .build()
        .unwrap();
    let list = Req::get(format!("/api/v1/apps/{}/connectors", app(&faulty)));
    assert_status(&send_local(&faulty, list).await, 503, 14);
    assert_eq!(faulty.stats().injected_faults.get("error"), Some(&1));
}
