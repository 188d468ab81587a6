//! `--rate-limit` / `CONNKIT_RATE_LIMIT` against `connkit sandbox serve --rate-limit`
//! (per client id) over real HTTP on 127.0.0.1, with real `connkit` processes sharing
//! one cache directory. Counts of 429s from `/__sandbox/stats`, never timings.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{Env, Served};

/// Every connector, one per page, as NDJSON.
const LIST_ALL: [&str; 8] = [
    "connectors",
    "list",
    "--all",
    "--limit",
    "1",
    "-o",
    "ndjson",
    "-q",
];

/// `--base-url URL --client-id shared --client-secret s ARGS…`
fn as_shared_client<'a>(served: &'a Served, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![
        "--base-url",
        served.base_url.as_str(),
        "--client-id",
        "shared",
        "--client-secret",
        "s",
    ];
    all.extend_from_slice(args);
    all
}

fn refused(served: &Served) -> u64 {
    served.stats()["by_status"]["429"].as_u64().unwrap_or(0)
}

/// The shared state files in the test's cache directory, parsed.
fn state_files(env: &Env) -> Vec<serde_json::Value> {
    let dir = env.path().join("cache").join("rate-limit");
    std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| {
                    let text = std::fs::read(e.expect("entry").path()).expect("read state");
                    serde_json::from_slice(&text).expect("state JSON")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Open slots of process `pid` in the state files.
fn open_slots_of(env: &Env, pid: u32) -> usize {
    state_files(env)
        .iter()
        .flat_map(|state| state["slots"].as_array().cloned().unwrap_or_default())
        .filter(|slot| slot["pid"] == pid && slot["open"] == true)
        .count()
}

#[test]
fn three_processes_with_one_client_id_share_the_limit() {
    const SEED: usize = 30;
    let env = Env::new();
    let served = Served::start(
        &env,
        &["--seed", "30", "--require-auth", "--rate-limit", "20/1s"],
    );
    let args = as_shared_client(
        &served,
        &[&["--rate-limit", "20/1s"][..], &LIST_ALL].concat(),
    );
    let children: Vec<_> = (0..3)
        .map(|_| {
            env.cmd(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn connkit")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait connkit");
        let stdout = String::from_utf8(output.stdout).expect("utf-8");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let names: HashSet<String> = stdout
            .lines()
            .map(|line| {
                let item: serde_json::Value = serde_json::from_str(line).expect("NDJSON");
                item["scriptName"].as_str().expect("scriptName").to_owned()
            })
            .collect();
        assert_eq!((stdout.lines().count(), names.len()), (SEED, SEED));
    }
    let stats = served.stats();
    assert!(refused(&served) <= 2, "{stats}");
    assert_eq!(
        stats["by_operation"]["getConnectorList"],
        3 * SEED as u64 + refused(&served)
    );
}

#[test]
fn a_process_killed_mid_run_leaves_no_wedged_state() {
    let env = Env::new();
    // Every request takes 1.5 s, so a request is in flight when the listing is killed.
    let served = Served::start(
        &env,
        &[
            "--seed",
            "10",
            "--require-auth",
            "--faults",
            "latency=1500ms",
        ],
    );
    let limit = ["--rate-limit", "1/1s"];
    let list_all = [&limit[..], &LIST_ALL].concat();
    let mut child = env
        .cmd(as_shared_client(&served, &list_all))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn connkit");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first item");
    assert!(first.contains("scriptName"), "{first}");
    // The next page's request leaves a window (1 s) after the first page came back
    // and is answered 2 s later: SIGKILL it half-way.
    std::thread::sleep(Duration::from_millis(1500));
    let pid = child.id();
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    assert_eq!(open_slots_of(&env, pid), 1, "{:?}", state_files(&env));
    // The only slot of a 1-per-second limit is held by a dead process. Held until its
    // lease ran out (a window past the 30 s attempt timeout), it would make this run
    // miss its 8 s deadline; freed when found dead, it waits one window at most.
    let one = [
        &limit[..],
        &["--timeout", "8s", "connectors", "list", "--limit", "1"],
    ]
    .concat();
    env.run(as_shared_client(&served, &one)).ok();
    assert_eq!(open_slots_of(&env, pid), 0, "{:?}", state_files(&env));
}

#[test]
fn the_environment_sets_the_policy_and_processes_share_it() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1"]);
    let args = as_shared_client(
        &served,
        &["--retries", "0", "--timeout", "2s", "connectors", "list"],
    );
    // One request (and its token) per minute: the second process's slot would open
    // after its deadline, so it fails at once without sending anything.
    let run = |policy: &str| {
        let output = env
            .cmd(&args)
            .env("CONNKIT_RATE_LIMIT", policy)
            .output()
            .expect("run connkit");
        output.status.code()
    };
    assert_eq!(run("2/60s"), Some(0));
    assert_eq!(run("2/60s"), Some(6));
    assert_eq!(served.stats()["by_operation"]["getConnectorList"], 1);
    // `off` (here from the flag, which wins over the variable) lifts it.
    let off = [&["--rate-limit", "off"][..], &args[..]].concat();
    let output = env
        .cmd(&off)
        .env("CONNKIT_RATE_LIMIT", "2/60s")
        .output()
        .expect("run connkit");
    assert!(output.status.success());
    // A bad value names itself and the accepted forms.
    let bad = env
        .run(["--rate-limit", "fast", "--sandbox", "connectors", "list"])
        .code(2);
    assert!(
        bad.stderr.contains("'fast'") && bad.stderr.contains("MAX/WINDOW"),
        "{}",
        bad.stderr
    );
}

/// Requests the sandbox has seen, whatever their answer.
fn seen(served: &Served) -> u64 {
    served.stats()["total"].as_u64().unwrap_or(0)
}

/// A server that answers a 429 with a day-long `Retry-After` (a sandbox allowing one
/// request a day) cannot poison the shared state: what is learned is capped, an
/// explicit limit ignores it, `rate-limit status` shows it and `reset` forgets it, and
/// the error that it causes names both.
#[test]
fn a_huge_retry_after_is_capped_shown_and_reset() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "1", "--rate-limit", "1/24h"]);
    let list = |extra: &[&str]| {
        let mut args = vec!["--base-url", served.base_url.as_str(), "connectors", "list"];
        args.extend_from_slice(extra);
        env.run(args)
    };
    list(&[]).ok();
    // The server refuses with `Retry-After: 86400`: more than the retry layer waits.
    let refused = list(&[]).code(6);
    assert!(refused.stderr.contains("429"), "{}", refused.stderr);

    let status = env.run(["rate-limit", "status", "-o", "json"]).ok().json();
    let [state] = status.as_array().cloned().unwrap().try_into().unwrap();
    assert_eq!(state["learned"], "1/900s", "{state}");
    let hold = state["hold_seconds"].as_u64().unwrap();
    assert!(
        (800..=900).contains(&hold),
        "held for at most 15 minutes: {state}"
    );

    // `auto` now waits out the hold: past the deadline, it fails at once, sends
    // nothing, and says how to see and reset the state.
    let before = seen(&served);
    let held = list(&["--timeout", "5s"]).code(6);
    assert!(
        held.stderr.contains("client-side rate limit"),
        "{}",
        held.stderr
    );
    assert!(
        held.stderr.contains("connkit rate-limit reset"),
        "{}",
        held.stderr
    );
    assert_eq!(seen(&served), before);

    // An explicit limit is never overridden by what was learned: it sends (and this
    // server still refuses it).
    let fixed = list(&["--rate-limit", "100/10s"]).code(6);
    assert!(!fixed.stderr.contains("client-side"), "{}", fixed.stderr);
    assert_eq!(seen(&served), before + 1);

    // Reset only this tenant's state; then `auto` sends again.
    env.run([
        "--base-url",
        served.base_url.as_str(),
        "rate-limit",
        "reset",
    ])
    .ok();
    let status = env.run(["rate-limit", "status", "-o", "json"]).ok().json();
    assert_eq!(status[0]["learned"], serde_json::Value::Null, "{status}");
    assert_eq!(status[0]["hold_seconds"], 0, "{status}");
    list(&[]).code(6);
    assert_eq!(seen(&served), before + 2);
}

