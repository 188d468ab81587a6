//! ConductorOne client credentials: the client id names the tenant, the client secret
//! carries an Ed25519 private key.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use connkit_transport::{ConfigError, TransportError};
use ed25519_dalek::SigningKey;
use serde::Deserialize;

/// The prefix of every ConductorOne client secret.
pub const SECRET_PREFIX: &str = "secret-token:conductorone.com:v1:";

/// A parsed client id and its signing key.
///
/// - The client id is `name@HOST/suffix`; `HOST` (with an optional port) is the tenant,
///   whose token endpoint is `https://HOST/auth/v1/token` (`http://` for loopback hosts
///   only, for the local sandbox).
/// - The secret is [`SECRET_PREFIX`] followed by the unpadded base64url of an Ed25519
///   private JWK `{"kty":"OKP","crv":"Ed25519","x":…,"d":…}`.
#[derive(Clone)]
pub struct C1Credentials {
    client_id: String,
    host: String,
    key: SigningKey,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: String,
    x: String,
    d: String,
}

impl C1Credentials {
    /// Parses a client id and secret, saying which part is wrong and why (never quoting
    /// the secret).
    pub fn new(client_id: &str, client_secret: &str) -> Result<Self, TransportError> {
        let host = host_of(client_id)?.to_owned();
        let key = signing_key(client_secret)?;
        Ok(C1Credentials {
            client_id: client_id.trim().to_owned(),
            host,
            key,
        })
    }

    /// Credentials for `client_id` with this key (what the sandbox mints).
    pub fn from_key(client_id: &str, key: SigningKey) -> Result<Self, TransportError> {
        Ok(C1Credentials {
            host: host_of(client_id)?.to_owned(),
            client_id: client_id.trim().to_owned(),
            key,
        })
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The tenant host from the client id, with its port if it has one.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The audience of the assertion: the host without its port.
    pub fn audience(&self) -> &str {
        audience_of(&self.host)
    }

    /// The tenant root: `https://HOST`, or `http://HOST` when the host is a loopback
    /// address (the local sandbox).
    pub fn tenant_url(&self) -> String {
        tenant_url_of_host(&self.host)
    }

    /// `{tenant_url}/auth/v1/token`.
    pub fn token_uri(&self) -> Result<http::Uri, TransportError> {
        format!("{}/auth/v1/token", self.tenant_url())
            .parse()
            .map_err(|e| {
                config_error(format!(
                    "client id {:?}: its host makes no token URL ({e})",
                    self.client_id
                ))
            })
    }

    /// The signing key.
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The client secret for this key, as ConductorOne writes it.
    pub fn secret(&self) -> String {
        encode_secret(&self.key)
    }
}

impl fmt::Debug for C1Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("C1Credentials")
            .field("client_id", &self.client_id)
            .field("key", &"[redacted]")
            .finish()
    }
}

pub(crate) fn config_error(message: impl Into<String>) -> TransportError {
    ConfigError::invalid(message).into()
}

/// The `HOST` of `name@HOST/suffix`.
pub fn host_of(client_id: &str) -> Result<&str, TransportError> {
    let bad = |why: &str| {
        config_error(format!(
            "client id {client_id:?}: {why}; expected name@tenant.conductor.one/suffix"
        ))
    };
    let (_, rest) = client_id
        .trim()
        .split_once('@')
        .ok_or_else(|| bad("it has no '@'"))?;
    let host = rest.split_once('/').map_or(rest, |(host, _)| host);
    if host.is_empty() {
        return Err(bad("it names no host after '@'"));
    }
    if host.contains(|c: char| c.is_whitespace() || c == '@' || c == '?' || c == '#') {
        return Err(bad("its host has characters a host cannot have"));
    }
    Ok(host)
}

/// `host` without a `:port` suffix (IPv6 brackets kept).
pub fn audience_of(host: &str) -> &str {
    match host.rfind(':') {
        Some(i)
            if !host[i..].contains(']') && host[i + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &host[..i]
        }
        _ => host,
    }
}

