//! What pull, plan and push send, counted by operation through the sandbox's stats:
//! the writes a tree needs plus the listing pages, and one read per connector.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use connkit_as_code::{apply, Action, ApplyOptions, ConnectorFiles, ConnectorSpec, StepKind, Tree};
use connkit_connectors::Client;
use connkit_models::isc::v2024::{ConnectorStatus, V3CreateConnectorDto};
use connkit_transport::{Transport, TransportError};

use crate::bulk::new_connectors;
use crate::support::{add_custom_connectors, create_on, Tenant};

/// Requests by operation since the last reset.
fn by_operation(tenant: &Tenant) -> BTreeMap<String, u64> {
    tenant.sandbox.stats().by_operation
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(op, n)| ((*op).to_owned(), *n)).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn pushing_new_connectors_sends_their_writes_and_one_listing_only() {
    let tenant = Tenant::new(0);
    let n = 260;
    let tree = new_connectors(n);
    let report = tenant.push(&tree).await;
    assert!(report.is_complete(), "{:?}", report.failed);
    assert_eq!(report.applied.len(), 4 * n);
    let n = n as u64;
    assert_eq!(
        by_operation(&tenant),
        counts(&[
            ("createCustomConnector", n),
            ("getConnectorList", 1),
            ("putConnectorSourceConfig", n),
            ("putConnectorTranslations", n),
            ("updateConnector", n),
        ])
    );

    // A second push lists (two pages of 250 now) and reads each connector once.
    tenant.sandbox.reset_stats();
    let again = tenant.push(&tree).await;
    assert!(again.applied.is_empty() && again.is_complete(), "{again:?}");
    assert_eq!(
        by_operation(&tenant),
        counts(&[("getConnector", n), ("getConnectorList", 2)])
    );
    assert_eq!(tenant.writes(), BTreeMap::new());
}

#[tokio::test(flavor = "current_thread")]
async fn pull_and_diff_read_each_connector_once() {
    let tenant = Tenant::new(7);
    add_custom_connectors(&tenant.client, 12).await;
    tenant.sandbox.reset_stats();
    let tree = tenant.pull().await;
    assert_eq!(tree.connectors.len(), 12);
    let once = counts(&[("getConnector", 12), ("getConnectorList", 1)]);
    assert_eq!(by_operation(&tenant), once);

    tenant.sandbox.reset_stats();
    let plan = tenant.plan(&tree).await;
    assert!(!plan.has_changes());
    assert_eq!(by_operation(&tenant), once);
}

