//! `Client::try_default`'s resolution, read through an injected environment
//! (`try_from_sources`): a profile in the config directory, the token cache in the
//! cache directory, `./config.json`'s place taken by a named file, and errors that name
//! what is missing — against the sandbox served over real HTTP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use connkit_connectors::{Client, DefaultSources, Error, ErrorKind};
use connkit_sandbox::{AuthMode, Sandbox, ServerHandle};

/// A directory of its own under the system's temporary one, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "connkit-isc-try-default-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sandbox that honours only the tokens it issued, served on loopback.
async fn served() -> (Sandbox, ServerHandle) {
    let sandbox = Sandbox::builder()
        .seed(3)
        .require_auth(AuthMode::AnyIssuedToken)
        .build()
        .unwrap();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (sandbox, server)
}

fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<&str, String> = pairs.into_iter().collect();
    move |name| vars.get(name).cloned()
}

fn dir_vars(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "CONNKIT_CONFIG_DIR",
            dir.join("config").display().to_string(),
        ),
        ("CONNKIT_CACHE_DIR", dir.join("cache").display().to_string()),
    ]
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
async fn the_named_profile_configures_the_client_and_its_token_is_cached() {
    let (sandbox, server) = served().await;
    let dir = TempDir::new("profile");
    dir.write(
        "config/profiles.toml",
        &format!(
            "default = \"other\"\n\
             [profiles.other]\nplatform = \"isc\"\nbase_url = \"https://other.example\"\n\
             [profiles.dev]\nplatform = \"isc\"\nbase_url = \"{}\"\n\
             client_id = \"id\"\nsecret_env = \"DEV_SECRET\"\nrate_limit = \"off\"\n",
            server.base_url()
        ),
    );
    let mut vars = dir_vars(&dir.0);
    vars.push(("CONNKIT_PROFILE", "dev".to_owned()));
    vars.push(("DEV_SECRET", "secret".to_owned()));
    let lookup = env(vars);
    for _ in 0..2 {
        let client = Client::try_from_sources(&DefaultSources::env(&lookup)).unwrap();
        assert_eq!(client.base_url().root(), server.base_url());
        let page = client.list_connectors().send().await.unwrap();
        assert_eq!(page.items.len(), 3);
    }
    let stats = sandbox.stats();
    assert_eq!(
        stats.by_operation.get("oauthToken"),
        Some(&1),
        "the second client reused the cached token: {:?}",
        stats.by_operation
    );
    let cached = std::fs::read_dir(dir.0.join("cache/tokens"))
        .unwrap()
        .count();
    assert!(cached > 0, "the token is in the injected cache directory");
}

#[tokio::test]
async fn the_environment_comes_first_and_a_config_file_fills_in() {
    let (_sandbox, server) = served().await;
    let dir = TempDir::new("file");
    let file = dir.write(
        "config.json",
        r#"{"BaseURL": "https://elsewhere.example", "ClientId": "id", "ClientSecret": "secret"}"#,
    );
    let lookup = env(vec![(
        "SAIL_BASE_URL",
        format!("{}/v2024", server.base_url()),
    )]);
    let client =
        Client::try_from_sources(&DefaultSources::env(&lookup).config_file(&file)).unwrap();
    assert_eq!(client.base_url().root(), server.base_url());
    let page = client.list_connectors().await.unwrap();
    assert_eq!(page.items.len(), 3, "the file's credentials bought a token");
}

#[test]
fn what_is_missing_or_wrong_is_named() {
    let dir = TempDir::new("errors");
    let nothing = env(dir_vars(&dir.0));
    let err = Client::try_from_sources(&DefaultSources::env(&nothing)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let text = chain(&err);
    assert!(
        text.contains("SAIL_BASE_URL") && text.contains("config.json"),
        "{text}"
    );

    let mut vars = dir_vars(&dir.0);
    vars.push((
        "SAIL_BASE_URL",
        "https://acme.api.identitynow.com".to_owned(),
    ));
    vars.push(("SAIL_CLIENT_ID", "id".to_owned()));
    let text =
        chain(&Client::try_from_sources(&DefaultSources::env(env(vars.clone()))).unwrap_err());
    assert!(
        text.contains("no client secret") && text.contains("SAIL_CLIENT_SECRET"),
        "{text}"
    );

    vars.push(("CONNKIT_TOKEN", "t0ken".to_owned()));
    vars.push(("CONNKIT_RATE_LIMIT", "fast".to_owned()));
    let text =
        chain(&Client::try_from_sources(&DefaultSources::env(env(vars.clone()))).unwrap_err());
    assert!(text.contains("CONNKIT_RATE_LIMIT"), "{text}");

    vars.pop();
    dir.write(
        "config/profiles.toml",
        "[profiles.p]\nplatform = \"isc\"\nca_cert = \"missing.pem\"\n",
    );
    vars.push(("CONNKIT_PROFILE", "p".to_owned()));
    let text = chain(&Client::try_from_sources(&DefaultSources::env(env(vars))).unwrap_err());
    assert!(
        text.contains("ca_cert") && text.contains("missing.pem"),
        "{text}"
    );
}
