//! `HttpBackend`: the real network transport (reqwest, HTTP/1.1, pooled keep-alive
//! connections).
//!
//! Compiled in with the `reqwest` feature (default; rustls with the ring crypto provider
//! and the platform's certificate verifier) and/or the `native-tls` feature (the
//! platform TLS library). Without either, the type still exists and
//! [`HttpBackendBuilder::build`] fails with [`TransportError::NoBackend`].

use std::time::Duration;

use bytes::Bytes;

use crate::{Transport, TransportError};

/// Which TLS implementation the backend uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsBackend {
    /// rustls (feature `reqwest` / `rustls`): ring crypto, platform certificate verifier.
    Rustls,
    /// The platform TLS library, OpenSSL on Linux (feature `native-tls`).
    NativeTls,
}

impl TlsBackend {
    /// rustls if compiled in, else native TLS if compiled in, else `None`.
    pub fn default_available() -> Option<TlsBackend> {
        if cfg!(feature = "rustls") {
            Some(TlsBackend::Rustls)
        } else if cfg!(feature = "native-tls") {
            Some(TlsBackend::NativeTls)
        } else {
            None
        }
    }

    fn is_compiled_in(self) -> bool {
        match self {
            TlsBackend::Rustls => cfg!(feature = "rustls"),
            TlsBackend::NativeTls => cfg!(feature = "native-tls"),
        }
    }

    fn feature(self) -> &'static str {
        match self {
            TlsBackend::Rustls => "reqwest",
            TlsBackend::NativeTls => "native-tls",
        }
    }
}

/// The network transport: HTTP/1.1 over a pool of keep-alive connections. Cheap to
/// clone (clones share the pool). Redirects are not followed (a 3xx is returned as is),
/// and no response body is decompressed.
///
/// Errors: [`TransportError::Connect`] (refused, DNS, TLS handshake),
/// [`TransportError::UntrustedCertificate`] (the server's certificate is not trusted),
/// [`TransportError::Timeout`] with phase `Connect`, [`TransportError::Network`] (reset,
/// closed early, truncated body), [`TransportError::InvalidRequest`],
/// [`TransportError::NoRuntime`] when sent outside a Tokio runtime (it needs one with
/// I/O and timers enabled). Every HTTP status is `Ok`.
#[derive(Clone, Debug)]
pub struct HttpBackend {
    imp: imp::Backend,
}

/// Settings for [`HttpBackend`]. Defaults: connect timeout 10 s, idle pooled connections
/// kept 90 s, at most 8 idle connections per host, TCP keep-alive 60 s, rustls if
/// compiled in, user agent `connkit/<version>`.
#[derive(Debug, Clone)]
pub struct HttpBackendBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    tls: Option<TlsBackend>,
    user_agent: String,
    use_system_proxy: bool,
    extra_roots_pem: Vec<Vec<u8>>,
}

impl Default for HttpBackendBuilder {
    fn default() -> Self {
        HttpBackendBuilder {
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 8,
            tls: None,
            user_agent: concat!("connkit/", env!("CARGO_PKG_VERSION")).to_owned(),
            use_system_proxy: true,
            extra_roots_pem: Vec::new(),
        }
    }
}

impl HttpBackend {
    /// A backend with the default settings.
    pub fn new() -> Result<Self, TransportError> {
        HttpBackendBuilder::default().build()
    }

    /// Settings to adjust before [`build`](HttpBackendBuilder::build).
    pub fn builder() -> HttpBackendBuilder {
        HttpBackendBuilder::default()
    }
}

impl HttpBackendBuilder {
    /// The limit on establishing a connection (TCP + TLS).
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// How long an idle pooled connection is kept.
    pub fn pool_idle_timeout(mut self, idle: Duration) -> Self {
        self.pool_idle_timeout = idle;
        self
    }

