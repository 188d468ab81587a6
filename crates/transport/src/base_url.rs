//! `BaseUrl`: the one place that knows about the `/v2024` prefix and the token URL.

use std::fmt;
use std::net::IpAddr;

use crate::TransportError;

/// The API version prefix every operation path lives under.
pub const API_VERSION_PREFIX: &str = "/v2024";

/// A tenant base URL, normalised.
///
/// Accepts `https://tenant.api.identitynow.com`, with or without `/v2024` and trailing
/// slashes (also behind a path prefix such as `https://proxy.example/isc`), and gives:
///
/// - [`api_root`](BaseUrl::api_root): `https://tenant.api.identitynow.com/v2024`, the base of
///   every operation path;
/// - [`token_url`](BaseUrl::token_url): `https://tenant.api.identitynow.com/oauth/token`;
/// - [`api_uri`](BaseUrl::api_uri): an operation path joined onto the API root.
///
/// Plain `http://` is refused unless the host is a loopback address (`localhost`,
/// `127.0.0.0/8`, `[::1]`) or [`parse_allow_http`](BaseUrl::parse_allow_http) is used:
/// credentials and tokens must not cross a network in the clear. User info
/// (`user:pass@`), queries and fragments are refused.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// `scheme://authority[/prefix]`, no trailing slash.
    root: String,
    /// `root` + `/v2024`.
    api_root: String,
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

        let mut prefix = uri.path().trim_end_matches('/');
        if let Some(stripped) = prefix.strip_suffix(API_VERSION_PREFIX) {
            prefix = stripped.trim_end_matches('/');
        }
        if prefix
            .split('/')
            .any(|segment| segment == &API_VERSION_PREFIX[1..])
        {
            return Err(bad(
                "it has a path after /v2024; give the tenant URL (optionally ending in /v2024), not an operation URL",
            ));
        }
        let root = format!(
            "{scheme}://{}{prefix}",
            authority.as_str().to_ascii_lowercase()
        );
        let token_url = format!("{root}/oauth/token");
        let token_uri = token_url
            .parse()
            .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
        Ok(BaseUrl {
            api_root: format!("{root}{API_VERSION_PREFIX}"),
            token_url,
            token_uri,
            root,
            loopback,
        })
    }

    /// `scheme://host[:port][/prefix]`, without `/v2024` and without a trailing slash.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The base of every operation path: [`root`](BaseUrl::root) + `/v2024`.
    pub fn api_root(&self) -> &str {
        &self.api_root
    }

    /// The OAuth2 token endpoint: [`root`](BaseUrl::root) + `/oauth/token`.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// `true` if the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Joins an operation path (starting with `/`, with an optional query, already
    /// percent-encoded) onto the API root: `"/connectors?limit=5"` →
    /// `https://tenant…/v2024/connectors?limit=5`.
    pub fn api_uri(&self, path_and_query: &str) -> Result<http::Uri, TransportError> {
        if !path_and_query.starts_with('/') {
            return Err(TransportError::InvalidRequest {
                message: format!("operation path {path_and_query:?} must start with '/'"),
            });
        }
        format!("{}{path_and_query}", self.api_root)
            .parse()
            .map_err(|e: http::uri::InvalidUri| TransportError::InvalidRequest {
                message: format!("operation path {path_and_query:?}: {e}"),
            })
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
        f.write_str(&self.api_root)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.api_root)
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

    #[test]
    fn accepts_every_spelling_of_the_tenant_url() {
        for input in [
            TENANT,
            "https://tenant.api.identitynow.com/",
            "https://tenant.api.identitynow.com/v2024",
            "https://tenant.api.identitynow.com/v2024/",
            "  HTTPS://Tenant.api.identitynow.com//  ",
        ] {
            let b = BaseUrl::parse(input).unwrap();
            assert_eq!(b.root(), TENANT, "{input}");
            assert_eq!(b.api_root(), format!("{TENANT}/v2024"), "{input}");
            assert_eq!(b.token_url(), format!("{TENANT}/oauth/token"), "{input}");
        }
    }

    #[test]
    fn keeps_a_path_prefix_and_a_port() {
        let b = BaseUrl::parse("https://proxy.example:8443/isc/v2024/").unwrap();
        assert_eq!(b.api_root(), "https://proxy.example:8443/isc/v2024");
        assert_eq!(b.token_url(), "https://proxy.example:8443/isc/oauth/token");
        assert_eq!(b.token_uri().path(), "/isc/oauth/token");
    }

    #[test]
    fn joins_operation_paths() {
        let b = BaseUrl::parse(TENANT).unwrap();
        let uri = b.api_uri("/connectors?limit=5").unwrap();
        assert_eq!(
            uri.to_string(),
            format!("{TENANT}/v2024/connectors?limit=5")
        );
        assert!(b.api_uri("connectors").is_err());
        assert!(b.api_uri("/a b").is_err());
    }

    #[test]
    fn plain_http_only_for_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:1",
            "http://[::1]:9000/v2024",
        ] {
            let b = BaseUrl::parse(ok).unwrap();
            assert!(b.is_loopback(), "{ok}");
        }
        let err = BaseUrl::parse("http://tenant.api.identitynow.com")
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain http://"), "{err}");
        assert!(BaseUrl::parse("http://10.0.0.1").is_err());
        let b = BaseUrl::parse_allow_http("http://tenant.example").unwrap();
        assert_eq!(b.api_root(), "http://tenant.example/v2024");
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
            let err = BaseUrl::parse(input).unwrap_err();
            assert!(matches!(err, TransportError::Config { .. }), "{input}");
            assert!(err.to_string().contains(needle), "{input}: {err}");
        }
    }
}