#[tokio::test(flavor = "current_thread")]
async fn the_detail_holds_the_same_documents_as_the_document_reads() {
    let tenant = Tenant::new(3);
    add_custom_connectors(&tenant.client, 2).await;
    let tree = tenant.pull().await;
    assert_eq!(tree.connectors.len(), 2);
    for (script, files) in &tree.connectors {
        for document in connkit_connectors::ops::Document::ALL {
            let served = tenant
                .client
                .get_document(script, document)
                .send()
                .await
                .unwrap();
            assert_eq!(
                files.document(document),
                Some(&served),
                "{script} {document:?}"
            );
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_name_taken_by_a_connector_the_list_does_not_show_is_updated_in_place() {
    let tenant = Tenant::new(2);
    // A DEVELOPMENT connector: the list (RELEASED only) does not show it.
    let mut hidden =
        V3CreateConnectorDto::new("Acme Dev", "sailpoint.connector.OpenConnectorAdapter");
    hidden.status = Some(ConnectorStatus::Development);
    let mut existing = ConnectorFiles::new(ConnectorSpec {
        create: hidden.clone(),
        connector_metadata: None,
    });
    existing.documents[0] = Some(Bytes::from_static(b"<Form name=\"old\"/>\n"));
    create_on(&tenant.client, &existing).await;

    let mut wanted = existing.clone();
    wanted.documents[0] = Some(Bytes::from_static(b"<Form name=\"new\"/>\n"));
    let mut tree = Tree::default();
    tree.connectors.insert("acme-dev".into(), wanted.clone());

    tenant.sandbox.reset_stats();
    let plan = tenant.plan(&tree).await;
    assert_eq!(plan.connectors[0].action, Action::Create);
    assert_eq!(
        by_operation(&tenant),
        counts(&[("getConnectorList", 1)]),
        "no probe of a name the list lacks"
    );
    let report = apply(&tenant.client, &plan, &ApplyOptions::default(), &|_| {})
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:?}");
    let kinds: Vec<_> = report.applied.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [StepKind::Upload {
            file: "source-config.xml".into()
        }],
        "the refused create is not reported as applied; only the difference is sent"
    );
    let stats = by_operation(&tenant);
    assert_eq!(stats.get("createCustomConnector"), Some(&1));
    assert_eq!(stats.get("putConnectorSourceConfig"), Some(&1));
    let source = tenant
        .client
        .get_document("acme-dev", connkit_connectors::ops::Document::SourceConfig)
        .send()
        .await
        .unwrap();
    assert_eq!(source, Bytes::from_static(b"<Form name=\"new\"/>\n"));
}

#[tokio::test(flavor = "current_thread")]
async fn a_name_taken_by_a_connector_that_differs_in_create_only_fields_fails_clearly() {
    let tenant = Tenant::new(0);
    let mut hidden = V3CreateConnectorDto::new("Acme Dev", "sailpoint.connector.Other");
    hidden.status = Some(ConnectorStatus::Development);
    create_on(
        &tenant.client,
        &ConnectorFiles::new(ConnectorSpec {
            create: hidden,
            connector_metadata: None,
        }),
    )
    .await;
    let mut tree = Tree::default();
    let create = V3CreateConnectorDto::new("Acme Dev", "sailpoint.connector.OpenConnectorAdapter");
    tree.connectors.insert(
        "acme-dev".into(),
        ConnectorFiles::new(ConnectorSpec {
            create,
            connector_metadata: None,
        }),
    );
    tenant.sandbox.reset_stats();
    let report = tenant.push(&tree).await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let error = &report.failed[0].error;
    assert!(
        error.contains("exists already (scriptName acme-dev") && error.contains("`className`"),
        "{error}"
    );
    assert_eq!(tenant.writes(), counts(&[("createCustomConnector", 1)]));
}

/// The sandbox, but the answer to the first create is lost after the sandbox made it.
struct LosesFirstCreateAnswer {
    sandbox: connkit_sandbox::Sandbox,
    lost: AtomicBool,
}

#[async_trait::async_trait]
impl Transport for LosesFirstCreateAnswer {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let create =
            request.method() == http::Method::POST && request.uri().path().ends_with("/connectors");
        let response = self.sandbox.send(request).await?;
        if create && !self.lost.swap(true, Ordering::SeqCst) {
            return Err(TransportError::Network {
                source: "connection reset after the request was sent".into(),
            });
        }
        Ok(response)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_create_whose_answer_was_lost_is_finished_without_a_duplicate() {
    let tenant = Tenant::new(0);
    let lossy = Arc::new(LosesFirstCreateAnswer {
        sandbox: tenant.sandbox.clone(),
        lost: AtomicBool::new(false),
    });
    let client = Client::new("http://127.0.0.1:1", lossy).unwrap();
    let tree = new_connectors(1);
    let plan = connkit_as_code::plan(&client, &tree, &Default::default())
        .await
        .unwrap();
    let report = apply(&client, &plan, &ApplyOptions::default(), &|_| {})
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.applied[0].kind, StepKind::Create);
    let stats = by_operation(&tenant);
    assert_eq!(stats.get("createCustomConnector"), Some(&1), "{stats:?}");
    // The lost answer costs one lookup by name and one read of what the create made.
    assert_eq!(stats.get("getConnector"), Some(&1), "{stats:?}");
    assert!(!tenant.plan(&tree).await.has_changes());
}

/// The sandbox, but `getConnector` answers without `applicationXml`, as a service that
/// leaves the field out might.
struct DetailWithoutTemplate(connkit_sandbox::Sandbox);

#[async_trait::async_trait]
impl Transport for DetailWithoutTemplate {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let detail = request.method() == http::Method::GET
            && request.uri().path().split('/').count() == 4
            && request.uri().path().starts_with("/v2024/connectors/");
        let response = self.0.send(request).await?;
        if !detail || !response.status().is_success() {
            return Ok(response);
        }
        let (parts, body) = response.into_parts();
        let mut json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        json.as_object_mut().unwrap().remove("applicationXml");
        let body = Bytes::from(serde_json::to_vec(&json).unwrap());
        Ok(http::Response::from_parts(parts, body))
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_document_the_detail_leaves_out_is_read_with_its_own_get() {
    let tenant = Tenant::new(0);
    add_custom_connectors(&tenant.client, 3).await;
    let expected = tenant.pull().await;
    let partial = Arc::new(DetailWithoutTemplate(tenant.sandbox.clone()));
    let client = Client::new("http://127.0.0.1:1", partial).unwrap();
    tenant.sandbox.reset_stats();
    let pulled = connkit_as_code::pull(&client, &Default::default(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(pulled, expected);
    assert_eq!(
        by_operation(&tenant),
        counts(&[
            ("getConnector", 3),
            ("getConnectorList", 1),
            ("getConnectorSourceTemplate", 3)
        ])
    );
}
