//! A client of the sandbox in this process: no server, no network, no made-up URL.
//!
//! `cargo run -p connkit-connectors --example in_process_sandbox`
//!
//! Creates a connector, uploads its source config, reads it back, patches its
//! metadata and deletes it: the same calls work against a tenant with a client from
//! `Client::builder().base_url(url).client_credentials(id, secret).build()?`.

use connkit_connectors::prelude::*;
use connkit_connectors::{Client, Error};
use connkit_models::isc::v2024::V3CreateConnectorDto;
use connkit_sandbox::Sandbox;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().seed(5).build()?;
    let client = Client::from_transport(sandbox)?;

    let page = client.list_connectors().count(true).await?;
    println!(
        "the sandbox holds {} connectors",
        page.total.unwrap_or_default()
    );

    let dto = V3CreateConnectorDto::new("Example HR", "sailpoint.connector.OpenConnectorAdapter");
    let created = client.create_connector(&dto).await?;
    let script = created
        .script_name
        .ok_or("the create answer has no scriptName")?;
    println!("created `{script}`");

    client
        .put_source_config(&script)
        .xml("<sourceConfig version='1'/>")
        .await?;
    let xml = client.get_source_config(&script).await?;
    println!("its source config: {}", String::from_utf8_lossy(&xml));

    let detail = client
        .update_connector(&script)
        .set_metadata("supportsDelta", true)
        .await?;
    let metadata = detail.connector_metadata.unwrap_or_default();
    println!("its metadata now: {}", serde_json::Value::Object(metadata));

    client.delete_connector(&script).await?;
    match client.get_connector(&script).await {
        Err(Error::Service(e)) => println!("after the delete: {e}"),
        other => return Err(format!("expected a 404 after the delete, got {other:?}").into()),
    }
    Ok(())
}
