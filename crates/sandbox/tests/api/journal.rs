//! The request journal and scripted fault rules, in-process and over real HTTP on
//! 127.0.0.1: what is kept, what is redacted, the filters, the event stream, and the
//! rules' determinism.

use std::time::Duration;

use connkit_sandbox::{
    AuthMode, FaultAction, FaultRule, JournalFilter, Sandbox, JOURNAL_BODY_LIMIT,
};
use connkit_transport::Transport;
use http::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::gates::token_request;
use crate::harness::{send_local, send_remote, Pair, Req};

/// The README's example: a test that reads the journal and scripts a fault.
#[tokio::test]
async fn readme_example_the_second_patch_to_x_gets_a_503() {
    let sandbox = Sandbox::builder()
        .fault_rule(
            FaultRule::new(FaultAction::Status {
                status: 503,
                body: None,
            })
            .method("PATCH")
            .path("/v2024/connectors/ldap")
            .skip(1)
            .times(1),
        )
        .build()
        .unwrap();
    let patch = || {
        http::Request::patch("http://sandbox.invalid/v2024/connectors/ldap")
            .header("content-type", "application/json-patch+json")
            .body(r#"[{"op":"add","path":"/connectorMetadata/k","value":1}]"#.into())
            .unwrap()
    };
    let statuses = [
        sandbox.send(patch()).await.unwrap().status(),
        sandbox.send(patch()).await.unwrap().status(),
        sandbox.send(patch()).await.unwrap().status(),
    ];
    assert_eq!(statuses.map(|s| s.as_u16()), [200, 503, 200]);
    let patches = JournalFilter::operation("updateConnector").path_contains("/ldap");
    let sent = sandbox.assert_requests(&patches, 3);
    assert_eq!(sent[1].fault.as_deref(), Some("rule 1: status 503"));
    assert_eq!(
        sent[0].body.as_deref(),
        Some(r#"[{"op":"add","path":"/connectorMetadata/k","value":1}]"#)
    );
    sandbox.assert_requests(&JournalFilter::operation("putConnectorSourceConfig"), 0);
}

#[tokio::test]
async fn the_journal_keeps_both_apis_and_redacts_every_credential() {
    let pair = Pair::new(|| {
        Sandbox::builder()
            .seed(3)
            .require_auth(AuthMode::AnyIssuedToken)
    })
    .await;
    let token = send_remote(&pair, token_request()).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    let missing = send_remote(
        &pair,
        Req::get("/v2024/connectors/nope?locale=en&access_token=leaked")
            .header("Authorization", &bearer)
            .header("X-Api-Key", "key-material"),
    )
    .await;
    assert_eq!(missing.status, 404);
    let c1 = send_remote(
        &pair,
        Req::get("/api/v1/apps/2demoapp000okta0000000000001/connectors"),
    )
    .await;
    assert_eq!(c1.status, 401);

    let listed = send_remote(&pair, Req::get("/__sandbox/requests")).await;
    assert_eq!(listed.status, 200);
    let text = listed.text().to_owned();
    for secret in [
        token.as_str(),
        "client_secret=secret",
        "leaked",
        "key-material",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the journal: {text}"
        );
    }
    let entries = listed.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3, "{text}");
    let [issued, get, list] = &entries[..] else {
        unreachable!()
    };
    assert_eq!(issued["operation"], "oauthToken");
    assert_eq!(issued["client_id"], "id");
    assert_eq!(
        issued["body"],
        "grant_type=client_credentials&client_id=id&client_secret=%5Bredacted%5D"
    );
    assert_eq!(get["api"], "isc");
    assert_eq!(get["operation"], "getConnector");
    assert_eq!(get["method"], "GET");
    assert_eq!(get["path"], "/v2024/connectors/nope");
    assert_eq!(get["query"], "locale=en&access_token=%5Bredacted%5D");
    assert_eq!(get["client_id"], "id");
    assert_eq!(get["status"], 404);
    assert_eq!(get["tracking_id"], missing.json()["trackingId"]);
    let headers: Vec<(String, String)> =
        serde_json::from_value(get["request_headers"].clone()).unwrap();
    assert!(
        headers.contains(&("authorization".to_owned(), "Bearer [redacted]".to_owned())),
        "{headers:?}"
    );
    assert!(
        headers.contains(&("x-api-key".to_owned(), "[redacted]".to_owned())),
        "{headers:?}"
    );
    assert!(get["latency_ms"].as_f64().unwrap() >= 0.0);
    assert!(get["id"].as_u64().unwrap() > issued["id"].as_u64().unwrap());
    assert_eq!(list["api"], "c1");
    assert_eq!(list["operation"], "c1.List");
    assert_eq!(list["status"], 401);
    assert_eq!(list["tracking_id"].as_str(), c1.header("c1-trace-id"));
    // The in-process list is the same journal.
    assert_eq!(pair.remote.requests(&JournalFilter::default()).len(), 3);
}

