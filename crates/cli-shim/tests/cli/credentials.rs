//! Tokens cached across runs, profiles, and which configuration sources a run reads:
//! real `connkit` processes against `connkit sandbox serve --require-auth`, counting
//! token requests through `/__sandbox/stats`.

use std::path::{Path, PathBuf};

use crate::support::{Env, Run, Served};

/// A client secret distinctive enough to search every file and stream for.
const SECRET: &str = "s3cret-9f2c-never-stored";

fn token_requests(served: &Served) -> u64 {
    served.stats()["by_operation"]["oauthToken"]
        .as_u64()
        .unwrap_or(0)
}

/// `connkit --base-url URL --client-id ID --client-secret SECRET EXTRA… connectors list`
fn list_with_credentials(env: &Env, served: &Served, extra: &[&str]) -> Run {
    list_with_secret(env, served, SECRET, extra)
}

/// The same with another client secret.
fn list_with_secret(env: &Env, served: &Served, secret: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "--base-url",
        served.base_url.as_str(),
        "--client-id",
        "ci-client",
        "--client-secret",
        secret,
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    args.extend(["connectors", "list"]);
    env.run(args).ok()
}

/// The token cache's token files (not its hidden fetch locks).
fn cache_files(env: &Env) -> Vec<PathBuf> {
    match std::fs::read_dir(env.path().join("cache").join("tokens")) {
        Ok(dir) => dir
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Every regular file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files.extend(all_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[track_caller]
fn assert_nowhere(env: &Env, secret: &str, streams: &[&Run]) {
    for file in all_files(env.path()) {
        let bytes = std::fs::read(&file).expect("read file");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the secret",
            file.display()
        );
    }
    for run in streams {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

#[test]
fn five_runs_share_one_token_and_the_cache_holds_no_secret() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    for _ in 0..5 {
        let listed = list_with_credentials(&env, &served, &[]);
        assert_eq!(listed.json().as_array().map(Vec::len), Some(3));
    }
    assert_eq!(token_requests(&served), 1);

    let files = cache_files(&env);
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0])
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read cache")).expect("JSON");
    let token = cached["access_token"].as_str().expect("a token").to_owned();
    assert_nowhere(&env, SECRET, &[]);

    // status names the client and the expiry, never the token
    let status = env.run(["auth", "status", "-o", "table"]).ok();
    assert!(status.stdout.contains("ci-client"), "{}", status.stdout);
    assert!(status.stdout.contains("valid until"), "{}", status.stdout);
    assert!(!status.stdout.contains(&token) && !status.stderr.contains(&token));

    // --no-token-cache asks anew and leaves the cache alone
    list_with_credentials(&env, &served, &["--no-token-cache"]);
    assert_eq!(token_requests(&served), 2);
    assert_eq!(cache_files(&env), files);

    // logout forgets it: the next run asks again
    env.run(["auth", "logout"]).ok();
    assert!(cache_files(&env).is_empty());
    list_with_credentials(&env, &served, &[]);
    assert_eq!(token_requests(&served), 3);
}

#[test]
fn a_rejected_or_corrupt_cached_token_is_replaced() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth"]);
    list_with_credentials(&env, &served, &[]);
    let file = cache_files(&env).pop().expect("a cached token");
    let text = std::fs::read_to_string(&file).expect("read cache");
    let cached: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let token = cached["access_token"].as_str().expect("token");

    // The server no longer knows the token: a 401, one new token, the run succeeds.
    std::fs::write(&file, text.replace(token, "revoked-token")).expect("write cache");
    let before_401 = served.stats()["by_status"]["401"].as_u64().unwrap_or(0);
    list_with_credentials(&env, &served, &[]);
    assert_eq!(token_requests(&served), 2);
    assert_eq!(
        served.stats()["by_status"]["401"].as_u64().unwrap_or(0),
        before_401 + 1
    );
    let replaced = std::fs::read_to_string(&file).expect("read cache");
    assert!(!replaced.contains("revoked-token"), "{replaced}");

    // ... and the next run uses the new one.
    list_with_credentials(&env, &served, &[]);
    assert_eq!(token_requests(&served), 2);

    // A corrupt file is ignored and rewritten.
    std::fs::write(&file, "{ torn").expect("write cache");
    list_with_credentials(&env, &served, &[]);
    assert_eq!(token_requests(&served), 3);
    let rewritten = std::fs::read(&file).expect("read cache");
    serde_json::from_slice::<serde_json::Value>(&rewritten).expect("valid JSON again");
}

