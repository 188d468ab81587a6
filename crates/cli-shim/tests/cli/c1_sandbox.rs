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

pub(crate) const OKTA: &str = "2demoapp000okta0000000000001";

/// `connkit --sandbox -o json c1 connectors ARGS…`
pub(crate) fn c1(env: &Env, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["--sandbox", "-o", "json", "c1", "connectors"];
    all.extend_from_slice(args);
    env.run(all)
}

/// `c1 connectors create --app OKTA --catalog-id cat EXTRA…`, its JSON.
fn create(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["create", "--app", OKTA, "--catalog-id", "cat"];
    args.extend_from_slice(extra);
    c1(env, &args).ok().json()
}

#[test]
fn every_c1_command_on_the_embedded_sandbox() {
    let env = Env::new();
    let listed = c1(&env, &["list", "--app", OKTA]).ok().json();
    assert_eq!(listed.as_array().map(Vec::len), Some(2));

    let created = create(&env, &["--delegated", "--display-name", "Mine"]);
    let id = created["id"].as_str().unwrap().to_owned();
    let config = env.file(
        "config.json",
        r#"{"@type": "type.googleapis.com/c1.connector.v2.Okta", "domain": "acme"}"#,
    );
    let configured = create(&env, &["--config", config.to_str().unwrap()]);
    assert_eq!(configured["config"]["domain"], "acme");
    let updated = c1(&env, &["update", "--app", OKTA, &id, "--description", "d"])
        .ok()
        .json();
    assert_eq!(updated["description"], "d");
    assert_eq!(updated["displayName"], "Mine");
    let renamed = c1(
        &env,
        &[
            "update",
            "--delegated",
            "--app",
            OKTA,
            &id,
            "--display-name",
            "M2",
        ],
    )
    .ok()
    .json();
    assert_eq!(renamed["displayName"], "M2");
    assert_eq!(
        c1(&env, &["get", "--app", OKTA, &id]).ok().json()["id"],
        id.as_str()
    );

    let synced = c1(&env, &["force-sync", "--app", OKTA, &id]).ok();
    assert!(
        synced.stdout.is_empty() && synced.stderr.contains("started"),
        "{}",
        synced.stderr
    );
    c1(&env, &["pause", "--app", OKTA, &id]).ok();
    let paused = c1(&env, &["get", "--app", OKTA, &id]).ok().json();
    assert_eq!(paused["status"]["status"], "SYNC_STATUS_DISABLED");
    // FAILED_PRECONDITION is a 400: exit 2, as ISC's 400s.
    c1(&env, &["force-sync", "--app", OKTA, &id]).code(2);
    c1(&env, &["resume", "--app", OKTA, &id]).ok();
    c1(
        &env,
        &[
            "schedule",
            "--app",
            OKTA,
            &id,
            "0 3 * * *",
            "--timezone",
            "UTC",
        ],
    )
    .ok();
    let scheduled = c1(&env, &["get", "--app", OKTA, &id]).ok().json();
    assert_eq!(
        scheduled["connectorSyncCronSchedule"]["cronSpec"],
        "0 3 * * *"
    );

    // The sync ids the sandbox recorded (what a real tenant would show in its UI).
    let state = env.path().join("data/sandbox.db");
    let syncs = connkit_sandbox::Sandbox::builder()
        .state_file(&state)
        .build()
        .unwrap()
        .c1()
        .syncs(OKTA, &id);
    let url = c1(
        &env,
        &["download-url", "--app", OKTA, &id, &syncs[0].sync_id],
    )
    .ok()
    .json();
    assert!(url["downloadUrl"]
        .as_str()
        .unwrap()
        .contains(&syncs[0].sync_id));
    c1(
        &env,
        &["confirm-sync", "--app", OKTA, &id, &syncs[0].lifecycle_id],
    )
    .ok();

    let rotated = c1(&env, &["credentials", "rotate", "--app", OKTA, &id])
        .ok()
        .json();
    assert!(rotated["clientSecret"]
        .as_str()
        .unwrap()
        .starts_with("secret-token:"));
    // A secret shown once is never shortened, in any output mode: the table too.
    for format in ["table", "ndjson"] {
        let mut args = vec!["--sandbox", "-o", format, "c1", "connectors"];
        args.extend(["credentials", "rotate", "--app", OKTA, &id]);
        let again = env.run(args).ok();
        let secret = again
            .stdout
            .split(|c: char| c.is_whitespace() || c == '"')
            .find(|word| word.starts_with("secret-token:"))
            .unwrap_or_else(|| panic!("no secret in {}", again.stdout));
        assert!(secret.len() > 100, "{format}: {secret}");
        assert!(!again.stdout.contains('…'), "{format}: {}", again.stdout);
    }
    let credential = rotated["credential"]["id"].as_str().unwrap();
    let shown = c1(
        &env,
        &["credentials", "get", "--app", OKTA, &id, credential],
    )
    .ok();
    assert!(!shown.stdout.contains("secret-token"), "{}", shown.stdout);
    c1(
        &env,
        &["credentials", "revoke", "--app", OKTA, &id, credential],
    )
    .ok();
    c1(
        &env,
        &["credentials", "get", "--app", OKTA, &id, credential],
    )
    .code(4);

    let bad = env.file("bad.json", "{\"a\": ");
    let markers = c1(&env, &["validate-config", bad.to_str().unwrap()])
        .code(3)
        .json();
    assert_eq!(markers[0]["severity"], "ERROR");
    let good = env.file("good.json", "{}");
    c1(&env, &["validate-config", good.to_str().unwrap()]).ok();

    c1(&env, &["delete", "--app", OKTA, &id]).ok();
    let missing = c1(&env, &["get", "--app", OKTA, &id]).code(4);
    // The request id once: in ConductorOne's message, not again from the header.
    assert_eq!(
        missing.stderr.matches("request-id: ").count(),
        1,
        "{}",
        missing.stderr
    );
    assert!(
        !missing.stderr.contains("c1-trace-id"),
        "{}",
        missing.stderr
    );
    c1(&env, &["get", "--app", "", &id]).code(2);
    c1(&env, &["update", "--app", OKTA, &id]).code(2);
    let all = c1(&env, &["list", "--app", OKTA, "--all", "--page-size", "10"])
        .ok()
        .json();
    assert_eq!(all.as_array().map(Vec::len), Some(3));
}

