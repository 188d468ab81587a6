//! What only a socket shows: title-case header names, keep-alive, injected resets and
//! truncations; and how faults surface in-process.

use std::time::{Duration, Instant};

use bytes::Bytes;
use connkit_sandbox::{FaultConfig, RateLimitConfig, Sandbox};
use connkit_transport::{Transport, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{check_spec, Answer};

/// Reads one HTTP/1.1 response (head and Content-Length body) to `GET path` from
/// `stream`, and checks it against the spec.
async fn read_response(stream: &mut TcpStream, path: &str) -> std::io::Result<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("closed after {} bytes", buffer.len()),
            ));
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("body cut at {} of {length} bytes", body.len()),
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let status = head[9..12].parse().unwrap();
    let answer = Answer {
        status,
        headers: headers_of(&head),
        body: Bytes::from(body.clone()),
    };
    check_spec(&http::Method::GET, path, &answer);
    Ok((head, body))
}

/// Sends `GET path` on `stream` and reads the answer.
async fn exchange(stream: &mut TcpStream, path: &str) -> std::io::Result<(String, Vec<u8>)> {
    stream.write_all(get(path).as_bytes()).await?;
    read_response(stream, path).await
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
}

#[tokio::test]
async fn header_names_are_title_case_and_keep_alive_works() {
    let sandbox = Sandbox::builder()
        .seed(30)
        .rate_limit(RateLimitConfig {
            max: 3,
            window: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();

    // Three requests on one connection: keep-alive.
    let (head, _) = exchange(&mut stream, "/v2024/connectors?limit=2&count=true")
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains("\r\nX-Total-Count: 30\r\n"), "{head}");
    assert!(
        head.contains("\r\nContent-Type: application/json\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nContent-Length: "), "{head}");

    let (head, body) = exchange(&mut stream, "/v2024/connectors/jdbc/source-config")
        .await
        .unwrap();
    assert!(
        head.contains("\r\nContent-Type: application/xml\r\n"),
        "{head}"
    );
    assert!(body.starts_with(b"<?xml"));

    let _ = exchange(&mut stream, "/v2024/connectors/jdbc")
        .await
        .unwrap();
    let (head, body) = exchange(&mut stream, "/v2024/connectors/jdbc")
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 429 "), "{head}");
    assert!(head.contains("\r\nRetry-After: "), "{head}");
    assert_eq!(body, b"{\"message\":\" Rate Limit Exceeded \"}");
    server.shutdown().await;
}

fn headers_of(head: &str) -> http::HeaderMap {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.parse::<http::HeaderName>().unwrap(), v.parse().unwrap()))
        .collect()
}

/// The same fault in-process is a `TransportError::Network`.
async fn assert_network_error_in_process(sandbox: &Sandbox) {
    let request = http::Request::get("/v2024/connectors").body(Bytes::new());
    let outcome = sandbox.send(request.unwrap()).await;
    assert!(
        matches!(outcome, Err(TransportError::Network { .. })),
        "{outcome:?}"
    );
}

/// Serves `sandbox` and sends `GET /v2024/connectors` on a raw connection.
async fn serve_and_list(sandbox: &Sandbox) -> (connkit_sandbox::ServerHandle, TcpStream) {
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let request = get("/v2024/connectors");
    stream.write_all(request.as_bytes()).await.unwrap();
    (server, stream)
}

fn faulty(config: &str) -> Sandbox {
    Sandbox::builder()
        .seed(5)
        .faults(config.parse::<FaultConfig>().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn injected_resets_close_the_connection_without_an_answer() {
    let sandbox = faulty("reset=1,seed=1");
    let (server, mut stream) = serve_and_list(&sandbox).await;
    let mut rest = Vec::new();
    let read = stream.read_to_end(&mut rest).await;
    assert!(
        read.is_err() || rest.is_empty(),
        "no answer at all, got {:?}",
        String::from_utf8_lossy(&rest)
    );

    assert_network_error_in_process(&sandbox).await;
    let stats = sandbox.stats();
    assert_eq!(stats.injected_faults.get("reset"), Some(&2));
    assert!(
        stats.by_status.is_empty(),
        "a reset has no status: {stats:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn injected_truncations_send_less_than_content_length() {
    let sandbox = faulty("truncate=1");
    let (server, mut stream) = serve_and_list(&sandbox).await;
    let err = read_response(&mut stream, "/v2024/connectors")
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("body cut at "), "{err}");

    assert_network_error_in_process(&sandbox).await;
    assert_eq!(
        sandbox.stats().by_status.get("200"),
        Some(&2),
        "truncated answers were 200s"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn injected_errors_and_latency() {
    let sandbox = faulty("error=1,latency=30ms");
    let started = Instant::now();
    let response = sandbox
        .send(
            http::Request::get("/v2024/connectors")
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["detailCode"], "503 Service Unavailable");
    if let Some(spec) = crate::harness::spec() {
        spec.check_component("ErrorResponseDto", &body).unwrap();
    }

    // The same seed gives the same sequence of faults.
    let run = || async {
        let sandbox = faulty("error=0.3,reset=0.2,truncate=0.1,seed=99");
        let mut outcomes = Vec::new();
        for _ in 0..40 {
            let outcome = sandbox
                .send(
                    http::Request::get("/v2024/connectors?limit=1")
                        .body(Bytes::new())
                        .unwrap(),
                )
                .await;
            outcomes.push(match outcome {
                Ok(r) => r.status().as_u16(),
                Err(_) => 0,
            });
        }
        outcomes
    };
    let first = run().await;
    assert_eq!(first, run().await);
    assert!(
        first.contains(&503) && first.contains(&0) && first.contains(&200),
        "{first:?}"
    );
}

#[tokio::test]
async fn shutdown_is_graceful_and_drop_closes_connections() {
    let sandbox = Sandbox::new();
    let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = server.local_addr();
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
    server.shutdown().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );

    // Dropping the handle closes an open keep-alive connection.
    let dropped = sandbox.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut stream = TcpStream::connect(dropped.local_addr()).await.unwrap();
    let (head, _) = exchange(&mut stream, "/v2024/connectors/ldap")
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    drop(dropped);
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");

    let wildcard = sandbox.serve("0.0.0.0:0".parse().unwrap()).await.unwrap();
    assert!(wildcard.base_url().starts_with("http://127.0.0.1:"));
    wildcard.shutdown().await;
}

#[tokio::test]
async fn a_request_in_flight_finishes_during_a_graceful_shutdown() {
    let sandbox = faulty("latency=300ms");
    let (server, mut stream) = serve_and_list(&sandbox).await;
    tokio::time::sleep(Duration::from_millis(50)).await; // the request is in the handler
    let shutdown = tokio::spawn(server.shutdown());
    let (head, body) = read_response(&mut stream, "/v2024/connectors")
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap();
}
