//! `--shared-state redis://…`: several machines, one client id, one limit. Each
//! "machine" is a `connkit` process with its own cache directory (an [`Env`] of its
//! own), so the state files cannot help them; a real `redis-server` on 127.0.0.1 and
//! `connkit sandbox serve --rate-limit` (per client id) on 127.0.0.1. Counts of 429s
//! from `/__sandbox/stats`, never timings.

use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::time::Duration;

use connkit_transport::test_util::RedisServer;

use crate::support::{Env, Served};

/// `--base-url URL --client-id shared --client-secret s --shared-state REDIS
/// --rate-limit 20/1s connectors list --all --limit 1 -o ndjson`
fn list_all<'a>(served: &'a Served, redis: &'a str) -> Vec<&'a str> {
    vec![
        "--base-url",
        served.base_url.as_str(),
        "--client-id",
        "shared",
        "--client-secret",
        "s",
        "--shared-state",
        redis,
        "--rate-limit",
        "20/1s",
        "connectors",
        "list",
        "--all",
        "--limit",
        "1",
        "-o",
        "ndjson",
    ]
}

/// Starts one machine's listing, with `extra` global options.
fn machine(served: &Served, redis: &str, extra: &[&str]) -> (Env, Child) {
    let env = Env::new();
    let child = env
        .cmd(extra.iter().copied().chain(list_all(served, redis)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn connkit");
    (env, child)
}

/// Waits for a machine; asserts it succeeded and printed each of `seed` connectors
/// exactly once; returns its stderr.
fn delivered_every_item_once((_env, child): (Env, Child), seed: usize) -> String {
    let output = child.wait_with_output().expect("wait connkit");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let names: HashSet<String> = stdout
        .lines()
        .map(|line| {
            let item: serde_json::Value = serde_json::from_str(line).expect("NDJSON");
            item["scriptName"].as_str().expect("scriptName").to_owned()
        })
        .collect();
    assert_eq!(
        (stdout.lines().count(), names.len()),
        (seed, seed),
        "{stderr}"
    );
    stderr
}

fn refused(served: &Served) -> u64 {
    served.stats()["by_status"]["429"].as_u64().unwrap_or(0)
}

/// The ledger's key for the sandbox's host and the client id `shared`.
fn ledger_key(served: &Served) -> String {
    let authority = served.base_url.trim_start_matches("http://");
    let authority = authority.split('/').next().unwrap_or_default();
    format!(
        "connkit:rate-limit:{}~client-shared",
        authority.replace(':', "%3A")
    )
}

#[test]
fn machines_with_one_client_id_keep_to_its_one_limit_through_redis() {
    const SEED: usize = 30;
    let redis = RedisServer::start();
    let server_env = Env::new();
    let served = Served::start(
        &server_env,
        &["--seed", "30", "--require-auth", "--rate-limit", "20/1s"],
    );
    let url = redis.url();
    // Each machine alone would send 20 per second: three would draw 429s by the dozen.
    let machines: Vec<_> = (0..3).map(|_| machine(&served, &url, &[])).collect();
    for machine in machines {
        delivered_every_item_once(machine, SEED);
    }
    let stats = served.stats();
    assert!(refused(&served) <= 2, "{stats}");
    // One token for the fleet, each machine's own token cache notwithstanding.
    assert_eq!(stats["by_operation"]["oauthToken"], 1, "{stats}");
    assert_eq!(
        stats["by_operation"]["getConnectorList"],
        3 * SEED as u64 + refused(&served)
    );
    assert!(
        redis
            .command(&["GET", &ledger_key(&served)])
            .contains("\"slots\""),
        "the ledger is in Redis"
    );
}

#[test]
fn a_redis_lost_mid_run_costs_no_item_and_is_used_again_when_back() {
    const SEED: usize = 60;
    let mut redis = RedisServer::start();
    let server_env = Env::new();
    let served = Served::start(
        &server_env,
        &["--seed", "60", "--require-auth", "--rate-limit", "20/1s"],
    );
    let url = redis.url();
    let machines: Vec<_> = (0..3).map(|_| machine(&served, &url, &[])).collect();
    std::thread::sleep(Duration::from_millis(800));
    redis.kill();
    std::thread::sleep(Duration::from_millis(1500));
    redis.restart();
    for machine in machines {
        let stderr = delivered_every_item_once(machine, SEED);
        assert_eq!(
            stderr.matches("cannot be used").count(),
            1,
            "the fallback is said once: {stderr}"
        );
        assert!(stderr.contains("answers again"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(
        redis
            .command(&["EXISTS", &ledger_key(&served)])
            .contains(":1"),
        "the machines went back to Redis"
    );
}

#[test]
fn tokens_stay_out_of_redis_when_told() {
    let redis = RedisServer::start();
    let server_env = Env::new();
    let served = Served::start(&server_env, &["--seed", "3", "--require-auth"]);
    let url = redis.url();
    let off = ["--shared-state-tokens", "off"];
    let machines: Vec<_> = (0..2).map(|_| machine(&served, &url, &off)).collect();
    for machine in machines {
        delivered_every_item_once(machine, 3);
    }
    let stats = served.stats();
    assert_eq!(stats["by_operation"]["oauthToken"], 2, "{stats}");
    assert!(redis
        .command(&["KEYS", "connkit:token:*"])
        .starts_with("*0"));
}

#[test]
fn a_password_never_shows_and_bad_urls_are_usage_errors() {
    let env = Env::new();
    let run = env
        .run([
            "--base-url",
            "http://127.0.0.1:9",
            "--shared-state",
            "memcached://:hunter2@127.0.0.1:1",
            "connectors",
            "list",
        ])
        .code(2);
    assert!(run.stderr.contains("--shared-state"), "{}", run.stderr);
    assert!(run.stderr.contains("only redis://"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    std::fs::create_dir_all(env.path().join("config")).expect("config dir");
    env.file(
        "config/profiles.toml",
        "[profiles.p]\nplatform = \"isc\"\nbase_url = \"http://127.0.0.1:9\"\n\
         shared_state = \"redis://:hunter2@127.0.0.1:1\"\n",
    );
    let run = env
        .cmd(["--profile", "p", "connectors", "list"])
        .output()
        .expect("run connkit");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("holds a password"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
