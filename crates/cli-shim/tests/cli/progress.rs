//! Progress lines: on a terminal (a pseudo-terminal here) `--all` listings and `pull`
//! show a count, a rate, the time left and the rate-limit wait; in a pipe, nothing.

use crate::support::Env;

/// A listing of the embedded sandbox's 50 connectors, 10 a page, at most 2 requests a
/// second: long enough to wait for the rate limit.
const SLOW_LISTING: [&str; 10] = [
    "--sandbox",
    "--rate-limit",
    "2/1s",
    "connectors",
    "list",
    "--all",
    "--limit",
    "10",
    "-o",
    "json",
];

/// Everything `connkit ARGS…` writes on a pseudo-terminal (stdout and stderr both),
/// until it exits.
fn on_terminal(env: &Env, args: &[&str]) -> String {
    crate::pty::run(env, &[], args)
}

#[test]
fn an_all_listing_shows_count_rate_time_left_and_rate_limit_wait_on_a_terminal() {
    let env = Env::new();
    let seen = on_terminal(&env, &SLOW_LISTING);
    // Each drawing starts with a carriage return and an erase.
    let drawn: Vec<&str> = seen
        .split("\r\x1b[2K")
        .filter(|line| line.starts_with("connectors: "))
        .collect();
    assert!(
        drawn.iter().any(|line| line.contains("/50, ")
            && line.contains("/s, ETA ")
            && line.contains(", rate limit ")),
        "no progress line with a rate, a time left and a rate-limit wait: {drawn:?}"
    );
    assert!(
        drawn
            .iter()
            .any(|line| line.starts_with("connectors: 50/50")),
        "{drawn:?}"
    );
    // Erased when done: nothing is drawn after the last erase.
    let last = seen.rsplit("\r\x1b[2K").next().unwrap_or_default();
    assert!(!last.contains("connectors: "), "{last:?}");
}

#[test]
fn pull_counts_connectors_on_a_terminal() {
    let env = Env::new();
    let seen = on_terminal(
        &env,
        &["--sandbox", "connectors", "pull", "tree", "--builtin"],
    );
    assert!(seen.contains("\r\x1b[2Kpulling connectors: "), "{seen:?}");
    assert!(env.path().join("tree").is_dir());
}

#[test]
fn progress_stays_out_of_pipes() {
    let env = Env::new();
    let listed = env.run(SLOW_LISTING).ok();
    assert_eq!(listed.json().as_array().map(Vec::len), Some(50));
    assert!(!listed.stderr.contains("connectors: "), "{}", listed.stderr);
    assert!(!listed.stderr.contains('\x1b'), "{:?}", listed.stderr);
    let pulled = env
        .run(["--sandbox", "connectors", "pull", "tree", "--builtin"])
        .ok();
    assert!(
        !pulled.stderr.contains("pulling connectors: "),
        "{}",
        pulled.stderr
    );
}
