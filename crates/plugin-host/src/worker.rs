//! The worker process's side of isolated mode.
//!
//! A program becomes a worker by calling [`run`] with the plugin's path: this crate's
//! `connkit-plugin-worker` binary does only that, and the `connkit` CLI does it from a
//! hidden `__plugin-worker PATH` subcommand so that it can re-execute itself.

use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::confinement::confine;
use crate::library::Library;
use crate::outcome::CallError;
use crate::protocol::{
    decode, read_frame, write_frame, Hello, Request, Response, MAX_ANSWER_FRAME, MAX_REQUEST_FRAME,
    PROTOCOL_VERSION,
};

/// Serves the plugin at `plugin` over stdin/stdout until stdin closes, then returns
/// success. Returns failure if the plugin cannot be loaded (after telling the host
/// why) or the host breaks the protocol.
///
/// Before loading the plugin, the worker keeps private copies of stdin and stdout for
/// the protocol and points the process's own stdout at stderr and stdin at
/// `/dev/null` (on Unix), so that a plugin that prints or reads cannot corrupt the
/// stream. Then, before it opens the plugin (whose initialisers run at load), the
/// worker confines itself (Landlock, seccomp, rlimits, no capabilities; see the crate
/// docs), and tells the host in its hello what is in force.
pub fn run(plugin: &Path) -> ExitCode {
    match serve(plugin) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("connkit plugin worker ({}): {e}", plugin.display());
            ExitCode::FAILURE
        }
    }
}

fn serve(plugin: &Path) -> io::Result<ExitCode> {
    let (input, mut output) = protocol_stdio()?;
    let mut input = BufReader::new(input);
    // Before the library is opened: its initialisers are the plugin's code too.
    let confinement = confine(plugin);
    let library = match Library::open(plugin) {
        Ok(library) => library,
        Err(error) => {
            write_frame(&mut output, &Hello::LoadFailed(error), MAX_ANSWER_FRAME)?;
            return Ok(ExitCode::from(2));
        }
    };
    let hello = Hello::Ready {
        protocol: PROTOCOL_VERSION,
        info: library.info().clone(),
        confinement,
    };
    write_frame(&mut output, &hello, MAX_ANSWER_FRAME)?;
    while let Some(frame) = read_frame(&mut input, MAX_REQUEST_FRAME)? {
        let request: Request = decode(&frame)?;
        let body = request
            .body()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let response = Response::from(library.call(request.kind, &body));
        answer(&mut output, &response)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Sends `response`, or, when it does not fit in an answer frame (the host would
/// refuse it), a `bad-output` error in its place: the worker never forwards more.
fn answer(output: &mut impl Write, response: &Response) -> io::Result<()> {
    match write_frame(output, response, MAX_ANSWER_FRAME) {
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let refused = Response::Error(CallError::BadOutput(format!(
                "the answer does not fit in {MAX_ANSWER_FRAME} bytes: {e}"
            )));
            write_frame(output, &refused, MAX_ANSWER_FRAME)
        }
        other => other,
    }
}

/// The protocol's input and output, with the process's stdin and stdout moved out of
/// the plugin's reach.
#[cfg(unix)]
#[allow(unsafe_code)]
fn protocol_stdio() -> io::Result<(Box<dyn Read>, Box<dyn Write>)> {
    use std::fs::File;
    use std::os::fd::{AsFd, AsRawFd};

    let input = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    let output = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    let null = File::open("/dev/null")?;
    io::stdout().flush()?;
    // SAFETY: `dup2` only renumbers descriptors. Both sources are open (we own `null`,
    // and stderr is the process's). The targets 0 and 1 are the process's standard
    // streams, which no Rust object owns; we hold our own duplicates of them above.
    let redirected = unsafe {
        libc::dup2(null.as_raw_fd(), libc::STDIN_FILENO) >= 0
            && libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) >= 0
    };
    if !redirected {
        return Err(io::Error::last_os_error());
    }
    Ok((Box::new(input), Box::new(output)))
}

/// The protocol's input and output (no redirection on this platform: a plugin that
/// writes to stdout will break the protocol, and its worker will be restarted).
#[cfg(not(unix))]
fn protocol_stdio() -> io::Result<(Box<dyn Read>, Box<dyn Write>)> {
    Ok((Box::new(io::stdin()), Box::new(io::stdout())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::CallResult;

    #[test]
    fn an_answer_too_large_for_the_host_becomes_a_bad_output_error() {
        let huge = Response::Error(CallError::Failed("x".repeat(MAX_ANSWER_FRAME as usize)));
        let mut wire = Vec::new();
        answer(&mut wire, &huge).unwrap();
        let frame = read_frame(&mut wire.as_slice(), MAX_ANSWER_FRAME)
            .unwrap()
            .unwrap();
        match CallResult::from(decode::<Response>(&frame).unwrap()) {
            Err(CallError::BadOutput(why)) => assert!(why.contains("does not fit"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
