//! What can go wrong, and how to tell the cases apart: `Error::kind` for the outcome,
//! `is_retryable` for "try again later", the `source()` chain for the details.
//!
//! `cargo run -p connkit-connectors --example error_handling`

use connkit_connectors::prelude::*;
use std::error::Error as _;

use connkit_connectors::transport::RetryPolicy;
use connkit_connectors::{Client, Error, ErrorKind};
use connkit_sandbox::{FaultConfig, Sandbox};

/// The error and each of its causes, one line each (no line repeats the next).
fn report(what: &str, error: &Error) {
    println!(
        "{what}: kind {:?}, retryable {}",
        error.kind(),
        error.is_retryable()
    );
    println!("  error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        println!("  caused by: {cause}");
        source = cause.source();
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_transport(Sandbox::builder().seed(3).build()?)?;

    // Refused before anything is sent: a filter the list does not support.
    let err = client
        .list_connectors()
        .filter(r#"owner eq "me""#)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    report("a filter the list does not support", &err);

    // Pre-flight: a malformed body never leaves; every finding is there.
    let err = client
        .put_source_config("any")
        .xml("<sourceConfig>")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PreflightRejected);
    report("malformed XML", &err);
    for finding in err.findings() {
        println!("  finding: {finding}");
    }

    // The service answered with an error status: 404, with its trackingId.
    let err = client.get_connector("no-such-connector").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    report("a connector that does not exist", &err);
    println!("  trackingId: {:?}", err.tracking_id());

    // A service that keeps failing: every answer a 503, retries give up.
    let failing = Sandbox::builder()
        .seed(3)
        .faults("error=1.0".parse::<FaultConfig>()?)
        .build()?;
    let client = Client::builder()
        .backend_with_stack(std::sync::Arc::new(failing))
        .configure_stack(|stack| {
            stack.retry(
                RetryPolicy::default()
                    .max_attempts(3)
                    .initial_backoff(std::time::Duration::from_millis(1)),
            )
        })
        .build()?;
    let err = client.list_connectors().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    report("a service that keeps answering 503", &err);
    Ok(())
}
