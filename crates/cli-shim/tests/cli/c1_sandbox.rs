//! `sandbox serve` prints a ConductorOne credential, and `sandbox c1-credentials` mints
//! one into the state a running sandbox serves: both buy tokens with a signed assertion.

use crate::support::{Env, Served};

/// Lists the first demo app's connectors with client credentials (a token bought
/// from the sandbox's `/auth/v1/token`); the number listed.
fn list_with(base_url: &str, client_id: &str, secret: &str) -> Result<usize, connkit_c1::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let client = connkit_c1::Client::builder()
            .base_url(base_url)
            .client_credentials(client_id, secret)
            .retries(1)
            .build()?;
        let page = client
            .list_connectors("2demoapp000okta0000000000001")
            .send()
            .await?;
        Ok(page.connectors().count())
    })
}

#[test]
fn printed_and_minted_credentials_buy_tokens() {
    let env = Env::new();
    let served = Served::start(
        &env,
        &[
            "--require-auth",
            "--state",
            "data/sandbox.db",
            "--seed",
            "1",
        ],
    );
    let (client_id, secret) = served.c1_credentials.clone();
    let host = served.base_url.trim_start_matches("http://");
    assert!(client_id.contains(&format!("@{host}/")), "{client_id}");
    assert_eq!(list_with(&served.base_url, &client_id, &secret).unwrap(), 2);

    let minted = env
        .run([
            "sandbox",
            "c1-credentials",
            "--state",
            "data/sandbox.db",
            "--host",
            host,
        ])
        .ok();
    let mut lines = minted.stdout.lines();
    let id = lines
        .next()
        .unwrap()
        .strip_prefix("CONDUCTORONE_CLIENT_ID=")
        .unwrap();
    let minted_secret = lines
        .next()
        .unwrap()
        .strip_prefix("CONDUCTORONE_CLIENT_SECRET=")
        .unwrap();
    assert_ne!(id, client_id);
    assert_eq!(list_with(&served.base_url, id, minted_secret).unwrap(), 2);

    // A secret of another key is refused by the token endpoint, saying why.
    let (_, other) = served.c1_credentials.clone();
    let err = list_with(&served.base_url, id, &other).unwrap_err();
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(
        chain.contains("401") && chain.contains("does not verify"),
        "{chain}"
    );
}
