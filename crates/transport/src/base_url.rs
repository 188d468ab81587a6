//! `BaseUrl`: a tenant URL, checked and normalised, with no API's paths in it (each API
//! crate adds its own prefix, and takes its own suffix off with
//! [`BaseUrl::without_suffix`]).

use std::fmt;
use std::net::IpAddr;

use crate::TransportError;

/// The base URL of a client whose transport answers in-process
/// ([`Transport::is_in_process`](crate::Transport::is_in_process), e.g. the sandbox) and
/// that was given none: nothing goes on the network, so the address is only a
/// well-formed placeholder (a loopback host, so that plain `http` is accepted). One
/// value for every API client, so that in-process requests of both APIs look alike (in
/// recordings, logs, and to an auth layer comparing hosts).
pub const IN_PROCESS_BASE_URL: &str = "http://localhost";

/// A tenant base URL, normalised.
///
/// Accepts `https://tenant.example`, also behind a path prefix such as
/// `https://proxy.example/isc`, with or without trailing slashes, and gives:
///
/// - [`root`](BaseUrl::root): `scheme://host[:port][/prefix]`, the base every API crate
///   joins its own paths onto;
/// - [`token_url`](BaseUrl::token_url): the conventional OAuth2 token endpoint at the
///   root, `…/oauth/token` (what ISC's client-credentials grant uses).
///
/// Plain `http://` is refused unless the host is a loopback address (`localhost`,
/// `127.0.0.0/8`, `[::1]`) or [`parse_allow_http`](BaseUrl::parse_allow_http) is used:
/// credentials and tokens must not cross a network in the clear. User info
/// (`user:pass@`), queries and fragments are refused.
///
/// ```
/// use connkit_transport::BaseUrl;
///
/// let base = BaseUrl::parse("https://Acme.api.identitynow.com/v2024/")?.without_suffix("/v2024")?;
/// assert_eq!(base.root(), "https://acme.api.identitynow.com");
/// assert_eq!(base.token_url(), "https://acme.api.identitynow.com/oauth/token");
/// assert!(BaseUrl::parse("http://tenant.example").is_err());
/// # Ok::<(), connkit_transport::TransportError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// `scheme://authority[/prefix]`, no trailing slash.
    root: String,
    /// `root` + `/oauth/token`.
    token_url: String,
    token_uri: http::Uri,
    loopback: bool,
}

impl BaseUrl {
    /// Parses a base URL, refusing plain `http://` except for loopback hosts.
    pub fn parse(input: &str) -> Result<Self, TransportError> {
        Self::parse_inner(input, false)
    }

    /// Parses a base URL, accepting plain `http://` for any host. Use only when the user
    /// asked for it explicitly.
    pub fn parse_allow_http(input: &str) -> Result<Self, TransportError> {
        Self::parse_inner(input, true)
    }

