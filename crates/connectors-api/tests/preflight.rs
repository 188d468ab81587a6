//! Pre-flight through the client: a rejected body is never sent, and the error carries
//! every finding with its position.

mod common;
#[path = "../../core-models/tests/fixtures/xml/corpus.rs"]
mod corpus;

use connkit_connectors::prelude::*;
use std::sync::Arc;

use common::{Harness, Mode};
use connkit_connectors::preflight::{builtin_validators, SizeLimit};
use connkit_connectors::{Error, ErrorKind};
use connkit_models::isc::v2024::{Locale, V3CreateConnectorDto};
use connkit_models::preflight::{BodyKind, Finding, Severity, Validator};

fn rejected(err: Error) -> (BodyKind, Vec<Finding>) {
    assert_eq!(err.kind(), ErrorKind::PreflightRejected, "{err:?}");
    match err {
        Error::Preflight(p) => (p.kind, p.findings),
        other => panic!("{other:?}"),
    }
}

fn code_at(f: &Finding) -> (&str, Option<u32>, Option<u32>) {
    (f.code.as_str(), f.line, f.column)
}

fn codes_and_pointers(findings: &[Finding]) -> Vec<(&str, Option<&str>)> {
    findings
        .iter()
        .map(|f| (f.code.as_str(), f.pointer.as_deref()))
        .collect()
}

/// Creates a custom connector named `name`; its script name.
async fn create(client: &connkit_connectors::Client, name: &str, class_name: &str) -> String {
    client
        .create_connector(&V3CreateConnectorDto::new(name, class_name))
        .send()
        .await
        .expect("create")
        .script_name
        .expect("script")
}

#[tokio::test]
async fn rejected_bodies_are_never_sent() {
    let h = Harness::new(Mode::InProcess, 0).await;
    let c = &h.client;

    let err = c
        .put_source_config("s")
        .xml("<a>\n  <b></a>")
        .send()
        .await
        .unwrap_err();
    let (kind, findings) = rejected(err);
    assert_eq!(kind, BodyKind::SourceConfig);
    assert_eq!(
        code_at(&findings[0]),
        ("xml.not-well-formed", Some(2), Some(6))
    );
    assert_eq!(findings[0].validator.as_deref(), Some("builtin.xml"));

    let err = c
        .put_correlation_config("s")
        .xml("<!DOCTYPE c [<!ENTITY e SYSTEM \"http://x/\">]>\n<c>&e;</c>")
        .send()
        .await
        .unwrap_err();
    let (_, findings) = rejected(err);
    let codes: Vec<_> = findings.iter().map(code_at).collect();
    assert_eq!(
        codes,
        [
            ("xml.internal-subset", Some(1), Some(13)),
            ("xml.entity-declaration", Some(1), Some(14)),
            ("xml.external-entity", Some(1), Some(14)),
            ("xml.undefined-entity", Some(2), Some(4)),
        ]
    );

    let err = c
        .put_source_template("s")
        .content(&b"<t>\xff</t>"[..])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_at(&rejected(err).1[0]),
        ("xml.not-utf8", Some(1), Some(4))
    );

    let err = c
        .update_connector_json("s", "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"x\"},\n {\"op\":\"move\",\"path\":\"/connectorMetadata/a\"}]")
        .send()
        .await
        .unwrap_err();
    let (kind, findings) = rejected(err);
    assert_eq!(kind, BodyKind::JsonPatch);
    assert_eq!(
        codes_and_pointers(&findings),
        [
            ("patch.not-patchable", Some("/0/path")),
            ("patch.missing-from", Some("/1"))
        ]
    );

    let err = c
        .update_connector("s")
        .replace_application_xml("<app>\n<unclosed>\n</app>")
        .send()
        .await
        .unwrap_err();
    let (_, findings) = rejected(err);
    // Reported where `</app>` stands in the JSON body, which is one line.
    let body = r#"[{"op":"replace","path":"/applicationXml","value":"<app>\n<unclosed>\n</app>"}]"#;
    let column = body.find("</app>").unwrap() as u32 + 1;
    assert_eq!(
        code_at(&findings[0]),
        ("xml.not-well-formed", Some(1), Some(column))
    );
    assert_eq!(findings[0].pointer.as_deref(), Some("/0/value"));

    let err = c
        .update_connector_json("s", "[\n  {\"op\": }]")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code_at(&rejected(err).1[0]),
        ("json.syntax", Some(2), Some(10))
    );

    let err = c
        .create_connector(&V3CreateConnectorDto::new(" ", ""))
        .send()
        .await
        .unwrap_err();
    let (kind, findings) = rejected(err);
    assert_eq!(kind, BodyKind::CreateConnector);
    assert_eq!(
        findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["create.empty-field", "create.empty-field"]
    );

    let err = c
        .put_translations("s", Locale::Fi)
        .text("ok=1\nbad=\\u12G4\n")
        .send()
        .await
        .unwrap_err();
    let (kind, findings) = rejected(err);
    assert_eq!(kind, BodyKind::Translations);
    assert_eq!(
        code_at(&findings[0]),
        ("properties.bad-unicode-escape", Some(2), Some(5))
    );
    assert!(err_display_lists_the_first_finding(&findings));

    assert!(
        h.sent().is_empty(),
        "a rejected body was sent: {:?}",
        h.sent()
    );
    assert_eq!(h.sandbox.stats().total, 0);
}

