//! Pull, push into an empty tenant, pull again; then the minimal writes of a change.

use bytes::Bytes;
use connkit_as_code::{Action, Tree};
use serde_json::json;

use crate::support::{add_custom_connectors, files, Tenant};

#[tokio::test(flavor = "current_thread")]
async fn pull_push_pull_is_byte_identical_and_a_second_push_writes_nothing() {
    let dev = Tenant::new(20);
    add_custom_connectors(&dev.client, 3).await;
    let first = tempfile::tempdir().unwrap();
    dev.pull().await.write(first.path()).unwrap();
    let pulled = files(first.path());
    // 3 custom connectors (the 20 built-ins stay out by default), 6 files each.
    assert_eq!(pulled.len(), 18, "{:?}", pulled.keys());
    assert!(pulled.contains_key("acme-0/translations/de.properties"));
    let spec = String::from_utf8(pulled["acme-1/connector.json"].clone()).unwrap();
    assert!(
        spec.ends_with("}\n") && spec.starts_with("{\n  \"name\": \"Acme 1\""),
        "{spec}"
    );

    let prod = Tenant::new(0);
    let tree = Tree::read(first.path()).unwrap();
    assert!(tree.findings.is_empty(), "{:?}", tree.findings);
    let report = prod.push(&tree.tree).await;
    assert!(report.is_complete(), "{report:?}");

    let second = tempfile::tempdir().unwrap();
    prod.pull().await.write(second.path()).unwrap();
    assert_eq!(files(second.path()), pulled);

    assert!(!prod.plan(&tree.tree).await.has_changes());
    prod.sandbox.reset_stats();
    let again = prod.push(&tree.tree).await;
    assert!(again.applied.is_empty() && again.is_complete(), "{again:?}");
    assert_eq!(prod.writes(), Default::default());
}

#[tokio::test(flavor = "current_thread")]
async fn one_xml_one_metadata_key_one_translation_make_three_writes() {
    let tenant = Tenant::new(5);
    add_custom_connectors(&tenant.client, 3).await;
    let mut tree = tenant.pull().await;
    let acme0 = tree.connectors.get_mut("acme-0").unwrap();
    acme0.documents[0] = Some(Bytes::from_static(
        b"<Form name=\"Acme 0\" host=\"example.com\"/>\n",
    ));
    let acme1 = tree.connectors.get_mut("acme-1").unwrap();
    let metadata = acme1.spec.connector_metadata.as_mut().unwrap();
    metadata["limits"]["pageSize"] = json!(250);
    let acme2 = tree.connectors.get_mut("acme-2").unwrap();
    acme2
        .translations
        .insert("de".into(), Bytes::from_static(b"greeting=Servus\n"));

    let plan = tenant.plan(&tree).await;
    let changed: Vec<_> = plan
        .connectors
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .map(|c| {
            let files: Vec<_> = c.files.iter().map(|f| f.file.as_str()).collect();
            (
                c.name.as_str(),
                serde_json::to_value(&c.patch).unwrap(),
                files,
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("Acme 0", json!([]), vec!["source-config.xml"]),
            (
                "Acme 1",
                json!([{"op": "replace", "path": "/connectorMetadata/limits/pageSize", "value": 250}]),
                vec![]
            ),
            ("Acme 2", json!([]), vec!["translations/de.properties"]),
        ]
    );
    let diff = &plan.connectors[0].files[0].diff;
    assert!(
        diff.contains("--- a/source-config.xml\n+++ b/source-config.xml\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+<Form name=\"Acme 0\" host=\"example.com\"/>"),
        "{diff}"
    );

    tenant.sandbox.reset_stats();
    let report = tenant.push(&tree).await;
    assert!(
        report.is_complete() && report.applied.len() == 3,
        "{report:?}"
    );
    let writes: Vec<_> = tenant.writes().into_iter().collect();
    assert_eq!(
        writes,
        [
            ("putConnectorSourceConfig".to_owned(), 1),
            ("putConnectorTranslations".to_owned(), 1),
            ("updateConnector".to_owned(), 1),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn prune_deletes_custom_connectors_missing_from_the_tree_only() {
    let tenant = Tenant::new(4);
    add_custom_connectors(&tenant.client, 2).await;
    let mut tree = tenant.pull().await;
    tree.connectors.remove("acme-1");
    let options = connkit_as_code::PlanOptions {
        prune: true,
        ..Default::default()
    };
    let plan = connkit_as_code::plan(&tenant.client, &tree, &options)
        .await
        .unwrap();
    let deletes: Vec<_> = plan
        .connectors
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.script_name.as_deref().unwrap())
        .collect();
    assert_eq!(deletes, ["acme-1"], "built-ins are never pruned");
    let without_prune = tenant.plan(&tree).await;
    assert!(!without_prune.has_changes());

    let report = connkit_as_code::apply(&tenant.client, &plan, &Default::default(), &|_| {})
        .await
        .unwrap();
    assert!(
        report.is_complete() && report.applied.len() == 1,
        "{report:?}"
    );
    assert_eq!(tenant.pull().await, tree);
    // Applying the same plan again: the connector is gone already, which is the goal.
    let again = connkit_as_code::apply(&tenant.client, &plan, &Default::default(), &|_| {})
        .await
        .unwrap();
    assert!(again.is_complete(), "{again:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_create_only_field_that_differs_is_a_conflict_and_nothing_is_sent() {
    let tenant = Tenant::new(0);
    add_custom_connectors(&tenant.client, 1).await;
    let mut tree = tenant.pull().await;
    let acme = tree.connectors.get_mut("acme-0").unwrap();
    acme.spec.create.class_name = "sailpoint.connector.Other".into();
    acme.translations
        .insert("de".into(), Bytes::from_static(b"x=y\n"));
    let plan = tenant.plan(&tree).await;
    let conflicts: Vec<_> = plan
        .conflicts()
        .map(|c| (c.file.as_str(), c.finding.code.as_str()))
        .collect();
    assert_eq!(
        conflicts,
        [("acme-0/connector.json", "connector.create-only")]
    );
    tenant.sandbox.reset_stats();
    let refused = connkit_as_code::apply(&tenant.client, &plan, &Default::default(), &|_| {}).await;
    assert!(matches!(refused, Err(connkit_as_code::Error::Invalid(_))));
    assert_eq!(tenant.requests(), 0);
}
