//! The EdDSA-signed JWT a client presents to ConductorOne's token endpoint.
//!
//! A compact JWS (RFC 7515) built by hand: the protected header
//! `{"alg":"EdDSA","typ":"JWT","nonce":<random hex>}` and the claims
//! `{iss, sub, aud, iat, nbf, exp}` are each serialized with serde_json and encoded as
//! unpadded base64url, joined by `.`; the Ed25519 signature (RFC 8032, through
//! `ed25519-dalek`) of those ASCII bytes is appended as a third base64url part. No JOSE
//! library is needed for one fixed algorithm, and none of their algorithm-choice pitfalls
//! come with it.
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
use serde::{Deserialize, Serialize};

use crate::credentials::C1Credentials;

/// How far `nbf` lies before and `exp` after `iat`.
pub const ASSERTION_SKEW: Duration = Duration::from_secs(120);

/// The `client_assertion_type` of a JWT bearer client assertion (RFC 7523).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The protected header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always `EdDSA`.
    pub alg: String,
    /// Always `JWT`.
    #[serde(default)]
    pub typ: Option<String>,
    /// 16 random bytes in hex, so that no two assertions are alike.
    #[serde(default)]
    pub nonce: Option<String>,
}

/// The claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The client id.
    pub iss: String,
    /// The client id.
    pub sub: String,
    /// The tenant host without its port.
    pub aud: String,
    /// Issued at (seconds since the Unix epoch).
    pub iat: u64,
    /// Not before: `iat` − 2 min.
    pub nbf: u64,
    /// Expires: `iat` + 2 min.
    pub exp: u64,
}

/// Signs a fresh assertion for `credentials`, issued at `now`.
pub fn sign(credentials: &C1Credentials, now: SystemTime) -> String {
    let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let skew = ASSERTION_SKEW.as_secs();
    let header = Header {
        alg: "EdDSA".to_owned(),
        typ: Some("JWT".to_owned()),
        nonce: Some(format!(
            "{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        )),
    };
    let claims = Claims {
        iss: credentials.client_id().to_owned(),
        sub: credentials.client_id().to_owned(),
        aud: credentials.audience().to_owned(),
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