fn err_display_lists_the_first_finding(findings: &[Finding]) -> bool {
    let text = Error::Preflight(connkit_connectors::PreflightRejected::new(
        BodyKind::Translations,
        findings.to_vec(),
    ))
    .to_string();
    text == "pre-flight rejected the translations body: 2:5: error: properties.bad-unicode-escape: `\\u12` is not a unicode escape: `\\u` needs exactly 4 hex digits"
}

#[tokio::test]
async fn warnings_do_not_stop_a_request() {
    let h = Harness::new(Mode::InProcess, 0).await;
    let script = create(&h.client, "W", "c").await;
    let findings = h
        .client
        .check_body(BodyKind::Translations, b"a=1\na=2\n")
        .expect("only warnings");
    assert_eq!(findings[0].severity, Severity::Warning);
    h.client
        .put_translations(&script, Locale::En)
        .text("a=1\na=2\n")
        .send()
        .await
        .expect("sent despite the warning");
    assert_eq!(h.sent().len(), 2);
}

/// Refuses any body containing `FORBIDDEN`.
struct NoForbidden;

impl Validator for NoForbidden {
    fn name(&self) -> &str {
        "test.no-forbidden"
    }
    fn supports(&self, _kind: BodyKind) -> bool {
        true
    }
    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        if body.windows(9).any(|w| w == b"FORBIDDEN") {
            vec![Finding::error("test.forbidden", "forbidden word")]
        } else {
            Vec::new()
        }
    }
}

#[tokio::test]
async fn validators_are_removable_and_addable() {
    let sandbox = connkit_sandbox::Sandbox::builder()
        .seed(0)
        .build()
        .expect("sandbox");
    let h = Harness::with_sandbox(Mode::InProcess, sandbox, |b| {
        b.no_builtin_validators()
            .validator(Arc::new(NoForbidden))
            .validator(Arc::new(SizeLimit { max_bytes: 64 }))
    })
    .await;
    assert_eq!(h.client.validators().len(), 2);
    let script = create(&h.client, "V", "c").await;
    // Not well-formed, but no XML validator runs now: it is sent, and the service's
    // own XML policy answers.
    let err = h
        .client
        .put_source_config(&script)
        .xml("<a>")
        .send()
        .await
        .expect_err("the sandbox refuses it");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
    assert!(err.to_string().contains("xml.unclosed"), "{err}");
    assert!(h
        .last()
        .body_str()
        .is_some_and(|b| b.contains("\r\n<a>\r\n")));
    let err = h
        .client
        .put_source_config(&script)
        .xml("<a>FORBIDDEN</a>")
        .send()
        .await
        .unwrap_err();
    let (_, findings) = rejected(err);
    assert_eq!(findings[0].validator.as_deref(), Some("test.no-forbidden"));
    let err = h
        .client
        .put_source_config(&script)
        .xml("x".repeat(65))
        .send()
        .await
        .unwrap_err();
    assert_eq!(rejected(err).1[0].code, "body.too-large");
    assert_eq!(h.sent().len(), 2);
    assert_eq!(builtin_validators().len(), 5);
}

