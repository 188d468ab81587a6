//! Bearer-token checks and the tokens `POST /oauth/token` issues.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which bearer tokens the API accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// No token needed (the default).
    #[default]
    Off,
    /// Any unexpired token that this sandbox's `/oauth/token` issued.
    AnyIssuedToken,
    /// Exactly this token; `/oauth/token` issues it to every client.
    Fixed(String),
}

/// A token as `/oauth/token` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) expires_in: u64,
}

/// Checks tokens and remembers the ones issued, and to which client.
#[derive(Debug)]
pub(crate) struct Authenticator {
    mode: AuthMode,
    ttl: Duration,
    issued: Mutex<HashMap<String, Issued>>,
}

/// What the sandbox remembers of a token it issued.
#[derive(Debug)]
struct Issued {
    expires: Instant,
    client_id: String,
}

impl Authenticator {
    pub(crate) fn new(mode: AuthMode, ttl: Duration) -> Self {
        Authenticator {
            mode,
            ttl,
            issued: Mutex::new(HashMap::new()),
        }
    }

    /// Issues `client_id` a token valid for the configured lifetime.
    pub(crate) fn issue(&self, client_id: &str, now: Instant) -> IssuedToken {
        let access_token = match &self.mode {
            AuthMode::Fixed(token) => token.clone(),
            AuthMode::Off | AuthMode::AnyIssuedToken => {
                format!("{:032x}{:032x}", fastrand::u128(..), fastrand::u128(..))
            }
        };
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued.retain(|_, token| token.expires > now);
        issued.insert(
            access_token.clone(),
            Issued {
                expires: now + self.ttl,
                client_id: client_id.to_owned(),
            },
        );
        IssuedToken {
            access_token,
            // Like ISC: one second less than the lifetime, so a client never holds an
            // expired token that it believes valid.
            expires_in: self.ttl.as_secs().saturating_sub(1),
        }
    }

    /// The client a bearer token was issued to, while the sandbox remembers it (an
    /// expired token is still its client's: its requests count against that client).
    pub(crate) fn client_of(&self, authorization: Option<&str>) -> Option<String> {
        let token = bearer(authorization?)?;
        let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued.get(token).map(|t| t.client_id.clone())
    }

    /// Checks an `Authorization` header; `Err` is the 401 text.
    pub(crate) fn check(&self, authorization: Option<&str>, now: Instant) -> Result<(), String> {
        if self.mode == AuthMode::Off {
            return Ok(());
        }
        let header = authorization.ok_or("Authentication failed: no Authorization header")?;
        let token = bearer(header)
            .ok_or("Authentication failed: the Authorization header is not 'Bearer <token>'")?;
        match &self.mode {
            AuthMode::Fixed(expected) if token == expected => Ok(()),
            AuthMode::Fixed(_) => Err("JWT validation failed: unknown token".to_owned()),
            _ => {
                let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
                match issued.get(token) {
                    Some(token) if token.expires > now => Ok(()),
                    Some(_) => Err("JWT validation failed: JWT is expired".to_owned()),
                    None => Err("JWT validation failed: unknown token".to_owned()),
                }
            }
        }
    }
}

/// The token of a `Bearer <token>` header.
fn bearer(header: &str) -> Option<&str> {
    header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_work_until_they_expire() {
        let auth = Authenticator::new(AuthMode::AnyIssuedToken, Duration::from_secs(60));
        let t0 = Instant::now();
        let token = auth.issue("c1", t0);
        assert_eq!(token.expires_in, 59);
        let header = format!("Bearer {}", token.access_token);
        assert_eq!(auth.check(Some(&header), t0), Ok(()));
        assert_eq!(
            auth.check(Some(&header), t0 + Duration::from_secs(61)),
            Err("JWT validation failed: JWT is expired".to_owned())
        );
        assert!(auth.check(Some("Bearer nope"), t0).is_err());
        assert!(auth.check(Some("Basic abc"), t0).is_err());
        assert!(auth.check(None, t0).is_err());
    }

    #[test]
    fn every_token_knows_its_client() {
        let auth = Authenticator::new(AuthMode::Off, Duration::from_secs(60));
        let t0 = Instant::now();
        let a1 = format!("Bearer {}", auth.issue("a", t0).access_token);
        let a2 = format!("bearer {}", auth.issue("a", t0).access_token);
        let b = format!("Bearer {}", auth.issue("b", t0).access_token);
        assert_eq!(auth.client_of(Some(&a1)).as_deref(), Some("a"));
        assert_eq!(auth.client_of(Some(&a2)).as_deref(), Some("a"));
        assert_eq!(auth.client_of(Some(&b)).as_deref(), Some("b"));
        assert_eq!(auth.client_of(Some("Bearer not-issued")), None);
        assert_eq!(auth.client_of(None), None);
    }

    #[test]
    fn fixed_and_off() {
        let t0 = Instant::now();
        let fixed = Authenticator::new(AuthMode::Fixed("s3cr3t".into()), Duration::from_secs(60));
        assert_eq!(fixed.issue("c1", t0).access_token, "s3cr3t");
        assert_eq!(fixed.check(Some("bearer s3cr3t"), t0), Ok(()));
        assert!(fixed.check(Some("Bearer other"), t0).is_err());
        let off = Authenticator::new(AuthMode::Off, Duration::from_secs(60));
        assert_eq!(off.check(None, t0), Ok(()));
    }
}
