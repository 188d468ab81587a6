//! The host's handle on one isolated worker process: pipes, a reader thread that turns
//! stdout into frames, a drain that keeps the tail of stderr, and an autopsy when the
//! worker dies.

use std::io::{self, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::protocol::{decode, read_frame, write_frame, MAX_ANSWER_FRAME, MAX_REQUEST_FRAME};
use crate::WorkerCommand;

/// How much of the worker's stderr is kept for crash reports.
const STDERR_TAIL: usize = 4096;
/// How much of that tail a crash report quotes.
const STDERR_QUOTE: usize = 600;
/// How long a worker whose stream ended gets to finish exiting before it is killed,
/// and how long its stderr gets to drain.
pub(crate) const EXIT_GRACE: Duration = Duration::from_millis(500);

/// Why a message did not arrive.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing within the timeout; the worker is presumably hung.
    Timeout,
    /// The stream broke (worker died, or sent something that is not a message).
    Broken(String),
}

/// A running worker.
#[derive(Debug)]
pub(crate) struct WorkerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    frames: mpsc::Receiver<io::Result<Vec<u8>>>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
    stderr_done: mpsc::Receiver<()>,
    /// Set once the worker is waited for: its pid may belong to another process now.
    reaped: bool,
}

impl WorkerProcess {
    /// Starts `command` for the plugin at `plugin`, with piped stdio, as the leader of
    /// a process group of its own (on Unix), so that ending it ends all it started.
    pub(crate) fn spawn(command: &WorkerCommand, plugin: &Path) -> io::Result<Self> {
        let mut command = command.command_for(plugin);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(stdin), Some(stdout), Some(stderr)) => (stdin, stdout, stderr),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(io::Error::other(
                        "the worker's standard streams were not piped",
                    ));
                }
            };
        let (frame_tx, frames) = mpsc::channel();
        thread::Builder::new()
            .name("plugin worker stdout".to_owned())
            .spawn(move || {
                let mut stdout = BufReader::new(stdout);
                loop {
                    match read_frame(&mut stdout, MAX_ANSWER_FRAME) {
                        Ok(Some(frame)) => {
                            if frame_tx.send(Ok(frame)).is_err() {
                                return;
                            }
                        }
                        Ok(None) => return,
                        Err(e) => {
                            let _ = frame_tx.send(Err(e));
                            return;
                        }
                    }
                }
            })?;
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr_tail);
        let (done_tx, stderr_done) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("plugin worker stderr".to_owned())
            .spawn(move || {
                let _done = done_tx;
                drain_into_tail(stderr, &tail);
            })?;
        Ok(Self {
            child,
            stdin: Some(stdin),
            frames,
            stderr_tail,
            stderr_done,
            reaped: false,
        })
    }

    /// Sends one message.
    pub(crate) fn send<T: Serialize>(&mut self, message: &T) -> Result<(), Failure> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| Failure::Broken("the worker's stdin is closed".to_owned()))?;
        write_frame(stdin, message, MAX_REQUEST_FRAME)
            .map_err(|e| Failure::Broken(format!("cannot write to the worker: {e}")))
    }

    /// Waits up to `timeout` (forever for `None`) for the next message.
    pub(crate) fn receive<T: DeserializeOwned>(
        &mut self,
        timeout: Option<Duration>,
    ) -> Result<T, Failure> {
        let frame = match timeout {
            Some(timeout) => self.frames.recv_timeout(timeout).map_err(|e| match e {
                mpsc::RecvTimeoutError::Timeout => Failure::Timeout,
                mpsc::RecvTimeoutError::Disconnected => ended(),
            })?,
            None => self.frames.recv().map_err(|_| ended())?,
        };
        let frame =
            frame.map_err(|e| Failure::Broken(format!("cannot read from the worker: {e}")))?;
        decode(&frame)
            .map_err(|e| Failure::Broken(format!("the worker sent a malformed message: {e}")))
    }

    /// Ends the worker and says how it ended, with the tail of its stderr. A worker
    /// that has not exited within `grace` (zero for a hung one) is killed.
    pub(crate) fn end(mut self, grace: Duration) -> String {
        drop(self.stdin.take());
        let status = self.reap(grace);
        // The stderr drain ends when the worker (and anything it spawned) is gone.
        let _ = self.stderr_done.recv_timeout(EXIT_GRACE);
        let mut report = match status {
            Ok(status) => describe(status),
            Err(e) => format!("cannot tell how the worker ended: {e}"),
        };
        let tail = self
            .stderr_tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let quote = quote_tail(&tail);
        if !quote.is_empty() {
            report.push_str("; its stderr ended with: ");
            report.push_str(&quote);
        }
        report
    }

    /// Waits up to `grace` for the worker to exit by itself, then kills its process
    /// group (the worker and anything it started); reaps it.
    fn reap(&mut self, grace: Duration) -> io::Result<ExitStatus> {
        let deadline = Instant::now() + grace;
        while !self.has_exited() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        self.kill_group();
        self.reaped = true;
        self.child.wait()
    }

    /// `true` once the worker has exited. On Linux it is left unreaped, so that its
    /// pid, and so its process group's id, cannot be reused before [`Self::kill_group`].
    pub(crate) fn has_exited(&mut self) -> bool {
        #[cfg(target_os = "linux")]
        {
            use rustix::process::{waitid, Pid, WaitId, WaitIdOptions};
            let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
            let pid = Pid::from_child(&self.child);
            // An error means the child is gone already (reaped): nothing to wait for.
            !matches!(waitid(WaitId::Pid(pid), options), Ok(None))
        }
        #[cfg(not(target_os = "linux"))]
        {
            !matches!(self.child.try_wait(), Ok(None))
        }
    }

    /// Kills the worker's process group: a grandchild a plugin forked (if confinement
    /// let it) dies with the worker. Elsewhere than Unix, kills the worker.
    fn kill_group(&mut self) {
        #[cfg(unix)]
        {
            use rustix::process::{kill_process_group, Pid, Signal};
            // Fails only when the group is already empty.
            let _ = kill_process_group(Pid::from_child(&self.child), Signal::KILL);
        }
        // An error here means it exited in the meantime; `wait` tells how.
        let _ = self.child.kill();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        // Closing stdin asks the worker to exit; killing its group makes sure, and
        // ends whatever it started; waiting reaps it.
        drop(self.stdin.take());
        if !self.reaped {
            self.kill_group();
            let _ = self.child.wait();
        }
    }
}

