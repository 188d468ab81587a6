//! ConductorOne connectors as code against in-process sandboxes: the round trip, the
//! update mask of one change, no secret in a tree, pre-flight before any request, and
//! a lost create answer.

use connkit_c1::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use connkit_as_code::c1::{apply, plan, pull, Spec, Tree};
use connkit_as_code::{Action, Error, StepKind};
use connkit_c1::Client;
use connkit_models::c1::{Config, Connector, ConnectorSyncCronSchedule, SyncConfig, UpdateMask};
use connkit_sandbox::Sandbox;
use connkit_transport::{Transport, TransportError};
use serde_json::{json, Value};

use crate::support::files;

/// A sandbox's C1 side, its demo app Okta, and every request body sent to it.
struct C1Tenant {
    sandbox: Sandbox,
    client: Client,
    app: String,
    sent: Arc<Mutex<Vec<(String, Value)>>>,
}

/// The sandbox, recording each request's path and JSON body.
struct Recording {
    sandbox: Sandbox,
    sent: Arc<Mutex<Vec<(String, Value)>>>,
    /// Loses the answer of the first create (after the sandbox made it).
    lose_create: AtomicBool,
}

#[async_trait::async_trait]
impl Transport for Recording {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let path = request.uri().path().to_owned();
        let body = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let create = request.method() == http::Method::POST && path.ends_with("/connectors");
        self.sent.lock().unwrap().push((path, body));
        let response = self.sandbox.send(request).await?;
        if create && self.lose_create.swap(false, Ordering::SeqCst) {
            return Err(TransportError::Network {
                source: "connection reset after the request was sent".into(),
            });
        }
        Ok(response)
    }
}

impl C1Tenant {
    fn new() -> Self {
        Self::with_lost_create(false)
    }

    fn with_lost_create(lose_create: bool) -> Self {
        let sandbox = Sandbox::builder().seed(0).build().expect("sandbox");
        let (app, _) = sandbox
            .c1()
            .apps()
            .into_iter()
            .find(|(_, name)| name == "Okta")
            .expect("the demo app Okta");
        let sent = Arc::new(Mutex::new(Vec::new()));
        let transport = Recording {
            sandbox: sandbox.clone(),
            sent: sent.clone(),
            lose_create: AtomicBool::new(lose_create),
        };
        let client = Client::new("http://127.0.0.1:1", Arc::new(transport)).expect("client");
        C1Tenant {
            sandbox,
            client,
            app,
            sent,
        }
    }

    /// The app without any connector.
    async fn emptied(self) -> Self {
        for connector in self.connectors().await {
            let id = connector.id.unwrap();
            self.client
                .delete_connector(&self.app, id)
                .send()
                .await
                .unwrap();
        }
        self
    }

    async fn connectors(&self) -> Vec<Connector> {
        self.client
            .list_connectors(&self.app)
            .into_paginator()
            .try_collect()
            .await
            .unwrap()
    }

    /// Requests that change something, by operation, since the last reset.
    fn writes(&self) -> BTreeMap<String, u64> {
        self.sandbox
            .stats()
            .by_operation
            .into_iter()
            .filter(|(op, _)| !matches!(op.as_str(), "c1.List" | "c1.Get"))
            .collect()
    }

    async fn pull(&self) -> Tree {
        pull(&self.client, &self.app).await.expect("pull")
    }

    async fn push(&self, tree: &Tree) -> connkit_as_code::ApplyReport {
        let plan = plan(&self.client, &self.app, tree).await.expect("plan");
        apply(&self.client, &self.app, &plan, &Default::default(), &|_| {})
            .await
            .expect("apply")
    }

