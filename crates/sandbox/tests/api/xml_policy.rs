//! Issue 19: the sandbox follows the XML policy that pre-flight applies. Realistic
//! SailPoint documents are stored byte for byte; hostile ones are answered 400 with
//! an `ErrorResponseDto` naming the finding (code, line, column) and store nothing,
//! whether they come as an upload or inside a JSON Patch value; the default documents
//! of every seeded connector pass the policy.

#[path = "../../../core-models/tests/fixtures/xml/corpus.rs"]
mod corpus;

use connkit_models::preflight::xml::check_xml;
use http::Method;
use serde_json::json;

use crate::harness::{Pair, Req};

const CONNECTOR: &str = "/v2024/connectors/ldap";

fn route(kind: &str) -> String {
    format!("{CONNECTOR}/{kind}")
}

/// A JSON Patch replacing the XML field `field` with `xml`.
fn replace_xml(field: &str, xml: &str) -> Req {
    let patch = json!([{"op": "replace", "path": format!("/{field}"), "value": xml}]);
    Req::new(Method::PATCH, CONNECTOR)
        .header("Content-Type", "application/json-patch+json")
        .body(patch.to_string())
}

fn upload(kind: &str, bytes: &[u8]) -> Req {
    Req::new(Method::PUT, route(kind)).multipart(&[("file", Some("doc.xml"), None, bytes)])
}

#[tokio::test]
async fn realistic_documents_are_stored_byte_for_byte() {
    let pair = Pair::seeded(3).await;
    for entry in corpus::realistic() {
        let bytes = entry.bytes();
        let put = pair.send(upload(&entry.kind, &bytes)).await;
        assert_eq!(put.status, 200, "{}: {}", entry.name, put.text());
        assert_ne!(put.json()["status"], "ERROR", "{}", entry.name);
        let served = pair.send(Req::get(route(&entry.kind))).await;
        assert!(
            served.body == bytes,
            "{}: not served byte for byte",
            entry.name
        );
    }
}

#[tokio::test]
async fn hostile_uploads_are_refused_naming_the_finding() {
    let pair = Pair::seeded(3).await;
    for entry in corpus::hostile() {
        let code = entry.refused_with.as_deref().unwrap_or_default();
        let before = pair.send(Req::get(route(&entry.kind))).await;
        let answer = pair.send(upload(&entry.kind, &entry.bytes())).await;
        assert_eq!(answer.status, 400, "{}: {}", entry.name, answer.text());
        assert_eq!(answer.json()["detailCode"], "400.1 Bad Request Content");
        let text = answer.error_text();
        assert!(
            text.contains(&format!("error: {code}:")) && text.contains("refused by the XML policy"),
            "{}: {text}",
            entry.name
        );
        let after = pair.send(Req::get(route(&entry.kind))).await;
        assert_eq!(
            after.body, before.body,
            "{}: something was stored",
            entry.name
        );
    }
}

#[tokio::test]
async fn refusals_point_at_line_and_column() {
    let pair = Pair::seeded(3).await;
    let body = b"<?xml version='1.0' encoding='UTF-8'?>\r\n<!DOCTYPE Application [\r\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\r\n]>\r\n<Application name=\"&xxe;\"/>\r\n";
    let answer = pair.send(upload("source-template", body)).await;
    let text = answer.error_text();
    for expected in [
        "2:23: error: xml.internal-subset",
        "3:3: error: xml.entity-declaration",
        "3:3: error: xml.external-entity",
        "5:1: error: xml.undefined-entity",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
}

#[tokio::test]
async fn hostile_xml_in_patch_values_is_refused() {
    let pair = Pair::seeded(3).await;
    let before = pair.send(Req::get(CONNECTOR)).await.json();
    for field in ["applicationXml", "correlationConfigXml", "sourceConfigXml"] {
        for entry in corpus::hostile() {
            let code = entry.refused_with.as_deref().unwrap_or_default();
            // A JSON string is already text: what an encoding declaration says about
            // bytes does not apply to it.
            let Ok(xml) = String::from_utf8(entry.bytes()) else {
                continue;
            };
            if code == "xml.unsupported-encoding" {
                continue;
            }
            let answer = pair.send(replace_xml(field, &xml)).await;
            assert_eq!(
                answer.status,
                400,
                "{field} {}: {}",
                entry.name,
                answer.text()
            );
            let text = answer.error_text();
            assert!(
                text.contains(&format!("the XML of {field} is refused")) && text.contains(code),
                "{field} {}: {text}",
                entry.name
            );
        }
    }
    let realistic = corpus::realistic();
    let header = realistic
        .iter()
        .find(|e| e.name.ends_with("application-ldap.xml"))
        .expect("the LDAP application");
    let xml = String::from_utf8(header.bytes()).expect("UTF-8");
    let answer = pair.send(replace_xml("applicationXml", &xml)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["applicationXml"], xml);
    let after = pair.send(Req::get(CONNECTOR)).await.json();
    assert_eq!(after["sourceConfigXml"], before["sourceConfigXml"]);
}

#[tokio::test]
async fn the_default_documents_pass_the_policy() {
    let pair = Pair::seeded(40).await;
    let list = pair
        .send(Req::get("/v2024/connectors?limit=250"))
        .await
        .json();
    let scripts: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["scriptName"].as_str().map(str::to_owned))
        .collect();
    assert!(scripts.len() >= 40);
    for script in scripts {
        for kind in ["source-config", "source-template", "correlation-config"] {
            let served = pair
                .send(Req::get(format!("/v2024/connectors/{script}/{kind}")))
                .await;
            assert_eq!(
                check_xml(&served.body),
                [],
                "{script} {kind}: {}",
                served.text()
            );
        }
    }
}