/// `https://HOST`, or `http://HOST` for a loopback host.
pub(crate) fn tenant_url_of_host(host: &str) -> String {
    let scheme = if is_loopback(audience_of(host)) {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{host}")
}

/// Whether the transport would take `http://host` (it does for loopback hosts only).
fn is_loopback(host: &str) -> bool {
    connkit_transport::BaseUrl::parse(&format!("http://{host}")).is_ok_and(|b| b.is_loopback())
}

/// Reads the Ed25519 key out of a client secret.
fn signing_key(secret: &str) -> Result<SigningKey, TransportError> {
    let bad = |why: String| config_error(format!("the ConductorOne client secret {why}"));
    let encoded = secret
        .trim()
        .strip_prefix(SECRET_PREFIX)
        .ok_or_else(|| bad(format!("does not start with {SECRET_PREFIX:?}")))?;
    let json = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|e| bad(format!("is not base64url after the prefix ({e})")))?;
    let jwk: Jwk = serde_json::from_slice(&json)
        .map_err(|e| bad(format!("does not hold a JWK with kty, crv, x and d ({e})")))?;
    if jwk.kty != "OKP" || jwk.crv != "Ed25519" {
        return Err(bad(format!(
            "holds a {}/{} key, not OKP/Ed25519",
            jwk.kty, jwk.crv
        )));
    }
    let seed: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&jwk.d)
        .ok()
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| bad("has a `d` that is not 32 base64url bytes".into()))?;
    let key = SigningKey::from_bytes(&seed);
    if URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()) != jwk.x {
        return Err(bad(
            "has an `x` that is not the public key of its `d`".into()
        ));
    }
    Ok(key)
}

/// The client secret ConductorOne would issue for `key`.
pub fn encode_secret(key: &SigningKey) -> String {
    let jwk = serde_json::json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
        "d": URL_SAFE_NO_PAD.encode(key.to_bytes()),
    });
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(jwk.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    #[test]
    fn a_minted_secret_parses_back() {
        let secret = encode_secret(&key());
        let creds = C1Credentials::new("bot@acme.conductor.one/abc", &secret).unwrap();
        assert_eq!(creds.host(), "acme.conductor.one");
        assert_eq!(creds.audience(), "acme.conductor.one");
        assert_eq!(
            creds.token_uri().unwrap(),
            "https://acme.conductor.one/auth/v1/token"
        );
        assert_eq!(creds.secret(), secret);
        assert!(!format!("{creds:?}").contains(&secret[40..]));
        let local = C1Credentials::from_key("s@127.0.0.1:8080/x", key()).unwrap();
        assert_eq!(local.audience(), "127.0.0.1");
        assert_eq!(
            local.token_uri().unwrap(),
            "http://127.0.0.1:8080/auth/v1/token"
        );
        assert_eq!(audience_of("[::1]:80"), "[::1]");
        assert_eq!(audience_of("[::1]"), "[::1]");
    }

    #[test]
    fn bad_ids_and_secrets_are_named() {
        for (id, needle) in [
            ("no-at", "no '@'"),
            ("a@/x", "no host"),
            ("a@b c/x", "characters"),
        ] {
            let err = host_of(id).unwrap_err().to_string();
            assert!(err.contains(needle), "{id}: {err}");
        }
        let id = "a@t.conductor.one/x";
        let jwk = |v: serde_json::Value| {
            format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(v.to_string()))
        };
        let good = encode_secret(&key());
        let other_x =
            URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes());
        for (secret, needle) in [
            ("plain".to_owned(), "does not start with"),
            (format!("{SECRET_PREFIX}!!"), "not base64url"),
            (jwk(serde_json::json!({"kty":"OKP"})), "JWK"),
            (
                jwk(serde_json::json!({"kty":"EC","crv":"P-256","x":"","d":""})),
                "EC/P-256",
            ),
            (
                jwk(serde_json::json!({"kty":"OKP","crv":"Ed25519","x":"","d":"AA"})),
                "32 base64url",
            ),
            (
                jwk(
                    serde_json::json!({"kty":"OKP","crv":"Ed25519","x":other_x,"d":URL_SAFE_NO_PAD.encode([7; 32])}),
                ),
                "not the public key",
            ),
        ] {
            let err = C1Credentials::new(id, &secret).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
            assert!(!err.contains(&good[SECRET_PREFIX.len()..]));
        }
    }
}