    /// Adds a connector that sets every owned field, with secrets in its config.
    async fn add_full_connector(&self, name: &str) -> String {
        let created = self
            .client
            .create_delegated_connector(&self.app, "catalog-okta")
            .display_name(name)
            .description("HR users")
            .user_ids(vec!["user-1".into(), "user-2".into()])
            .send()
            .await
            .unwrap();
        let id = created
            .connector_view
            .unwrap()
            .connector
            .unwrap()
            .id
            .unwrap();
        let config = Config::from_json(
            r#"{"@type":"type.googleapis.com/c1.connector.v2.Okta","region":"eu","apiToken":"tok-SECRET-1","auth":{"user":"svc","password":"pw-SECRET-2"}}"#,
        )
        .unwrap();
        let connector = Connector {
            config: Some(config),
            sync_config: Some(SyncConfig {
                sync_resource_type_ids: Some(vec!["user".into(), "group".into()]),
            }),
            connector_sync_cron_schedule: Some(ConnectorSyncCronSchedule {
                cron_spec: Some("0 */6 * * *".into()),
                timezone: Some("Europe/Oslo".into()),
                start: None,
            }),
            ..Connector::default()
        };
        self.client
            .update_connector(&self.app, &id)
            .connector(connector)
            .update_mask(UpdateMask::new([
                "config",
                "syncConfig",
                "connectorSyncCronSchedule",
            ]))
            .send()
            .await
            .unwrap();
        id
    }
}

/// A tree of one folder: a display name and, maybe, a catalog id.
fn one_folder(folder: &str, name: &str, catalog: Option<&str>) -> Tree {
    let spec = Spec {
        display_name: name.into(),
        catalog_id: catalog.map(str::to_owned),
        ..Spec::default()
    };
    Tree {
        connectors: BTreeMap::from([(folder.to_owned(), spec)]),
    }
}

/// Each finding's file and code.
fn findings(findings: &[connkit_as_code::FileFinding]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .map(|f| (f.file.as_str(), f.finding.code.as_str()))
        .collect()
}

