//! Internals that the fuzz targets in `fuzz/` drive directly (feature `fuzzing`).
//!
//! Not a stable API: it follows the internals it exposes, and nothing but the fuzz
//! targets should use it. The router needs nothing here: it is public through
//! [`Sandbox::router`](crate::Sandbox::router) and the `Transport` implementation.

use bytes::Bytes;

/// Every part of a `multipart/form-data` body as `(name, bytes)`, exactly as the PUT
/// routes read it, or the message of the 400 they answer.
pub async fn multipart_parts(
    content_type: Option<&str>,
    body: Bytes,
) -> Result<Vec<(Option<String>, Bytes)>, String> {
    let parts = crate::isc::multipart::parts(content_type, body).await?;
    Ok(parts
        .into_iter()
        .map(|part| (part.name, part.bytes))
        .collect())
}
