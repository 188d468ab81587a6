//! Reading a file that a user, or anyone who can write where it lives, controls:
//! profiles, `./config.json`, CA bundles, bodies to send, cached tokens.
//!
//! Only a regular file is read (a FIFO would block the read forever, a link to
//! `/dev/zero` would never end), its size is checked from its metadata before a byte
//! is read, and the read itself is bounded too, so a file that grows meanwhile cannot
//! take more than the limit. Symbolic links are followed (a profiles file kept in a
//! dotfiles repository is often one); what they point to must pass the same checks.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The bytes of the regular file at `path`, at most `limit` of them. The error says
/// what the path is when it is not a regular file, and the size and the limit when it
/// is too large (both as [`io::ErrorKind::InvalidInput`]); a missing file keeps
/// [`io::ErrorKind::NotFound`].
pub fn read_user_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // The type first: opening a FIFO for reading blocks until a writer comes.
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file",
                kind_of(&metadata.file_type())
            ),
        ));
    }
    let too_large = |size: u64| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {size} bytes, more than the limit of {limit}"),
        )
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::new();
    File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a file that is not a regular one is, in words.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: io::Result<Vec<u8>>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
        error.to_string()
    }

    #[cfg(unix)]
    #[test]
    fn reads_a_regular_file_and_refuses_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("profiles.toml");
        std::fs::write(&file, b"[default]\n").unwrap();
        assert_eq!(read_user_file(&file, 100).unwrap(), b"[default]\n");
        assert!(message(read_user_file(&file, 4)).contains("10 bytes, more than the limit of 4"));

        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(message(read_user_file(&fifo, 100)).contains("a FIFO"));
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(message(read_user_file(&zero, 100)).contains("a device"));
        assert!(message(read_user_file(dir.path(), 100)).contains("a directory"));
        let missing = read_user_file(&dir.path().join("nope"), 100).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }
}