    /// The most idle connections kept per host.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// The TLS implementation (default: rustls if compiled in, else native TLS).
    pub fn tls(mut self, tls: TlsBackend) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The `User-Agent` header sent when a request has none.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Whether to honour `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` from the environment
    /// (default `true`).
    pub fn system_proxy(mut self, on: bool) -> Self {
        self.use_system_proxy = on;
        self
    }

    /// Trusts the PEM certificates in `pem` as roots, in addition to the platform's (a
    /// corporate TLS-inspecting proxy, a sandbox served over TLS). Checked at
    /// [`build`](HttpBackendBuilder::build): no certificate in it is a
    /// [`TransportError::Config`].
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.push(pem.into());
        self
    }

    /// Builds the backend. Fails with [`TransportError::NoBackend`] when no backend or
    /// not the requested TLS implementation is compiled in.
    pub fn build(self) -> Result<HttpBackend, TransportError> {
        let tls = match self.tls {
            Some(tls) if tls.is_compiled_in() => tls,
            Some(tls) => {
                return Err(TransportError::NoBackend {
                    message: format!(
                        "TLS backend {tls:?} is not compiled in; enable the connkit-transport feature `{}`",
                        tls.feature()
                    ),
                })
            }
            None => TlsBackend::default_available().ok_or_else(|| TransportError::NoBackend {
                message: "connkit-transport was built without an HTTP backend; enable its `reqwest` (rustls) or `native-tls` feature, or bring your own Transport".into(),
            })?,
        };
        Ok(HttpBackend {
            imp: imp::Backend::build(&self, tls)?,
        })
    }
}

#[async_trait::async_trait]
impl Transport for HttpBackend {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        // reqwest would panic outside a Tokio runtime.
        crate::runtime::require()?;
        self.imp.send(request).await
    }
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
mod imp {
    use std::time::Duration;

    use bytes::Bytes;

    use super::{HttpBackendBuilder, TlsBackend};
    use crate::{TimeoutPhase, TransportError};

    #[derive(Clone, Debug)]
    pub(super) struct Backend {
        client: reqwest::Client,
        connect_timeout: Duration,
    }

    impl Backend {
        pub(super) fn build(
            settings: &HttpBackendBuilder,
            tls: TlsBackend,
        ) -> Result<Self, TransportError> {
            let mut builder = reqwest::Client::builder()
                .http1_only()
                .connect_timeout(settings.connect_timeout)
                .pool_idle_timeout(settings.pool_idle_timeout)
                .pool_max_idle_per_host(settings.pool_max_idle_per_host)
                .tcp_keepalive(Duration::from_secs(60))
                .tcp_nodelay(true)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(settings.user_agent.clone());
            if !settings.use_system_proxy {
                builder = builder.no_proxy();
            }
            builder = match tls {
                #[cfg(feature = "rustls")]
                TlsBackend::Rustls => {
                    builder.tls_backend_preconfigured(rustls_config(&settings.extra_roots_pem)?)
                }
                #[cfg(feature = "native-tls")]
                TlsBackend::NativeTls => {
                    let mut roots = Vec::new();
                    for pem in &settings.extra_roots_pem {
                        let certs = reqwest::Certificate::from_pem_bundle(pem)
                            .map_err(|e| bad_roots(&e.to_string()))?;
                        if certs.is_empty() {
                            return Err(bad_roots("no certificate in it"));
                        }
                        roots.extend(certs);
                    }
                    builder.tls_backend_native().tls_certs_merge(roots)
                }
                #[allow(unreachable_patterns)] // checked by the caller
                other => {
                    return Err(TransportError::NoBackend {
                        message: format!("TLS backend {other:?} is not compiled in"),
                    })
                }
            };
            let client = builder.build().map_err(|e| TransportError::NoBackend {
                message: format!("the HTTP client could not be initialised: {e}"),
            })?;
            Ok(Backend {
                client,
                connect_timeout: settings.connect_timeout,
            })
        }

