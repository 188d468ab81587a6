//! `GET /__sandbox/c1/apps/{app}/connectors/{id}/syncs` over real HTTP: the sync runs
//! a client needs the ids of, outside the gate (no token, not counted), a 404 Status
//! for an unknown connector.

use http::Method;
use serde_json::{json, Value};

use crate::c1::app;
use crate::gates::token_request;
use crate::harness::{send_remote, Pair, Req};

#[tokio::test]
async fn the_syncs_route_lists_a_connectors_runs_without_a_token() {
    let pair = Pair::authed(1).await;
    let app = app(&pair.remote);
    let connector = format!("{app}-c002");
    let route = format!("/__sandbox/c1/apps/{app}/connectors/{connector}/syncs");
    let one = format!("/api/v1/apps/{app}/connectors/{connector}");

    // Not gated: answered without a token, where the API refuses.
    let empty = send_remote(&pair, Req::get(&route)).await;
    assert_eq!(empty.status, 200, "{}", empty.text());
    assert_eq!(empty.header("content-type"), Some("application/json"));
    assert_eq!(empty.json(), json!({"syncs": []}));
    assert_eq!(send_remote(&pair, Req::get(&one)).await.status, 401);

    let token = send_remote(&pair, token_request()).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    let post = |path: String| Req::new(Method::POST, path).header("Authorization", &bearer);
    for _ in 0..2 {
        let synced = send_remote(&pair, post(format!("{one}/force_sync"))).await;
        assert_eq!(synced.status, 200, "{}", synced.text());
    }
    let before = pair.remote.stats();
    let listed = send_remote(&pair, Req::get(&route)).await.json();
    let runs = listed["syncs"].as_array().unwrap();
    let expected = pair.remote.c1().syncs(&app, &connector);
    assert_eq!(runs.len(), 2);
    for (run, record) in runs.iter().zip(&expected) {
        assert_eq!(run["syncId"], record.sync_id.as_str());
        assert_eq!(run["lifecycleId"], record.lifecycle_id.as_str());
        assert_eq!(run["completedAt"], record.completed_at.to_string());
        assert_eq!(run["confirmed"], false);
    }
    assert_ne!(runs[0]["syncId"], runs[1]["syncId"]);
    assert_eq!(
        pair.remote.stats(),
        before,
        "admin requests are not counted"
    );

    // The ids it lists are the ones the API takes.
    let sync_id = runs[0]["syncId"].as_str().unwrap();
    let url = send_remote(
        &pair,
        Req::get(format!("{one}/syncs/{sync_id}/download_url")).header("Authorization", &bearer),
    )
    .await;
    assert_eq!(url.status, 200, "{}", url.text());
    // The URL it hands out answers, with the sync's manifest (the sandbox syncs no data).
    let download = url.json()["downloadUrl"].as_str().unwrap().to_owned();
    let path = &download[download.find("/__sandbox/").unwrap()..];
    let file = send_remote(&pair, Req::get(path)).await;
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(
        file.json(),
        json!({
            "appId": app,
            "connectorId": connector,
            "syncId": sync_id,
            "lifecycleId": runs[0]["lifecycleId"],
            "completedAt": runs[0]["completedAt"],
        })
    );
    let missing = send_remote(&pair, Req::get("/__sandbox/c1/syncs/nope.c1z")).await;
    assert_eq!(missing.status, 404, "{}", missing.text());
    let lifecycle = runs[1]["lifecycleId"].as_str().unwrap();
    let confirmed = send_remote(&pair, post(format!("{one}/confirm_sync_valid/{lifecycle}"))).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let listed = send_remote(&pair, Req::get(&route)).await.json();
    let flags: Vec<&Value> = listed["syncs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["confirmed"])
        .collect();
    assert_eq!(flags, [&json!(false), &json!(true)]);

    // An unknown connector or app: a 404 google.rpc.Status naming it.
    for (path, needle) in [
        (
            format!("/__sandbox/c1/apps/{app}/connectors/nope/syncs"),
            "connector nope",
        ),
        (
            "/__sandbox/c1/apps/nope/connectors/x/syncs".to_owned(),
            "app nope",
        ),
    ] {
        let missing = send_remote(&pair, Req::get(&path)).await;
        assert_eq!(missing.status, 404, "{}", missing.text());
        assert_eq!(missing.json()["code"], 5);
        assert!(missing.json()["message"].as_str().unwrap().contains(needle));
        assert!(missing.header("c1-trace-id").is_some());
    }
    // In-process, the same runs, and `None` for what does not exist.
    let records = pair.remote.c1().connector_syncs(&app, &connector).unwrap();
    assert_eq!(json!({ "syncs": records }), listed);
    assert_eq!(pair.remote.c1().connector_syncs(&app, "nope"), None);
    assert_eq!(pair.remote.c1().connector_syncs("nope", &connector), None);
}
