//! A ConductorOne client of the sandbox in this process: no server, no network, no
//! made-up URL.
//!
//! `cargo run -p connkit-c1 --example c1_in_process_sandbox`
//!
//! Creates a connector, names and describes it, pauses and schedules its syncs, rotates
//! and revokes a credential, and deletes it: the same calls work against a tenant with a
//! client from `Client::builder().client_credentials(id, secret).build()?`.

use connkit_c1::prelude::*;
use connkit_c1::{Client, Error, ErrorKind};
use connkit_models::c1::SyncStatus;
use connkit_sandbox::Sandbox;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().build()?;
    let (app, name) = sandbox.c1().apps().remove(0);
    let client = Client::from_transport(sandbox)?;
    println!(
        "requests go to {} (nothing leaves this process)",
        client.base_url()
    );

    let page = client.list_connectors(&app).send().await?;
    println!("app {name} has {} connectors", page.connectors().count());

    let created = client
        .create_delegated_connector(&app, "catalog-example")
        .display_name("Example HR")
        .send()
        .await?;
    let id = created
        .connector_view
        .and_then(|view| view.connector)
        .and_then(|connector| connector.id)
        .ok_or("the create answer has no connector id")?;
    println!("created connector {id}");

    // The update mask is the fields set: only the description changes.
    client
        .update_connector(&app, &id)
        .description("HR system of record")
        .send()
        .await?;
    client.pause_sync(&app, &id).send().await?;
    client
        .update_schedule(&app, &id, "0 3 * * *")
        .timezone("Europe/Berlin")
        .send()
        .await?;
    let got = client.get_connector(&app, &id).send().await?;
    let connector = got
        .connector_view
        .and_then(|view| view.connector)
        .ok_or("no connector in the answer")?;
    assert_eq!(
        connector.description.as_deref(),
        Some("HR system of record")
    );
    assert_eq!(
        connector.status.and_then(|s| s.status),
        Some(SyncStatus::Disabled)
    );
    println!(
        "{:?}: {:?}, syncs paused, scheduled {:?}",
        connector.display_name.unwrap_or_default(),
        connector.description.unwrap_or_default(),
        connector
            .connector_sync_cron_schedule
            .and_then(|cron| cron.cron_spec)
    );

    // A rotated credential's secret is in the answer once; never again.
    let rotated = client.rotate_credential(&app, &id).send().await?;
    let credential_id = rotated
        .credential
        .and_then(|credential| credential.id)
        .ok_or("no credential id")?;
    println!(
        "rotated credential {credential_id} (secret shown once: {})",
        rotated.client_secret.is_some()
    );
    client
        .revoke_credential(&app, &id, &credential_id)
        .send()
        .await?;

    client.delete_connector(&app, &id).send().await?;
    match client.get_connector(&app, &id).send().await {
        Err(error @ Error::Service(_)) => {
            assert_eq!(error.kind(), ErrorKind::NotFound);
            println!("after the delete: {error}");
        }
        other => return Err(format!("expected a 404 after the delete, got {other:?}").into()),
    }
    Ok(())
}
