//! Real TLS handshakes on 127.0.0.1: the rustls (ring) backend, and native TLS when
//! compiled in, verify a server certificate against an added root.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use connkit_transport::{ConfigProblem, HttpBackend, TlsBackend, Transport, TransportError};
use http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::server::request;

const CA: &[u8] = include_bytes!("../fixtures/test-ca.pem");
const CERT: &[u8] = include_bytes!("../fixtures/localhost-cert.pem");
const KEY: &[u8] = include_bytes!("../fixtures/localhost-key.pem");
/// A self-signed CA certificate for localhost, served as the server's own.
const CA_AS_SERVER: &[u8] = include_bytes!("../fixtures/ca-as-server-cert.pem");
const CA_AS_SERVER_KEY: &[u8] = include_bytes!("../fixtures/ca-as-server-key.pem");

/// An HTTPS server with the `localhost` certificate the test CA issued.
async fn tls_server() -> (SocketAddr, Arc<AtomicUsize>) {
    tls_server_with(CERT, KEY).await
}

/// An HTTPS server presenting `cert` that answers each request with the ALPN protocol
/// it negotiated; also counts the connections it accepted.
async fn tls_server_with(cert: &[u8], key: &[u8]) -> (SocketAddr, Arc<AtomicUsize>) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert)
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate aborts the handshake.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let alpn = tls
                    .get_ref()
                    .1
                    .alpn_protocol()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .unwrap_or_else(|| "none".into());
                let mut buffer = [0u8; 4096];
                let _ = tls.read(&mut buffer).await;
                let body = format!("alpn={alpn}");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (addr, accepted)
}

async fn check_backend(tls: TlsBackend) {
    let (addr, _) = tls_server().await;
    for host in ["localhost", "127.0.0.1"] {
        let uri = format!("https://{host}:{}/v2024/connectors", addr.port());

        let untrusting = HttpBackend::builder().tls(tls).build().unwrap();
        let err = untrusting
            .send(request(Method::GET, &uri))
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{tls:?} {host}: {err:?}");
        match &err {
            TransportError::UntrustedCertificate { reason, .. } => {
                assert!(!reason.is_empty(), "{tls:?} {host}")
            }
            other => panic!("{tls:?} {host}: not a trust failure: {other:?}"),
        }

        let trusting = HttpBackend::builder()
            .tls(tls)
            .add_root_certificates_pem(CA)
            .build()
            .unwrap();
        let response = trusting.send(request(Method::GET, &uri)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(&response.body()[..], b"alpn=http/1.1", "{tls:?} {host}");
    }
}

#[tokio::test]
async fn rustls_verifies_the_server_against_an_added_root_and_speaks_http1() {
    check_backend(TlsBackend::Rustls).await;
}

#[cfg(feature = "native-tls")]
#[tokio::test]
async fn native_tls_verifies_the_server_against_an_added_root_and_speaks_http1() {
    check_backend(TlsBackend::NativeTls).await;
}

#[test]
fn a_root_bundle_without_certificates_is_a_config_error() {
    for tls in [TlsBackend::Rustls, TlsBackend::NativeTls] {
        let built = HttpBackend::builder()
            .tls(tls)
            .add_root_certificates_pem(&b"not a certificate"[..])
            .build();
        match built {
            Err(TransportError::Config(e)) => {
                assert_eq!(e.problem(), ConfigProblem::Invalid);
                assert!(e.message().contains("PEM"), "{e}")
            }
            // Not compiled in: the builder says so before looking at the roots.
            Err(TransportError::NoBackend { .. }) => {}
            other => panic!("{tls:?}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_said_in_words_and_never_retried() {
    let (addr, accepted) = tls_server().await;
    let transport = crate::server::stack_builder()
        .retry(crate::retry::fast_retries(4))
        .build()
        .unwrap();
    let uri = format!("https://localhost:{}/v2024/connectors", addr.port());
    let err = transport
        .send(request(Method::GET, &uri))
        .await
        .unwrap_err();
    let message = crate::server::chain(&err);
    assert!(
        message.starts_with(&format!(
            "the server's certificate at localhost:{} is not trusted: it was issued by a certificate authority this client does not trust",
            addr.port()
        )),
        "{message}"
    );
    assert!(err.is_unreachable() && !err.is_auth(), "{err:?}");
    assert!(!err.may_have_been_processed());
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "retried: {err:?}");
}

#[tokio::test]
async fn a_ca_certificate_served_as_the_servers_own_is_named_as_such() {
    // Even when that CA is trusted: a CA certificate cannot identify a server.
    let (addr, _) = tls_server_with(CA_AS_SERVER, CA_AS_SERVER_KEY).await;
    let backend = HttpBackend::builder()
        .add_root_certificates_pem(CA_AS_SERVER)
        .build()
        .unwrap();
    let uri = format!("https://localhost:{}/v2024/connectors", addr.port());
    let err = backend.send(request(Method::GET, &uri)).await.unwrap_err();
    match &err {
        TransportError::UntrustedCertificate { reason, .. } => {
            assert!(reason.contains("CA certificate as its own"), "{reason}")
        }
        other => panic!("not a trust failure: {other:?}"),
    }
}