/// `auto` against a 5 per 2 s server learns the window with the count, and says once,
/// at default verbosity, that it slowed down and why.
#[test]
fn auto_learns_a_short_window_and_says_so_once() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "12", "--rate-limit", "5/2s"]);
    let run = env
        .run(as_shared_client(
            &served,
            // Without LIST_ALL's `-q`: the notice is at default verbosity.
            &[
                &["--rate-limit", "auto"][..],
                &LIST_ALL[..LIST_ALL.len() - 1],
            ]
            .concat(),
        ))
        .ok();
    assert_eq!(run.stdout.lines().count(), 12);
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("429 Too Many Requests"))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    let limit = said[0]
        .split("keeping to ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("the limit kept to");
    let (max, window) = limit.split_once('/').expect("MAX/WINDOW");
    let window_ms: u64 = match window.strip_suffix("ms") {
        Some(ms) => ms.parse().expect("milliseconds"),
        None => {
            1000 * window
                .trim_end_matches('s')
                .parse::<u64>()
                .expect("seconds")
        }
    };
    // The count first learned may include requests still in flight that the server
    // then refuses (they count until answered); later 429s lower it further.
    assert!(max.parse::<u32>().is_ok_and(|m| m >= 1), "{limit}");
    assert!(
        (2000..3000).contains(&window_ms),
        "learned {limit}, not the 2 s window"
    );
}
