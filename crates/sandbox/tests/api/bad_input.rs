//! Every bad input gets a clear 4xx with the spec's error shape, never a panic or 500.

use http::Method;
use serde_json::json;

use crate::harness::{Answer, Pair, Req};

fn assert_400(answer: &Answer, needle: &str) {
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert_eq!(answer.json()["detailCode"], "400.1 Bad Request Content");
    let text = answer.error_text();
    assert!(
        text.contains(needle),
        "{text:?} does not mention {needle:?}"
    );
}

fn patch(path: &str, body: &str) -> Req {
    Req::new(Method::PATCH, path)
        .header("Content-Type", "application/json-patch+json")
        .body(body.to_owned())
}

#[tokio::test]
async fn bad_list_queries() {
    let pair = Pair::seeded(10).await;
    for (query, needle) in [
        (
            "limit=abc",
            "limit 'abc' is not a whole number from 0 to 250",
        ),
        (
            "limit=999",
            "limit '999' is not a whole number from 0 to 250",
        ),
        ("limit=-1", "limit '-1'"),
        (
            "offset=-1",
            "offset '-1' is not a whole number from 0 to 2147483647",
        ),
        // Issue 13: offset is an int32 in the spec.
        (
            "offset=2147483648",
            "offset '2147483648' is not a whole number from 0 to 2147483647",
        ),
        ("locale=%C3%9C%C3%89", "locale 'ÜÉ' is not one of de, no,"),
        ("offset=1.5", "offset '1.5'"),
        ("count=maybe", "count 'maybe' is neither true nor false"),
        ("filters=name+sw", "invalid filters 'name sw'"),
        (
            "filters=name+eq+%22Workday%22",
            "unsupported filters 'name eq \"Workday\"'",
        ),
        ("filters=className+sw+%22a%22", "className"),
        ("filters=%22unterminated", "invalid filters"),
        ("filters=name+SW+%22a%22", "invalid filters"),
    ] {
        let answer = pair
            .send(Req::get(format!("/v2024/connectors?{query}")))
            .await;
        assert_400(&answer, needle);
    }
}

#[tokio::test]
async fn bad_creates() {
    let pair = Pair::seeded(10).await;
    let post = || Req::new(Method::POST, "/v2024/connectors");
    let cases = [
        (
            post()
                .header("Content-Type", "application/json")
                .body("{\"name\": "),
            "not a V3CreateConnectorDto",
        ),
        (post().json(json!({"className": "x"})), "name"),
        (post().json(json!({"name": "n"})), "className"),
        (
            post().json(json!({"name": 7, "className": "x"})),
            "invalid JSON at `name`",
        ),
        (post().json(json!([])), "not a V3CreateConnectorDto"),
        (
            post().json(json!({"name": "  ", "className": "x"})),
            "name must not be empty",
        ),
        (
            post().json(json!({"name": "n", "className": ""})),
            "className must not be empty",
        ),
        (
            post().json(json!({"name": "n", "className": "x", "status": "DEPRECATED"})),
            "status 'DEPRECATED' cannot be set",
        ),
        (
            post().json(json!({"name": "n", "className": "x", "status": "GONE"})),
            "status 'GONE'",
        ),
        (
            post().json(json!({"name": "workday", "className": "x"})),
            "a connector named 'workday' already exists",
        ),
        (
            post().header("Content-Type", "text/plain").body("{}"),
            "unsupported Content-Type 'text/plain'",
        ),
        (
            post()
                .header("Content-Type", "application/json")
                .body(vec![0xff, 0xfe]),
            "not a V3CreateConnectorDto",
        ),
    ];
    for (req, needle) in cases {
        let answer = pair.send(req).await;
        assert_400(&answer, needle);
    }
    // A hidden (DEVELOPMENT) connector still owns its name.
    let hidden = pair
        .send(post().json(json!({"name": "Secret", "className": "x", "status": "DEVELOPMENT"})))
        .await;
    assert_eq!(hidden.status, 200);
    assert_400(
        &pair
            .send(post().json(json!({"name": "SECRET", "className": "x"})))
            .await,
        "already exists",
    );
}

