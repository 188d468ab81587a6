//! `connkit login` with every answer as a flag against `connkit sandbox serve
//! --require-auth`, then `connkit whoami`: the profile it wrote, where its secret comes
//! from (never the secret, unless `--store-secret`, and then a 0600 file), and the
//! cached token `whoami` reports.

use std::process::Stdio;

use crate::support::{Env, Run, Served};

/// The profiles file of `env`.
fn profiles_text(env: &Env) -> String {
    std::fs::read_to_string(env.path().join("config").join("profiles.toml"))
        .expect("read profiles.toml")
}

/// `whoami -o json`'s row for `platform`, with the variables `vars` set.
fn whoami(env: &Env, platform: &str, vars: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = env.cmd(["whoami", "-o", "json"]);
    cmd.envs(vars.iter().copied());
    let rows = Run::from(cmd.output().expect("run whoami")).ok().json();
    rows.as_array()
        .expect("an array")
        .iter()
        .find(|row| row["platform"] == platform)
        .cloned()
        .unwrap_or_else(|| panic!("no {platform} row in {rows}"))
}

/// `connkit login` of a profile `c1` for the ConductorOne client `served` printed, its
/// secret the output of `command`, run with `vars` set.
fn login_c1(env: &Env, served: &Served, command: &str, vars: &[(&str, &str)]) -> Run {
    let root = served.base_url.trim_end_matches("/v2024");
    let id = &served.c1_credentials.0;
    let mut cmd = env.cmd([
        "login",
        "--name",
        "c1",
        "--platform",
        "c1",
        "--url",
        root,
        "--client-id",
        id,
        "--secret-command",
        command,
    ]);
    cmd.envs(vars.iter().copied());
    Run::from(cmd.output().expect("run login"))
}

/// Asserts that `whoami`'s `row` shows an unexpired cached token.
#[track_caller]
fn assert_token_valid(row: &serde_json::Value) {
    let token = row["token"].as_str().unwrap_or_default();
    assert!(token.starts_with("valid until"), "{row}");
}

#[test]
fn login_with_flags_checks_the_profile_and_whoami_shows_it() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    let secret = "login-test-secret-1234";
    let login = Run::from(
        env.cmd([
            "login",
            "--name",
            "acme",
            "--platform",
            "isc",
            "--url",
            &served.base_url,
            "--client-id",
            "acme-client",
            "--secret-env",
            "ACME_SECRET",
        ])
        .env("ACME_SECRET", secret)
        .output()
        .expect("run login"),
    )
    .ok();
    assert!(
        login
            .stderr
            .contains("checked: a token was issued and GET /connectors?limit=1"),
        "{}",
        login.stderr
    );
    let text = profiles_text(&env);
    assert!(text.contains("default = \"acme\""), "{text}");
    assert!(text.contains("secret_env = \"ACME_SECRET\""), "{text}");
    assert!(
        !text.contains(secret),
        "the secret landed in the file: {text}"
    );
    let stats = served.stats();
    assert_eq!(stats["by_operation"]["oauthToken"], 1, "{stats}");
    assert_eq!(stats["by_operation"]["getConnectorList"], 1, "{stats}");

    // The token login bought is in the cache, and whoami finds it without the secret.
    let row = whoami(&env, "isc", &[("ACME_SECRET", secret)]);
    assert_eq!(row["profile"], "acme");
    assert_eq!(row["tenant"], served.base_url.as_str());
    assert_eq!(row["client_id"], "acme-client");
    assert_eq!(row["auth"], "client credentials");
    assert_token_valid(&row);
    assert!(row["token_expires_at"].as_u64().is_some(), "{row}");
    // Without the variable, whoami says why the profile cannot authenticate, and still
    // names the client and its cached token.
    let row = whoami(&env, "isc", &[]);
    assert_eq!(row["auth"], "not configured");
    assert!(
        row["problem"]
            .as_str()
            .is_some_and(|p| p.contains("ACME_SECRET")),
        "{row}"
    );
    assert_eq!(row["client_id"], "acme-client");
    assert_token_valid(&row);
    let table = env.run(["whoami", "-o", "table"]).ok();
    assert!(table.stdout.contains("acme-client") && table.stdout.contains("CLIENT ID"));
}

#[test]
fn a_conductorone_login_is_checked_with_a_signed_assertion() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    let (id, secret) = served.c1_credentials.clone();
    let login = login_c1(
        &env,
        &served,
        "printenv C1_SECRET",
        &[("C1_SECRET", &secret)],
    )
    .ok();
    assert!(login.stderr.contains("accepted"), "{}", login.stderr);
    assert!(!profiles_text(&env).contains(&secret));
    let row = whoami(&env, "c1", &[("C1_SECRET", &secret)]);
    assert_eq!(row["auth"], "client credentials");
    assert_eq!(row["profile"], "c1");
    assert_eq!(row["client_id"], id.as_str());
    assert_eq!(row["tenant"], served.base_url.trim_end_matches("/v2024"));
    assert_token_valid(&row);
}

#[test]
fn a_login_whose_check_fails_keeps_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    // A ConductorOne client id with a key that is not the one the sandbox minted for it.
    let other_key = Served::start(&Env::new(), &[]).c1_credentials.1.clone();
    let run = login_c1(&env, &served, &format!("echo {other_key}"), &[]).code(5);
    assert!(run.stderr.contains("was not kept"), "{}", run.stderr);
    assert!(!env.path().join("config").join("profiles.toml").exists());
    // Off a terminal, a missing answer names its flag instead of waiting for one.
    let missing = env.run(["login", "--url", &served.base_url]).code(2);
    assert!(missing.stderr.contains("--client-id"), "{}", missing.stderr);
}

#[cfg(unix)]
#[test]
fn a_stored_secret_is_only_in_a_0600_file() {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    let secret = "stored-secret-5678";
    let mut child = env
        .cmd([
            "login",
            "--name",
            "kept",
            "--url",
            &served.base_url,
            "--client-id",
            "k",
            "--store-secret",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn login");
    writeln!(child.stdin.take().expect("stdin"), "{secret}").expect("write secret");
    let run = Run::from(child.wait_with_output().expect("wait login")).ok();
    assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
    let path = env.path().join("config").join("profiles.toml");
    assert!(profiles_text(&env).contains(&format!("client_secret = \"{secret}\"")));
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// On a terminal, login asks for each answer not given as a flag.
#[test]
fn on_a_terminal_login_asks_what_the_flags_did_not_say() {
    use expectrl::{Eof, Session};

    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3", "--require-auth"]);
    let mut cmd = env.cmd(["login"]);
    // Inherit: the pseudo-terminal the session puts on stdin (not the usual null).
    cmd.env("PTY_SECRET", "typed-nowhere")
        .stdin(Stdio::inherit());
    let mut session = Session::spawn(cmd).expect("spawn login on a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    let answers = [
        ("Profile name [default]: ", "asked"),
        ("Platform (isc or c1) [isc]: ", ""),
        ("Tenant URL: ", served.base_url.as_str()),
        ("Client id: ", "pty-client"),
        ("[env]: ", "env"),
        ("Variable name: ", "PTY_SECRET"),
    ];
    for (question, answer) in answers {
        session.expect(question).expect(question);
        session.send_line(answer).expect("answer");
    }
    session
        .expect("checked: a token was issued")
        .expect("checked");
    session.expect(Eof).expect("login ends");
    let text = profiles_text(&env);
    assert!(text.contains("[profiles.asked]") && text.contains("secret_env = \"PTY_SECRET\""));
    assert!(text.contains("client_id = \"pty-client\""), "{text}");
}
