//! The promote flow as users run it: a connector made on one tenant, pulled with the
//! service's default documents (the `sailpoint.dtd` DOCTYPE header included), pushed
//! into an empty tenant with no edit.

use connkit_as_code::Tree;
use connkit_connectors::prelude::*;
use connkit_models::isc::v2024::V3CreateConnectorDto;

use crate::support::{files, Tenant};

/// Tenant A with one custom connector as a user makes it: a create and a source config;
/// its source template, correlation config and `en` translations stay the service's.
async fn dev_with_a_fresh_connector() -> Tenant {
    let dev = Tenant::new(3);
    let dto = V3CreateConnectorDto::new("Acme HR", "sailpoint.connector.OpenConnectorAdapter");
    dev.client.create_connector(&dto).send().await.unwrap();
    dev.client
        .put_source_config("acme-hr")
        .xml("<Form name=\"acme\">\n  <Field name=\"url\"/>\n</Form>\n")
        .send()
        .await
        .unwrap();
    dev
}

#[tokio::test(flavor = "current_thread")]
async fn a_pulled_connector_with_default_documents_promotes_and_pulls_back_identical() {
    let dev = dev_with_a_fresh_connector().await;
    let pulled = tempfile::tempdir().unwrap();
    dev.pull().await.write(pulled.path()).unwrap();
    let on_disk = files(pulled.path());
    let template = String::from_utf8(on_disk["acme-hr/source-template.xml"].clone()).unwrap();
    assert!(
        template.contains("<!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">"),
        "pull saves the service's default as served: {template}"
    );

    let prod = Tenant::new(0);
    let read = Tree::read(pulled.path()).unwrap();
    assert!(read.findings.is_empty(), "{:?}", read.findings);
    let refused = connkit_as_code::preflight(&read.tree, prod.client.validators());
    assert!(
        !refused.iter().any(|f| f.finding.is_error()),
        "a pulled tree passes pre-flight as it is: {refused:?}"
    );
    let report = prod.push(&read.tree).await;
    assert!(report.is_complete(), "{report:?}");

    prod.sandbox.reset_stats();
    assert!(!prod.plan(&read.tree).await.has_changes());
    let again = tempfile::tempdir().unwrap();
    prod.pull().await.write(again.path()).unwrap();
    assert_eq!(files(again.path()), on_disk);
    assert_eq!(prod.writes(), Default::default());
}

#[tokio::test(flavor = "current_thread")]
async fn a_document_left_out_of_the_tree_keeps_the_tenants_own() {
    let dev = dev_with_a_fresh_connector().await;
    let pulled = tempfile::tempdir().unwrap();
    dev.pull().await.write(pulled.path()).unwrap();
    std::fs::remove_file(pulled.path().join("acme-hr/source-template.xml")).unwrap();
    std::fs::remove_file(pulled.path().join("acme-hr/correlation-config.xml")).unwrap();

    let prod = Tenant::new(0);
    let tree = Tree::read(pulled.path()).unwrap().tree;
    let report = prod.push(&tree).await;
    assert!(report.is_complete(), "{report:?}");
    let uploads = prod.writes();
    assert_eq!(uploads.get("putConnectorSourceTemplate"), None);
    assert_eq!(uploads.get("putConnectorCorrelationConfig"), None);
    assert!(!prod.plan(&tree).await.has_changes());
    // The tenant has its own default, which the next pull saves again.
    let back = prod.pull().await;
    let template = back.connectors["acme-hr"].documents[1].as_ref().unwrap();
    assert!(template.starts_with(b"<?xml"), "{template:?}");
}
