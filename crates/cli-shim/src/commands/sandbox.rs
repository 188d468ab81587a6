//! `connkit sandbox serve|reset`.

use std::io::Write;

use connkit_sandbox::{AuthMode, RateLimitConfig, Sandbox};

use crate::args::{SandboxCommand, ServeArgs};
use crate::exit::Failure;
use crate::sandbox_home;

/// Runs one `sandbox` subcommand.
pub async fn run(
    command: &SandboxCommand,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        SandboxCommand::Serve(args) => serve(args, quiet, out).await,
        SandboxCommand::Reset => reset(quiet),
    }
}

/// Serves until Ctrl-C or SIGTERM; the base URL is the first line on stdout.
async fn serve(args: &ServeArgs, quiet: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let mut builder = Sandbox::builder();
    if let Some(n) = args.seed {
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
    let sandbox = builder
        .build()
        .map_err(|e| Failure::context("starting the sandbox", e))?;
    let server = sandbox
        .serve(args.addr)
        .await
        .map_err(|e| Failure::context("starting the sandbox", e))?;
    writeln!(out, "{}", server.base_url()).map_err(Failure::write_failed)?;
    out.flush().map_err(Failure::write_failed)?;
    if !quiet {
        eprintln!(
            "sandbox serving the v2024 Connectors API at {}/v2024 (stats: {}/__sandbox/stats); \
             Ctrl-C to stop",
            server.base_url(),
            server.base_url()
        );
    }
    shutdown_signal().await?;
    server.shutdown().await;
    Ok(())
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

/// Forgets the `--sandbox` state; the next use seeds the demo set again.
fn reset(quiet: bool) -> Result<(), Failure> {
    let state = sandbox_home::state_file()?;
    match std::fs::remove_file(&state) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Failure::context(format!("removing {}", state.display()), e)),
    }
    if !quiet {
        eprintln!("sandbox state reset ({})", state.display());
    }
    Ok(())
}
