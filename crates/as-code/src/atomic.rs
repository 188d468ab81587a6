//! Writing so that a reader, or a `kill -9`, never sees half of it: one file through a
//! temporary file and a rename ([`write_atomic`]), a whole tree through a sibling folder
//! and a swap ([`replace_tree`]).
//!
//! The guarantee of a pull, and what it costs, is documented on `Tree::write`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use cap_std::fs::Dir;

use crate::confined::{self, Bounded, Kind};
use crate::error::{Error, Result};

/// Writes `bytes` to the file `name` of `dir` (shown as `shown/name` in errors) through
/// a temporary file in the same folder, then renames it over `name`: the file holds the
/// old bytes or the new ones, never a mix, and a hard link to the old file keeps the old
/// bytes. A file that already holds exactly `bytes` is left untouched.
///
/// Only for a tree being built by [`replace_tree`]: on Linux the file is made durable by
/// the one `syncfs` before the swap instead of a sync of its own.
pub(crate) fn write_atomic(dir: &Dir, name: &str, bytes: &[u8], shown: &Path) -> Result<()> {
    let path = shown.join(name);
    let same = confined::read_bounded(dir, name, bytes.len() as u64, &path);
    if matches!(same, Ok(Bounded::Read(old)) if old == bytes) {
        return Ok(());
    }
    let temp = format!(".{name}.{}.tmp", std::process::id());
    let written = dir
        .create(&temp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            sync_file(&file)
        })
        .and_then(|()| dir.rename(&temp, dir, name));
    if let Err(source) = written {
        // Best effort: the temporary file is ours and worthless now.
        let _ = dir.remove_file(&temp);
        return Err(Error::io("writing", path, source));
    }
    Ok(())
}

/// Where a tree lives: its parent folder (a handle) and its name in it.
struct Place {
    parent: Dir,
    parent_path: PathBuf,
    name: String,
    exists: bool,
}

impl Place {
    /// `dir` resolved once: its parent (created if missing) and its name. `dir` itself
    /// may be a symlink the user chose; the real folder is the one replaced.
    fn locate(dir: &Path) -> Result<Self> {
        let exists = dir.exists();
        let (parent_path, name) = if exists {
            let real = std::fs::canonicalize(dir).map_err(|e| Error::io("resolving", dir, e))?;
            let name = real.file_name().map(|n| n.to_string_lossy().into_owned());
            let parent = real.parent().map(Path::to_path_buf);
            (parent, name)
        } else {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
            let real =
                std::fs::canonicalize(&parent).map_err(|e| Error::io("resolving", &parent, e))?;
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
            (Some(real), name)
        };
        let (Some(parent_path), Some(name)) = (parent_path, name) else {
            return Err(Error::io(
                "writing",
                dir,
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a tree must be a named folder inside another one (not `/`)",
                ),
            ));
        };
        Ok(Place {
            parent: confined::open(&parent_path)?,
            parent_path,
            name,
            exists,
        })
    }

    /// The prefix of the sibling folders of pulls into this tree.
    fn sibling_prefix(&self) -> String {
        format!(".{}.connkit-pull.", self.name)
    }

    /// Removes the siblings left by pulls that were killed (best effort: one that cannot
    /// be removed is only litter outside the tree).
    fn remove_leftovers(&self) {
        let prefix = self.sibling_prefix();
        let Ok(entries) = confined::entries(&self.parent, &self.parent_path) else {
            return;
        };
        for entry in entries {
            let Some(rest) = entry.name.strip_prefix(&prefix) else {
                continue;
            };
            // `<pid>-<n>`, `<pid>-<n>.old`: the process that made it, then which of its pulls.
            let pid = rest.split(['-', '.']).next().unwrap_or_default();
            let dead = pid.parse::<u32>().is_ok_and(|pid| !is_running(pid));
            if dead && entry.kind == Kind::Dir {
                let _ = self.parent.remove_dir_all(&entry.name);
            }
        }
    }
}

/// `true` unless the process `pid` is known to be gone. This process is running: another
/// of its threads may be pulling into the same folder.
#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
}

/// Without a way to ask, every process may still be pulling: its sibling stays.
#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    true
}

/// Tells apart the pulls of one process, so that each builds in a sibling of its own.
static PULLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Replaces the folder `dir` by a new tree in one step (see `Tree::write`):
/// `build` writes the new tree into a copy of the old one (a handle to it, and the path
/// to show in errors); the copy is then swapped in.
///
/// Another pull into the same folder may swap it away and remove it while this one
/// copies from it (two pulls of one process, or two processes): the copy then finds
/// files gone. The whole replacement starts over from the folder now in place, a few
/// times at most, so that each pull still ends with a whole tree (the last to finish
/// wins).
pub(crate) fn replace_tree(dir: &Path, build: impl Fn(&Dir, &Path) -> Result<()>) -> Result<()> {
    const ATTEMPTS: usize = 4;
    let mut attempt = 1;
    loop {
        match replace_once(dir, &build) {
            Err(Error::Io { source, .. })
                if source.kind() == io::ErrorKind::NotFound && attempt < ATTEMPTS =>
            {
                attempt += 1;
            }
            done => return done,
        }
    }
}

