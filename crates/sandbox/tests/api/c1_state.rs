//! The ConductorOne part of the state's JSON form: export then import answers exactly
//! as before (list, get, syncs, credentials, tokens), a file without a C1 part still
//! imports (with the demo apps), and a damaged C1 part is refused naming its JSON path
//! with nothing written.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use connkit_sandbox::{state, Sandbox, SandboxError};
use http::Method;
use serde_json::{json, Value};

use crate::c1::{app, connector_of, key_of, token_request, Assertion};
use crate::harness::{send_local, Req};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "connkit-c1-json-{name}-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &Path) -> Sandbox {
    Sandbox::builder().seed(2).state_file(path).build().unwrap()
}

/// A new directory, its state database path, and a sandbox on it.
fn fresh(name: &str) -> (PathBuf, PathBuf, Sandbox) {
    let dir = temp_dir(name);
    let path = dir.join("state.db");
    let sandbox = open(&path);
    (dir, path, sandbox)
}

async fn post(sandbox: &Sandbox, path: String, body: Value) -> Value {
    let answer = send_local(sandbox, Req::new(Method::POST, path).json(body)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

/// A bodyless POST on a connector (`force_sync`, `pause`, `confirm_sync_valid/ID`).
async fn act(sandbox: &Sandbox, app: &str, connector: &str, action: &str) {
    let path = format!("/api/v1/apps/{app}/connectors/{connector}/{action}");
    let answer = send_local(sandbox, Req::new(Method::POST, path)).await;
    assert_eq!(answer.text(), "{}", "{action}");
}

/// `RotateCredential`: the answer with the secret.
async fn rotate(sandbox: &Sandbox, app: &str, connector: &str) -> Value {
    let body = json!({"appId": app, "connectorId": connector});
    post(
        sandbox,
        "/api/v1/apps/connectors/credentials".to_owned(),
        body,
    )
    .await
}

/// `CreateDelegated`: the new connector.
async fn create(sandbox: &Sandbox, app: &str, body: Value) -> Value {
    let path = format!("/api/v1/apps/{app}/connectors");
    connector_of(&send_local(sandbox, Req::new(Method::POST, path).json(body)).await)
}

/// Every C1 answer a client can read back, per app: the list, each connector's `Get`,
/// its syncs and its credentials.
async fn c1_answers(sandbox: &Sandbox, credentials: &[(String, String, String)]) -> Value {
    let mut answers = serde_json::Map::new();
    for (app_id, name) in sandbox.c1().apps() {
        let base = format!("/api/v1/apps/{app_id}/connectors");
        let list = send_local(sandbox, Req::get(format!("{base}?page_size=100"))).await;
        assert_eq!(list.status, 200, "{}", list.text());
        let mut connectors = Vec::new();
        for listed in list.json()["list"].as_array().unwrap() {
            let id = listed["connector"]["id"].as_str().unwrap();
            let got = send_local(sandbox, Req::get(format!("{base}/{id}"))).await;
            let syncs = json!(sandbox.c1().syncs(&app_id, id));
            connectors.push(json!({"get": got.json(), "syncs": syncs}));
        }
        let mut fetched = Vec::new();
        for (app, connector, credential) in credentials.iter().filter(|c| c.0 == app_id) {
            let path =
                format!("/api/v1/apps/{app}/connectors/{connector}/credentials/{credential}");
            fetched.push(send_local(sandbox, Req::get(path)).await.json());
        }
        answers.insert(
            app_id,
            json!({"name": name, "list": list.json(), "connectors": connectors,
                   "credentials": fetched}),
        );
    }
    Value::Object(answers)
}

#[tokio::test]
async fn export_then_import_answers_every_c1_read_the_same() {
    let (dir, path, sandbox) = fresh("round-trip");
    let apps = sandbox.c1().demo_app_ids();
    let (okta, github) = (&apps[0], &apps[1]);

    // Every kind of C1 state: a created connector, updated, synced twice, confirmed,
    // scheduled, with a credential; a paused demo connector; an admin client.
    let created = create(
        &sandbox,
        okta,
        json!({"displayName": "exported", "catalogId": "catalog-okta"}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let one = format!("/api/v1/apps/{okta}/connectors/{id}");
    post(
        &sandbox,
        one.clone(),
        json!({"connector": {"description": "kept"}, "updateMask": "description"}),
    )
    .await;
    act(&sandbox, okta, &id, "force_sync").await;
    act(&sandbox, okta, &id, "force_sync").await;
    let syncs = sandbox.c1().syncs(okta, &id);
    assert_eq!(syncs.len(), 2);
    let confirm = format!("confirm_sync_valid/{}", syncs[1].lifecycle_id);
    act(&sandbox, okta, &id, &confirm).await;
    post(
        &sandbox,
        format!("{one}/schedule"),
        json!({"cron": {"cronSpec": "0 3 * * *", "timezone": "UTC"}}),
    )
    .await;
    let rotated = rotate(&sandbox, okta, &id).await;
    let secret = rotated["clientSecret"].as_str().unwrap().to_owned();
    let client_id = rotated["credential"]["clientId"]
        .as_str()
        .unwrap()
        .to_owned();
    let credential_id = rotated["credential"]["id"].as_str().unwrap().to_owned();
    let paused = format!("{github}-c001");
    act(&sandbox, github, &paused, "pause").await;
    let (admin_id, admin_secret) = sandbox.c1().mint_credentials("localhost").unwrap();
    let credentials = [(okta.clone(), id.clone(), credential_id.clone())];
    let before = c1_answers(&sandbox, &credentials).await;

    let exported = state::export(&path).unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(!text.contains("secret-token:"), "no secret in the export");
    assert!(!text.contains(&secret[40..]), "not even part of one");
    let value: Value = serde_json::from_slice(&exported).unwrap();
    assert_eq!(value["version"], 2);
    assert_eq!(
        value["c1"]["apps"][okta]["connectors"][&id]["confirmed"],
        json!([syncs[1].lifecycle_id])
    );
    let file = dir.join("exported.json");
    std::fs::write(&file, &exported).unwrap();

    let imported_path = dir.join("imported.db");
    assert_eq!(state::import(&imported_path, &file).unwrap(), 2);
    let imported = open(&imported_path);
    assert!(imported.seed_ignored());
    assert_eq!(c1_answers(&imported, &credentials).await, before);
    assert_eq!(
        imported.c1().syncs(okta, &id),
        sandbox.c1().syncs(okta, &id)
    );

    // The clients the token endpoint knows came along: both secrets still get tokens.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (client, secret) in [(&client_id, &secret), (&admin_id, &admin_secret)] {
        let key = key_of(secret);
        let assertion = Assertion {
            client_id: client,
            key: &key,
            aud: "localhost",
            now,
        }
        .sign();
        let answer = send_local(&imported, token_request(client, &assertion)).await;
        assert_eq!(answer.status, 200, "{client}: {}", answer.text());
    }
    // And the id counter: a new connector gets an id that is not taken.
    let fresh = create(&imported, okta, json!({"displayName": "after import"})).await;
    let counter = |c: &Value| u64::from_str_radix(&c["id"].as_str().unwrap()[1..11], 16).unwrap();
    assert!(
        counter(&fresh) > counter(&created) + 1,
        "{fresh} after {created}"
    );
    drop((sandbox, imported));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_file_without_c1_gets_the_demo_apps_and_replaces_the_c1_state() {
    let (dir, path, sandbox) = fresh("v1");
    let okta = app(&sandbox);
    let created = create(
        &sandbox,
        &okta,
        json!({"displayName": "replaced by the import"}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let demo = c1_answers(&Sandbox::new(), &[]).await;
    assert_ne!(c1_answers(&sandbox, &[]).await, demo);

    let file = dir.join("v1.json");
    std::fs::write(
        &file,
        r#"{"format": "connkit-sandbox-state", "version": 1, "connectors": []}"#,
    )
    .unwrap();
    // Refused while the sandbox has the state open; imported once it is closed.
    assert!(matches!(
        state::import(&path, &file),
        Err(SandboxError::StateLocked { .. })
    ));
    drop(sandbox);
    assert_eq!(state::import(&path, &file).unwrap(), 0);
    let sandbox = Sandbox::builder().state_file(&path).build().unwrap();
    let gone = send_local(
        &sandbox,
        Req::get(format!("/api/v1/apps/{okta}/connectors/{id}")),
    )
    .await;
    assert_eq!(gone.status, 404, "{}", gone.text());
    assert_eq!(c1_answers(&sandbox, &[]).await, demo);
    drop(sandbox);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A change that breaks one connector's part of the C1 state.
type Damage = Box<dyn Fn(&mut Value)>;

#[tokio::test]
async fn a_damaged_c1_part_is_refused_naming_its_json_path() {
    let (dir, path, sandbox) = fresh("damaged");
    let okta = app(&sandbox);
    let connector = format!("{okta}-c001");
    act(&sandbox, &okta, &connector, "force_sync").await;
    let rotated = rotate(&sandbox, &okta, &connector).await;
    let credential = rotated["credential"]["id"].as_str().unwrap().to_owned();
    let good: Value = serde_json::from_slice(&state::export(&path).unwrap()).unwrap();
    let at = format!("c1.apps.{okta}.connectors.{connector}");
    let damages: [(&str, Damage, String); 5] = [
        (
            "a sync's time is a number",
            Box::new(|c| c["syncs"][0]["completed_at"] = json!(5)),
            format!("{at}.syncs[0].completed_at"),
        ),
        (
            "a sync has no lifecycle id",
            Box::new(|c| {
                c["syncs"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("lifecycle_id");
            }),
            format!("{at}.syncs[0]"),
        ),
        (
            "a connector filed under another id",
            Box::new(|c| c["connector"]["id"] = json!("elsewhere")),
            format!("{at}.connector.id"),
        ),
        (
            "a credential carries a secret",
            Box::new(|c| {
                let credential = c["credentials"].as_object_mut().unwrap().values_mut();
                for credential in credential {
                    credential["clientSecret"] = json!("secret-token:conductorone.com:v1:x");
                }
            }),
            format!("{at}.credentials.{credential}.clientSecret"),
        ),
        (
            "a credential is missing but its client is not",
            Box::new(|c| c["credentials"] = json!({})),
            "owner".to_owned(),
        ),
    ];
    let file = dir.join("damaged.json");
    for (what, damage, needle) in damages {
        let mut value = good.clone();
        damage(&mut value["c1"]["apps"][&okta]["connectors"][&connector]);
        std::fs::write(&file, serde_json::to_vec(&value).unwrap()).unwrap();
        let err = state::import(&path, &file).unwrap_err();
        assert!(
            matches!(err, SandboxError::StateCorrupt { .. }),
            "{what}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("damaged.json") && text.contains(&needle),
            "{what}: {text}"
        );
    }
    // Nothing was written: the sandbox still answers its synced connector.
    assert_eq!(sandbox.c1().syncs(&okta, &connector).len(), 1);
    assert_eq!(
        serde_json::from_slice::<Value>(&state::export(&path).unwrap()).unwrap(),
        good
    );
    drop(sandbox);
    std::fs::remove_dir_all(&dir).unwrap();
}