#[tokio::test]
async fn filters_capacity_clearing_and_bounded_bodies() {
    let sandbox = Sandbox::builder().seed(3).journal(3).build().unwrap();
    for path in [
        "/v2024/connectors",
        "/v2024/connectors/ldap",
        "/v2024/connectors/nope",
    ] {
        send_local(&sandbox, Req::get(path)).await;
    }
    let xml = format!("<a>{}</a>", "x".repeat(2 * JOURNAL_BODY_LIMIT));
    let put = send_local(
        &sandbox,
        Req::new(Method::PUT, "/v2024/connectors/ldap/source-config").multipart(&[(
            "file",
            Some("s.xml"),
            Some("application/xml"),
            xml.as_bytes(),
        )]),
    )
    .await;
    assert_eq!(put.status, 200);
    let all = sandbox.requests(&JournalFilter::default());
    let ids: Vec<u64> = all.iter().map(|e| e.id).collect();
    assert_eq!(ids, [2, 3, 4], "the journal keeps the last 3");
    let upload = &all[2];
    assert!(upload.body_bytes > 2 * JOURNAL_BODY_LIMIT);
    let body = upload.body.as_deref().unwrap();
    assert!(
        body.len() < JOURNAL_BODY_LIMIT + 100,
        "{} bytes kept",
        body.len()
    );
    assert!(body.ends_with(&format!(
        "[{} bytes, first {JOURNAL_BODY_LIMIT} kept]",
        upload.body_bytes
    )));
    assert_eq!(
        sandbox
            .requests(&JournalFilter::default().status(404))
            .len(),
        1
    );
    assert_eq!(
        sandbox
            .requests(&JournalFilter::from_query("operation=getConnector&status=200").unwrap())
            .len(),
        1
    );
    assert_eq!(
        sandbox
            .requests(&JournalFilter::from_query("after=3").unwrap())
            .len(),
        1
    );
    let since = JournalFilter::from_query(&format!("since={}", all[1].time_ms)).unwrap();
    let later = all.iter().filter(|e| e.time_ms >= all[1].time_ms).count();
    assert_eq!(sandbox.requests(&since).len(), later);
    assert!(later >= 2);
    let bad = send_local(&sandbox, Req::get("/__sandbox/requests?status=teapot")).await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .error_text()
        .contains("status: 'teapot' is not an HTTP status"));
    let unknown = send_local(&sandbox, Req::get("/__sandbox/requests?colour=red")).await;
    assert!(unknown
        .error_text()
        .contains("unknown query parameter 'colour'"));
    let cleared = send_local(&sandbox, Req::new(Method::DELETE, "/__sandbox/requests")).await;
    assert_eq!(cleared.status, 204);
    assert!(sandbox.requests(&JournalFilter::default()).is_empty());

    let off = Sandbox::builder().seed(3).journal(0).build().unwrap();
    send_local(&off, Req::get("/v2024/connectors")).await;
    assert!(off.requests(&JournalFilter::default()).is_empty());
    assert_eq!(off.stats().total, 1, "the stats still count");
}

#[tokio::test]
#[should_panic(expected = "expected 1 request(s) matching")]
async fn the_assertion_helper_says_what_the_journal_holds() {
    let sandbox = Sandbox::builder().seed(3).build().unwrap();
    send_local(&sandbox, Req::get("/v2024/connectors/ldap")).await;
    sandbox.assert_requests(&JournalFilter::operation("putConnectorSourceConfig"), 1);
}

