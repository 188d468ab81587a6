//! `connkit sandbox serve|reset|export|import|c1-credentials|c1-apps|c1-syncs|requests`.

pub mod args;
mod c1;
mod requests;

use std::io::Write;
use std::path::{Path, PathBuf};

use connkit_sandbox::{state, AuthMode, FaultRule, RateLimitConfig, Sandbox, MAX_SEED};
use connkit_transport::read_user_file;

use crate::exit::Failure;
use crate::output::Sink;
use crate::sandbox_home;
use args::SandboxCommand;
use args::{C1CredentialsArgs, ServeArgs, StateArgs, StateFileArgs};

/// Runs one `sandbox` subcommand.
pub async fn run(command: &SandboxCommand, sink: Sink<'_>) -> Result<(), Failure> {
    let (quiet, out) = (sink.quiet, &mut *sink.out);
    match command {
        SandboxCommand::Serve(args) => serve(args, quiet, out).await,
        SandboxCommand::Reset(args) => reset(args, quiet),
        SandboxCommand::Export(args) => export(args, quiet, out),
        SandboxCommand::Import(args) => import(args, quiet),
        SandboxCommand::C1Credentials(args) => c1_credentials(args, out),
        SandboxCommand::C1Apps(args) => c1::apps(args, sink),
        SandboxCommand::C1Syncs(args) => c1::syncs(args, sink),
        SandboxCommand::Requests(args) => requests::run(args, sink).await,
    }
}

/// Serves until Ctrl-C or SIGTERM; the base URL is the first line on stdout.
async fn serve(args: &ServeArgs, quiet: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let mut builder = Sandbox::builder();
    if let Some(n) = args.seed {
        if n > MAX_SEED {
            return Err(Failure::usage(format!(
                "--seed {n} is above the limit of {MAX_SEED} connectors"
            )));
        }
        builder = builder.seed(n);
    }
    if let Some(path) = &args.state {
        builder = builder.state_file(path);
    }
    if let Some(limit) = &args.rate_limit {
        let limit: RateLimitConfig = limit
            .parse()
            .map_err(|e| Failure::usage(format!("sandbox serve --rate-limit: {e}")))?;
        builder = builder.rate_limit(limit);
    }
    if let Some(faults) = &args.faults {
        builder = builder.faults(faults.clone());
    }
    match &args.require_auth {
        None => {}
        Some(None) => builder = builder.require_auth(AuthMode::AnyIssuedToken),
        Some(Some(token)) => builder = builder.require_auth(AuthMode::Fixed(token.clone())),
    }
    for rule in args.fault_rules.iter().cloned() {
        builder = builder.fault_rule(rule);
    }
    if let Some(file) = &args.fault_rules_file {
        for rule in fault_rules_file(file)? {
            builder = builder.fault_rule(rule);
        }
    }
    let admin_routes = args.addr.ip().is_loopback() || args.admin_routes;
    builder = builder.journal(args.journal).admin_routes(admin_routes);
    let sandbox = builder
        .build()
        .map_err(|e| Failure::context("starting the sandbox", e))?;
    if let (Some(n), Some(path), false) = (args.seed, &args.state, quiet) {
        if sandbox.seed_ignored() {
            eprintln!(
                "note: --seed {n} ignored: {} already holds a state (`connkit sandbox reset \
                 --state {}` starts afresh)",
                path.display(),
                path.display()
            );
        }
    }
    let server = sandbox
        .serve(args.addr)
        .await
        .map_err(|e| Failure::context("starting the sandbox", e))?;
    let host = server.base_url().trim_start_matches("http://").to_owned();
    // One write, so that a reader of the first line alone never breaks the pipe.
    let credentials = c1_credential_lines(&sandbox, &host)?;
    write!(out, "{}\n{credentials}", server.base_url())
        .and_then(|()| out.flush())
        .map_err(Failure::write_failed)?;
    if !quiet {
        eprintln!(
            "sandbox serving the v2024 Connectors API at {base}/v2024 and the ConductorOne \
             ConnectorService at {base}/api/v1 (dashboard: {base}/__sandbox/, stats: \
             {base}/__sandbox/stats); Ctrl-C to stop",
            base = server.base_url(),
        );
        if !admin_routes {
            eprintln!(
                "admin routes disabled on {}: the dashboard and /__sandbox are read-only \
                 (--admin-routes allows changes)",
                args.addr
            );
        }
        if let Some(fixed) = &args.require_auth {
            let isc = match fixed {
                Some(_) => "the bearer token given to --require-auth",
                None => "a token from its /oauth/token",
            };
            eprintln!(
                "auth required: ISC requests need {isc} (client_credentials with any client \
                 id and secret, e.g. --client-id demo --client-secret demo); C1 requests need \
                 the CONDUCTORONE_CLIENT_ID/SECRET printed above"
            );
        }
    }
    shutdown_signal().await?;
    server.shutdown().await;
    Ok(())
}

