//! ConductorOne client credentials: the client id names the tenant, the client secret
//! carries an Ed25519 private key. Internal: users give them as text to
//! [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use connkit_transport::{BaseUrl, ConfigError, TransportError};
use ed25519_dalek::SigningKey;
use serde::Deserialize;

/// The token endpoint's path below a tenant's root: where client credentials buy
/// tokens, and how a cached token (`connkit auth status`) is told to be ConductorOne's.
pub const TOKEN_PATH: &str = "/auth/v1/token";

/// The one secret format version there is (`…:…:v1:<key>`).
const SECRET_VERSION: &str = "v1";

/// A parsed client id, its signing key, and the tenant tokens are bought from.
///
/// - The client id is `name@HOST/suffix`; by default `HOST` (with an optional port) is
///   the tenant ([`tenant_url`]).
/// - The secret is `<prefix>:<issuer>:v1:` followed by the unpadded base64url of an
///   Ed25519 private JWK `{"kty":"OKP","crv":"Ed25519","x":…,"d":…}`. ConductorOne
///   issues `secret-token:conductorone.com:v1:…`; like its own clients (cone, the Go
///   SDK), only the version part is checked, so a secret of another issuer's prefix
///   still works.
/// - Tokens are bought from `{tenant}/auth/v1/token` and the assertion's audience is the
///   tenant's host without its port, where the tenant is the client's base URL: an
///   explicit base URL (`--base-url`, `CONDUCTORONE_SERVER_URL`) is where the token is
///   bought, as cone does, so the token is only ever sent back to that host.
#[derive(Clone)]
pub(crate) struct C1Credentials {
    client_id: String,
    key: SigningKey,
    token_uri: http::Uri,
    audience: String,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: String,
    x: String,
    d: String,
}

impl C1Credentials {
    /// Parses a client id and secret for the tenant at `tenant`, saying which part is
    /// wrong and why (never quoting the secret).
    pub(crate) fn new(
        client_id: &str,
        client_secret: &str,
        tenant: &BaseUrl,
    ) -> Result<Self, TransportError> {
        host_of(client_id)?;
        Self::with_key(client_id, signing_key(client_secret)?, tenant)
    }

    /// Credentials for `client_id` with this key, for the tenant at `tenant`.
    fn with_key(
        client_id: &str,
        key: SigningKey,
        tenant: &BaseUrl,
    ) -> Result<Self, TransportError> {
        let token_uri: http::Uri = format!("{}{TOKEN_PATH}", tenant.root())
            .parse()
            .map_err(|e| config_error(format!("{tenant}: no token URL can be made of it ({e})")))?;
        let audience = token_uri.host().map(str::to_owned).ok_or_else(|| {
            config_error(format!("{tenant}: it names no host to buy a token from"))
        })?;
        Ok(C1Credentials {
            client_id: client_id.trim().to_owned(),
            key,
            token_uri,
            audience,
        })
    }

    /// The client id.
    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The audience of the assertion: the tenant's host without its port.
    pub(crate) fn audience(&self) -> &str {
        &self.audience
    }

    /// `{tenant}/auth/v1/token`: where tokens are bought, and the only origin they are
    /// sent to.
    pub(crate) fn token_uri(&self) -> &http::Uri {
        &self.token_uri
    }

    /// The signing key.
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }
}

impl fmt::Debug for C1Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("C1Credentials")
            .field("client_id", &self.client_id)
            .field("token_uri", &self.token_uri.to_string())
            .field("key", &"[redacted]")
            .finish()
    }
}

fn config_error(message: impl Into<String>) -> TransportError {
    ConfigError::invalid(message).into()
}

