//! For generated trees and tenants: plan, then apply, gives the tree back.

use std::collections::BTreeMap;

use bytes::Bytes;
use connkit_as_code::{ConnectorFiles, ConnectorSpec, Tree};
use connkit_models::isc::v2024::{JsonObject, V3CreateConnectorDto};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::{create_on, Tenant};

const NAMES: [&str; 4] = ["Alpha", "Beta", "Gamma", "Delta"];
const CLASS: &str = "sailpoint.connector.OpenConnectorAdapter";

fn xml() -> impl Strategy<Value = Bytes> {
    (0u8..4, "[a-z ]{0,8}")
        .prop_map(|(n, text)| Bytes::from(format!("<Form v=\"{n}\">{text}</Form>\n")))
}

fn metadata() -> impl Strategy<Value = JsonObject> {
    let value = prop_oneof![
        (0i64..3).prop_map(Value::from),
        "[a-z]{0,3}".prop_map(Value::from),
        (0i64..3).prop_map(|n| json!({"nested": n, "list": [n]})),
    ];
    prop::collection::btree_map("[abc]", value, 0..3).prop_map(|m| m.into_iter().collect())
}

fn translations() -> impl Strategy<Value = BTreeMap<String, Bytes>> {
    prop::collection::btree_map(
        prop::sample::select(vec!["en", "de", "fr"]).prop_map(str::to_owned),
        "[a-z]{1,5}".prop_map(|v| Bytes::from(format!("key={v}\n"))),
        0..3,
    )
}

/// Connector `i` of a tree or a tenant.
fn connector(name: &'static str) -> impl Strategy<Value = ConnectorFiles> {
    (
        prop::option::of(metadata()),
        [
            prop::option::of(xml()),
            prop::option::of(xml()),
            prop::option::of(xml()),
        ],
        translations(),
    )
        .prop_map(move |(metadata, documents, translations)| ConnectorFiles {
            spec: ConnectorSpec {
                create: V3CreateConnectorDto::new(name, CLASS),
                connector_metadata: metadata,
            },
            documents,
            translations,
        })
}

fn connectors() -> impl Strategy<Value = Vec<ConnectorFiles>> {
    prop::sample::subsequence(NAMES.to_vec(), 0..=NAMES.len())
        .prop_flat_map(|names| names.into_iter().map(connector).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn plan_then_apply_gives_the_tree_back(remote in connectors(), wanted in connectors()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let tenant = Tenant::new(2);
            for files in &remote {
                create_on(&tenant.client, files).await;
            }
            let tree = Tree {
                connectors: wanted
                    .iter()
                    .map(|c| (c.spec.create.name.to_lowercase(), c.clone()))
                    .collect(),
            };
            let report = tenant.push(&tree).await;
            prop_assert!(report.is_complete(), "{:?}", report);

            let pulled = tenant.pull().await;
            for (folder, files) in &tree.connectors {
                let got = &pulled.connectors[folder];
                prop_assert_eq!(&got.spec.create.name, &files.spec.create.name);
                if let Some(metadata) = &files.spec.connector_metadata {
                    prop_assert_eq!(got.spec.connector_metadata.as_ref(), Some(metadata));
                }
                for (target, bytes) in files.files() {
                    prop_assert_eq!(got.file(&target), Some(bytes), "{}/{}", folder, target.path());
                }
            }
            prop_assert!(!tenant.plan(&tree).await.has_changes());
            Ok(())
        })?;
    }
}
