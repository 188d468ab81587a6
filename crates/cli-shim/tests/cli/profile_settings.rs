//! A profile's `rate_limit` and `ca_cert` take effect, below the flags and the
//! environment: real `connkit` processes against `connkit sandbox serve` (and its TLS
//! relay), counting requests through `/__sandbox/stats`.

use crate::support::{Env, Run, Served};
use crate::tls_relay::TlsRelay;

/// Writes `config/profiles.toml` in `env`.
fn profiles(env: &Env, text: &str) {
    std::fs::create_dir_all(env.path().join("config")).expect("config dir");
    env.file("config/profiles.toml", text);
}

/// `connkit --profile p --retries 0 --timeout 2s EXTRA… connectors list`, with the
/// profile's secret in its variable.
fn list(env: &Env, extra: &[&str]) -> Run {
    let mut args = vec!["--profile", "p", "--retries", "0", "--timeout", "2s"];
    args.extend_from_slice(extra);
    args.extend(["connectors", "list"]);
    Run::from(
        env.cmd(args)
            .env("P_SECRET", "s")
            .output()
            .expect("run connkit"),
    )
}

/// Asserts that stderr says every one of `needles`.
#[track_caller]
fn assert_says(run: &Run, needles: &[&str]) {
    for needle in needles {
        assert!(run.stderr.contains(needle), "{needle:?}: {}", run.stderr);
    }
}

#[test]
fn the_profile_rate_limit_applies_below_the_flag_and_the_environment() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1"]);
    profiles(
        &env,
        &format!(
            "[profiles.p]\nplatform = \"isc\"\nbase_url = \"{}\"\nclient_id = \"p\"\n\
             secret_env = \"P_SECRET\"\nrate_limit = \"2/60s\"\n",
            served.base_url
        ),
    );
    // Two requests a minute: the token and one page. The next run's page would get a
    // slot after its 2 s deadline, so it fails at once without sending anything.
    list(&env, &[]).ok();
    list(&env, &[]).code(6);
    assert_eq!(served.stats()["by_operation"]["getConnectorList"], 1);
    // The variable and the flag each win over the profile.
    Run::from(
        env.cmd([
            "--profile",
            "p",
            "--retries",
            "0",
            "--timeout",
            "2s",
            "connectors",
            "list",
        ])
        .env("P_SECRET", "s")
        .env("CONNKIT_RATE_LIMIT", "off")
        .output()
        .expect("run connkit"),
    )
    .ok();
    list(&env, &["--rate-limit", "auto"]).ok();
    assert_eq!(served.stats()["by_operation"]["getConnectorList"], 3);

    // A bad policy is refused where it is written, naming the file, line and column.
    profiles(
        &env,
        "[profiles.p]\nplatform = \"isc\"\nbase_url = \"https://p.example\"\nrate_limit = \"fast\"\n",
    );
    let bad = list(&env, &[]).code(2);
    assert_says(
        &bad,
        &[
            "profiles.toml: line 4, column 14",
            "profile `p`: `rate_limit`",
            "MAX/WINDOW",
        ],
    );
}

#[test]
fn the_profile_ca_cert_is_trusted_and_the_flag_overrides_it() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "3"]);
    let relay = TlsRelay::start(&served.base_url);
    let https = relay.base_url();
    let ca = relay.ca_file(&env);
    let ca = ca.to_str().expect("UTF-8 path");

    // `profile add` keeps the global --ca-cert, as an absolute path, and shows it.
    env.run([
        "profile",
        "add",
        "p",
        "--base-url",
        &https,
        "--ca-cert",
        "test-ca.pem",
    ])
    .ok();
    let shown = env.run(["profile", "show", "p", "-o", "json"]).ok().json();
    assert_eq!(shown["ca_cert"], ca);
    let listed = list(&env, &["-o", "json"]).ok();
    assert_eq!(listed.json().as_array().map(Vec::len), Some(3));

    // A file without a certificate is refused by `profile add`, and, written by hand
    // (relative to the profiles file), names the profile when used; --ca-cert wins.
    let junk = env.file("junk.pem", "not a certificate");
    let refused = env
        .run([
            "profile",
            "add",
            "q",
            "--ca-cert",
            junk.to_str().expect("UTF-8"),
        ])
        .code(2);
    assert!(refused.stderr.contains("--ca-cert"), "{}", refused.stderr);
    std::fs::copy(&junk, env.path().join("config/junk.pem")).expect("copy");
    profiles(
        &env,
        &format!(
            "[profiles.p]\nplatform = \"isc\"\nbase_url = \"{https}\"\nca_cert = \"junk.pem\"\n"
        ),
    );
    let bad = list(&env, &[]).code(2);
    assert_says(&bad, &["profile `p` in", "ca_cert", "config/junk.pem"]);
    let listed = list(&env, &["--ca-cert", ca, "-o", "json"]).ok();
    assert_eq!(listed.json().as_array().map(Vec::len), Some(3));
}

#[test]
fn an_unknown_profile_output_is_ignored_with_a_warning() {
    let env = Env::new();
    profiles(
        &env,
        "default = \"p\"\n[profiles.p]\nplatform = \"isc\"\noutput = \"toml\"\n",
    );
    // Still usable, so that `profile add` or `remove` can fix it; stdout is a pipe: JSON.
    let listed = env.run(["profile", "list"]).ok();
    assert_eq!(listed.json()[0]["output"], "toml");
    assert_says(&listed, &["profile `p`", "output `toml`", "ignored"]);
}

/// The command line's `output` key, which the transport leaves to it: a profile file
/// written before it moved still sets the default format, and `profile add -o` writes
/// it next to another application's key, which is kept.
#[test]
fn the_profile_output_key_is_the_command_lines_own() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2"]);
    profiles(
        &env,
        &format!(
            "default = \"p\"\n[profiles.p]\nplatform = \"isc\"\nbase_url = \"{}\"\n\
             output = \"ndjson\"\ntheme = \"dark\" # another tool's\n",
            served.base_url
        ),
    );
    let listed = env.run(["--token", "t", "connectors", "list"]).ok();
    assert_eq!(listed.stdout.lines().count(), 2, "{}", listed.stdout);
    assert!(listed.stdout.starts_with('{'), "NDJSON: {}", listed.stdout);
    let shown = env.run(["profile", "show", "-o", "json"]).ok().json();
    assert_eq!(shown["output"], "ndjson");

    env.run(["-o", "table", "profile", "add", "q", "--platform", "c1"])
        .ok();
    let text = std::fs::read_to_string(env.path().join("config/profiles.toml")).unwrap();
    assert!(text.contains("theme = \"dark\" # another tool's"), "{text}");
    assert!(text.contains("[profiles.q]"), "{text}");
    let shown = env.run(["profile", "show", "q", "-o", "json"]).ok().json();
    assert_eq!(shown["output"], "table");
    assert_eq!(shown["platform"], "c1");
}
