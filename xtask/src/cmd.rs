//! Running external programs (cargo, git) with their command line echoed and their
//! failures turned into errors that name the command.

use std::path::Path;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// How a command is shown to the user: `$ program arg arg` (the program's file name, with
/// `(in dir)` when a directory is set).
pub fn display(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let mut line = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = cmd.get_current_dir() {
        line.push_str(&format!("  (in {})", dir.display()));
    }
    line
}

/// Runs `cmd` with inherited stdio, echoing it first; fails if it exits unsuccessfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = display(cmd);
    eprintln!("$ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` silently and returns its whole output, whatever its exit status.
pub fn output(cmd: &mut Command) -> Result<Output> {
    let line = display(cmd);
    cmd.output()
        .with_context(|| format!("could not start `{line}`"))
}

/// Runs `cmd` silently and returns its stdout; on failure the error carries its stderr.
pub fn read(cmd: &mut Command) -> Result<String> {
    let line = display(cmd);
    let out = output(cmd)?;
    if !out.status.success() {
        bail!(
            "`{line}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout).with_context(|| format!("`{line}` printed invalid UTF-8"))
}

/// A `cargo` command: the cargo that is running xtask (`$CARGO`), else the one on `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
