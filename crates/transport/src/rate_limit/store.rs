//! Where a limiter's [`Ledger`] lives: in memory, or in a small JSON file that every
//! process using the same client id against the same tenant reads and writes under an
//! exclusive advisory lock (`fs4`).
//!
//! The file is read, changed and rewritten within one lock, a few hundred bytes to a
//! few kilobytes, so the lock is held for microseconds and taken on the calling thread.
//! A lock that another process holds for longer than [`LOCK_WAIT`] (a hung process, a
//! `flock` from a shell) makes this process give the file up and limit itself alone,
//! with a warning, instead of waiting at every request.
//! A file that cannot be parsed (a write torn by a crash, another version's format) is
//! logged and started afresh: it only holds expiring slots and a learned limit, so
//! losing it costs at most a 429, while refusing to run would wedge every later
//! process. I/O errors are logged once and the limiter carries on in memory.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ledger::Ledger;

/// The most of a state file that is read: far above what [`Ledger`]'s slot cap allows.
const MAX_STATE_BYTES: u64 = 1 << 20;
/// How long an update waits for another process's lock on the state file, which is
/// held for microseconds.
const LOCK_WAIT: Duration = Duration::from_secs(2);
/// How often a waiting update tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(1);

/// A ledger in memory, optionally mirrored to a shared file.
#[derive(Debug)]
pub(super) struct Store {
    memory: Mutex<Ledger>,
    file: Option<SharedFile>,
    /// Whether the file is the ledger (else memory is, until [`Store::publish`]).
    shared: AtomicBool,
}

#[derive(Debug)]
struct SharedFile {
    path: PathBuf,
    /// Opened on first use.
    handle: Mutex<Option<File>>,
    warned: AtomicBool,
    /// Set once the file stayed locked past [`LOCK_WAIT`]: not used again.
    abandoned: AtomicBool,
}

impl Store {
    /// A ledger of this process only.
    pub(super) fn memory() -> Self {
        Store {
            memory: Mutex::new(Ledger::default()),
            file: None,
            shared: AtomicBool::new(false),
        }
    }

    /// A ledger shared through `path`. With `eager`, every change goes through the
    /// file from the start; otherwise only once the file holds lessons (someone was
    /// refused) or this process [`publish`](Store::publish)es its own.
    pub(super) fn file(path: PathBuf, eager: bool) -> Self {
        let file = SharedFile {
            path,
            handle: Mutex::new(None),
            warned: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
        };
        let shared = eager || file.peek().is_some_and(|ledger| ledger.has_lessons());
        Store {
            memory: Mutex::new(Ledger::default()),
            file: Some(file),
            shared: AtomicBool::new(shared),
        }
    }

    /// The file's ledger as it is now, read without the lock; `None` without a file
    /// or when it cannot be read.
    pub(super) fn peek(&self) -> Option<Ledger> {
        self.file.as_ref().and_then(SharedFile::peek)
    }

    /// The state file, if any.
    pub(super) fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path.as_path())
    }

    /// Runs `change` on the ledger: the file's under its lock when shared, else the
    /// in-memory one.
    pub(super) fn with<R>(&self, change: impl FnOnce(&mut Ledger) -> R) -> R {
        if let (Some(file), true) = (&self.file, self.shared.load(Ordering::Acquire)) {
            let mut memory = lock(&self.memory);
            return file.update(&mut memory, change);
        }
        change(&mut lock(&self.memory))
    }

    /// From now on the ledger is the file's: this process's slots and lessons are
    /// merged into it first (its lessons win: they are the newest).
    pub(super) fn publish(&self) {
        let Some(file) = &self.file else { return };
        if self.shared.swap(true, Ordering::AcqRel) {
            return;
        }
        let mut memory = lock(&self.memory);
        let mine = std::mem::take(&mut *memory);
        file.update(&mut memory, |ledger| ledger.merge(mine));
    }
}

