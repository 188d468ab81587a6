//! A tree's folder as a capability: every read under it goes through one directory
//! handle ([`cap_std::fs::Dir`]) that cannot reach outside it, and nothing under it is
//! ever followed.
//!
//! A tree comes from git, so it is untrusted input like a network answer: a committed
//! symlink could point at a credentials file or at another folder, a FIFO would hang a
//! read and `/dev/zero` would never end. So:
//!
//! - entries are classified without following them ([`Kind`]); symlinks and special
//!   files (FIFO, socket, device) are refused with a finding naming their path
//!   ([`hostile_entries`]), never read, written or deleted through;
//! - a file is opened without following a symlink and without blocking, checked to be a
//!   regular file and to be within its size limit from its metadata, then read with a
//!   bound, so a file that grows while it is read is still refused ([`read_bounded`]).

use std::io::{self, Read};
use std::path::Path;

use bytes::Bytes;
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, OpenOptions};
use connkit_models::preflight::Finding;

use crate::error::{Error, FileFinding, Result};

/// What a directory entry is, seen without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A folder.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link (never followed).
    Symlink,
    /// A FIFO, socket or device (never opened).
    Special,
}

/// One entry of a folder: its name and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The file name, lossily UTF-8 (only to show it when `utf8` is false).
    pub(crate) name: String,
    /// Whether the name is UTF-8; a tree's names are ([`hostile_entries`] refuses the
    /// others, and nothing is read or opened by a lossy name).
    pub(crate) utf8: bool,
    /// What it is.
    pub(crate) kind: Kind,
}

/// Opens `path` (the tree's own folder, which may itself be a symlink the user chose)
/// as the handle every read and write under it goes through.
pub(crate) fn open(path: &Path) -> Result<Dir> {
    Dir::open_ambient_dir(path, cap_std::ambient_authority())
        .map_err(|e| Error::io("opening", path, e))
}

