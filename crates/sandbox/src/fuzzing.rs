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

/// The C1 token endpoint's assertion check with one known key, so that a fuzz target
/// can sign the header and claims it makes up and reach every claim rule, not only the
/// signature check.
pub struct AssertionVerifier {
    key: ed25519_dalek::SigningKey,
    seen: crate::c1::token::SeenAssertions,
}

impl AssertionVerifier {
    /// A verifier for the key with this seed.
    pub fn new(seed: [u8; 32]) -> Self {
        AssertionVerifier {
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
            seen: Default::default(),
        }
    }

    /// A compact JWS of `header` and `claims` (any bytes) signed with the key.
    pub fn sign(&self, header: &[u8], claims: &[u8]) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        use ed25519_dalek::Signer as _;
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let signature = self.key.sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Verifies `jws` for `client_id` at `now` (Unix seconds) and records it as the
    /// endpoint does: `Ok` when it would buy a token, else the refusal's message. The
    /// request is taken as reached at no other host, so the one audience is the client
    /// id's host.
    pub fn exchange(&self, jws: &str, client_id: &str, now: u64) -> Result<(), String> {
        let key = self.key.verifying_key();
        let verified =
            crate::c1::token::verify(jws, client_id, &key, now, None).map_err(|e| e.message)?;
        if self.seen.first_use(&verified.keys, now, verified.until) {
            Ok(())
        } else {
            Err("already used".to_owned())
        }
    }

    /// The audience an assertion for `client_id` must name.
    pub fn audience(client_id: &str) -> Option<&str> {
        crate::c1::token::audience(client_id)
    }
}
