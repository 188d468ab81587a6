//! `POST /auth/v1/token`: client credentials with an EdDSA client assertion, verified
//! against the key of a credential this sandbox minted or rotated.
//!
//! Written independently of `connkit-c1`'s signer on purpose: a shared bug would
//! otherwise verify itself.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use connkit_models::c1::RpcCode;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde::Deserialize;

use super::state::C1Store;
use super::status::C1Error;
use crate::auth::{Authenticator, IssuedToken};

/// The `client_assertion_type` the endpoint accepts.
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How far clocks may disagree.
const LEEWAY_SECS: u64 = 60;
/// The longest assertion lifetime accepted (`exp` − `nbf`).
const MAX_LIFETIME_SECS: u64 = 10 * 60;

/// The largest token request read: an assertion is a few hundred bytes.
pub(crate) const MAX_TOKEN_REQUEST_BYTES: usize = 64 * 1024;
/// Assertions remembered at most (each lives at most ten minutes past its `nbf`).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Deserialize)]
struct Header {
    alg: String,
    /// ConductorOne's clients put a random one in every assertion.
    #[serde(default)]
    nonce: Option<String>,
}

/// `aud` as RFC 7519 allows it: one string or an array of them (cone and the Go SDK
/// write an array, baton-sdk and the Terraform provider a string).
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn names(&self, host: &str) -> bool {
        match self {
            Audience::One(aud) => aud == host,
            Audience::Many(auds) => auds.iter().any(|aud| aud == host),
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: Audience,
    exp: u64,
    nbf: u64,
    #[serde(default)]
    jti: Option<String>,
}

/// Assertions already exchanged, until they expire: one assertion buys one token. Keyed
/// by client and signature, and by the header's `nonce` and the `jti` claim where
/// present (a `jti` is never required).
#[derive(Debug, Default)]
pub(crate) struct SeenAssertions(Mutex<HashMap<String, u64>>);

impl SeenAssertions {
    /// Records `keys` until `until`; `false` when one of them was seen before and has
    /// not expired (nothing is recorded then).
    pub(crate) fn first_use(&self, keys: &[String], now: u64, until: u64) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_REMEMBERED {
            seen.retain(|_, expires| *expires > now);
        }
        if keys.iter().any(|k| seen.get(k).is_some_and(|e| *e > now)) {
            return false;
        }
        for key in keys {
            seen.insert(key.clone(), until);
        }
        true
    }
}

/// A new Ed25519 key and the client secret that carries it.
pub(crate) fn mint_key() -> Result<(SigningKey, String), String> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| format!("no OS randomness for a key: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    let jwk = serde_json::json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
        "d": URL_SAFE_NO_PAD.encode(seed),
    });
    let secret = format!(
        "secret-token:conductorone.com:v1:{}",
        URL_SAFE_NO_PAD.encode(jwk.to_string())
    );
    Ok((key, secret))
}

/// The host of `name@HOST/suffix` without its port: the audience an assertion names
/// when its client was given no server URL.
pub(crate) fn audience(client_id: &str) -> Option<&str> {
    let host = client_id.split_once('@')?.1;
    Some(without_port(host.split_once('/').map_or(host, |(h, _)| h)))
}

/// `host` without a `:port` suffix (IPv6 brackets kept).
fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

fn unauthenticated(message: impl Into<String>) -> C1Error {
    C1Error::new(RpcCode::Unauthenticated, message)
}

/// Checks the form and the assertion (sent to `addressed_to`, the request's host, if
/// known); issues a token on success.
pub(crate) fn exchange(
    store: &C1Store,
    tokens: &Authenticator,
    seen: &SeenAssertions,
    form: &[(String, String)],
    addressed_to: Option<&str>,
) -> Result<IssuedToken, C1Error> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| C1Error::invalid(format!("the token request has no {name}")))
    };
    if field("grant_type")? != "client_credentials" {
        return Err(C1Error::invalid("grant_type must be client_credentials"));
    }
    if field("client_assertion_type")? != ASSERTION_TYPE {
        return Err(C1Error::invalid(format!(
            "client_assertion_type must be {ASSERTION_TYPE}"
        )));
    }
    let client_id = field("client_id")?;
    let client = store
        .clients
        .get(client_id)
        .ok_or_else(|| unauthenticated(format!("unknown client id {client_id}")))?;
    let now = unix_now();
    let verified = verify(
        field("client_assertion")?,
        client_id,
        &client.key,
        now,
        addressed_to,
    )?;
    if !seen.first_use(&verified.keys, now, verified.until) {
        return Err(unauthenticated(
            "invalid client assertion: it was already used (sign a new one, with a new nonce)",
        ));
    }
    Ok(tokens.issue(client_id, Instant::now()))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A verified assertion: what identifies it, and until when it could be used again.
