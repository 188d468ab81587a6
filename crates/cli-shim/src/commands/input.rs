//! Reading a body to send or check: a file, or stdin for `-`.

use std::io::Read;
use std::path::Path;

use crate::exit::Failure;

/// A body read from a file or stdin, with the name findings are reported against.
pub struct Input {
    /// The path as given, or `-` for stdin.
    pub label: String,
    /// The bytes, unchanged.
    pub bytes: Vec<u8>,
}

impl Input {
    /// Reads `path`, or stdin when it is `-`.
    pub fn read(path: &Path) -> Result<Self, Failure> {
        let label = path.display().to_string();
        let bytes = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::context("reading stdin", e))?;
            bytes
        } else {
            std::fs::read(path).map_err(|e| Failure::context(format!("reading {label}"), e))?
        };
        Ok(Self { label, bytes })
    }
}
