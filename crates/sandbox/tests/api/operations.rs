//! Every operation, in-process and over HTTP, with identical answers.

use http::Method;
use serde_json::{json, Value};

use crate::harness::{Pair, Req};

fn names(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_pages_counts_and_filters() {
    let pair = Pair::seeded(300).await;

    let all = pair.send(Req::get("/v2024/connectors")).await;
    assert_eq!(all.status, 200);
    assert_eq!(
        all.json().as_array().unwrap().len(),
        250,
        "default limit 250"
    );
    assert_eq!(all.header("x-total-count"), None, "no count unless asked");

    let page = pair
        .send(Req::get(
            "/v2024/connectors?limit=100&offset=250&count=true",
        ))
        .await;
    assert_eq!(page.json().as_array().unwrap().len(), 50);
    assert_eq!(page.header("x-total-count"), Some("300"));

    for offset in [300, 301, 100_000] {
        let past = pair
            .send(Req::get(format!(
                "/v2024/connectors?offset={offset}&count=true"
            )))
            .await;
        assert_eq!((past.status, past.json()), (200, json!([])));
        assert_eq!(past.header("x-total-count"), Some("300"));
    }
    let zero = pair
        .send(Req::get("/v2024/connectors?limit=0&count=true"))
        .await;
    assert_eq!(
        (zero.json(), zero.header("x-total-count")),
        (json!([]), Some("300"))
    );

    // Pages of 7 cover everything exactly once, in order.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = pair
            .send(Req::get(format!(
                "/v2024/connectors?limit=7&offset={offset}&locale=de"
            )))
            .await
            .json();
        let n = page.as_array().unwrap().len();
        seen.extend(
            page.as_array()
                .unwrap()
                .iter()
                .map(|c| c["scriptName"].clone()),
        );
        offset += 7;
        if n < 7 {
            break;
        }
    }
    assert_eq!(seen.len(), 300);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    sorted.dedup();
    assert_eq!(sorted, seen, "pages are disjoint and ordered by scriptName");

    let filtered = pair
        .send(Req::get(
            "/v2024/connectors?filters=name+sw+%22workday%22&count=true",
        ))
        .await;
    assert_eq!(filtered.header("x-total-count"), Some("13"));
    assert_eq!(names(&filtered.json())[0], "Workday");
    let same = pair
        .send(Req::get(
            "/v2024/connectors?filters=name%20sw%20%22workday%22&count=true",
        ))
        .await;
    assert_eq!(same.json(), filtered.json(), "+ and %20 are both spaces");

    let spec_example = pair
        .send(Req::get(
            "/v2024/connectors?filters=directConnect%20eq%20%22true%22&count=true",
        ))
        .await;
    assert_eq!(
        spec_example.header("x-total-count"),
        Some("288"),
        "all but the 12 Delimited Files"
    );

    let combined = pair
        .send(Req::get(
            "/v2024/connectors?filters=labels+ca+(%22authoritative%22)+and+category+eq+%22hr%22+and+not+type+co+%22sap%22&limit=3",
        ))
        .await;
    assert_eq!(
        names(&combined.json()),
        ["BambooHR", "BambooHR APAC 1", "BambooHR Cloud 1"]
    );
    let features = pair
        .send(Req::get(
            "/v2024/connectors?filters=features+ca+(%22PASSWORD%22,%22UNLOCK%22)+and+type+eq+%22JDBC%22&count=true",
        ))
        .await;
    assert_eq!(features.header("x-total-count"), Some("12"));
}