    fn parse_inner(input: &str, allow_http: bool) -> Result<Self, TransportError> {
        let bad = |why: &str| TransportError::config(format!("base URL {input:?}: {why}"));
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(bad("it is empty"));
        }
        if trimmed.contains('#') {
            return Err(bad("a base URL cannot have a fragment (#...)"));
        }
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => "https",
            Some(s) if s.eq_ignore_ascii_case("http") => "http",
            Some(other) => return Err(bad(&format!("scheme {other:?} is not http or https"))),
            None => {
                return Err(bad(
                    "it needs a scheme and a host, e.g. https://tenant.api.identitynow.com",
                ))
            }
        };
        let authority = uri.authority().ok_or_else(|| bad("it has no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad(
                "user info (user:password@) is not allowed in a base URL; pass credentials separately",
            ));
        }
        if uri.query().is_some() {
            return Err(bad("a base URL cannot have a query (?...)"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        let loopback = is_loopback_host(host);
        if scheme == "http" && !loopback && !allow_http {
            return Err(bad(
                "plain http:// is only accepted for loopback hosts (localhost, 127.0.0.1, [::1]); use https://, or allow insecure http explicitly (`connkit --allow-http`; `allow_http(true)` on ClientBuilder or ConfigSources)",
            ));
        }

        let prefix = uri.path().trim_end_matches('/');
        let root = format!(
            "{scheme}://{}{prefix}",
            authority.as_str().to_ascii_lowercase()
        );
        BaseUrl::from_root(root, loopback).map_err(|e| bad(&e.to_string()))
    }

    fn from_root(root: String, loopback: bool) -> Result<Self, http::uri::InvalidUri> {
        let token_url = format!("{root}/oauth/token");
        let token_uri = token_url.parse()?;
        Ok(BaseUrl {
            token_url,
            token_uri,
            root,
            loopback,
        })
    }

    /// This URL with a trailing path `suffix` (e.g. ISC's `/v2024`) taken off, if it
    /// ends with one. A URL with `suffix` inside its path (an operation URL such as
    /// `…/v2024/connectors`) is refused: the tenant URL was meant.
    pub fn without_suffix(&self, suffix: &str) -> Result<BaseUrl, TransportError> {
        let segment = suffix.trim_matches('/');
        let root = self.root.strip_suffix(suffix).unwrap_or(&self.root);
        let path_start = root.find("://").map_or(0, |i| i + 3);
        let path = root[path_start..]
            .find('/')
            .map_or("", |i| &root[path_start + i..]);
        if !segment.is_empty() && path.split('/').any(|s| s == segment) {
            return Err(TransportError::config(format!(
                "base URL {:?}: it has a path after {suffix}; give the tenant URL \
                 (optionally ending in {suffix}), not an operation URL",
                self.root
            )));
        }
        BaseUrl::from_root(root.trim_end_matches('/').to_owned(), self.loopback)
            .map_err(|e| TransportError::config(format!("base URL {root:?}: {e}")))
    }

    /// `scheme://host[:port][/prefix]`, without a trailing slash.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The OAuth2 token endpoint: [`root`](BaseUrl::root) + `/oauth/token`.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// `true` if the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The token endpoint as an `http::Uri`.
    pub fn token_uri(&self) -> &http::Uri {
        &self.token_uri
    }
}

pub(crate) fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.root)
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = TransportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: &str = "https://tenant.api.identitynow.com";

    fn isc(input: &str) -> Result<BaseUrl, TransportError> {
        BaseUrl::parse(input)?.without_suffix("/v2024")
    }

    #[test]
    fn accepts_every_spelling_of_the_tenant_url() {
        for input in [
            TENANT,
            "https://tenant.api.identitynow.com/",
            "https://tenant.api.identitynow.com/v2024",
            "https://tenant.api.identitynow.com/v2024/",
            "  HTTPS://Tenant.api.identitynow.com//  ",
        ] {
            let b = isc(input).unwrap();
            assert_eq!(b.root(), TENANT, "{input}");
            assert_eq!(b.token_url(), format!("{TENANT}/oauth/token"), "{input}");
        }
        // Without the suffix taken off, the path stays: the transport knows no API.
        let kept = BaseUrl::parse("https://tenant.example/v2024/").unwrap();
        assert_eq!(kept.root(), "https://tenant.example/v2024");
    }

    #[test]
    fn keeps_a_path_prefix_and_a_port() {
        let b = isc("https://proxy.example:8443/isc/v2024/").unwrap();
        assert_eq!(b.root(), "https://proxy.example:8443/isc");
        assert_eq!(b.token_url(), "https://proxy.example:8443/isc/oauth/token");
        assert_eq!(b.token_uri().path(), "/isc/oauth/token");
    }

    #[test]
    fn plain_http_only_for_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:1",
            "http://[::1]:9000/v2024",
        ] {
            let b = isc(ok).unwrap();
            assert!(b.is_loopback(), "{ok}");
        }
        let err = BaseUrl::parse("http://tenant.api.identitynow.com")
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain http://"), "{err}");
        assert!(BaseUrl::parse("http://10.0.0.1").is_err());
        let b = BaseUrl::parse_allow_http("http://tenant.example").unwrap();
        assert_eq!(b.root(), "http://tenant.example");
        assert!(!b.is_loopback());
    }

    #[test]
    fn refuses_malformed_input_with_a_reason() {
        for (input, needle) in [
            ("", "empty"),
            ("tenant.api.identitynow.com", "scheme"),
            ("ftp://tenant", "scheme"),
            ("https://user:pw@tenant", "user info"),
            ("https://tenant/?a=b", "query"),
            ("https://tenant/#x", "fragment"),
            ("https://", ""),
            ("https://ten ant", ""),
            ("https://tenant/v2024/connectors", "path after /v2024"),
        ] {
            let err = isc(input).unwrap_err();
            assert!(matches!(err, TransportError::Config(_)), "{input}");
            assert!(err.to_string().contains(needle), "{input}: {err}");
        }
    }
}