/// The largest fault rules file read.
const MAX_FAULT_RULES_FILE: u64 = 1024 * 1024;

/// The rules of a `--fault-rules-file`: a JSON array; every error names the file.
fn fault_rules_file(file: &Path) -> Result<Vec<FaultRule>, Failure> {
    let name = format!("--fault-rules-file {}", file.display());
    let bytes = read_user_file(file, MAX_FAULT_RULES_FILE)
        .map_err(|e| Failure::usage(format!("{name}: cannot read it: {e}")))?;
    let rules: Vec<FaultRule> = serde_json::from_slice(&bytes)
        .map_err(|e| Failure::usage(format!("{name}: not a JSON array of fault rules: {e}")))?;
    for (index, rule) in rules.iter().enumerate() {
        rule.validate()
            .map_err(|e| Failure::usage(format!("{name}: rule {index}: {e}")))?;
    }
    Ok(rules)
}

/// Mints a C1 credential for clients that reach the sandbox at `host`, as the lines
/// `CONDUCTORONE_CLIENT_ID=…` and `CONDUCTORONE_CLIENT_SECRET=…` (what ConductorOne's
/// tools read).
fn c1_credential_lines(sandbox: &Sandbox, host: &str) -> Result<String, Failure> {
    let (client_id, secret) = sandbox
        .c1()
        .mint_credentials(host)
        .map_err(|e| Failure::context("minting a ConductorOne credential", e))?;
    Ok(format!(
        "CONDUCTORONE_CLIENT_ID={client_id}\nCONDUCTORONE_CLIENT_SECRET={secret}\n"
    ))
}

/// Mints a C1 credential into the state database; a sandbox serving it accepts it at
/// once.
fn c1_credentials(args: &C1CredentialsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let sandbox = open_state(&args.state)?;
    let lines = c1_credential_lines(&sandbox, &args.host)?;
    out.write_all(lines.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::write_failed)
}

/// A sandbox on the state database, in this process (a served one shares it).
pub(super) fn open_state(args: &StateArgs) -> Result<Sandbox, Failure> {
    Sandbox::builder()
        .state_file(state_path(args)?)
        .build()
        .map_err(|e| Failure::context("opening the sandbox state", e))
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() -> Result<(), Failure> {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())
            .map_err(|e| Failure::context("listening for SIGTERM", e))?;
        tokio::select! {
            result = ctrl_c => result.map_err(|e| Failure::context("listening for Ctrl-C", e)),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    ctrl_c
        .await
        .map_err(|e| Failure::context("listening for Ctrl-C", e))
}

/// The state database a `reset|export|import` works on.
fn state_path(args: &StateArgs) -> Result<PathBuf, Failure> {
    match &args.state {
        Some(path) => Ok(path.clone()),
        None => crate::sandbox_home::state_file(),
    }
}

/// Forgets the state (for `--sandbox`, also an older version's JSON state file); the
/// next use seeds the demo set again. Refused while a sandbox has the state open.
fn reset(args: &StateArgs, quiet: bool) -> Result<(), Failure> {
    let path = state_path(args)?;
    state::reset(&path).map_err(|e| Failure::context("resetting the sandbox state", e))?;
    if args.state.is_none() {
        let legacy = sandbox_home::legacy_state_file(&path);
        match std::fs::remove_file(&legacy) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Failure::context(
                    format!("removing {}", legacy.display()),
                    e,
                ))
            }
        }
    }
    if !quiet {
        eprintln!("sandbox state reset ({})", path.display());
    }
    Ok(())
}

/// Writes the state as JSON to the file, or to stdout for `-`.
fn export(args: &StateFileArgs, quiet: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let path = state_path(&args.state)?;
    let json =
        state::export(&path).map_err(|e| Failure::context("exporting the sandbox state", e))?;
    if args.file == Path::new("-") {
        out.write_all(&json).map_err(Failure::write_failed)?;
        return out.flush().map_err(Failure::write_failed);
    }
    std::fs::write(&args.file, &json)
        .map_err(|e| Failure::context(format!("writing {}", args.file.display()), e))?;
    if !quiet {
        eprintln!(
            "sandbox state {} exported to {}",
            path.display(),
            args.file.display()
        );
    }
    Ok(())
}

/// Replaces the state by the JSON state in the file.
fn import(args: &StateFileArgs, quiet: bool) -> Result<(), Failure> {
    let path = state_path(&args.state)?;
    let count = state::import(&path, &args.file)
        .map_err(|e| Failure::context("importing the sandbox state", e))?;
    if !quiet {
        eprintln!(
            "imported {count} connectors from {} into {}",
            args.file.display(),
            path.display()
        );
    }
    Ok(())
}
