//! Reading what a command sends or checks, for every command family: a file, or stdin
//! for `-`.

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
        let limit = SizeLimit::default();
        let label = label_of(path);
        let too_large = |finding: Finding| Failure::Rejected {
            file: label.clone(),
            findings: vec![finding],
        };
        if path.as_os_str() == "-" {
            // One byte past the limit tells that there is more.
            let bound = match check {
                SizeCheck::Limit => Some(limit.max_bytes as u64 + 1),
                SizeCheck::Off => None,
            };
            let bytes = read_stdin(bound)?;
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
            return Ok(Self { label, bytes });
        }
        let bound = match check {
            SizeCheck::Limit => {
                let size = std::fs::metadata(path).map_err(reading(&label))?.len();
                if let Some(finding) = limit.check_len(kind, size) {
                    return Err(too_large(finding));
                }
                limit.max_bytes as u64
            }
            SizeCheck::Off => u64::MAX,
        };
        Self::file(path, label, bound)
    }

    /// Reads `path`, or stdin when it is `-`, as UTF-8 text that no pre-flight judges
    /// (a ConductorOne configuration); a file is read up to pre-flight's size limit.
    /// `what` names the text a file must hold, for the error when it is not UTF-8.
    pub fn read_text(path: &Path, what: &str) -> Result<String, Failure> {
        let input = if path.as_os_str() == "-" {
            Self {
                label: label_of(path),
                bytes: read_stdin(None)?,
            }
        } else {
            Self::file(path, label_of(path), SizeLimit::default().max_bytes as u64)?
        };
        String::from_utf8(input.bytes)
            .map_err(|_| Failure::usage(format!("{} is not UTF-8 {what}", path.display())))
    }

    /// A regular file only, read with a bound (a FIFO or a device would hang).
    fn file(path: &Path, label: String, bound: u64) -> Result<Self, Failure> {
        let bytes = read_user_file(path, bound).map_err(reading(&label))?;
        Ok(Self { label, bytes })
    }
}

/// Findings name the file as compilers do; stdin's name is `<stdin>`, not `-`.
fn label_of(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Stdin, up to `bound` bytes if given.
fn read_stdin(bound: Option<u64>) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut stdin = std::io::stdin().lock();
    match bound {
        Some(bound) => stdin.take(bound).read_to_end(&mut bytes),
        None => stdin.read_to_end(&mut bytes),
    }
    .map_err(|e| Failure::context("reading stdin", e))?;
    Ok(bytes)
}

/// The failure for a file that could not be read.
fn reading(label: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::context(format!("reading {label}"), e)
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
