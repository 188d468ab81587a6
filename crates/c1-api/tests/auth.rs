//! Auth against the served sandbox: client credentials buy a token with a signed
//! assertion that the sandbox verifies (cached, and honoured until it expires), a wrong
//! key is refused with 401 and says why, a static token works; configuration from the
//! `CONDUCTORONE_*` variables; the token is bought from, and only ever sent to, the
//! tenant the client talks to; the transport's auth layer does it all, so a token cache
//! shared by clients (and processes) buys one token, and a 401 refreshes it once.

use connkit_c1::{Client, Error};
use connkit_models::c1::{RpcCode, RpcStatus};
use connkit_sandbox::{AuthMode, Sandbox, ServerHandle};
use connkit_transport::{HttpBackend, TokenCache, Transport as _};

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

#[tokio::test]
async fn a_secret_is_read_by_its_version_whatever_its_prefix() {
    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let key = secret.rsplit(':').next().unwrap();
    let client = Client::builder()
        .client_credentials(&id, format!("secret-token:elsewhere.example:v1:{key}"))
        .build()
        .unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    client.list_connectors(&app).send().await.unwrap();
}

/// As cone does: an explicit server URL is where the token is bought (and the
/// assertion's audience); the client id's host is never contacted.
#[tokio::test]
async fn an_explicit_server_url_is_where_the_token_is_bought() {
    let (named, _named_server, named_host) = served(AuthMode::AnyIssuedToken).await;
    let (tenant, tenant_server, _) = served(AuthMode::AnyIssuedToken).await;
    // The tenant knows a client whose id names the other host.
    let (id, secret) = tenant.c1().mint_credentials(&named_host).unwrap();
    let client = Client::builder()
        .base_url(tenant_server.base_url())
        .client_credentials(&id, &secret)
        .build()
        .unwrap();
    let app = tenant.c1().demo_app_ids()[0].clone();
    client.list_connectors(&app).send().await.unwrap();
    let stats = tenant.stats();
    assert_eq!(stats.by_operation.get("c1.Token"), Some(&1), "{stats:?}");
    assert_eq!(named.stats().total, 0, "the client id's host was contacted");
}

/// A request to another host through the client's transport carries no token: the
/// other sandbox says it got no Authorization header (a token of the tenant would be
/// "unknown" there), and the tenant still gets its own.
#[tokio::test]
async fn the_token_never_reaches_another_host() {
    let (tenant, _tenant_server, host) = served(AuthMode::AnyIssuedToken).await;
    let (other, other_server, _) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = tenant.c1().mint_credentials(&host).unwrap();
    let client = Client::builder()
        .client_credentials(&id, &secret)
        .build()
        .unwrap();
    let app = tenant.c1().demo_app_ids()[0].clone();
    let to = |root: &str| {
        http::Request::get(format!("{root}/api/v1/apps/{app}/connectors"))
            .body(bytes::Bytes::new())
            .unwrap()
    };
    for (root, refused) in [
        (other_server.base_url(), true),
        (format!("http://{host}"), false),
    ] {
        let answer = client.transport().send(to(&root)).await.unwrap();
        assert_eq!(answer.status() == 401, refused, "{root}");
        if refused {
            let status: RpcStatus = serde_json::from_slice(answer.body()).unwrap();
            assert_eq!(status.rpc_code(), Some(RpcCode::Unauthenticated));
            let message = status.message.unwrap_or_default();
            assert!(message.contains("no Authorization header"), "{message}");
        }
    }
    assert_eq!(other.stats().total, 1);
    assert_eq!(tenant.stats().by_operation.get("c1.Token"), Some(&1));
}

/// A directory of its own under the system's temporary one, removed on drop.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A token cache directory of this test's own (removed when dropped).
struct CacheDir(std::path::PathBuf);

impl CacheDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "connkit-c1-auth-{name}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        CacheDir(dir)
    }

    fn cache(&self) -> TokenCache {
        TokenCache::in_dir(&self.0)
    }
}