#[test]
fn c1_commands_against_a_served_tenant_with_client_credentials() {
    let env = Env::new();
    let served = Served::start(&env, &["--require-auth", "--seed", "1"]);
    let (id, secret) = served.c1_credentials.clone();
    let run = |secret: &str| {
        crate::support::Run::from(
            env.cmd(["-o", "json", "c1", "connectors", "list", "--app", OKTA])
                .env("CONDUCTORONE_SERVER_URL", &served.base_url)
                .env("CONDUCTORONE_CLIENT_ID", &id)
                .env("CONDUCTORONE_CLIENT_SECRET", secret)
                .output()
                .unwrap(),
        )
    };
    assert_eq!(run(&secret).ok().json().as_array().map(Vec::len), Some(2));
    // A secret of another key (minted by another sandbox).
    let (_, other) = connkit_sandbox::Sandbox::new()
        .c1()
        .mint_credentials("127.0.0.1")
        .unwrap();
    let refused = run(&other).code(5);
    assert!(
        refused.stderr.contains("does not verify"),
        "{}",
        refused.stderr
    );
    env.run(["c1", "connectors", "list", "--app", OKTA]).code(2);
}

/// A C1 write whose answer is lost exits 7 ("may have been applied") as an ISC one
/// does, because the library says so (`MaybeApplied`, a create looked for first); a
/// delete, which is retried like any idempotent request, exits 6 when no answer comes.
#[test]
fn a_c1_write_whose_answer_is_always_lost_exits_7() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1", "--faults", "truncate=1"]);
    let run = |args: &[&str]| {
        let mut all = vec![
            "--base-url",
            &served.base_url,
            "--token",
            "t",
            "--retries",
            "2",
        ];
        all.extend(["c1", "connectors"]);
        all.extend_from_slice(args);
        env.run(all)
    };
    let create = run(&[
        "create",
        "--app",
        OKTA,
        "--catalog-id",
        "cat",
        "--delegated",
        "--display-name",
        "Lost",
    ])
    .code(7);
    for needle in [
        "CreateDelegated: no usable response, so the request may have been applied",
        "looking for matching connectors failed too",
    ] {
        assert!(create.stderr.contains(needle), "{}", create.stderr);
    }
    let delete = run(&["delete", "--app", OKTA, "any"]).code(6);
    assert!(
        !delete.stderr.contains("may have been applied"),
        "{}",
        delete.stderr
    );
    let stats = served.stats();
    assert_eq!(stats["by_operation"]["c1.CreateDelegated"], 1, "{stats}");
    // `--retries 2`: the create sent once, the delete three times.
    assert_eq!(stats["by_operation"]["c1.Delete"], 3, "{stats}");
}