#[test]
fn unneeded_sources_are_not_read() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth=fixed-token"]);
    env.file("config.json", "{\n  \"BaseURL\": \n");
    std::fs::create_dir_all(env.path().join("config")).expect("config dir");
    env.file("config/profiles.toml", "default = [\n");

    let listed = env
        .run([
            "--base-url",
            &served.base_url,
            "--token",
            "fixed-token",
            "-o",
            "json",
            "connectors",
            "list",
        ])
        .ok();
    assert_eq!(listed.json().as_array().map(Vec::len), Some(2));
    let from_env = env
        .cmd(["--base-url", &served.base_url, "connectors", "list"])
        .env("CONNKIT_TOKEN", "fixed-token")
        .output()
        .expect("run connkit");
    assert!(from_env.status.success());

    // Without a token, credentials are needed: the broken profiles file is read first,
    // then the config file; each error names the file, line and column.
    let needing_credentials = || {
        env.run(["--base-url", &served.base_url, "connectors", "list"])
            .code(2)
            .stderr
    };
    let err = needing_credentials();
    assert!(
        err.contains("profiles.toml: line 1, column 12: unclosed array"),
        "{err}"
    );
    std::fs::remove_file(env.path().join("config/profiles.toml")).expect("remove");
    let err = needing_credentials();
    assert!(
        err.contains("config.json: line 3, column 0: the JSON ends too early"),
        "{err}"
    );
}

#[test]
fn a_profile_secret_from_its_variable_or_command_leaves_no_trace() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth"]);
    let base = served.base_url.as_str();
    let add = |name: &str, source: &[&str]| {
        let mut args = vec![
            "profile",
            "add",
            name,
            "--base-url",
            base,
            "--client-id",
            name,
        ];
        args.extend_from_slice(source);
        env.run(args).ok()
    };
    add("by-env", &["--secret-env", "CK_TEST_SECRET"]);
    add(
        "by-command",
        &["--default", "--", "sh", "-c", "printf %s \"$CK_HIDDEN\""],
    );
    add(
        "failing",
        &["--", "sh", "-c", "printf %s \"$CK_HIDDEN\"; exit 3"],
    );
    let shown = env.run(["profile", "show", "-o", "json"]).ok().json();
    assert_eq!(shown["name"], "by-command");
    assert_eq!(shown["secret"], "command `sh -c printf %s \"$CK_HIDDEN\"`");

    let run = |profile: &str| {
        Run::from(
            env.cmd([
                "-vv",
                "--profile",
                profile,
                "-o",
                "json",
                "connectors",
                "list",
            ])
            .env("CK_TEST_SECRET", SECRET)
            .env("CK_HIDDEN", SECRET)
            .output()
            .expect("run connkit"),
        )
    };
    let by_env = run("by-env").ok();
    let by_command = run("by-command").ok();
    assert_eq!(by_command.json().as_array().map(Vec::len), Some(2));
    assert_eq!(token_requests(&served), 2, "one token per client id");
    let failing = run("failing").code(2);
    assert!(
        failing.stderr.contains("secret_command `sh` failed"),
        "{}",
        failing.stderr
    );
    let unset = env
        .run(["--profile", "by-env", "connectors", "list"])
        .code(2);
    assert!(unset.stderr.contains("CK_TEST_SECRET"), "{}", unset.stderr);
    assert!(
        by_env.stderr.contains("DEBUG"),
        "-vv logs: {}",
        by_env.stderr
    );
    assert_nowhere(&env, SECRET, &[&by_env, &by_command, &failing, &unset]);
}

