//! `--ca-cert FILE`: the reqwest backend with extra trusted CA certificates, for a
//! private CA or a TLS-inspecting proxy.

use std::io::Read;
use std::path::Path;

use connkit_transport::HttpBackend;

use crate::exit::Failure;

/// A CA bundle larger than this is not a CA bundle (the system's whole store is about
/// 200 KiB).
const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;

/// The backend trusting the platform's roots and every certificate in `file` (PEM).
/// A file that cannot be read, or has no certificate in it, is a usage error naming it.
pub fn backend(file: &Path) -> Result<HttpBackend, Failure> {
    let name = file.display();
    let mut pem = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_PEM_BYTES + 1).read_to_end(&mut pem))
        .map_err(|e| Failure::usage(format!("--ca-cert {name}: cannot read it: {e}")))?;
    if pem.len() as u64 > MAX_PEM_BYTES {
        return Err(Failure::usage(format!(
            "--ca-cert {name}: more than {MAX_PEM_BYTES} bytes; expected PEM CA certificates"
        )));
    }
    HttpBackend::builder()
        .add_root_certificates_pem(pem)
        .build()
        .map_err(|e| Failure::usage(format!("--ca-cert {name}: {e}")))
}