/// Reads from a raw socket until `needle` has arrived (or 5 s pass).
async fn read_until(stream: &mut tokio::net::TcpStream, seen: &mut String, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut buffer = [0u8; 4096];
    while !seen.contains(needle) {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} within 5 s; got {seen}"))
            .unwrap();
        assert!(n > 0, "stream closed; got {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
}

#[tokio::test]
async fn the_event_stream_sends_each_new_request_that_passes_its_filter() {
    let pair = Pair::seeded(3).await;
    let mut stream = tokio::net::TcpStream::connect(pair.server.local_addr())
        .await
        .unwrap();
    stream
        .write_all(
            b"GET /__sandbox/requests/stream?operation=getConnector HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await
        .unwrap();
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "\r\n\r\n").await;
    assert!(seen.contains("Content-Type: text/event-stream"), "{seen}");
    send_remote(&pair, Req::get("/v2024/connectors")).await;
    send_remote(&pair, Req::get("/v2024/connectors/ldap")).await;
    read_until(&mut stream, &mut seen, "\n\n").await;
    read_until(&mut stream, &mut seen, "}\n\n").await;
    let data = seen
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap_or_else(|| panic!("no data line in {seen}"));
    let entry: Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        entry["path"], "/v2024/connectors/ldap",
        "the list was filtered out"
    );
    assert!(seen.contains("event: request\n"), "{seen}");
}

#[tokio::test]
async fn fault_rules_over_http_status_reset_truncate_429_and_delay() {
    let pair = Pair::seeded(3).await;
    let post = |rule: &str| Req::new(Method::POST, "/__sandbox/faults").body(rule.to_owned());
    let added = send_remote(
        &pair,
        post("operation=getConnector,path=/v2024/connectors/ldap,times=1,retry-after=7"),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(added.json()["id"], 1);
    let limited = send_remote(&pair, Req::get("/v2024/connectors/ldap")).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("7"));
    assert_eq!(
        send_remote(&pair, Req::get("/v2024/connectors/ldap"))
            .await
            .status,
        200
    );

    let json_rule = json!({"path": "/api/v1/*", "action": {"kind": "status", "status": 500, "body": {"why": "scripted"}}});
    let added = send_remote(&pair, post(&json_rule.to_string())).await;
    assert_eq!(added.status, 201);
    let c1 = send_remote(
        &pair,
        Req::get("/api/v1/apps/2demoapp000okta0000000000001/connectors"),
    )
    .await;
    assert_eq!((c1.status, c1.json()), (500, json!({"why": "scripted"})));
    let removed = send_remote(&pair, Req::new(Method::DELETE, "/__sandbox/faults/2")).await;
    assert_eq!(removed.status, 204);
    let again = send_remote(&pair, Req::new(Method::DELETE, "/__sandbox/faults/2")).await;
    assert_eq!(again.status, 404);

    send_remote(&pair, post("operation=getConnectorList,times=1,reset")).await;
    let url = format!("{}/v2024/connectors", pair.server.base_url());
    let reset = crate::harness::http_backend()
        .send(http::Request::get(&url).body(bytes::Bytes::new()).unwrap())
        .await;
    assert!(reset.is_err(), "a reset answers nothing: {reset:?}");
    send_remote(&pair, post("operation=getConnectorList,times=1,truncate")).await;
    let truncated = crate::harness::http_backend()
        .send(http::Request::get(&url).body(bytes::Bytes::new()).unwrap())
        .await;
    assert!(
        truncated.is_err(),
        "a truncated body is an error: {truncated:?}"
    );
    send_remote(
        &pair,
        post("operation=getConnectorList,times=1,delay=300ms"),
    )
    .await;
    let started = std::time::Instant::now();
    assert_eq!(
        send_remote(&pair, Req::get("/v2024/connectors"))
            .await
            .status,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    let listed = send_remote(&pair, Req::get("/__sandbox/faults"))
        .await
        .json();
    let matched: Vec<(u64, u64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_u64().unwrap(), r["matched"].as_u64().unwrap()))
        .collect();
    assert_eq!(matched, [(1, 2), (3, 3), (4, 2), (5, 1)]);
    let faults: Vec<Option<String>> = pair
        .remote
        .requests(&JournalFilter::operation("getConnectorList"))
        .into_iter()
        .map(|e| e.fault)
        .collect();
    assert_eq!(
        faults,
        [
            Some("rule 3: reset".to_owned()),
            Some("rule 4: truncate".to_owned()),
            Some("rule 5: delay 300ms".to_owned())
        ]
    );
    assert_eq!(pair.remote.stats().injected_faults["rule"], 5);

    let bad = send_remote(&pair, post("status=600")).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.error_text().contains("not in 200..=599"),
        "{}",
        bad.text()
    );
    assert_eq!(
        send_remote(&pair, Req::new(Method::DELETE, "/__sandbox/faults"))
            .await
            .status,
        204
    );
    assert!(pair.remote.fault_rules().is_empty());
}