/// The entries of `dir`, sorted by name; `shown` is its path for errors.
pub(crate) fn entries(dir: &Dir, shown: &Path) -> Result<Vec<Entry>> {
    let listing = dir.entries().map_err(|e| Error::io("reading", shown, e))?;
    let mut out = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| Error::io("reading", shown, e))?;
        let os_name = entry.file_name();
        let name = os_name.to_string_lossy().into_owned();
        let file_type = entry
            .file_type()
            .map_err(|e| Error::io("reading", shown.join(&name), e))?;
        out.push(Entry {
            kind: kind(file_type),
            utf8: os_name.to_str().is_some(),
            name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn kind(file_type: cap_std::fs::FileType) -> Kind {
    if file_type.is_symlink() {
        Kind::Symlink
    } else if file_type.is_dir() {
        Kind::Dir
    } else if file_type.is_file() {
        Kind::File
    } else {
        Kind::Special
    }
}

/// Opens the sub-folder `name` of `dir` without following a symlink.
pub(crate) fn open_dir(dir: &Dir, name: &str, shown: &Path) -> Result<Dir> {
    cap_fs_ext::DirExt::open_dir_nofollow(dir, name).map_err(|e| Error::io("opening", shown, e))
}

/// The finding for an entry whose name is not UTF-8: it cannot be named in a finding,
/// a plan or a request exactly, so it is refused rather than guessed at.
fn not_utf8(file: String) -> FileFinding {
    FileFinding::new(
        file,
        Finding::error(
            "tree.file-name",
            "the file name is not UTF-8 (shown with U+FFFD for the bytes that are not); \
             rename it",
        ),
    )
}

/// The finding for an entry that is not a folder or a regular file, if it is one.
pub(crate) fn refused(kind: Kind, file: String) -> Option<FileFinding> {
    let (code, why) = match kind {
        Kind::Dir | Kind::File => return None,
        Kind::Symlink => (
            "tree.symlink",
            "a symbolic link: a tree holds plain files and folders only; connkit never \
             follows a link (replace it with the file it points to)",
        ),
        Kind::Special => (
            "tree.special-file",
            "a FIFO, socket or device: a tree holds plain files and folders only",
        ),
    };
    Some(FileFinding::new(file, Finding::error(code, why)))
}

/// Every symlink, special file and name that is not UTF-8 in the tree `root` (shown as
/// `shown`): at its top level and anywhere under the folders that do not start with `.`
/// (connector folders and `_overlays/`). Folders starting with `.` (`.git`, …) are not
/// the tree's: never read, kept as they are by a pull.
pub(crate) fn hostile_entries(root: &Dir, shown: &Path) -> Result<Vec<FileFinding>> {
    let mut findings = Vec::new();
    // An explicit stack: a hostile tree may nest deeper than the call stack allows.
    let mut folders: Vec<(Dir, String)> = Vec::new();
    for entry in entries(root, shown)? {
        if entry.name.starts_with('.') {
            continue;
        }
        if !entry.utf8 {
            findings.push(not_utf8(entry.name));
        } else if entry.kind == Kind::Dir {
            let dir = open_dir(root, &entry.name, &shown.join(&entry.name))?;
            folders.push((dir, entry.name));
        } else {
            findings.extend(refused(entry.kind, entry.name));
        }
    }
    while let Some((dir, relative)) = folders.pop() {
        for entry in entries(&dir, &shown.join(&relative))? {
            let file = format!("{relative}/{}", entry.name);
            if !entry.utf8 {
                findings.push(not_utf8(file));
            } else if entry.kind == Kind::Dir {
                let sub = open_dir(&dir, &entry.name, &shown.join(&file))?;
                folders.push((sub, file));
            } else {
                findings.extend(refused(entry.kind, file));
            }
        }
    }
    findings.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(findings)
}

/// What [`read_bounded`] found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bounded {
    /// The whole file, at most the limit.
    Read(Bytes),
    /// Larger than the limit (by its metadata, or by what could be read): not read.
    TooLarge {
        /// The size seen (the metadata's, or at least limit + 1 when it grew).
        size: u64,
    },
    /// Not a regular file (a symlink or a special file).
    NotAFile(Kind),
}

/// Reads the regular file `name` of `dir` with at most `limit` bytes, never following a
/// symlink and never blocking on a FIFO; `shown` names it in errors.
pub(crate) fn read_bounded(dir: &Dir, name: &str, limit: u64, shown: &Path) -> Result<Bounded> {
    let io_error = |e: io::Error| Error::io("reading", shown, e);
    let kind = kind(dir.symlink_metadata(name).map_err(io_error)?.file_type());
    if kind != Kind::File {
        return Ok(Bounded::NotAFile(kind));
    }
    let mut options = OpenOptions::new();
    options.read(true).follow(FollowSymlinks::No);
    non_blocking(&mut options);
    let file = dir.open_with(name, &options).map_err(io_error)?;
    // The opened file itself, in case the entry changed since it was looked at.
    let metadata = file.metadata().map_err(io_error)?;
    if !metadata.is_file() {
        return Ok(Bounded::NotAFile(Kind::Special));
    }
    if metadata.len() > limit {
        return Ok(Bounded::TooLarge {
            size: metadata.len(),
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or_default());
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Ok(Bounded::TooLarge { size: read });
    }
    Ok(Bounded::Read(Bytes::from(bytes)))
}

/// `O_NONBLOCK` where there is one: opening a FIFO for reading would otherwise wait for a
/// writer forever (a regular file ignores it).
#[cfg(unix)]
fn non_blocking(options: &mut OpenOptions) {
    use cap_std::fs::OpenOptionsExt;
    // The flag is a small positive bit: it fits the `i32` the platform API takes.
    let flag = i32::try_from(rustix::fs::OFlags::NONBLOCK.bits()).unwrap_or_default();
    options.custom_flags(flag);
}

#[cfg(not(unix))]
fn non_blocking(_options: &mut OpenOptions) {}