/// The codes of a plan's conflicts.
fn conflicts(plan: &connkit_as_code::Plan<connkit_as_code::c1::ConnectorPlan>) -> Vec<&str> {
    plan.conflicts().map(|c| c.finding.code.as_str()).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn c1_pull_push_pull_is_identical_and_a_second_push_writes_nothing() {
    let dev = C1Tenant::new();
    dev.add_full_connector("Okta HR").await;
    let first = tempfile::tempdir().unwrap();
    dev.pull().await.write(first.path()).unwrap();
    let pulled = files(first.path());
    // The two seeded connectors and the new one, one file each.
    assert_eq!(
        pulled.keys().collect::<Vec<_>>(),
        [
            "okta-connector-1/connector.json",
            "okta-connector-2/connector.json",
            "okta-hr/connector.json"
        ]
    );
    let spec: Value = serde_json::from_slice(&pulled["okta-hr/connector.json"]).unwrap();
    assert_eq!(
        spec,
        json!({
            "displayName": "Okta HR",
            "catalogId": "catalog-okta",
            "description": "HR users",
            "userIds": ["user-1", "user-2"],
            "config": {"@type": "type.googleapis.com/c1.connector.v2.Okta", "auth": {"user": "svc"}, "region": "eu"},
            "syncConfig": {"syncResourceTypeIds": ["user", "group"]},
            "connectorSyncCronSchedule": {"cronSpec": "0 */6 * * *", "timezone": "Europe/Oslo"},
        })
    );

    let prod = C1Tenant::new().emptied().await;
    let tree = Tree::read(first.path()).unwrap();
    assert!(tree.findings.is_empty(), "{:?}", tree.findings);
    prod.sandbox.reset_stats();
    let report = prod.push(&tree.tree).await;
    assert!(report.is_complete(), "{report:?}");
    // Per connector: one create, one update of what a create cannot set.
    assert_eq!(
        prod.writes(),
        BTreeMap::from([("c1.CreateDelegated".into(), 3), ("c1.Update".into(), 3)])
    );

    let second = tempfile::tempdir().unwrap();
    prod.pull().await.write(second.path()).unwrap();
    assert_eq!(files(second.path()), pulled);

    let again = plan(&prod.client, &prod.app, &tree.tree).await.unwrap();
    assert!(!again.has_changes(), "{again:?}");
    prod.sandbox.reset_stats();
    let report = prod.push(&tree.tree).await;
    assert!(
        report.applied.is_empty() && report.is_complete(),
        "{report:?}"
    );
    assert_eq!(prod.writes(), BTreeMap::new());
    assert_eq!(prod.sandbox.stats().total, 1, "one listing, nothing else");
}

#[tokio::test(flavor = "current_thread")]
async fn one_changed_field_is_one_update_with_that_field_alone_in_the_mask() {
    let tenant = C1Tenant::new();
    let id = tenant.add_full_connector("Okta HR").await;
    let mut tree = tenant.pull().await;
    let spec = tree.connectors.get_mut("okta-connector-2").unwrap();
    spec.description = Some("Syncs Okta contractors".into());
    let plan_ = plan(&tenant.client, &tenant.app, &tree).await.unwrap();
    let changed: Vec<_> = plan_
        .connectors
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .map(|c| {
            (
                c.folder.as_str(),
                c.fields
                    .iter()
                    .map(|f| f.field.as_str())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(changed, [("okta-connector-2", vec!["description"])]);
    assert!(
        plan_.connectors[1].fields[0]
            .diff
            .contains("-\"Syncs Okta users and groups\"\n+\"Syncs Okta contractors\"\n"),
        "{}",
        plan_.connectors[1].fields[0].diff
    );

    tenant.sandbox.reset_stats();
    tenant.sent.lock().unwrap().clear();
    let report = apply(
        &tenant.client,
        &tenant.app,
        &plan_,
        &Default::default(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        report
            .applied
            .iter()
            .map(|s| s.kind.clone())
            .collect::<Vec<_>>(),
        [StepKind::Update {
            fields: vec!["description".into()]
        }]
    );
    assert_eq!(tenant.writes(), BTreeMap::from([("c1.Update".into(), 1)]));
    let sent = tenant.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0].1,
        json!({"connector": {"description": "Syncs Okta contractors"}, "updateMask": "description"})
    );

    // A change of the config sends the config alone, and the tenant keeps its secrets.
    let spec = tree.connectors.get_mut("okta-hr").unwrap();
    spec.config.as_mut().unwrap()["region"] = json!("us");
    tenant.sent.lock().unwrap().clear();
    let report = tenant.push(&tree).await;
    assert!(
        report.is_complete() && report.applied.len() == 1,
        "{report:?}"
    );
    let sent = tenant.sent.lock().unwrap().clone();
    let update = &sent.last().unwrap().1;
    assert_eq!(update["updateMask"], json!("config"));
    assert_eq!(update["connector"].as_object().unwrap().len(), 1);
    let got = tenant
        .client
        .get_connector(&tenant.app, &id)
        .send()
        .await
        .unwrap();
    let config = got
        .connector_view
        .unwrap()
        .connector
        .unwrap()
        .config
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(config.as_json()).unwrap(),
        json!({"@type": "type.googleapis.com/c1.connector.v2.Okta", "region": "us", "apiToken": "tok-SECRET-1", "auth": {"user": "svc", "password": "pw-SECRET-2"}})
    );
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_lands_in_the_tree() {
    let tenant = C1Tenant::new();
    let id = tenant.add_full_connector("Okta HR").await;
    let rotated = tenant
        .client
        .rotate_credential(&tenant.app, &id)
        .send()
        .await
        .unwrap();
    let secret = rotated.client_secret.expect("the rotated secret");
    let dir = tempfile::tempdir().unwrap();
    let mut tree = tenant.pull().await;
    tree.write(dir.path()).unwrap();
    // Nor in a plan that sends the config (it carries the tenant's secrets to send
    // them back), shown as data or for debugging.
    tree.connectors
        .get_mut("okta-hr")
        .unwrap()
        .config
        .as_mut()
        .unwrap()["region"] = json!("us");
    let plan_ = plan(&tenant.client, &tenant.app, &tree).await.unwrap();
    let shown = format!("{plan_:?} {}", serde_json::to_string(&plan_).unwrap());
    assert!(
        shown.contains("\"us\"") && !shown.contains("SECRET"),
        "{shown}"
    );
    for (file, bytes) in files(dir.path()) {
        let text = String::from_utf8(bytes).unwrap();
        for leaked in ["SECRET", secret.as_str(), "apiToken", "password"] {
            assert!(!text.contains(leaked), "{file} holds {leaked}: {text}");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_tree_the_api_cannot_take_is_refused_before_any_request() {
    let tenant = C1Tenant::new();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("new");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("connector.json"),
        r#"{"displayName": "New", "config": {"@type": "t", "clientSecret": "x"}}"#,
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), "hi").unwrap();
    let read = Tree::read(dir.path()).unwrap();
    assert_eq!(
        findings(&read.findings),
        [
            ("new/connector.json", "connector.secret"),
            ("new/notes.txt", "tree.unexpected-file"),
        ]
    );

    // Without catalogId a folder that matches nothing cannot be created: a conflict,
    // and apply sends nothing.
    let tree = one_folder("new", "New", None);
    let plan_ = plan(&tenant.client, &tenant.app, &tree).await.unwrap();
    assert_eq!(conflicts(&plan_), ["connector.create-only"]);
    tenant.sandbox.reset_stats();
    let refused = apply(
        &tenant.client,
        &tenant.app,
        &plan_,
        &Default::default(),
        &|_| {},
    )
    .await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    assert_eq!(tenant.sandbox.stats().total, 0);
}

#[tokio::test(flavor = "current_thread")]
async fn a_create_whose_answer_was_lost_is_finished_without_a_duplicate() {
    let tenant = C1Tenant::with_lost_create(true).emptied().await;
    let mut tree = one_folder("okta-hr", "Okta HR", Some("catalog-okta"));
    tree.connectors.get_mut("okta-hr").unwrap().sync_config = Some(SyncConfig {
        sync_resource_type_ids: Some(vec!["user".into()]),
    });
    let report = tenant.push(&tree).await;
    assert!(
        report.is_complete() && report.applied.len() == 2,
        "{report:?}"
    );
    let connectors = tenant.connectors().await;
    assert_eq!(connectors.len(), 1, "{connectors:?}");
    assert!(connectors[0].sync_config.is_some());
    assert!(
        tenant.push(&tree).await.applied.is_empty(),
        "a re-run sends nothing"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_display_name_two_connectors_share_is_refused_never_guessed() {
    let tenant = C1Tenant::new();
    let first = tenant.add_full_connector("Okta HR").await;
    let second = tenant.add_full_connector("okta hr").await;
    let error = pull(&tenant.client, &tenant.app)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&first) && error.contains(&second) && error.contains("none is pulled"),
        "{error}"
    );
    let tree = one_folder("okta-hr", "Okta HR", Some("catalog-okta"));
    let plan_ = plan(&tenant.client, &tenant.app, &tree).await.unwrap();
    assert_eq!(conflicts(&plan_), ["connector.ambiguous-name"]);
}

#[cfg(unix)]
#[test]
fn a_c1_tree_is_read_confined_like_an_isc_one() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("okta-hr");
    std::fs::create_dir(&folder).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("connector.json")).unwrap();
    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let huge = format!(
        "{{\"displayName\": \"Big\", \"description\": \"{}\"}}",
        "x".repeat(connkit_as_code::MAX_CONNECTOR_FILE_BYTES as usize)
    );
    std::fs::write(big.join("connector.json"), huge).unwrap();
    let read = Tree::read(dir.path()).unwrap();
    assert!(read.tree.connectors.is_empty());
    assert_eq!(
        findings(&read.findings),
        [
            ("okta-hr/connector.json", "tree.symlink"),
            ("big/connector.json", "tree.too-large"),
        ]
    );
}