#[tokio::test]
async fn create_get_patch_delete() {
    let pair = Pair::seeded(5).await;
    let created = pair
        .send(Req::new(Method::POST, "/v2024/connectors").json(json!({
            "name": "Custom Atlassian Suite - Cloud",
            "className": "sailpoint.connector.OpenConnectorAdapter"
        })))
        .await;
    assert_eq!(created.status, 200, "create answers exactly 200");
    assert_eq!(
        created.json(),
        json!({
            "name": "Custom Atlassian Suite - Cloud",
            "type": "custom Custom Atlassian Suite - Cloud",
            "scriptName": "custom-atlassian-suite-cloud",
            "className": "sailpoint.connector.OpenConnectorAdapter",
            "features": [],
            "directConnect": true,
            "connectorMetadata": {},
            "status": "RELEASED"
        })
    );
    // A create without status is RELEASED: the list shows it.
    let listed = pair
        .send(Req::get(
            "/v2024/connectors?filters=name+co+%22atlassian+suite%22",
        ))
        .await;
    assert_eq!(names(&listed.json()), ["Custom Atlassian Suite - Cloud"]);

    // Same slug, different name: a unique scriptName.
    let twin = pair
        .send(Req::new(Method::POST, "/v2024/connectors").json(json!({
            "name": "custom atlassian suite cloud",
            "className": "x.Y",
            "type": "Jira",
            "directConnect": false,
            "status": "DEVELOPMENT"
        })))
        .await;
    assert_eq!(twin.json()["scriptName"], "custom-atlassian-suite-cloud-2");
    assert_eq!(twin.json()["status"], "DEVELOPMENT");
    assert_eq!(twin.json()["directConnect"], false);
    let hidden = pair
        .send(Req::get(
            "/v2024/connectors?filters=name+co+%22atlassian%22&count=true",
        ))
        .await;
    assert_eq!(
        hidden.header("x-total-count"),
        Some("1"),
        "DEVELOPMENT is not listed"
    );

    let detail = pair
        .send(Req::get(
            "/v2024/connectors/custom-atlassian-suite-cloud-2?locale=ja",
        ))
        .await;
    assert_eq!(detail.status, 200);
    let detail = detail.json();
    assert_eq!(detail["type"], "Jira");
    assert_eq!(detail["status"], "DEVELOPMENT");
    assert!(detail["applicationXml"]
        .as_str()
        .unwrap()
        .contains("<Application connector=\"x.Y\""));
    assert!(detail["translationProperties"]["en"].as_str().is_some());

    let patched = pair
        .send(
            Req::new(Method::PATCH, "/v2024/connectors/custom-atlassian-suite-cloud-2")
                .header("Content-Type", "application/json-patch+json")
                .body(
                    json!([
                        {"op": "add", "path": "/connectorMetadata/supportedUI", "value": "ANGULAR"},
                        {"op": "add", "path": "/connectorMetadata/tags", "value": ["a", "c"]},
                        {"op": "add", "path": "/connectorMetadata/tags/1", "value": "b"},
                        {"op": "copy", "from": "/connectorMetadata/supportedUI", "path": "/connectorMetadata/ui"},
                        {"op": "move", "from": "/connectorMetadata/ui", "path": "/connectorMetadata/platform"},
                        {"op": "test", "path": "/connectorMetadata/platform", "value": "ANGULAR"},
                        {"op": "replace", "path": "/sourceConfigXml", "value": "<Form/>"},
                        {"op": "remove", "path": "/connectorMetadata/tags/0"},
                    ])
                    .to_string(),
                ),
        )
        .await;
    assert_eq!(patched.status, 200);
    let patched = patched.json();
    assert_eq!(
        patched["connectorMetadata"],
        json!({"supportedUI": "ANGULAR", "tags": ["b", "c"], "platform": "ANGULAR"})
    );
    assert_eq!(patched["sourceConfigXml"], "<Form/>");
    let only_test = pair
        .send(
            Req::new(
                Method::PATCH,
                "/v2024/connectors/custom-atlassian-suite-cloud-2",
            )
            .json(json!([{"op": "test", "path": "/connectorMetadata/tags", "value": ["b", "c"]}])),
        )
        .await;
    assert_eq!((only_test.status, only_test.json()), (200, patched.clone()));
    let source_config = pair
        .send(Req::get(
            "/v2024/connectors/custom-atlassian-suite-cloud-2/source-config",
        ))
        .await;
    assert_eq!(
        source_config.text(),
        "<Form/>",
        "the patched XML is what the GET answers"
    );

    let deleted = pair
        .send(Req::new(
            Method::DELETE,
            "/v2024/connectors/custom-atlassian-suite-cloud-2",
        ))
        .await;
    assert_eq!((deleted.status, deleted.body.len()), (204, 0));
    assert_eq!(deleted.header("content-type"), None);
    let gone = pair
        .send(Req::get("/v2024/connectors/custom-atlassian-suite-cloud-2"))
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["detailCode"], "404 Not found");
    assert_eq!(
        gone.error_text(),
        "connector 'custom-atlassian-suite-cloud-2' was not found"
    );
    let again = pair
        .send(Req::new(
            Method::DELETE,
            "/v2024/connectors/custom-atlassian-suite-cloud-2",
        ))
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn xml_documents_round_trip_verbatim_whatever_accept_says() {
    let pair = Pair::seeded(6).await;
    for (route, detail_field) in [
        ("source-config", "sourceConfigXml"),
        ("source-template", "applicationXml"),
        ("correlation-config", "correlationConfigXml"),
    ] {
        let path = format!("/v2024/connectors/workday/{route}");
        let before = pair
            .send(Req::get(&path).header("Accept", "application/json"))
            .await;
        assert_eq!(before.status, 200);
        assert_eq!(before.header("content-type"), Some("application/xml"));
        assert!(before.text().starts_with("<?xml"));

        let xml =
            format!("<?xml version=\"1.0\"?>\r\n<!-- {route} -->\n<Doc a='1'>\u{e9}\t</Doc>\n");
        let put = pair
            .send(Req::new(Method::PUT, &path).multipart(&[(
                "file",
                Some("doc.xml"),
                Some("application/octet-stream"),
                xml.as_bytes(),
            )]))
            .await;
        assert_eq!(put.status, 200);
        assert_eq!(put.json()["status"], "UPDATED");
        assert_eq!(put.json()["scriptName"], "workday");

        for accept in ["application/json", "text/html", "*/*"] {
            let after = pair.send(Req::get(&path).header("Accept", accept)).await;
            assert_eq!(after.header("content-type"), Some("application/xml"));
            assert_eq!(after.body, xml.as_bytes(), "exactly the bytes PUT");
        }
        let detail = pair
            .send(Req::get("/v2024/connectors/workday"))
            .await
            .json();
        assert_eq!(detail[detail_field], xml);

        let unchanged = pair
            .send(Req::new(Method::PUT, &path).multipart(&[(
                "file",
                Some("doc.xml"),
                None,
                xml.as_bytes(),
            )]))
            .await;
        assert_eq!(unchanged.json()["status"], "UNCHANGED");
        let empty = pair
            .send(Req::new(Method::PUT, &path).multipart(&[(
                "file",
                Some("doc.xml"),
                Some("text/xml"),
                b"",
            )]))
            .await;
        assert_eq!(
            (empty.status, empty.json()["status"].clone()),
            (200, json!("ERROR"))
        );
        assert_eq!(
            pair.send(Req::get(&path)).await.body,
            xml.as_bytes(),
            "ERROR stores nothing"
        );
    }
}

