//! What can go wrong with a ConductorOne call, and how to tell the cases apart:
//! `Error::kind` for the outcome, `is_retryable` for "try again later",
//! `ErrorMetadata` for the operation and the answer, the `source()` chain for the
//! details; the same contract as `connkit-connectors`' errors.
//!
//! `cargo run -p connkit-c1 --example c1_error_handling`

use connkit_c1::prelude::*;
use std::time::Duration;

use connkit_c1::transport::RetryPolicy;
use connkit_c1::{Client, Error, ErrorKind, ErrorMetadata as _, Reconciliation};
use connkit_sandbox::{FaultConfig, Sandbox};

/// What the shared error contract tells about a failure (kind, retryable, the
/// operation and the answer's status), then the error and each cause, one line each (no
/// line repeats the next).
fn report(what: &str, error: &Error) {
    println!(
        "{what}: kind {:?}, retryable {}, operation {:?}, status {:?}",
        error.kind(),
        error.is_retryable(),
        error.operation(),
        error.status()
    );
    let chain = std::iter::successors(Some(error as &dyn std::error::Error), |e| e.source());
    for (depth, cause) in chain.enumerate() {
        let label = if depth == 0 { "error" } else { "caused by" };
        println!("  {label}: {cause}");
    }
}

/// A client of `sandbox` under the standard stack, with quick retries.
fn client_of(sandbox: Sandbox) -> Result<Client, Error> {
    Client::builder()
        .backend_with_stack(std::sync::Arc::new(sandbox))
        .configure_stack(|stack| {
            stack.retry(
                RetryPolicy::default()
                    .max_attempts(3)
                    .initial_backoff(Duration::from_millis(1)),
            )
        })
        .build()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().build()?;
    let app = sandbox.c1().demo_app_ids().remove(0);
    let client = Client::from_transport(sandbox)?;

    // Refused before anything is sent: an empty id.
    let err = client.get_connector(&app, "").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    report("an empty connector id", &err);

    // The service answered with an error status: its google.rpc.Status and trace id.
    let err = client
        .get_connector(&app, "no-such-connector")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    report("a connector that does not exist", &err);
    let service = err.as_service().ok_or("a service error")?;
    println!(
        "  gRPC code {:?}, c1-trace-id {:?}",
        service.code(),
        err.trace_id()
    );

    // A service that keeps failing: every answer a 503, retries give up.
    let failing = Sandbox::builder()
        .faults("error=1.0".parse::<FaultConfig>()?)
        .build()?;
    let err = client_of(failing)?
        .list_connectors(&app)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    report("a service that keeps answering 503", &err);

    // A create whose answer is lost: the library says it may have been applied, and
    // looks for connectors that match what it sent (here, every answer is lost, so the
    // lookup fails too). A POST is never resent.
    let lossy = Sandbox::builder()
        .faults("truncate=1.0".parse::<FaultConfig>()?)
        .build()?;
    let err = client_of(lossy)?
        .create_delegated_connector(&app, "catalog-example")
        .display_name("Lost answer")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MaybeApplied);
    assert!(matches!(
        err,
        Error::MaybeApplied {
            reconciliation: Reconciliation::Failed(_),
            ..
        }
    ));
    report("a create whose answer was lost", &err);
    Ok(())
}