impl SharedFile {
    /// Reads the file without creating it or taking the lock: a hint only. Only a
    /// regular file of a sane size is read (a state file is a few kilobytes; a FIFO or
    /// a link to `/dev/zero` in its place must not hang or exhaust the process).
    fn peek(&self) -> Option<Ledger> {
        let text = crate::read_user_file(&self.path, MAX_STATE_BYTES).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Lock, read, change, write, unlock. On any I/O failure `fallback` (the
    /// in-memory copy) is changed instead, and the failure logged once.
    fn update<R>(&self, fallback: &mut Ledger, change: impl FnOnce(&mut Ledger) -> R) -> R {
        if self.abandoned.load(Ordering::Relaxed) {
            return change(fallback);
        }
        let mut handle = lock(&self.handle);
        if handle.is_none() {
            match self.open() {
                Ok(file) => *handle = Some(file),
                Err(e) => {
                    self.warn("opening", &e);
                    return change(fallback);
                }
            }
        }
        let Some(file) = handle.as_mut() else {
            return change(fallback);
        };
        if let Err(e) = lock_within(file, LOCK_WAIT) {
            // Held far longer than any update takes: a hung or hostile process. This
            // one limits itself alone from now on rather than wait at every request.
            self.abandoned.store(true, Ordering::Relaxed);
            self.warn("locking", &e);
            return change(fallback);
        }
        let mut ledger = self.read(file);
        let answer = change(&mut ledger);
        if let Err(e) = write(file, &ledger) {
            self.warn("writing", &e);
        }
        if let Err(e) = fs4::FileExt::unlock(&*file) {
            self.warn("unlocking", &e);
        }
        *fallback = ledger;
        answer
    }

    fn open(&self) -> std::io::Result<File> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)?;
        // A FIFO opens read-write at once but a read would wait for ever.
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "it is not a regular file",
            ));
        }
        Ok(file)
    }

    fn read(&self, file: &mut File) -> Ledger {
        let mut text = Vec::new();
        if let Err(e) = file.seek(SeekFrom::Start(0)).and_then(|_| {
            Read::by_ref(file)
                .take(MAX_STATE_BYTES)
                .read_to_end(&mut text)
        }) {
            self.warn("reading", &e);
            return Ledger::default();
        }
        if text.is_empty() {
            return Ledger::default();
        }
        serde_json::from_slice(&text).unwrap_or_else(|e| {
            tracing::warn!(
                path = %self.path.display(),
                error = %e,
                "the rate-limit state file is unreadable; starting it afresh"
            );
            Ledger::default()
        })
    }

    fn warn(&self, action: &str, error: &std::io::Error) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                path = %self.path.display(),
                %error,
                "{action} the rate-limit state file failed; this process limits itself alone"
            );
        }
    }
}

fn write(file: &mut File, ledger: &Ledger) -> std::io::Result<()> {
    let text = serde_json::to_vec(ledger).map_err(std::io::Error::other)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&text)?;
    file.set_len(text.len() as u64)
}

/// Takes the file's exclusive lock, trying until `wait` has passed.
fn lock_within(file: &File, wait: Duration) -> std::io::Result<()> {
    let give_up = Instant::now() + wait;
    loop {
        match fs4::FileExt::try_lock(file) {
            Ok(()) => return Ok(()),
            Err(fs4::TryLockError::WouldBlock) if Instant::now() < give_up => {
                std::thread::sleep(LOCK_POLL);
            }
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    format!("another process held its lock for more than {wait:?}"),
                ))
            }
            Err(fs4::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Locks a mutex whose holder may have panicked: the ledger is valid after any change.
/// A mutex's guard, poisoned or not: what it guards stays consistent between panics.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_file_locked_for_ever_is_given_up_on_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, b"{}").unwrap();
        // Another holder of the lock (flock locks belong to the open file).
        let holder = File::open(&path).unwrap();
        fs4::FileExt::lock(&holder).unwrap();
        let store = Store::file(path, true);
        let started = Instant::now();
        assert_eq!(store.with(|_| 1), 1);
        assert!(started.elapsed() >= LOCK_WAIT);
        // Given up on: the next change does not wait again.
        let again = Instant::now();
        assert_eq!(store.with(|_| 2), 2);
        assert!(again.elapsed() < Duration::from_millis(100));
    }

    #[test]
    fn a_fifo_in_place_of_the_state_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let store = Store::file(path, true);
        assert!(store.peek().is_none());
        assert_eq!(store.with(|_| 3), 3);
    }
}