#[tokio::test]
async fn translations_round_trip_fall_back_and_accept_empty_puts() {
    let pair = Pair::seeded(3).await;
    let en = pair
        .send(Req::get("/v2024/connectors/ldap/translations/en"))
        .await;
    assert_eq!(en.status, 200);
    assert_eq!(en.header("content-type"), Some("text/plain"));
    assert!(en.text().contains("ShortDesc=LDAP connector"));
    let untranslated = pair
        .send(Req::get("/v2024/connectors/ldap/translations/ja"))
        .await;
    assert_eq!(
        untranslated.body, en.body,
        "a valid locale without translations falls back to en"
    );
    let unknown = pair
        .send(Req::get("/v2024/connectors/ldap/translations/xx-YY"))
        .await;
    assert_eq!(unknown.status, 400, "a locale outside the spec's list");

    let german =
        "menuLabel_ConnectionSettings=Verbindungseinstellungen\nShortDesc=Gr\u{fc}\u{df}e\n";
    let put = pair
        .send(
            Req::new(Method::PUT, "/v2024/connectors/ldap/translations/de").multipart(&[(
                "file",
                Some("de.properties"),
                Some("text/x-java-properties"),
                german.as_bytes(),
            )]),
        )
        .await;
    assert_eq!(
        (put.status, put.json()["status"].clone()),
        (200, json!("UPDATED"))
    );
    let de = pair
        .send(
            Req::get("/v2024/connectors/ldap/translations/de").header("Accept", "application/json"),
        )
        .await;
    assert_eq!(
        (de.text(), de.header("content-type")),
        (german, Some("text/plain"))
    );
    let no = pair
        .send(Req::get("/v2024/connectors/ldap/translations/no"))
        .await;
    assert_eq!(
        no.body, en.body,
        "a locale with nothing stored falls back to en"
    );

    // The documented leniency: an empty body with no or any content type keeps them.
    for content_type in [
        None,
        Some("application/json"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let mut req = Req::new(Method::PUT, "/v2024/connectors/ldap/translations/de");
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        let kept = pair.send(req).await;
        assert_eq!(kept.status, 200, "{content_type:?}");
        assert_eq!(kept.json()["status"], "UNCHANGED");
    }
    let de = pair
        .send(Req::get("/v2024/connectors/ldap/translations/de"))
        .await;
    assert_eq!(de.text(), german);
    let detail = pair.send(Req::get("/v2024/connectors/ldap")).await.json();
    assert_eq!(detail["translationProperties"]["de"], german);
}

#[tokio::test]
async fn token_endpoint_issues_client_credentials_tokens() {
    let pair = Pair::seeded(1).await;
    let form = pair
        .send(
            Req::new(Method::POST, "/oauth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&client_id=abc&client_secret=s%20x"),
        )
        .await;
    assert_eq!(form.status, 200);
    let body = form.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 43199);
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() >= 32));

    let multipart = pair
        .send(Req::new(Method::POST, "/oauth/token").multipart(&[
            ("grant_type", None, None, b"client_credentials"),
            ("client_id", None, None, b"abc"),
            ("client_secret", None, None, b"def"),
        ]))
        .await;
    assert_eq!(multipart.status, 200);
    let query = pair
        .send(Req::new(
            Method::POST,
            "/oauth/token?grant_type=client_credentials&client_id=a&client_secret=b",
        ))
        .await;
    assert_eq!(query.status, 200);

    let bad_grant = pair
        .send(
            Req::new(Method::POST, "/oauth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=password&client_id=a&client_secret=b"),
        )
        .await;
    assert_eq!(
        (bad_grant.status, bad_grant.json()["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );
    let no_secret = pair
        .send(
            Req::new(Method::POST, "/oauth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&client_id=a"),
        )
        .await;
    assert_eq!(
        (no_secret.status, no_secret.json()["error"].clone()),
        (401, json!("invalid_client"))
    );
}
