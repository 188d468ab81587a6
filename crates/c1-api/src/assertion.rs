//! The EdDSA-signed JWT a client presents to ConductorOne's token endpoint. Internal:
//! its shape is ConductorOne's contract, not this crate's API.
//!
//! A compact JWS (RFC 7515) built by hand: the protected header
//! `{"alg":"EdDSA","nonce":<random hex>}` (no `typ`, as ConductorOne's own clients send
//! it) and the claims `{iss, sub, aud, iat, nbf, exp}` are each serialized with
//! serde_json and encoded as unpadded base64url, joined by `.`; the Ed25519 signature
//! (RFC 8032, through `ed25519-dalek`) of those ASCII bytes is appended as a third
//! base64url part. No JOSE library is needed for one fixed algorithm, and none of their
//! algorithm-choice pitfalls come with it.
//!
//! Why `ed25519-dalek`: the RustCrypto/dalek Ed25519 implementation, pure Rust and
//! widely used, taking the raw 32-byte seed the secret's JWK carries (`d`) as it is, and
//! offering `verify_strict` (which refuses small-order keys and malleable signatures) to
//! the sandbox's verifier; built without its default features (no `fast` tables, no
//! `rand`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use serde::Serialize;

use crate::credentials::C1Credentials;

/// How far `nbf` lies before and `exp` after `iat`.
const ASSERTION_SKEW: Duration = Duration::from_secs(120);

/// The `client_assertion_type` of a JWT bearer client assertion (RFC 7523).
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The protected header.
#[derive(Serialize)]
struct Header {
    /// Always `EdDSA`.
    alg: &'static str,
    /// 16 random bytes in hex, so that no two assertions are alike.
    nonce: String,
}

/// The claims.
#[derive(Serialize)]
struct Claims<'a> {
    /// The client id.
    iss: &'a str,
    /// The client id.
    sub: &'a str,
    /// The tenant host without its port.
    aud: &'a str,
    /// Issued at (seconds since the Unix epoch).
    iat: u64,
    /// Not before: `iat` − 2 min.
    nbf: u64,
    /// Expires: `iat` + 2 min.
    exp: u64,
}

/// Signs a fresh assertion for `credentials`, issued at `now`.
pub(crate) fn sign(credentials: &C1Credentials, now: SystemTime) -> String {
    let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let skew = ASSERTION_SKEW.as_secs();
    let header = Header {
        alg: "EdDSA",
        nonce: format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
    };
    let claims = Claims {
        iss: credentials.client_id(),
        sub: credentials.client_id(),
        aud: credentials.audience(),
        iat,
        nbf: iat.saturating_sub(skew),
        exp: iat + skew,
    };
    let input = format!("{}.{}", part(&header), part(&claims));
    let signature = credentials.key().sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn part(value: &impl Serialize) -> String {
    // Plain structs of strings and integers always serialize.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn an_eddsa_jwt_with_the_documented_header_and_claims() {
        let credentials = crate::credentials::tests::fixed("bot@acme.conductor.one:8443/x");
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let jws = sign(&credentials, now);
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |p: &str| -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
        };
        let header = decode(parts[0]);
        let names: Vec<&String> = header.as_object().unwrap().keys().collect();
        assert_eq!(names, ["alg", "nonce"], "no typ, as ConductorOne's clients");
        assert_eq!(header["alg"], "EdDSA");
        let nonce = header["nonce"].as_str().unwrap();
        assert!(nonce.len() >= 16 && nonce.bytes().all(|b| b.is_ascii_hexdigit()));
        let claims = decode(parts[1]);
        assert_eq!(claims["iss"], "bot@acme.conductor.one:8443/x");
        assert_eq!(claims["sub"], claims["iss"]);
        assert_eq!(claims["aud"], "acme.conductor.one");
        assert_eq!(claims["iat"], 1_800_000_000u64);
        assert_eq!(claims["nbf"], 1_800_000_000u64 - 120);
        assert_eq!(claims["exp"], 1_800_000_000u64 + 120);
        let signature: [u8; 64] = URL_SAFE_NO_PAD
            .decode(parts[2])
            .unwrap()
            .try_into()
            .unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        credentials
            .key()
            .verifying_key()
            .verify_strict(
                signed.as_bytes(),
                &ed25519_dalek::Signature::from_bytes(&signature),
            )
            .unwrap();
        assert_ne!(
            sign(&credentials, SystemTime::now()),
            sign(&credentials, SystemTime::now())
        );
    }
}