#[tokio::test]
async fn bad_patches_change_nothing() {
    let pair = Pair::seeded(10).await;
    let path = "/v2024/connectors/okta";
    let before = pair.send(Req::get(path)).await.json();
    for (body, needle) in [
        ("not json", "not a JSON Patch array"),
        ("{\"op\": \"add\"}", "not a JSON Patch array"),
        ("[{\"op\": \"add\", \"path\": \"/name\", \"value\": \"x\"}]", "'/name' is not patchable"),
        ("[{\"op\": \"replace\", \"path\": \"/status\", \"value\": \"DEMO\"}]", "'/status' is not patchable"),
        ("[{\"op\": \"copy\", \"from\": \"/name\", \"path\": \"/sourceConfigXml\"}]", "'/name' is not patchable"),
        ("[{\"op\": \"frob\", \"path\": \"/applicationXml\"}]", "'frob' is not a JSON Patch operation"),
        ("[{\"path\": \"/applicationXml\"}]", "missing field `op`"),
        ("[{\"op\": \"add\", \"path\": \"/applicationXml\"}]", "'add' needs a 'value'"),
        ("[{\"op\": \"move\", \"path\": \"/applicationXml\"}]", "'move' needs a 'from'"),
        ("[{\"op\": \"replace\", \"path\": \"/connectorMetadata/nope/x\", \"value\": 1}]", "the path does not exist"),
        ("[{\"op\": \"add\", \"path\": \"/connectorMetadata/a\", \"value\": 1}, {\"op\": \"test\", \"path\": \"/connectorMetadata/a\", \"value\": 2}]", "operation 1 (test /connectorMetadata/a): test failed"),
        ("[{\"op\": \"replace\", \"path\": \"/connectorMetadata\", \"value\": [1]}]", "connectorMetadata must be a JSON object"),
        ("[{\"op\": \"remove\", \"path\": \"/applicationXml\"}]", "applicationXml must be a string"),
        ("[{\"op\": \"replace\", \"path\": \"/sourceConfigXml\", \"value\": 5}]", "sourceConfigXml must be a string"),
        ("[{\"op\": \"add\", \"path\": \"/connectorMetadata/~2\", \"value\": 5}]", "'~' not followed"),
    ] {
        assert_400(&pair.send(patch(path, body)).await, needle);
    }
    assert_400(
        &pair
            .send(
                Req::new(Method::PATCH, path)
                    .header("Content-Type", "text/xml")
                    .body("[]"),
            )
            .await,
        "unsupported Content-Type 'text/xml'",
    );
    assert_eq!(
        pair.send(Req::get(path)).await.json(),
        before,
        "atomic: nothing changed"
    );
    assert_eq!(
        pair.send(patch("/v2024/connectors/nope", "[]"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn bad_uploads() {
    let pair = Pair::seeded(10).await;
    let put = |path: &str| Req::new(Method::PUT, path);
    let doc = "/v2024/connectors/slack/source-config";
    let cases = [
        (put(doc), "multipart/form-data"),
        (
            put(doc)
                .header("Content-Type", "application/xml")
                .body("<a/>"),
            "multipart/form-data",
        ),
        (
            put(doc)
                .header("Content-Type", "multipart/form-data")
                .body("x"),
            "bad multipart Content-Type",
        ),
        (
            put(doc)
                .header("Content-Type", "multipart/form-data; boundary=B")
                .body("--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated"),
            "malformed multipart body",
        ),
        (
            put(doc).multipart(&[("xml", Some("a.xml"), None, b"<a/>")]),
            "no part named 'file'",
        ),
        (
            put(doc).multipart(&[("file", Some("a.xml"), None, &[0xff, 0xfe, 0x00])]),
            "not UTF-8",
        ),
        (
            put("/v2024/connectors/slack/translations/de")
                .header("Content-Type", "text/plain")
                .body("a=b"),
            "multipart/form-data",
        ),
        (
            put("/v2024/connectors/slack/translations/xx")
                .multipart(&[("file", None, None, b"a=b")]),
            "locale 'xx' is not one of de, no,",
        ),
    ];
    for (req, needle) in cases {
        assert_400(&pair.send(req).await, needle);
    }
    let missing = pair
        .send(
            put("/v2024/connectors/nope/source-template")
                .multipart(&[("file", None, None, b"<a/>")]),
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let pair = Pair::new(|| {
        connkit_sandbox::Sandbox::builder()
            .seed(3)
            .max_body_bytes(1024)
    })
    .await;
    let big = vec![b'a'; 4096];
    for req in [
        Req::new(Method::POST, "/v2024/connectors")
            .header("Content-Type", "application/json")
            .body(big.clone()),
        Req::new(Method::PUT, "/v2024/connectors/ldap/source-config")
            .multipart(&[("file", None, None, &big)]),
        Req::new(Method::PATCH, "/v2024/connectors/ldap")
            .header("Content-Type", "application/json-patch+json")
            .body(big.clone()),
    ] {
        let answer = pair.send(req).await;
        assert_eq!(answer.status, 413);
        assert_eq!(answer.json()["detailCode"], "413 Payload Too Large");
        assert!(
            answer.error_text().contains("1024 bytes"),
            "{}",
            answer.error_text()
        );
    }
}

#[tokio::test]
async fn odd_paths_unknown_routes_and_methods() {
    let pair = Pair::seeded(3).await;
    for path in [
        "/v2024/connectors/%FF%FE",
        "/v2024/connectors/a%2Fb",
        "/v2024/connectors/%E2%9C%93",
        "/v2024/connectors/..%2F..",
        "/v2024/connectors/a%00b/source-config",
        &format!("/v2024/connectors/{}", "x".repeat(3000)),
    ] {
        let answer = pair.send(Req::get(path)).await;
        assert!(
            matches!(answer.status, 400 | 404),
            "{path}: {}",
            answer.status
        );
        assert!(answer.json()["trackingId"].is_string(), "{path}");
    }
    let first = pair.send(Req::get("/v2024/connectors/nope")).await.json();
    let second = pair.send(Req::get("/v2024/connectors/nope")).await.json();
    assert_ne!(
        first["trackingId"], second["trackingId"],
        "a fresh trackingId each time"
    );
    let bad_utf8 = pair.send(Req::get("/v2024/connectors/%FF%FE")).await;
    assert_400(&bad_utf8, "invalid scriptName");

    for path in [
        "/v2024/nothing",
        "/v2024/connectors/a/b/c",
        "/",
        "/v2024/connectors/",
    ] {
        let answer = pair.send(Req::get(path)).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert!(
            answer.error_text().starts_with("no route for GET"),
            "{path}"
        );
    }
    for (method, path) in [
        (Method::PUT, "/v2024/connectors"),
        (Method::POST, "/v2024/connectors/ldap"),
        (Method::DELETE, "/v2024/connectors/ldap/source-config"),
        (Method::GET, "/oauth/token"),
    ] {
        let answer = pair.send(Req::new(method.clone(), path)).await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.json()["detailCode"], "405 Method Not Allowed");
        assert!(
            answer.header("allow").is_some(),
            "{method} {path}: Allow header"
        );
    }
}

/// Issue 13: a locale outside the spec's list is a 400 on every route that takes one.
#[tokio::test]
async fn locales_outside_the_spec_are_refused() {
    let pair = Pair::seeded(3).await;
    for path in [
        "/v2024/connectors/ldap?locale=%C3%9C%C3%89",
        "/v2024/connectors?locale=xx",
        "/v2024/connectors/ldap/translations/xx-YY",
    ] {
        assert_400(&pair.send(Req::get(path)).await, "is not one of de, no,");
    }
    assert_eq!(
        pair.send(Req::get("/v2024/connectors/ldap?locale=no"))
            .await
            .status,
        200
    );
}

/// Issue 13: two `file` parts are refused instead of keeping the first.
#[tokio::test]
async fn two_file_parts_are_refused_and_store_nothing() {
    let pair = Pair::seeded(3).await;
    let doc = "/v2024/connectors/ldap/source-config";
    let before = pair.send(Req::get(doc)).await;
    let two = [
        ("file", Some("a.xml"), None, &b"<a/>"[..]),
        ("file", Some("b.xml"), None, &b"<b/>"[..]),
    ];
    for path in [doc, "/v2024/connectors/ldap/translations/de"] {
        let answer = pair.send(Req::new(Method::PUT, path).multipart(&two)).await;
        assert_400(&answer, "2 parts named 'file'; send exactly one");
    }
    assert_eq!(pair.send(Req::get(doc)).await.body, before.body);
}

/// Issue 13: a 20 KB filter nested too deeply is not echoed whole.
#[tokio::test]
async fn a_long_bad_filter_is_echoed_cut() {
    let pair = Pair::seeded(3).await;
    let filter = format!(
        "{}name+eq+%22x%22{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let answer = pair
        .send(Req::get(format!("/v2024/connectors?filters={filter}")))
        .await;
    assert_400(&answer, "invalid filters '((((");
    let text = answer.error_text();
    assert!(text.len() < 1_000, "{} bytes echoed", text.len());
    assert!(text.contains("(20011 characters in all)"), "{text}");
}

/// Issue 13: `deleteCustomConnector` refuses a built-in connector with a 403.
#[tokio::test]
async fn built_in_connectors_cannot_be_deleted() {
    let pair = Pair::seeded(3).await;
    let refused = pair
        .send(Req::new(Method::DELETE, "/v2024/connectors/ldap"))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert_eq!(refused.json()["detailCode"], "403 Forbidden");
    assert!(
        refused.error_text().contains("built in"),
        "{}",
        refused.text()
    );
    assert_eq!(
        pair.send(Req::get("/v2024/connectors/ldap")).await.status,
        200
    );
}

/// Issue 13: a name too long for the URIs that address it is refused; one at the limit
/// can be read, patched and deleted.
#[tokio::test]
async fn names_are_limited_so_that_every_connector_stays_addressable() {
    let pair = Pair::seeded(3).await;
    let post = |name: String| {
        Req::new(Method::POST, "/v2024/connectors").json(json!({"name": name, "className": "x"}))
    };
    assert_400(
        &pair.send(post("n".repeat(66_000))).await,
        "name is 66000 characters long; the limit is 255",
    );
    let created = pair.send(post("n".repeat(255))).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let path = format!(
        "/v2024/connectors/{}",
        created.json()["scriptName"].as_str().unwrap()
    );
    assert_eq!(pair.send(Req::get(&path)).await.status, 200);
    let patched = pair
        .send(patch(
            &path,
            r#"[{"op": "add", "path": "/connectorMetadata/a", "value": 1}]"#,
        ))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let deleted = pair.send(Req::new(Method::DELETE, &path)).await;
    assert_eq!(deleted.status, 204);
}
