//! Asking `connkit login`'s questions on a terminal: one line per answer on stderr and
//! stdin, a secret without echo. Off a terminal nothing is asked: a missing answer is
//! a usage error naming the flag that gives it.

use std::io::{BufRead, IsTerminal, Write};

use crate::exit::Failure;

/// Whether questions can be asked: stdin and stderr are both a terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The answer to `question`: `given` if a flag gave it; else asked on a terminal
/// (an empty answer takes `default`); else `default`, or a usage error naming `flag`.
pub fn answer(
    given: Option<String>,
    question: &str,
    default: Option<&str>,
    flag: &str,
) -> Result<String, Failure> {
    if let Some(given) = given.filter(|g| !g.trim().is_empty()) {
        return Ok(given);
    }
    if !interactive() {
        return default
            .map(str::to_owned)
            .ok_or_else(|| Failure::usage(format!("login needs {flag} (no terminal to ask on)")));
    }
    loop {
        match default {
            Some(default) => eprint!("{question} [{default}]: "),
            None => eprint!("{question}: "),
        }
        let line = read_line(flag)?;
        match (line.trim(), default) {
            ("", Some(default)) => return Ok(default.to_owned()),
            ("", None) => continue,
            (text, _) => return Ok(text.to_owned()),
        }
    }
}

/// A secret from stdin: asked for without echo on a terminal, else its first line.
pub fn secret() -> Result<String, Failure> {
    let line = if std::io::stdin().is_terminal() {
        eprint!("Client secret (not shown): ");
        let line = without_echo(|| read_line("--store-secret"))?;
        eprintln!();
        line
    } else {
        read_line("--store-secret")?
    };
    let secret = line.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        return Err(Failure::usage(
            "--store-secret: the secret read from stdin is empty",
        ));
    }
    Ok(secret)
}

/// One line of stdin; the end of input is an error naming `flag`, which answers
/// without asking.
fn read_line(flag: &str) -> Result<String, Failure> {
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::context("reading an answer from stdin", e))?;
    if read == 0 {
        return Err(Failure::usage(format!(
            "stdin ended before an answer (give {flag} instead)"
        )));
    }
    Ok(line)
}

/// Runs `read` with the terminal on stdin not echoing, and restores it after.
#[cfg(unix)]
fn without_echo<T>(read: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
    let stdin = std::io::stdin();
    let saved =
        tcgetattr(&stdin).map_err(|e| Failure::context("reading the terminal's mode", e))?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&stdin, OptionalActions::Now, &quiet)
        .map_err(|e| Failure::context("turning the terminal's echo off", e))?;
    let result = read();
    let restored = tcsetattr(&stdin, OptionalActions::Now, &saved)
        .map_err(|e| Failure::context("turning the terminal's echo back on", e));
    result.and_then(|value| restored.map(|()| value))
}

/// Where the terminal's echo cannot be turned off here, `read` runs with it on.
#[cfg(not(unix))]
fn without_echo<T>(read: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    read()
}
