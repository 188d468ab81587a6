//! Runs the built `connkit` under a pseudo-terminal, so it sees a terminal on stdout and
//! stderr as a person's shell would give it.

use std::process::Command;

use expectrl::{Eof, Session};

use crate::support::Env;

/// Everything `connkit args` printed on the terminal (stdout and stderr together) in
/// the isolated `env`, with `extra` environment variables.
pub fn run(env: &Env, extra: &[(&str, &str)], args: &[&str]) -> String {
    let mut command: Command = env.cmd(args);
    for (key, value) in extra {
        command.env(key, value);
    }
    let mut session = Session::spawn(command).expect("spawn connkit under a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    let found = session.expect(Eof).expect("connkit ends");
    // `Eof` matches everything printed up to the end.
    String::from_utf8_lossy(found.get(0).unwrap_or_default()).into_owned()
}
