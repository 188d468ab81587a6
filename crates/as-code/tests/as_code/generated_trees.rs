//! For generated trees as users keep them (names with Unicode, case and punctuation,
//! nested metadata, several locales, SailPoint XML with the `sailpoint.dtd` header,
//! CDATA, comments and CRLF): push into an empty tenant, pull back, get the same tree;
//! a second push writes nothing.

use std::collections::BTreeMap;

use bytes::Bytes;
use connkit_as_code::{ConnectorFiles, ConnectorSpec, Tree};
use connkit_models::isc::v2024::{ConnectorStatus, JsonObject, V3CreateConnectorDto};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::Tenant;

/// Name stems; each name also carries its connector's index, so no two names are equal
/// even after Unicode normalisation and case folding.
const STEMS: [&str; 10] = [
    "Café Crème",
    "STRASSE",
    "Straße",
    "naïve.Connector",
    "東京 HR",
    "Ωmega (Prod)",
    "O'Brien & Co",
    "a/b?c#d",
    "Zürich-HR_2",
    "ÅNGSTRÖM 💡",
];
const SEPARATORS: [&str; 4] = [" ", " - ", "_", "."];
const CLASSES: [&str; 2] = [
    "sailpoint.connector.OpenConnectorAdapter",
    "sailpoint.connector.JDBCConnector",
];
const LOCALES: [&str; 5] = ["de", "no", "zh-TW", "fr", "ko"];

/// Text without markup characters, with non-ASCII letters.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 éüßÅ東京Ω.,:=]{0,16}"
}

/// BeanShell as SailPoint rules hold it, inside CDATA: `<`, `&&`, quotes.
fn beanshell() -> impl Strategy<Value = String> {
    (0u32..100, text()).prop_map(|(n, word)| {
        format!(
            "import java.util.*;\nif (count < {n} && name != null) {{\n  return \"{word}\";\n}}\nreturn null;"
        )
    })
}

/// A document of root `root` in the shapes SailPoint files have.
fn xml(root: &'static str) -> impl Strategy<Value = Bytes> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        text(),
        text(),
        beanshell(),
    )
        .prop_map(
            move |(single_quoted, doctype, crlf, comment, name, value, code)| {
                let mut lines = vec![if single_quoted {
                    "<?xml version='1.0' encoding='UTF-8'?>".to_owned()
                } else {
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_owned()
                }];
                if doctype {
                    lines.push(format!(
                        "<!DOCTYPE {root} PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">"
                    ));
                }
                if comment {
                    lines.push(format!("<!-- {name} -->"));
                }
                let xmlns = if root == "Form" {
                    " xmlns=\"http://www.sailpoint.com/xsd/sailpoint_form_2_0.xsd\""
                } else {
                    ""
                };
                lines.push(format!("<{root}{xmlns} name=\"{name}\">"));
                lines.push("  <Attributes>".to_owned());
                lines.push("    <Map>".to_owned());
                lines.push(format!(
                    "      <entry key=\"label\" value=\"{value} &amp; &lt;more&gt;\"/>"
                ));
                lines.push("    </Map>".to_owned());
                lines.push("  </Attributes>".to_owned());
                lines.push(format!("  <Source><![CDATA[{code}]]></Source>"));
                lines.push(format!("</{root}>"));
                let eol = if crlf { "\r\n" } else { "\n" };
                Bytes::from(lines.join(eol) + eol)
            },
        )
}

/// A `.properties` catalog: comments, `\uXXXX` escapes, HTML and `{0}` placeholders.
fn catalog() -> impl Strategy<Value = Bytes> {
    (text(), text(), 0u16..0x7ff).prop_map(|(label, help, code)| {
        Bytes::from(format!(
            "# generated\nmenuLabel_Settings={label}\nhelp_Url=<b>{help}</b> see {{0}}\nescaped=caf\\u00e9 \\u{code:04x}\n"
        ))
    })
}

/// Metadata values, nested up to three levels, with keys a JSON Pointer must escape.
fn metadata() -> impl Strategy<Value = JsonObject> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-zé/~ ]{1,5}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-zA-Zé/~ ]{1,6}", value, 0..4)
        .prop_map(|m| m.into_iter().collect())
}

/// Connector `index` as a tree holds it after a pull: every field the service keeps,
/// the three documents, `en` and other locales.
fn connector(index: usize) -> impl Strategy<Value = ConnectorFiles> {
    (
        prop::sample::select(STEMS.to_vec()),
        prop::sample::select(SEPARATORS.to_vec()),
        prop::sample::select(CLASSES.to_vec()),
        any::<bool>(),
        metadata(),
        [xml("Form"), xml("Application"), xml("CorrelationConfig")],
        catalog(),
        prop::collection::btree_map(prop::sample::select(LOCALES.to_vec()), catalog(), 0..3),
    )
        .prop_map(
            move |(stem, separator, class, direct, metadata, documents, en, others)| {
                let name = format!("{stem}{separator}{index}");
                let mut translations: BTreeMap<String, Bytes> = others
                    .into_iter()
                    .map(|(locale, text)| (locale.to_owned(), text))
                    .collect();
                translations.insert("en".to_owned(), en);
                ConnectorFiles {
                    spec: ConnectorSpec {
                        create: V3CreateConnectorDto {
                            connector_type: Some(format!("custom {stem}")),
                            class_name: class.to_owned(),
                            direct_connect: Some(direct),
                            status: Some(ConnectorStatus::Released),
                            ..V3CreateConnectorDto::new(name, class)
                        },
                        connector_metadata: Some(metadata),
                    },
                    documents: documents.map(Some),
                    translations,
                }
            },
        )
}

fn tree() -> impl Strategy<Value = Tree> {
    (1usize..=4)
        .prop_flat_map(|n| (0..n).map(connector).collect::<Vec<_>>())
        .prop_map(|connectors| Tree {
            connectors: connectors
                .into_iter()
                .enumerate()
                .map(|(i, files)| (format!("folder-{i}"), files))
                .collect(),
        })
}

/// The connectors of a tree by name: folder names are the scriptNames of the tenant
/// pulled from, which another tenant may derive differently.
fn by_name(tree: &Tree) -> BTreeMap<&str, &ConnectorFiles> {
    tree.connectors
        .values()
        .map(|files| (files.spec.create.name.as_str(), files))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn push_into_an_empty_tenant_then_pull_gives_the_same_tree(tree in tree()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let tenant = Tenant::new(0);
            let report = tenant.push(&tree).await;
            prop_assert!(report.is_complete(), "{:?}", report);

            let pulled = tenant.pull().await;
            prop_assert_eq!(by_name(&pulled), by_name(&tree));

            tenant.sandbox.reset_stats();
            let again = tenant.push(&tree).await;
            prop_assert!(again.applied.is_empty() && again.is_complete(), "{:?}", again);
            prop_assert_eq!(tenant.writes(), BTreeMap::new());
            Ok(())
        })?;
    }
}
