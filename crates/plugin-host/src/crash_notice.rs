//! In-process mode's last words. A plugin loaded into the host that crashes (a
//! segfault, an abort) takes the whole process with it; the operating system then says
//! only "Segmentation fault", or nothing when the output is not a terminal. While an
//! in-process plugin runs, a handler for the fatal signals writes one line naming the
//! plugin and the way out (isolation, the default, where a crash is a finding), then
//! hands the signal to whatever handled it before, so the process still dies of it and
//! its exit status is unchanged.
//!
//! The handler only reads an atomic pointer and calls `write(2)`, `sigaction(2)` and
//! `raise(3)`: all async-signal-safe.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

/// The signals a crash arrives as.
const FATAL: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
];

/// The name of the plugin being called in-process, or null between calls.
static CURRENT: AtomicPtr<libc::c_char> = AtomicPtr::new(ptr::null_mut());

/// What handled each of [`FATAL`] before, restored before the signal goes on.
static PREVIOUS: OnceLock<[libc::sigaction; FATAL.len()]> = OnceLock::new();

/// While alive, a crash is reported as `name`'s.
#[must_use = "the notice is given only while the guard lives"]
pub(crate) struct CallGuard {
    previous: *mut libc::c_char,
}

/// Reports a crash as `name`'s until the guard is dropped.
pub(crate) fn calling(name: &'static CStr) -> CallGuard {
    PREVIOUS.get_or_init(install);
    let previous = CURRENT.swap(name.as_ptr().cast_mut(), Ordering::SeqCst);
    CallGuard { previous }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        CURRENT.store(self.previous, Ordering::SeqCst);
    }
}

/// Installs the handler for every fatal signal, keeping what was there.
#[allow(unsafe_code)]
fn install() -> [libc::sigaction; FATAL.len()] {
    FATAL.map(|signal| {
        let mut previous = MaybeUninit::<libc::sigaction>::zeroed();
        // SAFETY: a zeroed sigaction is valid (empty mask, no flags); the handler is an
        // `extern "C" fn(c_int)`, as `sa_sigaction` takes without SA_SIGINFO, and it
        // stays valid for the life of the process. `previous` is written by the call.
        unsafe {
            let mut action = MaybeUninit::<libc::sigaction>::zeroed().assume_init();
            action.sa_sigaction = on_fatal_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_ONSTACK;
            libc::sigaction(signal, &action, previous.as_mut_ptr());
            previous.assume_init()
        }
    })
}

#[allow(unsafe_code)]
extern "C" fn on_fatal_signal(signal: libc::c_int) {
    let name = CURRENT.load(Ordering::SeqCst);
    if !name.is_null() {
        // SAFETY: `name` points to a leaked, NUL-terminated name (see `calling`).
        let name = unsafe { CStr::from_ptr(name) }.to_bytes();
        for part in [
            b"connkit: the in-process plugin `".as_slice(),
            name,
            b"` crashed the process (".as_slice(),
            signal_name(signal),
            b"); without --in-process-plugins, plugins run isolated and a crash is a finding (exit 9)\n"
                .as_slice(),
        ] {
            // SAFETY: writing a valid buffer to stderr; a failed write is ignored.
            let _ = unsafe { libc::write(libc::STDERR_FILENO, part.as_ptr().cast(), part.len()) };
        }
    }
    if let (Some(previous), Some(index)) = (PREVIOUS.get(), FATAL.iter().position(|s| *s == signal))
    {
        // SAFETY: restoring the action that was installed before ours, then raising
        // the signal again: it is blocked until this handler returns, and is then
        // delivered to the previous handler (or the default action, which ends the
        // process with this signal).
        unsafe {
            libc::sigaction(signal, &previous[index], ptr::null_mut());
            libc::raise(signal);
        }
    }
}

fn signal_name(signal: libc::c_int) -> &'static [u8] {
    match signal {
        libc::SIGSEGV => b"SIGSEGV",
        libc::SIGBUS => b"SIGBUS",
        libc::SIGILL => b"SIGILL",
        libc::SIGFPE => b"SIGFPE",
        libc::SIGABRT => b"SIGABRT",
        _ => b"a fatal signal",
    }
}
