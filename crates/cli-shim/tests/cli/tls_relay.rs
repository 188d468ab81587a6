//! A TLS front for a served sandbox: it terminates TLS with the transport tests'
//! throwaway `localhost` certificate (signed by their test CA) and relays the bytes to
//! the sandbox, so the CLI's real TLS path can be tested against the real sandbox.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::support::Env;

const CA: &[u8] = include_bytes!("../../../transport/tests/fixtures/test-ca.pem");
const CERT: &[u8] = include_bytes!("../../../transport/tests/fixtures/localhost-cert.pem");
const KEY: &[u8] = include_bytes!("../../../transport/tests/fixtures/localhost-key.pem");

/// How long one relayed connection may live.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// A listening relay; its threads end with the test process.
pub struct TlsRelay {
    addr: SocketAddr,
    /// The path of the sandbox's base URL (e.g. `/v2024`).
    path: String,
    accepted: Arc<AtomicUsize>,
}

impl TlsRelay {
    /// Relays `https://localhost:PORT` to the sandbox at `upstream` (`http://…`).
    pub fn start(upstream: &str) -> Self {
        let rest = upstream.strip_prefix("http://").expect("http base URL");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let authority = authority.to_owned();
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT)
            .collect::<Result<_, _>>()
            .expect("certificate");
        let key = PrivateKeyDer::from_pem_slice(KEY).expect("key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let addr = listener.local_addr().expect("relay address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let (config, authority) = (Arc::clone(&config), authority.clone());
                std::thread::spawn(move || relay(client, config, &authority));
            }
        });
        TlsRelay {
            addr,
            path: if path.is_empty() {
                String::new()
            } else {
                format!("/{path}")
            },
            accepted,
        }
    }

    /// `https://localhost:PORT/…`, the name the certificate is issued for.
    pub fn base_url(&self) -> String {
        format!("https://localhost:{}{}", self.addr.port(), self.path)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The CA that issued the relay's certificate, written to a file in `env`.
    pub fn ca_file(&self, env: &Env) -> PathBuf {
        env.file("test-ca.pem", std::str::from_utf8(CA).expect("PEM is text"))
    }
}

/// Pumps bytes both ways until either side closes, fails, or the lifetime ends; short
/// read timeouts let one thread serve both directions.
fn relay(client: TcpStream, config: Arc<rustls::ServerConfig>, upstream: &str) {
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let tick = Some(Duration::from_millis(5));
    if client.set_read_timeout(tick).is_err() || server.set_read_timeout(tick).is_err() {
        return;
    }
    let mut tls = rustls::StreamOwned::new(connection, client);
    let mut buffer = vec![0u8; 64 * 1024];
    let ends = Instant::now() + CONNECTION_LIFETIME;
    let idle = |e: &std::io::Error| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
    while Instant::now() < ends {
        match tls.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => {
                if server.write_all(&buffer[..n]).is_err() {
                    return;
                }
            }
            Err(e) if idle(&e) => {}
            Err(_) => return,
        }
        match server.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => {
                if tls
                    .write_all(&buffer[..n])
                    .and_then(|()| tls.flush())
                    .is_err()
                {
                    return;
                }
            }
            Err(e) if idle(&e) => {}
            Err(_) => return,
        }
    }
}
