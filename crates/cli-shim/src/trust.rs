//! `--ca-cert FILE` (or a profile's `ca_cert`): the reqwest backend with extra trusted
//! CA certificates, for a private CA or a TLS-inspecting proxy.

use std::path::Path;

use connkit_transport::{read_user_file, HttpBackend};

use crate::exit::Failure;

/// A CA bundle larger than this is not a CA bundle (the system's whole store is about
/// 200 KiB).
const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;

/// The backend trusting the platform's roots and every certificate in `file` (PEM),
/// named by `source` (`--ca-cert`, or the profile it came from). A file that cannot be
/// read, or has no certificate in it, is a usage error naming the source and the file.
pub fn backend(file: &Path, source: &str) -> Result<HttpBackend, Failure> {
    let name = format!("{source} {}", file.display());
    let pem = read_user_file(file, MAX_PEM_BYTES).map_err(|e| {
        Failure::usage(format!(
            "{name}: cannot read it: {e}; expected PEM CA certificates"
        ))
    })?;
    HttpBackend::builder()
        .add_root_certificates_pem(pem)
        .build()
        .map_err(|e| Failure::usage(format!("{name}: {e}")))
}