#[tokio::test]
async fn without_admin_routes_changes_are_refused_and_reads_answer() {
    let sandbox = Sandbox::builder()
        .seed(3)
        .admin_routes(false)
        .build()
        .unwrap();
    for (method, path) in [
        (Method::POST, "/__sandbox/faults"),
        (Method::DELETE, "/__sandbox/faults"),
        (Method::DELETE, "/__sandbox/faults/1"),
        (Method::DELETE, "/__sandbox/requests"),
        (Method::DELETE, "/__sandbox/stats"),
    ] {
        let refused = send_local(&sandbox, Req::new(method.clone(), path).body("reset")).await;
        assert_eq!(refused.status, 403, "{method} {path}");
        assert!(
            refused.error_text().contains("--admin-routes"),
            "{}",
            refused.text()
        );
    }
    assert!(sandbox.fault_rules().is_empty());
    for path in [
        "/__sandbox/requests",
        "/__sandbox/faults",
        "/__sandbox/info",
        "/__sandbox/state",
        "/__sandbox/rate-limit",
    ] {
        assert_eq!(
            send_local(&sandbox, Req::get(path)).await.status,
            200,
            "{path}"
        );
    }
    assert_eq!(
        send_local(&sandbox, Req::get("/__sandbox/info"))
            .await
            .json()["admin_routes"],
        false
    );
}

#[tokio::test]
async fn fault_rules_stay_out_of_the_state_export() {
    let dir = std::env::temp_dir().join(format!("connkit-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("state.db");
    let sandbox = Sandbox::builder()
        .state_file(&db)
        .fault_rule("operation=getConnector,status=503".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(sandbox.fault_rules().len(), 1);
    let exported = connkit_sandbox::state::export(&db).unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(
        !text.contains("getConnector") && !text.contains("503"),
        "{text}"
    );
    drop(sandbox);
    let reopened = Sandbox::builder().state_file(&db).build().unwrap();
    assert!(reopened.fault_rules().is_empty());
    drop(reopened);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_dashboard_is_served_from_this_origin_only() {
    let pair = Pair::seeded(3).await;
    let page = send_remote(&pair, Req::get("/__sandbox/")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(!page.text().contains("http://") && !page.text().contains("https://"));
    for (path, kind) in [
        ("/__sandbox/dashboard.js", "text/javascript"),
        ("/__sandbox/dashboard.css", "text/css"),
    ] {
        let asset = send_remote(&pair, Req::get(path)).await;
        assert!(
            asset.header("content-type").unwrap().starts_with(kind),
            "{path}"
        );
        assert!(
            !asset.text().contains("http://") && !asset.text().contains("https://"),
            "{path}"
        );
    }
    let redirect = send_remote(&pair, Req::get("/__sandbox")).await;
    assert_eq!(redirect.status, 308);
    let state = send_remote(&pair, Req::get("/__sandbox/state"))
        .await
        .json();
    assert_eq!(state["connectors_total"], 3);
    assert_eq!(state["c1"]["apps"].as_object().unwrap().len(), 3);
    assert!(
        send_remote(&pair, Req::get("/__sandbox/requests"))
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "admin requests are not journaled"
    );
}
