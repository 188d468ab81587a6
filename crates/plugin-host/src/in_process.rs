//! In-process mode: the plugin runs inside the host. Without a timeout a call runs on
//! the caller's thread; with one, it runs on one of the plugin's call threads, so that
//! the host can stop waiting after the timeout.
//!
//! A call thread is started the first time a call needs one and then kept: between
//! calls it waits on a channel for the next body. A call therefore costs a copy of the
//! body (into a buffer the thread keeps and reuses) and two hand-offs between threads,
//! not a new thread. A call that times out abandons its thread, which is still inside
//! the plugin and cannot be stopped (it ends whenever the plugin returns); the next call
//! starts a fresh one. Calls made at the same time each get a thread of their own.
//!
//! A plugin that crashes still ends the process, but says so first
//! ([`crash_notice`](crate::crash_notice)).

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::Duration;

use connkit_models::preflight::{BodyKind, Finding, Validator};

use crate::crash_notice;
use crate::library::Library;
use crate::outcome::{into_findings, CallError, CallResult};

/// After this many calls have timed out and are still running, the plugin is not
/// called again until one of them returns: a wedged plugin must not cost one leaked
/// thread per request.
const MAX_ABANDONED: usize = 4;

/// At most this many idle call threads are kept per plugin (as many as calls ran at
/// the same time, up to this); a call thread freed beyond that ends.
const MAX_IDLE: usize = 4;

/// A call thread keeps its body buffer for the next call only up to this capacity, so
/// one huge body does not stay allocated for the plugin's lifetime.
const MAX_KEPT_BUFFER: usize = 16 << 20;

/// A plugin loaded into the host process (see [`Loader::in_process`](crate::Loader::in_process)).
#[derive(Debug)]
pub(crate) struct InProcessPlugin {
    library: Arc<Library>,
    /// The plugin's name for the crash notice (leaked once per loaded plugin: the
    /// signal handler may read it at any time).
    crash_name: &'static CStr,
    timeout: Option<Duration>,
    abandoned: Arc<AtomicUsize>,
    /// Call threads waiting for a call, the most recently used last.
    idle: Mutex<Vec<CallThread>>,
}

/// One call for a call thread: the kind and a copy of the body, which the thread hands
/// back with the answer so that its allocation serves the next call.
struct Job {
    kind: u32,
    body: Vec<u8>,
}

/// A call thread's answer, with the body buffer of its [`Job`].
struct Answer {
    result: CallResult,
    body: Vec<u8>,
}

/// The caller's handle on a call thread that is waiting for a job. Dropping it ends the
/// thread once it is waiting again (its job channel closes).
#[derive(Debug)]
struct CallThread {
    jobs: mpsc::SyncSender<Job>,
    answers: mpsc::Receiver<Answer>,
    /// Whichever of the caller (giving up at the timeout) and the thread (returning
    /// from the plugin) sets this second knows the other side is done with the call.
    /// The caller clears it before each job, while the thread is waiting.
    settled: Arc<AtomicBool>,
    /// The buffer the next body is copied into.
    buffer: Vec<u8>,
}

impl InProcessPlugin {
    pub(crate) fn new(library: Library, timeout: Option<Duration>) -> Self {
        let crash_name = CString::new(library.info().name.replace('\0', " "))
            .unwrap_or_default()
            .into_boxed_c_str();
        Self {
            crash_name: Box::leak(crash_name),
            library: Arc::new(library),
            timeout,
            abandoned: Arc::new(AtomicUsize::new(0)),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn call_with_timeout(&self, kind: u32, body: &[u8], timeout: Duration) -> CallResult {
        let abandoned = self.abandoned.load(Ordering::SeqCst);
        if abandoned >= MAX_ABANDONED {
            return Err(CallError::Unavailable(format!(
                "{abandoned} earlier calls are still running past their timeout"
            )));
        }
        let mut thread = match self.take_idle() {
            Some(thread) => thread,
            None => self.start_thread()?,
        };
        // The body must outlive a call the caller gives up on, so the thread gets a
        // copy it owns.
        let mut buffer = std::mem::take(&mut thread.buffer);
        buffer.clear();
        buffer.extend_from_slice(body);
        thread.settled.store(false, Ordering::SeqCst);
        if thread.jobs.send(Job { kind, body: buffer }).is_err() {
            return Err(ended_without_answer());
        }
        match thread.answers.recv_timeout(timeout) {
            Ok(answer) => self.keep(thread, answer),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.abandoned.fetch_add(1, Ordering::SeqCst);
                if thread.settled.swap(true, Ordering::SeqCst) {
                    // The plugin returned just after the deadline and the thread is
                    // sending its answer (a send that cannot block): use the answer.
                    self.abandoned.fetch_sub(1, Ordering::SeqCst);
                    if let Ok(answer) = thread.answers.recv() {
                        return self.keep(thread, answer);
                    }
                }
                // Dropping `thread` abandons it: it ends when the plugin returns.
                Err(CallError::Timeout(timeout))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(ended_without_answer()),
        }
    }

    /// The most recently used idle call thread, if any.
    fn take_idle(&self) -> Option<CallThread> {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    /// Puts a call thread that answered back among the idle ones (or lets it end if
    /// enough are idle) and returns its answer.
    fn keep(&self, mut thread: CallThread, answer: Answer) -> CallResult {
        if answer.body.capacity() <= MAX_KEPT_BUFFER {
            thread.buffer = answer.body;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(thread);
        }
        answer.result
    }

    /// Starts a call thread, waiting for its first job.
    fn start_thread(&self) -> Result<CallThread, CallError> {
        let (jobs, job_queue) = mpsc::sync_channel::<Job>(1);
        let (answer_slot, answers) = mpsc::sync_channel::<Answer>(1);
        let settled = Arc::new(AtomicBool::new(false));
        let thread_settled = Arc::clone(&settled);
        let abandoned = Arc::clone(&self.abandoned);
        let library = Arc::clone(&self.library);
        std::thread::Builder::new()
            .name(format!("plugin {}", library.info().name))
            .spawn(move || {
                // Ends when the caller's handle is dropped (no more jobs) or after a
                // call the caller gave up on.
                while let Ok(Job { kind, body }) = job_queue.recv() {
                    let result = library.call(kind, &body);
                    if thread_settled.swap(true, Ordering::SeqCst) {
                        // The caller gave up on this call and counted it as abandoned.
                        abandoned.fetch_sub(1, Ordering::SeqCst);
                        return;
                    }
                    if answer_slot.send(Answer { result, body }).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| CallError::Unavailable(format!("cannot start a thread: {e}")))?;
        Ok(CallThread {
            jobs,
            answers,
            settled,
            buffer: Vec::new(),
        })
    }
}

fn ended_without_answer() -> CallError {
    CallError::Unavailable("the call's thread ended without an answer".to_owned())
}

impl Validator for InProcessPlugin {
    fn name(&self) -> &str {
        &self.library.info().name
    }

    fn supports(&self, kind: BodyKind) -> bool {
        self.library.info().kinds.contains(&kind.as_u32())
    }

    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        let _notice = crash_notice::calling(self.crash_name);
        let result = match self.timeout {
            Some(timeout) => self.call_with_timeout(kind.as_u32(), body, timeout),
            None => self.library.call(kind.as_u32(), body),
        };
        into_findings(result, self.name(), kind)
    }
}
