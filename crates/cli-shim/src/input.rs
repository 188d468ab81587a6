//! Reading a body to send or check: a file, or stdin for `-`.

use std::io::Read;
use std::path::Path;

use connkit_connectors::preflight::SizeLimit;
use connkit_models::preflight::{BodyKind, Finding};
use connkit_transport::read_user_file;

use crate::exit::Failure;

/// A body read from a file or stdin, with the name findings are reported against.
pub struct Input {
    /// The path as given, or `-` for stdin.
    pub label: String,
    /// The bytes, unchanged.
    pub bytes: Vec<u8>,
}

/// Whether a body over the pre-flight size limit is refused before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeCheck {
    /// Refuse it from the file's size (stdin: once the limit is passed), as pre-flight
    /// would after reading it.
    Limit,
    /// `--no-preflight`: read whatever is there.
    Off,
}

impl Input {
    /// Reads `path`, or stdin when it is `-`, as a `kind` body.
    pub fn read(path: &Path, kind: BodyKind, check: SizeCheck) -> Result<Self, Failure> {
        let stdin = path.as_os_str() == "-";
        // Findings name the file as compilers do; stdin's name is `<stdin>`, not `-`.
        let label = if stdin {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let limit = SizeLimit::default();
        let too_large = |finding: Finding| Failure::Rejected {
            file: label.clone(),
            findings: vec![finding],
        };
        let bytes = if stdin {
            let mut bytes = Vec::new();
            let mut stdin = std::io::stdin().lock();
            match check {
                // One byte past the limit tells that there is more.
                SizeCheck::Limit => stdin
                    .take(limit.max_bytes as u64 + 1)
                    .read_to_end(&mut bytes),
                SizeCheck::Off => stdin.read_to_end(&mut bytes),
            }
            .map_err(|e| Failure::context("reading stdin", e))?;
            if let (SizeCheck::Limit, Some(_)) = (check, limit.check_len(kind, bytes.len() as u64))
            {
                return Err(too_large(Finding::error(
                    "body.too-large",
                    format!(
                        "the {kind} body on stdin is more than the limit of {} bytes",
                        limit.max_bytes
                    ),
                )));
            }
            bytes
        } else {
            let reading = |e| Failure::context(format!("reading {label}"), e);
            let bound = match check {
                SizeCheck::Limit => {
                    let size = std::fs::metadata(path).map_err(reading)?.len();
                    if let Some(finding) = limit.check_len(kind, size) {
                        return Err(too_large(finding));
                    }
                    limit.max_bytes as u64
                }
                SizeCheck::Off => u64::MAX,
            };
            // A regular file only, read with a bound (a FIFO or a device would hang).
            read_user_file(path, bound).map_err(reading)?
        };
        Ok(Self { label, bytes })
    }
}

impl SizeCheck {
    /// [`Off`](SizeCheck::Off) with `--no-preflight`, else [`Limit`](SizeCheck::Limit).
    pub fn unless(no_preflight: bool) -> Self {
        if no_preflight {
            SizeCheck::Off
        } else {
            SizeCheck::Limit
        }
    }
}