pub(crate) struct Verified {
    pub(crate) keys: Vec<String>,
    pub(crate) until: u64,
}

/// Verifies a compact JWS: EdDSA, signed by `key`, `iss` = `sub` = `client_id`, `aud`
/// naming the client id's host or the host the request was `addressed_to` (each without
/// its port; a string or an array), `nbf` ≤ `exp`, and `now` inside `nbf..exp` (with
/// leeway). A refusal names the claim that is wrong.
///
/// The addressed host is an audience because ConductorOne's own clients (cone, the Go
/// SDK) sign for the server URL they were given, when they were given one, and send the
/// token request there: a tenant knows itself by the name it is reached at.
pub(crate) fn verify(
    jws: &str,
    client_id: &str,
    key: &VerifyingKey,
    now: u64,
    addressed_to: Option<&str>,
) -> Result<Verified, C1Error> {
    let bad = |why: &str| unauthenticated(format!("invalid client assertion: {why}"));
    let mut parts = jws.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a compact JWS of three parts"));
    };
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| bad(&format!("the {what} is not base64url")))
    };
    let head: Header = serde_json::from_slice(&decode(header, "header")?)
        .map_err(|_| bad("the header is not JSON with an alg"))?;
    if head.alg != "EdDSA" {
        return Err(bad(&format!("alg is {:?}, expected EdDSA", head.alg)));
    }
    let signature = Signature::from_slice(&decode(signature, "signature")?)
        .map_err(|_| bad("the signature is not 64 bytes"))?;
    let signed = &jws[..header.len() + 1 + claims.len()];
    key.verify_strict(signed.as_bytes(), &signature)
        .map_err(|_| bad("the signature does not verify with this client's key (wrong key?)"))?;
    // `from_json` names the claim that is missing or of the wrong type.
    let claims: Claims = connkit_models::decode::from_json(&decode(claims, "claims")?)
        .map_err(|e| bad(&format!("claim `{}`: {}", e.path, e.message)))?;
    if claims.iss != client_id || claims.sub != client_id {
        return Err(bad("iss and sub must both be the client id"));
    }
    let mut expected = vec![audience(client_id).unwrap_or_default()];
    expected.extend(addressed_to.map(without_port));
    expected.dedup();
    if !expected.iter().any(|host| claims.aud.names(host)) {
        let shown = match &claims.aud {
            Audience::One(aud) => format!("{aud:?}"),
            Audience::Many(auds) => format!("{auds:?}"),
        };
        let expected: Vec<String> = expected.iter().map(|host| format!("{host:?}")).collect();
        return Err(bad(&format!(
            "aud is {shown}, expected {}",
            expected.join(" or ")
        )));
    }
    if claims.nbf > claims.exp {
        return Err(bad("nbf is after exp"));
    }
    if now >= claims.exp.saturating_add(LEEWAY_SECS) {
        return Err(bad("it has expired (exp is in the past)"));
    }
    if now.saturating_add(LEEWAY_SECS) < claims.nbf {
        return Err(bad("it is not valid yet (nbf is in the future)"));
    }
    if claims.exp.saturating_sub(claims.nbf) > MAX_LIFETIME_SECS {
        return Err(bad("its lifetime (exp - nbf) is longer than 10 minutes"));
    }
    let mut keys = vec![format!(
        "{client_id} sig {signature}",
        signature = &jws[signed.len()..]
    )];
    keys.extend(head.nonce.map(|n| format!("{client_id} nonce {n}")));
    keys.extend(claims.jti.map(|j| format!("{client_id} jti {j}")));
    Ok(Verified {
        keys,
        until: claims.exp.saturating_add(LEEWAY_SECS),
    })
}