mod never_panic {
    use connkit_connectors::preflight::builtin_validators;
    use connkit_models::preflight::{run_all, BodyKind};
    use proptest::prelude::*;

    /// Bytes that look like the bodies: XML, JSON Patch, properties, or noise.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            "[<>/!?&;#a-z\"'= \\n\\\\u{}:,\\[\\]éx0-9-]{0,120}".prop_map(String::into_bytes),
            "\\[\\{\"op\":\"(add|move|replace)\",\"path\":\"/(sourceConfigXml|connectorMetadata/k)\",\"value\":\"[<>/a\\\\\"n&;u0-9]{0,40}\"\\}\\]"
                .prop_map(String::into_bytes),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn no_input_makes_a_validator_panic(body in body()) {
            let validators = builtin_validators();
            for kind in BodyKind::ALL {
                for finding in run_all(&validators, kind, &body) {
                    prop_assert!(finding.line.is_none_or(|l| l >= 1));
                    prop_assert!(finding.column.is_none_or(|c| c >= 1));
                }
            }
        }
    }
}

/// Issue 19: every realistic SailPoint document passes pre-flight and reaches the
/// sandbox, which answers the same bytes back; every hostile one is refused with its
/// code before anything is sent.
#[tokio::test]
async fn the_xml_corpus_through_the_client() {
    let h = Harness::new(Mode::Http, 0).await;
    let c = &h.client;
    let script = create(c, "Corpus", "sailpoint.connector.OpenConnectorAdapter").await;
    for entry in corpus::realistic() {
        let bytes = entry.bytes();
        let (put, get) = match entry.kind.as_str() {
            "source-template" => (
                c.put_source_template(&script),
                c.get_source_template(&script),
            ),
            "correlation-config" => (
                c.put_correlation_config(&script),
                c.get_correlation_config(&script),
            ),
            _ => (c.put_source_config(&script), c.get_source_config(&script)),
        };
        put.content(bytes.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        let served = get.send().await.expect("get");
        assert!(
            served[..] == bytes[..],
            "{}: not served byte for byte",
            entry.name
        );
    }
    let sent = h.sent().len();
    for entry in corpus::hostile() {
        let code = entry.refused_with.as_deref().unwrap_or_default();
        let err = c
            .put_source_config(&script)
            .content(entry.bytes())
            .send()
            .await
            .expect_err(&entry.name);
        let (_, findings) = rejected(err);
        assert!(
            findings.iter().any(|f| f.code == code && f.is_error()),
            "{}: {findings:?}",
            entry.name
        );
    }
    assert_eq!(h.sent().len(), sent, "a hostile document was sent");
}

/// Issue 19: the sailpoint.dtd header inside a JSON Patch value passes; an entity
/// declaration there is refused at its place in the JSON body.
#[tokio::test]
async fn xml_in_patch_values_follows_the_same_policy() {
    let h = Harness::new(Mode::InProcess, 0).await;
    let c = &h.client;
    let script = create(c, "Patched", "c").await;
    let header = "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n<Application name='p'/>\n";
    let detail = c
        .update_connector(&script)
        .replace_application_xml(header)
        .send()
        .await
        .expect("the header passes pre-flight and the sandbox");
    assert_eq!(detail.application_xml.as_deref(), Some(header));
    let err = c
        .update_connector(&script)
        .replace_application_xml("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>")
        .send()
        .await
        .unwrap_err();
    let (_, findings) = rejected(err);
    assert_eq!(
        codes_and_pointers(&findings),
        [
            ("xml.internal-subset", Some("/0/value")),
            ("xml.entity-declaration", Some("/0/value")),
            ("xml.undefined-entity", Some("/0/value")),
        ]
    );
}
