//! The same global options behave the same on both APIs: one table of cases, each run
//! on `connkit connectors …` (ISC) and on `connkit c1 connectors …` (ConductorOne)
//! against a `connkit sandbox serve` of its own. `--timeout`, `--retries`,
//! `--rate-limit`, the token cache, and the exit codes of a missing connector, a
//! refused token, a usage error and a write whose outcome is unknown.

use std::time::{Duration, Instant};

use crate::c1_sandbox::OKTA;
use crate::support::{Env, Run, Served};

/// What a case runs, in each API's words.
#[derive(Debug, Clone, Copy)]
enum Command {
    /// Reads a connector of a `--seed 1` sandbox.
    Get,
    /// Reads a connector that does not exist.
    GetMissing,
    /// Creates a connector (a write: its lost answer is an unknown outcome).
    Create,
}

/// One API as the cases drive it.
struct Api {
    name: &'static str,
    get: &'static [&'static str],
    get_missing: &'static [&'static str],
    create: &'static [&'static str],
    /// How the sandbox's stats name the operation of each command.
    get_operation: &'static str,
    create_operation: &'static str,
    /// And of its token endpoint.
    token_operation: &'static str,
}

const ISC: Api = Api {
    name: "isc",
    get: &["connectors", "get", "active-directory"],
    get_missing: &["connectors", "get", "no-such-connector"],
    create: &[
        "connectors",
        "create",
        "--name",
        "Parity",
        "--class-name",
        "sailpoint.connector.OpenConnectorAdapter",
    ],
    get_operation: "getConnector",
    create_operation: "createCustomConnector",
    token_operation: "oauthToken",
};

const C1: Api = Api {
    name: "c1",
    get: &[
        "c1",
        "connectors",
        "get",
        "--app",
        OKTA,
        "2demoapp000okta0000000000001-c001",
    ],
    get_missing: &[
        "c1",
        "connectors",
        "get",
        "--app",
        OKTA,
        "no-such-connector",
    ],
    create: &[
        "c1",
        "connectors",
        "create",
        "--app",
        OKTA,
        "--catalog-id",
        "cat",
        "--delegated",
        "--display-name",
        "Parity",
    ],
    get_operation: "c1.Get",
    create_operation: "c1.CreateDelegated",
    token_operation: "c1.Token",
};

impl Api {
    fn args(&self, command: Command) -> &'static [&'static str] {
        match command {
            Command::Get => self.get,
            Command::GetMissing => self.get_missing,
            Command::Create => self.create,
        }
    }

    fn operation(&self, command: Command) -> &'static str {
        match command {
            Command::Get | Command::GetMissing => self.get_operation,
            Command::Create => self.create_operation,
        }
    }
}

/// One behaviour, expected the same on both APIs.
struct Case {
    name: &'static str,
    /// `sandbox serve` options besides `--seed 1`.
    serve: &'static [&'static str],
    /// Global options (`--base-url` and, unless given here, `--token t` are added).
    options: &'static [&'static str],
    /// Client credentials (the sandbox's: ISC takes any, ConductorOne's are the ones
    /// `sandbox serve` printed) instead of `--token t`.
    credentials: bool,
    command: Command,
    /// Runs before the one checked (they must succeed).
    runs_before: usize,
    exit: i32,
    /// What stderr says.
    says: &'static str,
    /// How many requests of the checked run's operation reached the server, if checked.
    sent: Option<u64>,
    /// How long the checked run may take at most.
    within: Duration,
    /// How many tokens all runs bought, if checked.
    tokens: Option<u64>,
}

/// Long enough for any case that is not about time.
const SLOW: Duration = Duration::from_secs(60);

const CASES: &[Case] = &[
    Case {
        name: "--timeout bounds the command, however slow the server",
        serve: &["--faults", "latency=5s"],
        options: &["--timeout", "300ms"],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 6,
        says: "error: --timeout 300ms ran out before the command finished",
        sent: None,
        within: Duration::from_secs(3),
        tokens: None,
    },
    Case {
        name: "--retries 0 sends a request that keeps failing once",
        serve: &["--faults", "error=1"],
        options: &["--retries", "0"],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 6,
        says: "503",
        sent: Some(1),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "--retries 2 sends it three times",
        serve: &["--faults", "error=1"],
        options: &["--retries", "2"],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 6,
        says: "503",
        sent: Some(3),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "without --retries the default policy sends it four times",
        serve: &["--faults", "error=1"],
        options: &[],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 6,
        says: "503",
        sent: Some(4),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "--rate-limit holds a second run to the limit shared across processes",
        serve: &[],
        options: &["--rate-limit", "1/60s", "--timeout", "2s"],
        credentials: false,
        command: Command::Get,
        runs_before: 1,
        exit: 6,
        says: "connkit rate-limit reset",
        sent: Some(0),
        within: Duration::from_secs(5),
        tokens: None,
    },
    Case {
        name: "a bad --rate-limit is a usage error",
        serve: &[],
        options: &["--rate-limit", "fast"],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 2,
        says: "--rate-limit",
        sent: Some(0),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "a connector that does not exist exits 4",
        serve: &[],
        options: &[],
        credentials: false,
        command: Command::GetMissing,
        runs_before: 0,
        exit: 4,
        says: "no-such-connector",
        sent: Some(1),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "a token the server refuses exits 5",
        serve: &["--require-auth"],
        options: &["--token", "wrong"],
        credentials: false,
        command: Command::Get,
        runs_before: 0,
        exit: 5,
        says: "401",
        sent: Some(1),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "a create whose answer is always lost exits 7: it may have been applied",
        serve: &["--faults", "truncate=1"],
        options: &["--retries", "2"],
        credentials: false,
        command: Command::Create,
        runs_before: 0,
        exit: 7,
        says: "may have been applied",
        sent: Some(1),
        within: SLOW,
        tokens: None,
    },
    Case {
        name: "a client-credentials token is cached: two runs buy one",
        serve: &["--require-auth"],
        options: &[],
        credentials: true,
        command: Command::Get,
        runs_before: 1,
        exit: 0,
        says: "",
        sent: Some(1),
        within: SLOW,
        tokens: Some(1),
    },
    Case {
        name: "--no-token-cache buys a token each run",
        serve: &["--require-auth"],
        options: &["--no-token-cache"],
        credentials: true,
        command: Command::Get,
        runs_before: 1,
        exit: 0,
        says: "",
        sent: Some(1),
        within: SLOW,
        tokens: Some(2),
    },
];

