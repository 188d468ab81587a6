//! Auth against the served sandbox: client credentials buy a token with a signed
//! assertion that the sandbox verifies (cached, and honoured until it expires), a wrong
//! key is refused with 401 and says why, a static token works; configuration from the
//! `CONDUCTORONE_*` variables.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use connkit_c1::{assertion, C1Credentials, Client, Error};
use connkit_models::c1::RpcCode;
use connkit_sandbox::{AuthMode, Sandbox, ServerHandle};
use serde_json::Value;

async fn served(mode: AuthMode) -> (Sandbox, ServerHandle, String) {
    let sandbox = Sandbox::builder()
        .seed(1)
        .require_auth(mode)
        .build()
        .unwrap();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let host = server.base_url().trim_start_matches("http://").to_owned();
    (sandbox, server, host)
}

/// The error and its sources, one line.
fn chain(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn client_credentials_buy_one_token_and_use_it() {
    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    // No base URL: the client id's host is the tenant (http:// as it is loopback).
    let client = Client::builder()
        .client_credentials(&id, &secret)
        .build()
        .unwrap();
    assert_eq!(client.base_url().root(), format!("http://{host}"));
    for _ in 0..3 {
        let page = client.list_connectors(&app).send().await.unwrap();
        assert_eq!(page.connectors().count(), 2);
    }
    let stats = sandbox.stats();
    assert_eq!(stats.by_operation.get("c1.Token"), Some(&1));
    assert_eq!(stats.by_operation.get("c1.List"), Some(&3));
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_401_saying_why() {
    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, _) = sandbox.c1().mint_credentials(&host).unwrap();
    let (_, other_secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let client = Client::builder()
        .client_credentials(&id, &other_secret)
        .retries(1)
        .build()
        .unwrap();
    let err = client.list_connectors("app").send().await.unwrap_err();
    let text = chain(&err);
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_auth()),
        "{text}"
    );
    assert!(
        text.contains("401") && text.contains("does not verify"),
        "{text}"
    );
    assert!(
        !text.contains(&other_secret[40..]),
        "the secret leaked: {text}"
    );
}

#[tokio::test]
async fn a_static_token_and_its_refusal() {
    let (sandbox, server, _) = served(AuthMode::Fixed("s3cr3t".into())).await;
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let good = Client::builder()
        .base_url(server.base_url())
        .token("s3cr3t")
        .build()
        .unwrap();
    good.list_connectors(&app).send().await.unwrap();
    let bad = Client::builder()
        .base_url(server.base_url())
        .token("forged")
        .build()
        .unwrap();
    let err = bad.list_connectors(&app).send().await.unwrap_err();
    assert_eq!(
        err.as_service().and_then(|e| e.code()),
        Some(RpcCode::Unauthenticated)
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn configuration_from_conductorone_variables() {
    let (sandbox, server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let env = |name: &str| match name {
        connkit_c1::ENV_CLIENT_ID => Some(id.clone()),
        connkit_c1::ENV_CLIENT_SECRET => Some(secret.clone()),
        connkit_c1::ENV_SERVER_URL => Some(server.base_url()),
        _ => None,
    };
    let resolved = connkit_transport::ConfigSources::new(connkit_c1::SETTINGS)
        .env(env)
        .resolve()
        .unwrap();
    let client = Client::builder().config(&resolved).build().unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    client.list_connectors(&app).send().await.unwrap();
}

#[test]
fn the_assertion_is_an_eddsa_jwt_with_the_documented_claims() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let credentials = C1Credentials::from_key("bot@acme.conductor.one:8443/x", key).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let jws = assertion::sign(&credentials, now);
    let parts: Vec<&str> = jws.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode =
        |p: &str| -> Value { serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap() };
    let header = decode(parts[0]);
    assert_eq!(header["alg"], "EdDSA");
    let nonce = header["nonce"].as_str().unwrap();
    assert!(nonce.len() >= 16 && nonce.bytes().all(|b| b.is_ascii_hexdigit()));
    let claims = decode(parts[1]);
    assert_eq!(claims["iss"], "bot@acme.conductor.one:8443/x");
    assert_eq!(claims["sub"], claims["iss"]);
    assert_eq!(claims["aud"], "acme.conductor.one");
    assert_eq!(claims["iat"], 1_800_000_000u64);
    assert_eq!(claims["nbf"], 1_800_000_000u64 - 120);
    assert_eq!(claims["exp"], 1_800_000_000u64 + 120);
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(parts[2])
        .unwrap()
        .try_into()
        .unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    ed25519_dalek::SigningKey::from_bytes(&[3; 32])
        .verifying_key()
        .verify_strict(
            signed.as_bytes(),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .unwrap();
    assert_ne!(
        assertion::sign(&credentials, SystemTime::now()),
        assertion::sign(&credentials, SystemTime::now())
    );
}