impl Drop for CacheDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn try_default_reads_the_c1_profile_the_environment_names() {
    use connkit_c1::prelude::*;
    use connkit_c1::DefaultSources;

    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let dir = TempDir(
        std::env::temp_dir().join(format!("connkit-c1-try-default-{}", std::process::id())),
    );
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(
        dir.0.join("profiles.toml"),
        format!(
            "default = \"isc\"\n[profiles.isc]\nplatform = \"isc\"\n\
             base_url = \"https://acme.api.identitynow.com\"\n\
             [profiles.work]\nplatform = \"c1\"\nclient_id = \"{id}\"\nsecret_env = \"C1_SECRET\"\n"
        ),
    )
    .unwrap();
    let config_dir = dir.0.display().to_string();
    let vars = |profile: Option<&'static str>| {
        let config_dir = config_dir.clone();
        let secret = secret.clone();
        move |name: &str| match name {
            "CONNKIT_CONFIG_DIR" => Some(config_dir.clone()),
            "CONNKIT_PROFILE" => profile.map(str::to_owned),
            "C1_SECRET" => Some(secret.clone()),
            _ => None,
        }
    };

    let client = Client::try_from_sources(&DefaultSources::env(vars(Some("work")))).unwrap();
    assert_eq!(client.base_url().root(), format!("http://{host}"));
    let page = client.list_connectors(&app).page_size(10).await.unwrap();
    assert_eq!(page.connectors().count(), 2);
    // The `set_*` twins: `None` undoes what the setter before it set.
    let created = client
        .create_delegated_connector(&app, "catalog-okta")
        .display_name("Twins")
        .description("dropped")
        .set_description(None)
        .await
        .unwrap();
    let connector = created.connector_view.and_then(|v| v.connector).unwrap();
    assert_eq!(connector.display_name.as_deref(), Some("Twins"));
    assert_eq!(connector.description, None);
    assert_eq!(sandbox.stats().by_operation.get("c1.Token"), Some(&1));

    // The default profile is ISC's: nothing for ConductorOne, so the tenant is missing.
    let err = Client::try_from_sources(&DefaultSources::env(vars(None))).unwrap_err();
    assert_eq!(err.kind(), connkit_c1::ErrorKind::InvalidInput);
    let text = chain(&err);
    assert!(text.contains("CONDUCTORONE_SERVER_URL"), "{text}");
    let err = Client::try_from_sources(&DefaultSources::env(vars(Some("isc")))).unwrap_err();
    let text = chain(&err);
    assert!(text.contains("platform `isc`"), "{text}");
}

fn cached_client(id: &str, secret: &str, dir: &CacheDir) -> Client {
    Client::builder()
        .client_credentials(id, secret)
        .token_cache(dir.cache())
        .build()
        .unwrap()
}

/// Two clients (as two runs of a program would) that share a token cache directory
/// make one token request between them; the cache lists the token by its URL and
/// client id, and holds neither the secret nor anything of the assertion.
#[tokio::test]
async fn clients_sharing_a_token_cache_buy_one_token() {
    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let dir = CacheDir::new("shared");
    for _ in 0..2 {
        let client = cached_client(&id, &secret, &dir);
        client.list_connectors(&app).send().await.unwrap();
    }
    let stats = sandbox.stats();
    assert_eq!(stats.by_operation.get("c1.Token"), Some(&1), "{stats:?}");
    assert_eq!(stats.by_operation.get("c1.List"), Some(&2), "{stats:?}");

    let entries = dir.cache().entries().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].client_id, id);
    assert_eq!(entries[0].token_url, format!("http://{host}/auth/v1/token"));
    assert!(entries[0].expires_at.is_some());
    let text = std::fs::read_to_string(&entries[0].path).unwrap();
    let key = secret.rsplit(':').next().unwrap();
    assert!(!text.contains(key), "the secret is in the cache: {text}");

    // Another secret for the same client id finds no token there: it asks (and is
    // refused, as the key is not the client's).
    let (_, other_secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let other = Client::builder()
        .client_credentials(&id, &other_secret)
        .token_cache(dir.cache())
        .retries(1)
        .build()
        .unwrap();
    let err = other.list_connectors(&app).send().await.unwrap_err();
    assert!(chain(&err).contains("does not verify"), "{}", chain(&err));
    assert_eq!(sandbox.stats().by_operation.get("c1.Token"), Some(&2));
}

/// A cached token the tenant no longer honours is answered 401: the auth layer buys a
/// new one once, replays the request once, and caches the new token in its place.
#[tokio::test]
async fn a_401_on_a_cached_token_refreshes_once_and_replays() {
    let (sandbox, _server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let dir = CacheDir::new("refresh");
    cached_client(&id, &secret, &dir)
        .list_connectors(&app)
        .send()
        .await
        .unwrap();
    let path = dir.cache().entries().unwrap().remove(0).path;
    let mut entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    entry["access_token"] = "revoked-by-the-tenant".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    sandbox.reset_stats();

    let page = cached_client(&id, &secret, &dir)
        .list_connectors(&app)
        .send()
        .await
        .unwrap();
    assert_eq!(page.connectors().count(), 2);
    let stats = sandbox.stats();
    assert_eq!(stats.by_operation.get("c1.Token"), Some(&1), "{stats:?}");
    assert_eq!(
        stats.by_operation.get("c1.List"),
        Some(&2),
        "one 401, one replay: {stats:?}"
    );
    let cached: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_ne!(cached["access_token"], "revoked-by-the-tenant");
}

/// A transport used as is still gets the auth layer when the client has credentials,
/// as ISC's client does.
#[tokio::test]
async fn a_transport_as_is_gets_the_auth_layer() {
    let (sandbox, server, host) = served(AuthMode::AnyIssuedToken).await;
    let (id, secret) = sandbox.c1().mint_credentials(&host).unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = Client::builder()
        .base_url(server.base_url())
        .client_credentials(&id, &secret)
        .transport_as_is(std::sync::Arc::new(HttpBackend::new().unwrap()))
        .build()
        .unwrap();
    for _ in 0..2 {
        client.list_connectors(&app).send().await.unwrap();
    }
    assert_eq!(sandbox.stats().by_operation.get("c1.Token"), Some(&1));
}