/// Runs `case` on `api` against a sandbox of its own; what went wrong, if anything.
fn check(case: &Case, api: &Api) -> Result<(), String> {
    let env = Env::new();
    let mut serve = vec!["--seed", "1"];
    serve.extend_from_slice(case.serve);
    let served = Served::start(&env, &serve);
    let mut args = vec!["--base-url", served.base_url.as_str()];
    let (c1_id, c1_secret) = &served.c1_credentials;
    match (case.credentials, api.name) {
        (true, "c1") => args.extend(["--client-id", c1_id, "--client-secret", c1_secret]),
        (true, _) => args.extend(["--client-id", "parity", "--client-secret", "s3cret"]),
        (false, _) if case.options.contains(&"--token") => {}
        (false, _) => args.extend(["--token", "t"]),
    }
    args.extend_from_slice(case.options);
    args.extend_from_slice(api.args(case.command));
    for _ in 0..case.runs_before {
        let before = env.run(&args);
        if before.code != 0 {
            return Err(format!(
                "a run before exited {}: {}",
                before.code, before.stderr
            ));
        }
    }
    let started = Instant::now();
    let run: Run = env.run(&args);
    let took = started.elapsed();
    let mut wrong = Vec::new();
    if run.code != case.exit {
        wrong.push(format!("exit {} (wanted {})", run.code, case.exit));
    }
    if !run.stderr.contains(case.says) {
        wrong.push(format!("stderr without {:?}", case.says));
    }
    if took > case.within {
        wrong.push(format!("took {took:?} (at most {:?})", case.within));
    }
    let stats = served.stats();
    let count = |operation: &str| stats["by_operation"][operation].as_u64().unwrap_or(0);
    if let Some(tokens) = case.tokens {
        let bought = count(api.token_operation);
        if bought != tokens {
            wrong.push(format!("{bought} tokens bought (wanted {tokens})"));
        }
    }
    if let Some(sent) = case.sent {
        let counted = count(api.operation(case.command));
        let expected = sent + case.runs_before as u64;
        if counted != expected {
            wrong.push(format!(
                "{counted} requests reached the server (wanted {expected})"
            ));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr\n{}", wrong.join("; "), run.stderr))
    }
}

#[test]
fn both_apis_behave_the_same() {
    let mut failures = Vec::new();
    for case in CASES {
        for api in [&ISC, &C1] {
            if let Err(why) = check(case, api) {
                failures.push(format!("[{}] {}: {why}", api.name, case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What legitimately differs: each API's help names its own variables and URLs, under
/// the family and every command of it (the options are global), and the top level
/// keeps ISC's; an ISC command leaves them to the top level.
#[test]
fn each_api_names_its_own_settings_in_help() {
    let env = Env::new();
    let help = |args: &[&str]| env.run(args).ok().stdout;
    for args in [
        &["c1", "--help"][..],
        &["c1", "connectors", "list", "--help"],
        &["--sandbox", "c1", "connectors", "get", "-h"],
    ] {
        let text = help(args);
        for wanted in [
            "CONDUCTORONE_SERVER_URL",
            "CONDUCTORONE_CLIENT_ID",
            "CONDUCTORONE_CLIENT_SECRET",
            "CONDUCTORONE_ACCESS_TOKEN",
            "https://example.conductor.one",
        ] {
            assert!(text.contains(wanted), "{args:?} without {wanted}:\n{text}");
        }
        for unwanted in ["SAIL_", "identitynow"] {
            assert!(
                !text.contains(unwanted),
                "{args:?} with {unwanted}:\n{text}"
            );
        }
    }
    let top = help(&["--help"]);
    for wanted in ["SAIL_BASE_URL", "SAIL_CLIENT_ID", "identitynow.com"] {
        assert!(top.contains(wanted), "--help without {wanted}:\n{top}");
    }
    for text in [top, help(&["connectors", "get", "--help"])] {
        assert!(!text.contains("CONDUCTORONE_CLIENT_ID"), "{text}");
    }
}
