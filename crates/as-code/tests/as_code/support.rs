//! Tenants (in-process sandboxes) with request counters, and trees on disk.

use connkit_connectors::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use connkit_as_code::{
    apply, plan, pull, ApplyOptions, ApplyReport, ConnectorFiles, ConnectorSpec, FileTarget, Plan,
    PlanOptions, PullOptions, Tree,
};
use connkit_connectors::Client;
use connkit_models::isc::v2024::{Locale, V3CreateConnectorDto};
use connkit_sandbox::Sandbox;

/// One emulated tenant and a client for it.
pub struct Tenant {
    pub sandbox: Sandbox,
    pub client: Client,
}

impl Tenant {
    /// A tenant with `seed` built-in connectors.
    pub fn new(seed: usize) -> Self {
        let sandbox = Sandbox::builder().seed(seed).build().expect("sandbox");
        let client = Client::new("http://127.0.0.1:1", Arc::new(sandbox.clone())).expect("client");
        Tenant { sandbox, client }
    }

    /// Requests that change something, by operationId, since the last reset.
    pub fn writes(&self) -> BTreeMap<String, u64> {
        self.sandbox
            .stats()
            .by_operation
            .into_iter()
            .filter(|(op, _)| {
                ["create", "update", "put", "delete"]
                    .iter()
                    .any(|w| op.starts_with(w))
            })
            .collect()
    }

    /// Every request since the last reset.
    pub fn requests(&self) -> u64 {
        self.sandbox.stats().total
    }

    pub async fn pull(&self) -> Tree {
        pull(&self.client, &PullOptions::default(), &|_, _| {})
            .await
            .expect("pull")
    }

    pub async fn plan(&self, tree: &Tree) -> Plan {
        plan(&self.client, tree, &PlanOptions::default())
            .await
            .expect("plan")
    }

    pub async fn push(&self, tree: &Tree) -> ApplyReport {
        let plan = self.plan(tree).await;
        apply(&self.client, &plan, &ApplyOptions::default(), &|_| {})
            .await
            .expect("apply")
    }
}

/// Makes the tenant hold `files` through the client, as a user would have: create,
/// metadata, then every file.
pub async fn create_on(client: &Client, files: &ConnectorFiles) {
    let created = client
        .create_connector(&files.spec.create)
        .send()
        .await
        .unwrap();
    let script = created.script_name.unwrap();
    if let Some(metadata) = &files.spec.connector_metadata {
        let update = client
            .update_connector(&script)
            .replace_metadata(metadata.clone());
        update.send().await.unwrap();
    }
    for (target, bytes) in files.files() {
        match target {
            FileTarget::Document(d) => {
                client
                    .put_document(&script, d)
                    .xml(bytes.clone())
                    .send()
                    .await
                    .unwrap();
            }
            FileTarget::Translations(l) => {
                let locale = Locale::from(l.as_str());
                client
                    .put_translations(&script, locale)
                    .text(bytes.clone())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
}

/// Creates custom connectors `Acme 0`… with their own documents (without a DOCTYPE, so
/// pre-flight accepts them), metadata and a German translation.
pub async fn add_custom_connectors(client: &Client, n: usize) {
    for i in 0..n {
        let create = V3CreateConnectorDto::new(
            format!("Acme {i}"),
            "sailpoint.connector.OpenConnectorAdapter",
        );
        let metadata = serde_json::json!({
            "baseUrl": "https://dev.example.com",
            "limits": {"pageSize": 100, "retries": 3},
        });
        let mut files = ConnectorFiles::new(ConnectorSpec {
            create,
            connector_metadata: metadata.as_object().cloned(),
        });
        files.documents = [
            format!("<Form name=\"Acme {i}\" host=\"dev.example.com\">\n  <Field name=\"url\"/>\n</Form>\n"),
            format!("<Application name=\"Acme {i}\" type=\"custom Acme {i}\"/>\n"),
            format!("<CorrelationConfig name=\"Acme {i} correlation\">\n  <Filter property=\"email\"/>\n</CorrelationConfig>\n"),
        ]
        .map(|xml| Some(Bytes::from(xml)));
        files
            .translations
            .insert("de".into(), Bytes::from(format!("greeting=Hallo {i}\n")));
        create_on(client, &files).await;
    }
}

/// Every file under `dir` by relative path.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}
