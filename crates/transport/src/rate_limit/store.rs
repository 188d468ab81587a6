//! Where a limiter's [`Ledger`] lives: in memory, or in a small JSON file that every
//! process using the same client id against the same tenant reads and writes under an
//! exclusive advisory lock (`fs4`).
//!
//! The file is read, changed and rewritten within one lock, a few hundred bytes to a
//! few kilobytes, so the lock is held for microseconds and taken on the calling thread.
//! A file that cannot be parsed (a write torn by a crash, another version's format) is
//! logged and started afresh: it only holds expiring slots and a learned limit, so
//! losing it costs at most a 429, while refusing to run would wedge every later
//! process. I/O errors are logged once and the limiter carries on in memory.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::ledger::Ledger;

/// The most of a state file that is read: far above what [`Ledger`]'s slot cap allows.
const MAX_STATE_BYTES: u64 = 1 << 20;

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
        // The type first: opening a FIFO for reading would block.
        let metadata = std::fs::metadata(&self.path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_STATE_BYTES {
            return None;
        }
        let file = File::open(&self.path).ok()?;
        let mut text = Vec::new();
        file.take(MAX_STATE_BYTES).read_to_end(&mut text).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Lock, read, change, write, unlock. On any I/O failure `fallback` (the
    /// in-memory copy) is changed instead, and the failure logged once.
    fn update<R>(&self, fallback: &mut Ledger, change: impl FnOnce(&mut Ledger) -> R) -> R {
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
        if let Err(e) = fs4::FileExt::lock(&*file) {
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
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
    }

    fn read(&self, file: &mut File) -> Ledger {
        let mut text = Vec::new();
        if let Err(e) = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut text))
        {
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

/// Locks a mutex whose holder may have panicked: the ledger is valid after any change.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