        pub(super) async fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, TransportError> {
            let target = target_of(request.uri());
            let request = reqwest::Request::try_from(request).map_err(|e| {
                TransportError::InvalidRequest {
                    message: e.to_string(),
                }
            })?;
            let response = self
                .client
                .execute(request)
                .await
                .map_err(|e| self.map_error(e, &target))?;
            let mut out = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = out.headers_mut() {
                *headers = response.headers().clone();
            }
            let body = response
                .bytes()
                .await
                .map_err(|e| self.map_error(e, &target))?;
            out.body(body)
                .map_err(|e| TransportError::Network { source: e.into() })
        }

        fn map_error(&self, error: reqwest::Error, target: &str) -> TransportError {
            if error.is_builder() {
                TransportError::InvalidRequest {
                    message: error.to_string(),
                }
            } else if error.is_connect() && error.is_timeout() {
                TransportError::Timeout {
                    phase: TimeoutPhase::Connect,
                    after: self.connect_timeout,
                }
            } else if error.is_connect() {
                match crate::tls_trust::untrusted_reason(&error) {
                    Some(reason) => TransportError::UntrustedCertificate {
                        target: target.to_owned(),
                        reason,
                        source: error.into(),
                    },
                    None => TransportError::Connect {
                        target: target.to_owned(),
                        source: error.into(),
                    },
                }
            } else {
                TransportError::Network {
                    source: error.into(),
                }
            }
        }
    }

    /// `host:port` of a URI, for error messages.
    fn target_of(uri: &http::Uri) -> String {
        let host = uri.host().unwrap_or("<no host>");
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("http") => 80,
            _ => 443,
        });
        format!("{host}:{port}")
    }

    fn bad_roots(why: &str) -> TransportError {
        TransportError::config(format!("extra root certificates (PEM): {why}"))
    }

    /// rustls with the ring provider (lighter to build than aws-lc-rs) and the platform
    /// verifier (system roots on Linux) plus any extra roots.
    #[cfg(feature = "rustls")]
    fn rustls_config(extra_roots_pem: &[Vec<u8>]) -> Result<rustls::ClientConfig, TransportError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::CertificateDer;

        let mut roots = Vec::new();
        for pem in extra_roots_pem {
            let before = roots.len();
            for cert in CertificateDer::pem_slice_iter(pem) {
                roots.push(cert.map_err(|e| bad_roots(&e.to_string()))?);
            }
            if roots.len() == before {
                return Err(bad_roots("no certificate in it"));
            }
        }
        let no_tls = |e: rustls::Error| TransportError::NoBackend {
            message: format!("rustls could not be set up: {e}"),
        };
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
                .map_err(no_tls)?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(no_tls)?
            .dangerous() // not dangerous: the platform verifier does full verification
            .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
mod imp {
    use bytes::Bytes;

    use super::{HttpBackendBuilder, TlsBackend};
    use crate::TransportError;

    /// Uninhabited: without a backend feature no `HttpBackend` can be built.
    #[derive(Clone, Debug)]
    pub(super) enum Backend {}

    impl Backend {
        pub(super) fn build(
            _settings: &HttpBackendBuilder,
            tls: TlsBackend,
        ) -> Result<Self, TransportError> {
            Err(TransportError::NoBackend {
                message: format!("TLS backend {tls:?} is not compiled in"),
            })
        }

        pub(super) async fn send(
            &self,
            _request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, TransportError> {
            match *self {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn construction_matches_the_compiled_features() {
        match TlsBackend::default_available() {
            Some(_) => assert!(HttpBackend::new().is_ok()),
            None => {
                let err = HttpBackend::new().unwrap_err();
                assert!(matches!(err, TransportError::NoBackend { .. }));
                assert!(err.to_string().contains("`reqwest`"), "{err}");
            }
        }
        for tls in [TlsBackend::Rustls, TlsBackend::NativeTls] {
            let built = HttpBackend::builder().tls(tls).build();
            if tls.is_compiled_in() {
                assert!(built.is_ok(), "{tls:?}");
            } else {
                let err = built.unwrap_err();
                assert!(err.to_string().contains(tls.feature()), "{err}");
            }
        }
    }
}