fn ended() -> Failure {
    Failure::Broken("the worker closed its output".to_owned())
}

fn drain_into_tail(mut stderr: impl Read, tail: &Mutex<Vec<u8>>) {
    let mut chunk = [0u8; 4096];
    loop {
        match stderr.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => {
                let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
                tail.extend_from_slice(&chunk[..n]);
                let excess = tail.len().saturating_sub(STDERR_TAIL);
                tail.drain(..excess);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// The last [`STDERR_QUOTE`] bytes of `tail`, as one trimmed line of text.
fn quote_tail(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(&tail[tail.len().saturating_sub(STDERR_QUOTE)..]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How a worker process ended, for a person.
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!(
                "the worker was killed by signal {signal}{}",
                signal_name(signal)
            );
        }
    }
    match status.code() {
        Some(code) => format!("the worker exited with status {code}"),
        None => format!("the worker ended: {status}"),
    }
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => " (SIGABRT)",
        libc::SIGBUS => " (SIGBUS)",
        libc::SIGFPE => " (SIGFPE)",
        libc::SIGILL => " (SIGILL)",
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGSEGV => " (SIGSEGV)",
        libc::SIGTERM => " (SIGTERM)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stderr_tail_keeps_the_last_bytes_on_one_line() {
        let tail = Mutex::new(Vec::new());
        let noise = "x".repeat(STDERR_TAIL);
        drain_into_tail(
            format!("{noise}\nfatal:\n  out of luck\n").as_bytes(),
            &tail,
        );
        let tail = tail.into_inner().unwrap();
        assert_eq!(tail.len(), STDERR_TAIL);
        assert!(quote_tail(&tail).ends_with("x fatal: out of luck"));
        assert_eq!(quote_tail(b""), "");
    }
}