#[test]
fn profiles_are_listed_shown_chosen_and_removed() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "4"]);
    let base = served.base_url.as_str();
    env.run([
        "profile",
        "add",
        "one",
        "--base-url",
        base,
        "--client-id",
        "id-1",
        "--secret-env",
        "ONE_SECRET",
        "--rate-limit",
        "50/10s",
        "-o",
        "ndjson",
    ])
    .ok();
    env.run(["profile", "add", "two", "--base-url", "https://two.example"])
        .ok();
    for (refused, reason) in [
        (["--client-secret", "plain"], "--secret-env"),
        (["--rate-limit", "fast"], "MAX/WINDOW"),
        (["--platform", "cone"], "[possible values: isc, c1]"),
    ] {
        let run = env
            .run(["profile", "add", "three"].into_iter().chain(refused))
            .code(2);
        assert!(run.stderr.contains(reason), "{}", run.stderr);
    }

    let listed = env.run(["profile", "list", "-o", "json"]).ok().json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["one", "two"]);

    let shown = env
        .run(["profile", "show", "one", "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["secret"], "environment variable ONE_SECRET");
    assert_eq!(shown["rate_limit"], "50/10s");
    assert_eq!(shown["default"], false);

    // No default yet: nothing names a base URL.
    env.run(["connectors", "list"]).code(2);
    env.run(["profile", "use", "one"]).ok();
    // The default profile's base URL and output format (ndjson: one line per connector).
    let by_default = Run::from(
        env.cmd(["connectors", "list"])
            .env("ONE_SECRET", "x")
            .output()
            .expect("run connkit"),
    )
    .ok();
    assert_eq!(
        by_default.stdout.lines().count(),
        4,
        "{}",
        by_default.stdout
    );
    let by_env = Run::from(
        env.cmd(["connectors", "list"])
            .env("CONNKIT_PROFILE", "nope")
            .output()
            .expect("run connkit"),
    )
    .code(2);
    assert!(
        by_env.stderr.contains("no profile `nope`") && by_env.stderr.contains("one, two"),
        "{}",
        by_env.stderr
    );

    env.run(["profile", "remove", "one"]).ok();
    env.run(["profile", "remove", "one"]).code(2);
    let shown = env.run(["profile", "show"]).code(2);
    assert!(
        shown.stderr.contains("no default profile"),
        "{}",
        shown.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_plain_secret_needs_a_private_profiles_file() {
    use std::os::unix::fs::PermissionsExt;

    let env = Env::new();
    std::fs::create_dir_all(env.path().join("config")).expect("config dir");
    let file = env.file(
        "config/profiles.toml",
        "[profiles.p]\nplatform = \"isc\"\nbase_url = \"https://p.example\"\nclient_id = \"i\"\nclient_secret = \"plain-secret\"\n",
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let refused = env.run(["--profile", "p", "connectors", "list"]).code(2);
    assert!(
        refused.stderr.contains("mode 0644") && refused.stderr.contains("chmod 600"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("plain-secret"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let shown = env.run(["profile", "show", "p", "-o", "json"]).ok().json();
    assert_eq!(shown["secret"], "client_secret in the profile file");
}

/// "Nothing configured" and "configured badly" are told apart by the error's type, not
/// by looking at the environment again: a bad base URL in the file is quoted with its
/// source, a missing one gets the hint (sandbox included).
#[test]
fn a_missing_base_url_and_a_bad_one_say_different_things() {
    let env = Env::new();
    let missing = env.run(["connectors", "list"]).code(2).stderr;
    assert!(
        missing.contains("no API base URL is configured") && missing.contains("--sandbox"),
        "{missing}"
    );
    // A config file without a base URL: still nothing names one.
    env.file("config.json", r#"{"ClientId": "id", "ClientSecret": "s"}"#);
    let missing = env.run(["connectors", "list"]).code(2).stderr;
    assert!(
        missing.contains("no API base URL is configured"),
        "{missing}"
    );
    env.file("config.json", r#"{"BaseURL": "ftp://tenant.example"}"#);
    let bad = env.run(["connectors", "list"]).code(2).stderr;
    assert!(
        bad.contains("scheme \"ftp\"") && bad.contains("config.json"),
        "{bad}"
    );
    assert!(!bad.contains("no API base URL is configured"), "{bad}");
}

/// Twenty processes that start together on an empty token cache make one token
/// request: the first fetches under the cache's lock, the others read what it stored.
#[test]
fn twenty_processes_racing_on_an_empty_cache_make_one_token_request() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth"]);
    let children: Vec<std::process::Child> = (0..20)
        .map(|_| {
            env.cmd([
                "--base-url",
                served.base_url.as_str(),
                "--client-id",
                "ci-client",
                "--client-secret",
                SECRET,
                "-q",
                "connectors",
                "list",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("spawn connkit")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    assert_eq!(token_requests(&served), 1);
}

/// A cached token is the secret's it was bought with: a run with the right client id
/// and a wrong secret asks the token endpoint (which can refuse it) instead.
#[test]
fn a_cached_token_is_never_handed_to_another_secret() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth"]);
    list_with_credentials(&env, &served, &[]);
    assert_eq!(token_requests(&served), 1);
    list_with_secret(&env, &served, "a-wrong-secret", &[]);
    assert_eq!(token_requests(&served), 2);
    list_with_credentials(&env, &served, &[]);
    list_with_secret(&env, &served, "a-wrong-secret", &[]);
    assert_eq!(
        token_requests(&served),
        2,
        "each secret reuses its own token"
    );
}

/// `auth status` shows any expiry a cache file claims, even one past the year 9999,
/// without panicking.
#[test]
fn auth_status_survives_an_absurd_expiry() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2", "--require-auth"]);
    list_with_credentials(&env, &served, &[]);
    let [file] = cache_files(&env).try_into().unwrap();
    let mut entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(entry["expires_at"].as_u64().is_some(), "{entry}");
    entry["expires_at"] = serde_json::json!(99_999_999_999_999u64);
    std::fs::write(&file, entry.to_string()).unwrap();
    let status = env.run(["auth", "status", "-o", "table"]).ok();
    assert!(
        status.stdout.contains("after the year 9999"),
        "{}",
        status.stdout
    );
}

/// A `secret_command` that hangs ends with the command's `--timeout`, taking what it
/// started with it, and says so.
#[test]
fn a_hung_secret_command_ends_with_the_timeout() {
    let env = Env::new();
    let pids = env.path().join("pids");
    let script = format!("sleep 300 & echo $! > {}; sleep 300", pids.display());
    env.run([
        "profile",
        "add",
        "hung",
        "--base-url",
        "https://tenant.api.identitynow.com",
        "--client-id",
        "hung",
        "--",
        "sh",
        "-c",
        &script,
    ])
    .ok();
    let started = std::time::Instant::now();
    let run = env
        .run(["--timeout", "1s", "--profile", "hung", "connectors", "list"])
        .code(2);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        run.stderr
            .contains("did not finish within 1.0s; it was stopped"),
        "{}",
        run.stderr
    );
    let grandchild = std::fs::read_to_string(&pids).unwrap();
    let stat = Path::new("/proc").join(grandchild.trim()).join("stat");
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::read_to_string(&stat).map_or(true, |s| s.contains(") Z "))
    });
    assert!(gone, "the secret command's child outlived connkit");
}

/// ConductorOne client credentials go through the same auth layer and token cache as
/// ISC's: two runs buy one token; `auth status` lists it as `c1` with its token URL,
/// client id and expiry (never the token, never the secret); `auth logout` removes it,
/// and the next run buys a new one. `--no-token-cache` leaves the cache alone.
#[test]
fn c1_tokens_are_cached_listed_and_logged_out_like_isc_ones() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1", "--require-auth"]);
    let (id, secret) = served.c1_credentials.clone();
    let c1_token_requests = || {
        served.stats()["by_operation"]["c1.Token"]
            .as_u64()
            .unwrap_or(0)
    };
    let list = |extra: &[&str]| {
        let mut args = vec!["-o", "json"];
        args.extend_from_slice(extra);
        args.extend(["c1", "connectors", "list", "--app", crate::c1_sandbox::OKTA]);
        Run::from(
            env.cmd(args)
                .env("CONDUCTORONE_SERVER_URL", &served.base_url)
                .env("CONDUCTORONE_CLIENT_ID", &id)
                .env("CONDUCTORONE_CLIENT_SECRET", &secret)
                .output()
                .expect("run connkit"),
        )
        .ok()
    };
    let first = list(&[]);
    let second = list(&[]);
    assert_eq!(c1_token_requests(), 1, "two runs, one token request");
    let files = cache_files(&env);
    assert_eq!(files.len(), 1, "{files:?}");
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read cache")).expect("JSON");
    let token = cached["access_token"].as_str().expect("a token").to_owned();
    let key = secret.rsplit(':').next().expect("a key");
    assert_nowhere(&env, key, &[&first, &second]);

    let status = env.run(["auth", "status", "-o", "json"]).ok();
    let rows = status.json();
    let row = &rows.as_array().expect("a list")[0];
    assert_eq!(row["platform"], "c1", "{row}");
    assert_eq!(row["client_id"], id.as_str(), "{row}");
    assert_eq!(
        row["token_url"],
        format!("{}/auth/v1/token", served.base_url),
        "{row}"
    );
    assert!(row["expires_at"].as_u64().is_some(), "{row}");
    let table = env.run(["auth", "status", "-o", "table"]).ok();
    assert!(table.stdout.contains("c1") && table.stdout.contains("valid until"));
    for run in [&status, &table] {
        assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));
    }

    list(&["--no-token-cache"]);
    assert_eq!(c1_token_requests(), 2);
    assert_eq!(cache_files(&env), files);

    let logout = env.run(["auth", "logout"]).ok();
    assert!(
        logout.stderr.contains("removed 1 cached token"),
        "{}",
        logout.stderr
    );
    assert!(cache_files(&env).is_empty());
    list(&[]);
    assert_eq!(c1_token_requests(), 3);
}
