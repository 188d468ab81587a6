//! Errors print once: for an error of every kind, walking its `source()` chain, no
//! message repeats the next one's text (so printing the whole chain, as the CLI does,
//! says each thing once).

use connkit_connectors::prelude::*;
use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use connkit_connectors::{Client, Error, ErrorKind};
use connkit_models::isc::v2024::V3CreateConnectorDto;
use connkit_sandbox::Sandbox;
use connkit_transport::test_util::ReplayTransport;
use connkit_transport::{AuthProblem, LastAttempt, TimeoutPhase, TransportError};
use http::StatusCode;

/// Every message of the chain, outermost first.
fn chain(error: &Error) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages
}

fn assert_prints_once(error: &Error) {
    let messages = chain(error);
    for pair in messages.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "{:?}: `{}` repeats its source `{}`",
            error.kind(),
            pair[0],
            pair[1]
        );
    }
}

/// A client whose transport answers with `error`, without retrying.
async fn failed_with(error: TransportError) -> Error {
    let replay = ReplayTransport::new();
    replay.push_error(error);
    let client = Client::from_transport(replay).expect("client");
    client.get_connector("x").send().await.unwrap_err()
}

fn connect_refused() -> TransportError {
    TransportError::Connect {
        target: "127.0.0.1:9".into(),
        source: "connection refused".into(),
    }
}

fn answer(status: u16) -> LastAttempt {
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() = StatusCode::from_u16(status).expect("status");
    LastAttempt::Response(Box::new(response.into()))
}

#[tokio::test]
async fn no_message_repeats_its_source() {
    let sandbox = Sandbox::builder().seed(1).build().expect("sandbox");
    let client = Client::from_transport(sandbox).expect("client");
    let mut errors: Vec<Error> = Vec::new();

    // Refused before sending.
    for refused in ["name eq", r#"owner eq "me""#] {
        let list = client.list_connectors().filter(refused);
        errors.push(list.await.unwrap_err());
    }
    errors.push(
        client
            .list_connectors()
            .limit(999)
            .send()
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .put_source_config("x")
            .file("/nonexistent/connkit/config.xml")
            .send()
            .await
            .unwrap_err(),
    );
    errors.push(client.create_connector_json("{").await.unwrap_err());
    errors.push(Client::builder().base_url("ftp://x").build().unwrap_err());
    // Answered by the service.
    errors.push(client.get_connector("missing").send().await.unwrap_err());
    errors.push(
        client
            .get_source_config("missing")
            .send()
            .await
            .unwrap_err(),
    );
    // Not answered.
    errors.push(failed_with(connect_refused()).await);
    errors.push(
        failed_with(TransportError::Timeout {
            phase: TimeoutPhase::Attempt,
            after: Duration::from_secs(1),
        })
        .await,
    );
    errors.push(
        failed_with(TransportError::RetriesExhausted {
            attempts: 3,
            last: LastAttempt::Error(Box::new(connect_refused())),
        })
        .await,
    );
    errors.push(
        failed_with(TransportError::RetriesExhausted {
            attempts: 3,
            last: answer(503),
        })
        .await,
    );
    errors.push(
        failed_with(TransportError::RateLimited {
            wait: Duration::from_secs(3),
        })
        .await,
    );
    errors.push(
        failed_with(TransportError::Auth {
            endpoint: "https://t.example/oauth/token".into(),
            problem: AuthProblem::Unreachable(Arc::new(connect_refused())),
        })
        .await,
    );
    // A create whose answer was lost, and whose lookup failed too.
    let replay = ReplayTransport::new();
    replay.push_error(TransportError::Network {
        source: "connection reset".into(),
    });
    let client = Client::from_transport(replay).expect("client");
    errors.push(
        client
            .create_connector(&V3CreateConnectorDto::new("n", "c"))
            .send()
            .await
            .unwrap_err(),
    );
    // An answer that does not decode (a member in an odd shape would be repaired; a
    // root of the wrong type cannot be).
    let replay = ReplayTransport::new();
    replay.push_json(StatusCode::OK, r#""not a connector""#);
    let client = Client::from_transport(replay).expect("client");
    errors.push(client.get_connector("x").send().await.unwrap_err());

    let kinds: Vec<ErrorKind> = errors.iter().map(Error::kind).collect();
    for kind in [
        ErrorKind::InvalidInput,
        ErrorKind::PreflightRejected,
        ErrorKind::NotFound,
        ErrorKind::Unreachable,
        ErrorKind::RetriesExhausted,
        ErrorKind::RateLimited,
        ErrorKind::MaybeApplied,
        ErrorKind::Other,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} among {kinds:?}");
    }
    for error in &errors {
        assert_prints_once(error);
    }
}

#[tokio::test]
async fn a_404_names_the_connector_once() {
    let client = Client::from_transport(Sandbox::builder().seed(0).build().expect("sandbox"))
        .expect("client");
    let err = client.get_connector("gone").send().await.unwrap_err();
    let text = err.to_string();
    assert_eq!(text.matches("gone").count(), 1, "{text}");
    assert_eq!(
        text.to_lowercase().matches("not found").count(),
        2,
        "{text}"
    );
    assert!(
        text.starts_with("getConnector: 404 Not Found: connector `gone` not found (trackingId: "),
        "{text}"
    );
}

#[test]
fn outside_a_tokio_runtime_a_call_says_what_it_needs_instead_of_panicking() {
    use futures::FutureExt as _;

    let client = Client::builder()
        .base_url("https://acme.api.identitynow.com")
        .token("t")
        .build()
        .expect("client");
    // Polled once on this thread, where no Tokio runtime runs.
    let err = client
        .get_connector("x")
        .send()
        .now_or_never()
        .expect("refused at once")
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Transport {
                source: TransportError::NoRuntime,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        chain(&err),
        [
            "getConnector: no usable response",
            "connkit's HTTP client needs a Tokio runtime with I/O and timers enabled \
             (tokio::runtime::Builder::enable_all); none is running",
        ]
    );
}