/// The C1 commands take the same stack options as ISC's: `--ca-cert` trusts a tenant's
/// private CA, and `--rate-limit` holds requests to the limit shared by every process
/// of one client id (here: two requests a minute, so a second run cannot start in time).
/// The token is bought where `CONDUCTORONE_SERVER_URL` points (the relay), as cone does.
#[test]
fn c1_commands_honour_ca_cert_and_rate_limit() {
    let env = Env::new();
    let served = Served::start(&env, &["--require-auth", "--seed", "1"]);
    let (id, secret) = served.c1_credentials.clone();
    let relay = crate::tls_relay::TlsRelay::start(&served.base_url);
    let https = relay.base_url();
    let ca = relay.ca_file(&env);
    let ca = ca.to_str().expect("UTF-8 path");
    let run = |global: &[&str]| {
        let mut args = global.to_vec();
        args.extend(["-o", "json", "c1", "connectors", "list", "--app", OKTA]);
        crate::support::Run::from(
            env.cmd(&args)
                .env("CONDUCTORONE_SERVER_URL", &https)
                .env("CONDUCTORONE_CLIENT_ID", &id)
                .env("CONDUCTORONE_CLIENT_SECRET", &secret)
                .output()
                .unwrap(),
        )
    };
    let untrusted = run(&["--retries", "0"]).code(6);
    assert!(
        untrusted.stderr.contains("is not trusted"),
        "{}",
        untrusted.stderr
    );
    let limited = ["--ca-cert", ca, "--rate-limit", "2/60s", "--timeout", "3s"];
    assert_eq!(run(&limited).ok().json().as_array().map(Vec::len), Some(2));
    // The token and the list, both through the relay, took the two slots; the next
    // run's would open in a minute.
    let held = run(&limited).code(6);
    assert!(held.stderr.contains("rate limit"), "{}", held.stderr);
    let stats = served.stats();
    assert_eq!(stats["by_operation"]["c1.List"], 1, "{stats}");
    assert_eq!(stats["by_operation"]["c1.Token"], 1, "{stats}");
}

/// `--timeout` bounds a whole C1 command, not each of its requests: a listing of many
/// slow pages stops when it runs out, as an ISC one does.
#[test]
fn timeout_bounds_a_whole_c1_listing() {
    let env = Env::new();
    let state = env.path().join("c1-state.db");
    let state = state.to_str().expect("UTF-8 path");
    {
        let served = Served::start(&env, &["--state", state]);
        // With the two demo connectors, 21: three pages of at least 10 (the smallest size).
        for n in 0..19 {
            let name = format!("Bulk {n}");
            let mut args = vec!["--base-url", served.base_url.as_str(), "--token", "t"];
            args.extend([
                "c1",
                "connectors",
                "create",
                "--app",
                OKTA,
                "--catalog-id",
                "cat",
            ]);
            args.push("--delegated");
            args.extend(["--display-name", &name]);
            env.run(args).ok();
        }
    }
    let slow = Served::start(&env, &["--state", state, "--faults", "latency=600ms"]);
    let mut args = vec!["--base-url", slow.base_url.as_str(), "--token", "t"];
    args.extend(["--timeout", "1s", "c1", "connectors", "list", "--app", OKTA]);
    args.extend(["--all", "--page-size", "10", "-o", "ndjson"]);
    let run = env.run(args).code(6);
    assert!(
        run.stderr
            .starts_with("error: --timeout 1s ran out before the command finished"),
        "{}",
        run.stderr
    );
    // Three pages of 600 ms each would take 1.8 s; the bound stops it after one.
    assert!(run.stdout.lines().count() < 21, "{}", run.stdout);
}
