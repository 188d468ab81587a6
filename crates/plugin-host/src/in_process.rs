//! In-process mode: the plugin runs inside the host, each call on a worker thread so
//! the host can stop waiting after a timeout.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use connkit_models::preflight::{BodyKind, Finding, Validator};

use crate::library::Library;
use crate::outcome::{into_findings, CallError, CallResult};

/// After this many calls have timed out and are still running, the plugin is not
/// called again until one of them returns: a wedged plugin must not cost one leaked
/// thread per request.
const MAX_ABANDONED: usize = 4;

/// A plugin loaded into the host process (see [`Loader::in_process`](crate::Loader::in_process)).
#[derive(Debug)]
pub(crate) struct InProcessPlugin {
    library: Arc<Library>,
    timeout: Option<Duration>,
    abandoned: Arc<AtomicUsize>,
}

impl InProcessPlugin {
    pub(crate) fn new(library: Library, timeout: Option<Duration>) -> Self {
        Self {
            library: Arc::new(library),
            timeout,
            abandoned: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn call_with_timeout(&self, kind: u32, body: &[u8], timeout: Duration) -> CallResult {
        let abandoned = self.abandoned.load(Ordering::SeqCst);
        if abandoned >= MAX_ABANDONED {
            return Err(CallError::Unavailable(format!(
                "{abandoned} earlier calls are still running past their timeout"
            )));
        }
        let (tx, rx) = mpsc::sync_channel(1);
        // Whichever of caller and thread sets this second knows the other side is done.
        let finished = Arc::new(AtomicBool::new(false));
        let thread_finished = Arc::clone(&finished);
        let thread_abandoned = Arc::clone(&self.abandoned);
        let library = Arc::clone(&self.library);
        let body = body.to_vec();
        let spawned = std::thread::Builder::new()
            .name(format!("plugin {}", library.info().name))
            .spawn(move || {
                // A send error only means the caller gave up; the result is not needed.
                let _ = tx.send(library.call(kind, &body));
                if thread_finished.swap(true, Ordering::SeqCst) {
                    thread_abandoned.fetch_sub(1, Ordering::SeqCst);
                }
            });
        if let Err(e) = spawned {
            return Err(CallError::Unavailable(format!(
                "cannot start a thread: {e}"
            )));
        }
        match rx.recv_timeout(timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.abandoned.fetch_add(1, Ordering::SeqCst);
                if finished.swap(true, Ordering::SeqCst) {
                    // The plugin answered just after the deadline: use the answer.
                    self.abandoned.fetch_sub(1, Ordering::SeqCst);
                    if let Ok(result) = rx.try_recv() {
                        return result;
                    }
                }
                Err(CallError::Timeout(timeout))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(CallError::Unavailable(
                "the call's thread ended without an answer".to_owned(),
            )),
        }
    }
}

impl Validator for InProcessPlugin {
    fn name(&self) -> &str {
        &self.library.info().name
    }

    fn supports(&self, kind: BodyKind) -> bool {
        self.library.info().kinds.contains(&kind.as_u32())
    }

    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        let result = match self.timeout {
            Some(timeout) => self.call_with_timeout(kind.as_u32(), body, timeout),
            None => self.library.call(kind.as_u32(), body),
        };
        into_findings(result, self.name(), kind)
    }
}
