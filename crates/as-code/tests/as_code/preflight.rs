//! The pre-flight of a whole tree: every finding with its file, line and column.

use std::fs;

use connkit_as_code::{preflight, Tree};
use connkit_connectors::preflight::builtin_validators;

use crate::support::{add_custom_connectors, Tenant};

#[tokio::test(flavor = "current_thread")]
async fn every_bad_file_of_a_tree_is_reported_with_its_position() {
    let tenant = Tenant::new(0);
    add_custom_connectors(&tenant.client, 2).await;
    let dir = tempfile::tempdir().unwrap();
    tenant.pull().await.write(dir.path()).unwrap();
    fs::write(
        dir.path().join("acme-0/source-config.xml"),
        "<Form>\n  <Field>\n</Form>\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("acme-0/translations/de.properties"),
        "greeting=\\uZZZZ\n",
    )
    .unwrap();
    let spec = dir.path().join("acme-1/connector.json");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replacen("{\n", "{\n  \"features\": [\"SEARCH\"],\n", 1),
    )
    .unwrap();
    fs::write(dir.path().join("acme-1/source_config.xml"), "<a/>").unwrap();

    let read = Tree::read(dir.path()).unwrap();
    let mut findings: Vec<String> = read.findings.iter().map(ToString::to_string).collect();
    findings.extend(
        preflight(&read.tree, &builtin_validators())
            .iter()
            .map(ToString::to_string),
    );
    let codes: Vec<_> = findings
        .iter()
        .map(|f| f.split(": ").take(3).collect::<Vec<_>>().join(": "))
        .collect();
    assert_eq!(
        codes,
        [
            "acme-1/connector.json:2:3: error: connector.unpatchable-field",
            "acme-1/source_config.xml: error: tree.unexpected-file",
            "acme-0/source-config.xml:3:1: error: xml.not-well-formed",
            "acme-0/translations/de.properties:1:10: error: properties.bad-unicode-escape",
        ],
        "{findings:#?}"
    );
}