/// The `HOST` of `name@HOST/suffix`.
fn host_of(client_id: &str) -> Result<&str, TransportError> {
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

/// The tenant a client id names: `https://HOST`, or `http://HOST` when the host is a
/// loopback address (the local sandbox).
pub(crate) fn tenant_url(client_id: &str) -> Result<String, TransportError> {
    let host = host_of(client_id)?;
    let scheme = if is_loopback(host) { "http" } else { "https" };
    Ok(format!("{scheme}://{host}"))
}

/// Whether the transport would take `http://host` (it does for loopback hosts only).
fn is_loopback(host: &str) -> bool {
    BaseUrl::parse(&format!("http://{host}")).is_ok_and(|b| b.is_loopback())
}

/// Reads the Ed25519 key out of a client secret `<prefix>:<issuer>:v1:<key>`, checking
/// the version part only, as ConductorOne's own clients do.
fn signing_key(secret: &str) -> Result<SigningKey, TransportError> {
    let bad = |why: String| config_error(format!("the ConductorOne client secret {why}"));
    let parts: Vec<&str> = secret.trim().splitn(4, ':').collect();
    let [_, _, version, encoded] = parts[..] else {
        return Err(bad(
            "is not of the form <prefix>:<issuer>:v1:<key> (secret-token:conductorone.com:v1:…)"
                .into(),
        ));
    };
    if version != SECRET_VERSION {
        // The version part is a format tag, not secret.
        return Err(bad(format!(
            "has format version {version:?}; only {SECRET_VERSION:?} is known"
        )));
    }
    let json = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|e| bad(format!("is not base64url after its version ({e})")))?;
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What ConductorOne issues.
    const ISSUED_PREFIX: &str = "secret-token:conductorone.com:v1:";

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    /// The base64url JWK of `key`, as a secret carries it.
    fn encoded_jwk(key: &SigningKey) -> String {
        let jwk = serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
            "d": URL_SAFE_NO_PAD.encode(key.to_bytes()),
        });
        URL_SAFE_NO_PAD.encode(jwk.to_string())
    }

    /// Credentials for `client_id` with a fixed key, for the tenant its id names.
    pub(crate) fn fixed(client_id: &str) -> C1Credentials {
        let tenant = BaseUrl::parse(&tenant_url(client_id).unwrap()).unwrap();
        C1Credentials::with_key(client_id, key(), &tenant).unwrap()
    }

    #[test]
    fn the_tenant_is_the_client_ids_host_unless_a_base_url_says_otherwise() {
        let secret = format!("{ISSUED_PREFIX}{}", encoded_jwk(&key()));
        let id = "bot@acme.conductor.one/abc";
        let own = BaseUrl::parse(&tenant_url(id).unwrap()).unwrap();
        let creds = C1Credentials::new(id, &secret, &own).unwrap();
        assert_eq!(creds.audience(), "acme.conductor.one");
        assert_eq!(
            creds.token_uri(),
            "https://acme.conductor.one/auth/v1/token"
        );
        assert_eq!(creds.key().to_bytes(), key().to_bytes());
        assert!(!format!("{creds:?}").contains(&secret[40..]));

        // An explicit server URL is where tokens are bought, and the audience, as cone.
        let eu = BaseUrl::parse("https://eu.acme.example:8443").unwrap();
        let creds = C1Credentials::new(id, &secret, &eu).unwrap();
        assert_eq!(creds.audience(), "eu.acme.example");
        assert_eq!(
            creds.token_uri(),
            "https://eu.acme.example:8443/auth/v1/token"
        );

        let local = fixed("s@127.0.0.1:8080/x");
        assert_eq!(local.audience(), "127.0.0.1");
        assert_eq!(local.token_uri(), "http://127.0.0.1:8080/auth/v1/token");
        assert_eq!(fixed("s@[::1]:80/x").audience(), "[::1]");
    }

    #[test]
    fn only_the_version_part_of_the_secret_prefix_is_checked() {
        let tenant = BaseUrl::parse("https://t.conductor.one").unwrap();
        let id = "a@t.conductor.one/x";
        let jwk = encoded_jwk(&key());
        for prefix in [ISSUED_PREFIX, "secret-token:other.example:v1:", "x:y:v1:"] {
            let creds = C1Credentials::new(id, &format!("{prefix}{jwk}"), &tenant)
                .unwrap_or_else(|e| panic!("{prefix}: {e}"));
            assert_eq!(creds.key().to_bytes(), key().to_bytes());
        }
        let err = C1Credentials::new(
            id,
            &format!("secret-token:conductorone.com:v2:{jwk}"),
            &tenant,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("format version \"v2\""), "{err}");
        assert!(!err.contains(&jwk), "{err}");
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
        let tenant = BaseUrl::parse("https://t.conductor.one").unwrap();
        let id = "a@t.conductor.one/x";
        let jwk = |v: serde_json::Value| {
            format!("{ISSUED_PREFIX}{}", URL_SAFE_NO_PAD.encode(v.to_string()))
        };
        let good = encoded_jwk(&key());
        let other_x =
            URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes());
        for (secret, needle) in [
            ("plain".to_owned(), "is not of the form"),
            (format!("a:v1:{good}"), "is not of the form"),
            (format!("{ISSUED_PREFIX}!!"), "not base64url"),
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
            let err = C1Credentials::new(id, &secret, &tenant)
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{needle}: {err}");
            assert!(!err.contains(&good), "{err}");
        }
    }
}
