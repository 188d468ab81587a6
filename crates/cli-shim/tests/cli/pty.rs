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
    let seen = session.expect(Eof).expect("connkit ends");
    // The end of output matches with all of it.
    let mut bytes = seen.before().to_vec();
    for matched in seen.matches() {
        bytes.extend_from_slice(matched);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