/// One attempt of [`replace_tree`].
fn replace_once(dir: &Path, build: &dyn Fn(&Dir, &Path) -> Result<()>) -> Result<()> {
    let place = Place::locate(dir)?;
    place.remove_leftovers();
    let old = if place.exists {
        let old = confined::open_dir(&place.parent, &place.name, dir)?;
        let hostile = confined::hostile_entries(&old, dir)?;
        if !hostile.is_empty() {
            return Err(Error::Invalid(hostile));
        }
        Some(old)
    } else {
        None
    };
    let pull = PULLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sibling = format!("{}{}-{pull}", place.sibling_prefix(), std::process::id());
    let sibling_path = place.parent_path.join(&sibling);
    place
        .parent
        .create_dir(&sibling)
        .map_err(|e| Error::io("creating", &sibling_path, e))?;
    let built = (|| {
        let staging = confined::open_dir(&place.parent, &sibling, &sibling_path)?;
        if let Some(old) = &old {
            copy_tree(old, &staging, dir, &sibling_path)?;
            let permissions = old
                .dir_metadata()
                .map_err(|e| Error::io("reading", dir, e))?
                .permissions();
            place
                .parent
                .set_permissions(&sibling, permissions)
                .map_err(|e| Error::io("writing", &sibling_path, e))?;
        }
        build(&staging, dir)?;
        sync_tree(&staging).map_err(|e| Error::io("writing", &sibling_path, e))
    })();
    if let Err(error) = built {
        // Best effort: the sibling is ours and worthless now; the old tree is untouched.
        let _ = place.parent.remove_dir_all(&sibling);
        return Err(error);
    }
    let swapped = if place.exists {
        swap(&place.parent, &sibling, &place.name)
    } else {
        place.parent.rename(&sibling, &place.parent, &place.name)
    };
    swapped.map_err(|e| Error::io("replacing", dir, e))?;
    // The old tree, now at the sibling's name; a kill here leaves it to the next pull.
    let _ = place.parent.remove_dir_all(&sibling);
    sync(&place.parent);
    Ok(())
}

/// Exchanges the folders `staging` and `name` of `parent` in one step where the system
/// can, else with two renames.
fn swap(parent: &Dir, staging: &str, name: &str) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags};
        use rustix::io::Errno;
        match renameat_with(parent, staging, parent, name, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // A file system or kernel without the exchange: two renames below.
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let old = format!("{staging}.old");
    parent.rename(name, parent, &old)?;
    parent.rename(staging, parent, name)?;
    parent.rename(&old, parent, staging)
}

/// Makes a file written into a tree being built durable, where [`sync_tree`] does not.
#[cfg(not(target_os = "linux"))]
fn sync_file(file: &cap_std::fs::File) -> io::Result<()> {
    file.sync_all()
}

/// On Linux, [`sync_tree`] makes every written file durable at once.
#[cfg(target_os = "linux")]
fn sync_file(_file: &cap_std::fs::File) -> io::Result<()> {
    Ok(())
}

/// Makes the tree built in `dir` durable before it is swapped in, so that a power loss
/// after the swap cannot leave empty files: one `syncfs` on Linux (hundreds of files
/// synced one by one took seconds), elsewhere the files were synced as they were
/// written and only the folder is.
fn sync_tree(dir: &Dir) -> io::Result<()> {
    // A handle opened for reading: the directory handle itself may not be one the
    // system syncs through.
    let handle = dir.open(".")?;
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(&handle)?;
    handle.sync_all()
}

/// Makes the entries of `dir` durable where the system syncs folders (best effort: a
/// kill needs no sync, only a power loss does, and not every system can sync a folder).
fn sync(dir: &Dir) {
    if let Ok(handle) = dir.open(".") {
        let _ = handle.sync_all();
    }
}

/// Copies everything in `from` into the empty folder `to`: folders recreated with their
/// permissions, every other entry hard-linked (links and special files as themselves,
/// never followed), regular files copied where a hard link cannot be made.
fn copy_tree(from: &Dir, to: &Dir, from_shown: &Path, to_shown: &Path) -> Result<()> {
    // Relative paths on an explicit stack: a deep tree needs neither call stack nor one
    // open handle per pending folder.
    let mut pending = vec![PathBuf::new()];
    let mut folders = Vec::new();
    while let Some(relative) = pending.pop() {
        let source = if relative.as_os_str().is_empty() {
            from.try_clone()
        } else {
            from.open_dir(&relative)
        }
        .map_err(|e| Error::io("reading", from_shown.join(&relative), e))?;
        let listing = source
            .entries()
            .map_err(|e| Error::io("reading", from_shown.join(&relative), e))?;
        for entry in listing {
            let entry = entry.map_err(|e| Error::io("reading", from_shown.join(&relative), e))?;
            let path = relative.join(entry.file_name());
            let failed = |action, e| Error::io(action, to_shown.join(&path), e);
            let file_type = entry.file_type().map_err(|e| failed("reading", e))?;
            if file_type.is_dir() {
                to.create_dir(&path).map_err(|e| failed("creating", e))?;
                let permissions = entry.metadata().map_err(|e| failed("reading", e))?;
                folders.push((path.clone(), permissions.permissions()));
                pending.push(path);
            } else {
                let linked = from.hard_link(&path, to, &path);
                match linked {
                    Err(_) if file_type.is_file() => from.copy(&path, to, &path).map(drop),
                    other => other,
                }
                .map_err(|e| failed("copying", e))?;
            }
        }
    }
    // Deepest first, so a read-only folder is made read-only once it is filled.
    for (path, permissions) in folders.into_iter().rev() {
        to.set_permissions(&path, permissions)
            .map_err(|e| Error::io("writing", to_shown.join(&path), e))?;
    }
    Ok(())
}
