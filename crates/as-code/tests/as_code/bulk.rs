//! The bulk scenario: new connectors that each need four writes (create,
//! source-config PUT, translations PUT, metadata PATCH). Shared with the `as_code`
//! scenario bench (`benches/src/bin/as_code.rs` includes this file), so the tests and
//! the figures count the same trees.

use bytes::Bytes;
use connkit_as_code::{ConnectorFiles, ConnectorSpec, Tree};
use connkit_models::isc::v2024::V3CreateConnectorDto;

/// `n` new connectors `Bulk 00000`… in folders `bulk-00000`…, each with a source
/// config, one translation (`de`) and a metadata key.
pub fn new_connectors(n: usize) -> Tree {
    let mut tree = Tree::default();
    for i in 0..n {
        let metadata = serde_json::json!({ "team": format!("team {i}") });
        let mut files = ConnectorFiles::new(ConnectorSpec {
            create: V3CreateConnectorDto::new(
                format!("Bulk {i:05}"),
                "sailpoint.connector.OpenConnectorAdapter",
            ),
            connector_metadata: metadata.as_object().cloned(),
        });
        files.documents[0] = Some(Bytes::from(format!(
            "<Form name=\"Bulk {i:05}\">\n  <Field name=\"url\"/>\n</Form>\n"
        )));
        files
            .translations
            .insert("de".into(), Bytes::from(format!("greeting=Hallo {i}\n")));
        tree.connectors.insert(format!("bulk-{i:05}"), files);
    }
    tree
}
