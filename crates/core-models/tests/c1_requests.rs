//! ConductorOne request bodies carry no `null` and no key their spec schema does not
//! define (`../shared/spec/c1-connectors.yaml`), even with every field set.

use std::io::Write as _;
use std::path::Path;

use connkit_models::c1::{self, Config, Connector, UpdateMask};
use serde_json::{json, Value};

fn spec() -> Option<Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/c1-connectors.yaml");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_norway::from_str(&text).expect("the spec is YAML"))
}

/// Every key of `body` is a property of `schema` (after `$ref`s), recursively; no
/// value is `null`.
fn check(spec: &Value, schema: &Value, body: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {r}")),
        None => schema,
    };
    match body {
        Value::Null => problems.push(format!("{at} is null")),
        Value::Object(map) => {
            if schema
                .get("additionalProperties")
                .is_some_and(|a| a != false)
            {
                return;
            }
            for (key, value) in map {
                match schema.pointer(&format!("/properties/{key}")) {
                    Some(sub) => check(spec, sub, value, &format!("{at}.{key}"), problems),
                    None => problems.push(format!("{at}.{key} is not in the spec")),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(
                    spec,
                    &schema["items"],
                    item,
                    &format!("{at}[{i}]"),
                    problems,
                );
            }
        }
        _ => {}
    }
}

fn full_connector() -> Connector {
    serde_json::from_value(json!({
        "appId": "a", "canResumeSync": true, "catalogId": "cat",
        "config": {"@type": "t/x", "k": null}, "connectorSyncCronSchedule":
        {"cronSpec": "0 * * * *", "start": "2026-01-01T00:00:00Z", "timezone": "UTC"},
        "description": "d", "disableCheckBadSync": false, "displayName": "n", "id": "c",
        "profileAllowList": ["x"], "profileIgnoreList": [], "status": {"status":
        "SYNC_STATUS_DONE", "lastError": "", "startedAt": "2026-01-01T00:00:00Z",
        "completedAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"},
        "syncConfig": {"syncResourceTypeIds": ["r"]}, "syncDisabledCategory": "c",
        "syncDisabledReason": "r", "userIds": ["u"]
    }))
    .expect("a full connector")
}

#[test]
fn requests_carry_no_null_and_no_unknown_key() {
    let Some(spec) = spec() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: ../shared/spec not found; request shapes NOT checked"
        );
        return;
    };
    let mask = Some(c1::ConnectorExpandMask {
        paths: Some(vec!["*".into()]),
    });
    let config = Some(Config::from_json(r#"{"@type":"t/x","a":null}"#).unwrap());
    let connector = full_connector();
    let bodies: Vec<(&str, Value)> = vec![
        (
            "ConnectorServiceCreateRequestInput",
            serde_json::to_value(c1::ConnectorServiceCreateRequest {
                catalog_id: Some("c".into()),
                config,
                description: Some("d".into()),
                expand_mask: mask.clone(),
                user_ids: Some(vec!["u".into()]),
            })
            .unwrap(),
        ),
        (
            "ConnectorServiceCreateDelegatedRequestInput",
            serde_json::to_value(c1::ConnectorServiceCreateDelegatedRequest {
                app_managed_state_binding_ref: Some(c1::AppManagedStateBindingRef {
                    app_id: Some("a".into()),
                    resource_id: Some("r".into()),
                    resource_type_id: Some("t".into()),
                }),
                catalog_id: Some("c".into()),
                description: Some("d".into()),
                display_name: Some("n".into()),
                expand_mask: mask.clone(),
                user_ids: Some(vec![]),
            })
            .unwrap(),
        ),
        (
            "ConnectorServiceUpdateRequestInput",
            serde_json::to_value(c1::ConnectorServiceUpdateRequest {
                update_mask: Some(UpdateMask::of_set_fields(&connector)),
                connector: Some(connector.clone()),
                expand_mask: mask,
            })
            .unwrap(),
        ),
        (
            "ConnectorServiceRotateCredentialRequest",
            serde_json::to_value(c1::ConnectorServiceRotateCredentialRequest {
                app_id: Some("a".into()),
                connector_id: Some("c".into()),
            })
            .unwrap(),
        ),
        (
            "UpdateConnectorScheduleRequestInput",
            serde_json::to_value(c1::UpdateConnectorScheduleRequest {
                cron: Some(c1::ConnectorScheduleCron {
                    cron_spec: Some("* * * * *".into()),
                    timezone: Some("UTC".into()),
                }),
            })
            .unwrap(),
        ),
        (
            "EditorValidateRequest",
            serde_json::to_value(c1::EditorValidateRequest {
                text: Some("x".into()),
            })
            .unwrap(),
        ),
        (
            "ForceSyncRequestInput",
            serde_json::to_value(c1::Empty {}).unwrap(),
        ),
    ];
    let mut problems = Vec::new();
    for (name, body) in &bodies {
        let schema = &spec["components"]["schemas"][format!("c1.api.app.v1.{name}")];
        assert!(schema.is_object(), "{name} is in the spec");
        check(&spec, schema, body, name, &mut problems);
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(bodies[6].1, json!({}));
}

#[test]
fn the_update_mask_names_only_writable_fields() {
    let mask = UpdateMask::of_set_fields(&full_connector()).to_string();
    for read_only in c1::READ_ONLY_FIELDS.iter().chain(c1::IDENTITY_FIELDS) {
        assert!(
            !mask.split(',').any(|p| p == *read_only),
            "{read_only} in {mask}"
        );
    }
    assert!(
        mask.starts_with("canResumeSync,catalogId,config,"),
        "{mask}"
    );
}
