//! Answers in the shapes the services' own published examples use, decoded leniently.
//!
//! The bodies under `tests/answers/` are written after the examples in SailPoint's
//! generated SDK docs (a `ConnectorDetail` with `"uploadedFiles": "[]"` and a
//! `sourceConfig` that is a Java `Map.toString()`) and ConductorOne's SDK docs
//! (`connectorView`, `config` with `@type`, int64 as strings, 9 fractional digits),
//! with the odd shapes such answers carry: JSON inside strings, numbers where text is
//! expected, objects where arrays are expected. Every member the model can read is
//! kept; every repair is named by its JSON path.
//!
//! The property test replaces one member of a valid answer with any JSON value and
//! checks that the decode never panics, never fails, and keeps every other member.

use std::fmt::Debug;

use connkit_models::c1;
use connkit_models::decode::{from_json, from_json_lenient, Decoded, RepairOutcome};
use connkit_models::isc::v2024 as isc;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const ISC_DETAIL: &str = include_str!("answers/isc_connector_detail.json");
const ISC_LIST: &str = include_str!("answers/isc_connector_list.json");
const ISC_UPDATE: &str = include_str!("answers/isc_update_detail.json");
const ISC_ERROR: &str = include_str!("answers/isc_error_response.json");
const C1_GET: &str = include_str!("answers/c1_get_response.json");
const C1_LIST: &str = include_str!("answers/c1_list_response.json");

/// Decodes `body` leniently, checking that the strict decoder refuses it (so the
/// repairs are needed) and that the repaired value round-trips exactly.
fn lenient<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &str) -> Decoded<T> {
    assert!(from_json::<T>(body.as_bytes()).is_err(), "needs no repair");
    let decoded = from_json_lenient::<T>(body.as_bytes()).expect("decodes leniently");
    let encoded = serde_json::to_vec(&decoded.value).unwrap();
    assert_eq!(from_json::<T>(&encoded).unwrap(), decoded.value);
    decoded
}

/// `(path, dropped?)` of each repair.
fn repairs<T>(decoded: &Decoded<T>) -> Vec<(&str, bool)> {
    decoded
        .repairs
        .iter()
        .map(|r| (r.path.as_str(), r.is_dropped()))
        .collect()
}

#[test]
fn sailpoints_published_connector_detail_decodes_whole() {
    let decoded = lenient::<isc::ConnectorDetail>(ISC_DETAIL);
    assert_eq!(repairs(&decoded), [("uploadedFiles", false)]);
    let repair = &decoded.repairs[0];
    assert_eq!(repair.raw, json!("[]"));
    assert_eq!(repair.outcome, RepairOutcome::Coerced(json!([])));
    assert!(repair.reason.contains("expected a sequence"), "{repair}");
    assert_eq!(
        repair.to_string(),
        "`uploadedFiles`: \"[]\" read as [] (invalid type: string \"[]\", expected a sequence)"
    );

    let detail = decoded.value;
    assert_eq!(detail.uploaded_files, Some(vec![]));
    assert_eq!(detail.name.as_deref(), Some("JDBC"));
    // The spec says `sourceConfig` is a string: Java's `Map.toString()` is kept as is.
    let source_config = detail.source_config.as_deref().unwrap();
    assert!(source_config.starts_with("{Form={Field={_defaultValue=true"));
    assert!(detail.source_config_xml.unwrap().starts_with("<Form "));
    assert_eq!(detail.status, Some(isc::ConnectorStatus::Released));
    assert_eq!(detail.direct_connect, Some(true));
    assert_eq!(detail.file_upload, Some(false));
    let translations = detail.translation_properties.unwrap();
    assert!(translations["de"].as_str().unwrap().contains("\\u00a0"));
    assert_eq!(detail.connector_metadata.unwrap()["platform"], "ccg");
}

#[test]
fn a_connector_list_keeps_every_item_and_every_readable_member() {
    let decoded = lenient::<Vec<isc::V3ConnectorDto>>(ISC_LIST);
    assert_eq!(
        repairs(&decoded),
        [
            ("[1].connectorMetadata", false),
            ("[1].directConnect", false),
            ("[1].features", false),
            ("[2].connectorMetadata", true),
            ("[2].directConnect", true),
            ("[2].features[1]", true),
        ]
    );
    assert_eq!(decoded.dropped_items(), 0);
    let [ad, workday, box_] = &decoded.value[..] else {
        panic!("three items: {:?}", decoded.value)
    };
    assert_eq!(ad.features.as_ref().map(Vec::len), Some(6));
    assert_eq!(
        workday.features.as_deref(),
        Some(&["NO_RANDOM_ACCESS".to_owned(), "DISCOVER_SCHEMA".to_owned()][..])
    );
    assert_eq!(workday.direct_connect, Some(true));
    assert_eq!(
        workday.connector_metadata.as_ref().unwrap()["supportedUI"],
        "EXTJS"
    );
    assert_eq!(
        box_.features.as_deref(),
        Some(&["PROVISIONING".to_owned()][..])
    );
    assert_eq!(
        (box_.direct_connect, &box_.connector_metadata),
        (None, &None)
    );
    assert_eq!(
        box_.status,
        Some(isc::ConnectorStatus::Unknown("BETA".into()))
    );
    // What was left out is kept, raw, in the repair.
    assert_eq!(decoded.repairs[3].raw, json!(["not", "an", "object"]));
    assert_eq!(decoded.repairs[4].raw, json!(1));
    assert_eq!(decoded.repairs[5].raw, json!({"feature": "SEARCH"}));
}

#[test]
fn update_detail_and_error_response_in_odd_shapes() {
    let update = lenient::<isc::UpdateDetail>(ISC_UPDATE);
    assert_eq!(repairs(&update), [("updatedFiles", false)]);
    assert_eq!(
        update.value.updated_files.as_deref(),
        Some(&["source-config.xml".to_owned()][..])
    );
    assert_eq!(update.value.status, Some(isc::UpdateStatus::Updated));

    let error = lenient::<isc::ErrorResponseDto>(ISC_ERROR);
    assert_eq!(
        repairs(&error),
        [("causes", true), ("messages[1].text", false)]
    );
    let dto = error.value;
    assert_eq!(
        dto.detail_code.as_deref(),
        Some("400.1 Bad Request Content")
    );
    assert_eq!(
        dto.tracking_id.as_deref(),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
    assert!(dto.first_message().unwrap().starts_with("The request was"));
    let messages = dto.messages.unwrap();
    assert_eq!(messages[1].text.as_deref(), Some("404"));
    assert_eq!(messages[1].locale_origin, None);
    assert_eq!(dto.causes, None);
}

#[test]
fn a_conductorone_get_response_keeps_its_view_and_expansions() {
    let decoded = lenient::<c1::ConnectorServiceGetResponse>(C1_GET);
    assert_eq!(
        repairs(&decoded),
        [
            ("connectorView.connector.canResumeSync", false),
            ("connectorView.connector.description", false),
            ("connectorView.connector.userIds", true),
        ]
    );
    assert_eq!(decoded.repairs[2].raw, json!({"id": "2Xa9PyUser1"}));
    let view = decoded.value.connector_view.unwrap();
    assert_eq!(view.app_path.as_deref(), Some("$.expanded[0]"));
    let connector = view.connector.unwrap();
    assert_eq!(connector.description.as_deref(), Some("42"));
    assert_eq!(connector.can_resume_sync, Some(true));
    assert_eq!(connector.user_ids, None);
    assert_eq!(
        connector.config.as_ref().and_then(|c| c.type_url()),
        Some("type.googleapis.com/c1.connector.v2.ConnectorConfig")
    );
    let created = connector.created_at.unwrap();
    assert_eq!(created.nanosecond(), 123_456_789);
    assert_eq!(created.as_str(), "2025-08-05T12:34:56.123456789Z");
    assert_eq!(
        connector.parallel_sync_worker_count.map(|n| n.get()),
        Some(4)
    );
    assert_eq!(connector.connector_api_version.map(|n| n.get()), Some(2));
    assert_eq!(connector.status.unwrap().status, Some(c1::SyncStatus::Done));
    assert_eq!(
        connector.oauth_authorized_as.unwrap().auth_email.as_deref(),
        Some("ops@acme.example")
    );
    assert_eq!(
        connector
            .connector_sync_cron_schedule
            .unwrap()
            .timezone
            .as_deref(),
        Some("Europe/Oslo")
    );
    let expanded = decoded.value.expanded.unwrap();
    assert_eq!(expanded.len(), 2);
    assert_eq!(expanded[0].get("userCount").unwrap(), Some(json!("1532")));
}

#[test]
fn a_conductorone_list_page_keeps_every_connector_and_its_token() {
    let decoded = lenient::<c1::ConnectorServiceListResponse>(C1_LIST);
    assert_eq!(
        repairs(&decoded),
        [
            ("list[1].connector.createdAt", true),
            ("list[1].connector.profileAllowList", false),
            ("list[1].connector.syncConfig.syncResourceTypeIds", true),
            ("list[2].connector.displayName", false),
        ]
    );
    let page = &decoded.value;
    assert_eq!(page.next_page_token(), Some("eyJvZmZzZXQiOjN9"));
    let connectors: Vec<_> = page.connectors().collect();
    assert_eq!(connectors.len(), 3);
    let github = connectors[1];
    assert_eq!(github.display_name.as_deref(), Some("GitHub"));
    assert_eq!(github.created_at, None);
    assert_eq!(github.connector_api_version.map(|n| n.get()), Some(2));
    assert_eq!(
        github.profile_allow_list.as_deref(),
        Some(&["email".to_owned(), "title".to_owned()][..])
    );
    assert_eq!(
        github.status.as_ref().and_then(|s| s.status.clone()),
        Some(c1::SyncStatus::Unknown("SYNC_STATUS_PAUSED".into()))
    );
    assert_eq!(github.sync_config, Some(c1::SyncConfig::default()));
    assert_eq!(connectors[2].display_name.as_deref(), Some("true"));
    assert!(connectors[2].status.as_ref().unwrap().is_error());
}

#[test]
fn a_full_page_with_one_bad_item_delivers_every_item() {
    let mut items: Vec<Value> = (0..250)
        .map(|i| {
            json!({
                "name": format!("Connector {i}"),
                "scriptName": format!("connector-{i}"),
                "features": ["PROVISIONING"],
                "directConnect": i % 2 == 0,
                "status": "RELEASED",
            })
        })
        .collect();
    items[137]["features"] = json!({"PROVISIONING": true});
    items[200]["directConnect"] = json!("false");
    let body = serde_json::to_vec(&items).unwrap();
    let decoded = from_json_lenient::<Vec<isc::V3ConnectorDto>>(&body).unwrap();
    assert_eq!(decoded.value.len(), 250);
    assert_eq!(
        repairs(&decoded),
        [("[137].features", true), ("[200].directConnect", false)]
    );
    assert_eq!(decoded.value[137].features, None);
    assert_eq!(decoded.value[137].name.as_deref(), Some("Connector 137"));
    assert_eq!(decoded.value[200].direct_connect, Some(false));

    // An item that is no connector at all cannot be delivered; the page says how
    // many items it received, so paging by offset goes on.
    items[10] = json!("not a connector");
    let body = serde_json::to_vec(&items).unwrap();
    let decoded = from_json_lenient::<Vec<isc::V3ConnectorDto>>(&body).unwrap();
    assert_eq!((decoded.value.len(), decoded.dropped_items()), (249, 1));
    assert_eq!(decoded.repairs[0].path, "[10]");
    assert_eq!(decoded.repairs[1].path, "[137].features");
}

#[test]
fn bodies_that_are_not_answers_still_fail_clearly() {
    for body in [
        &b"<html>502 Bad Gateway</html>"[..],
        b"\"[]\"",
        b"{\"name\": \"a\", \"uploadedFiles\": \"[]\"",
    ] {
        let err = from_json_lenient::<isc::ConnectorDetail>(body).unwrap_err();
        assert_eq!(err, from_json::<isc::ConnectorDetail>(body).unwrap_err());
        assert_eq!(err.line, 1, "{err}");
    }
    let err = from_json_lenient::<isc::ConnectorDetail>(b"\"[]\"").unwrap_err();
    assert_eq!((err.path.as_str(), err.column), (".", 4), "{err}");
    let err = from_json_lenient::<isc::ConnectorDetail>(b"{\"name\": \"a\"").unwrap_err();
    assert!(err.is_eof, "{err}");
    let err = from_json_lenient::<Vec<isc::V3ConnectorDto>>(b"{\"items\": []}").unwrap_err();
    assert!(err.message.contains("expected a sequence"), "{err}");
}

/// One step of a path into a JSON tree.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every object member of `tree`, as paths.
fn member_paths(tree: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match tree {
        Value::Object(object) => {
            for (key, value) in object {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                member_paths(value, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                member_paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Every leaf of `tree` with its path.
fn leaves(tree: &Value, prefix: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    match tree {
        Value::Object(object) if !object.is_empty() => {
            for (key, value) in object {
                prefix.push(Step::Key(key.clone()));
                leaves(value, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                leaves(item, prefix, out);
                prefix.pop();
            }
        }
        leaf => out.push((prefix.clone(), leaf.clone())),
    }
}

fn at<'a>(tree: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(tree, |node, step| match step {
        Step::Key(key) => node.get(key),
        Step::Index(index) => node.get(index),
    })
}

fn at_mut<'a>(tree: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(tree, |node, step| match step {
        Step::Key(key) => node.get_mut(key),
        Step::Index(index) => node.get_mut(index),
    })
}

/// Replaces the member at `replaced` of `valid` with `value`, decodes leniently, and
/// checks that every other leaf comes back unchanged.
fn keeps_the_rest<T: DeserializeOwned + Serialize>(
    valid: &Value,
    replaced: &[Step],
    value: Value,
) -> Result<(), TestCaseError> {
    let mut body = valid.clone();
    *at_mut(&mut body, replaced).expect("a member of the body") = value;
    let bytes = serde_json::to_vec(&body).unwrap();
    let decoded = from_json_lenient::<T>(&bytes)
        .map_err(|e| TestCaseError::fail(format!("lost the whole answer: {e}")))?;
    let out = serde_json::to_value(&decoded.value).unwrap();
    let mut kept = Vec::new();
    leaves(valid, &mut Vec::new(), &mut kept);
    for (path, leaf) in kept {
        if path.starts_with(replaced) {
            continue;
        }
        prop_assert_eq!(
            at(&out, &path),
            Some(&leaf),
            "{:?} changed after replacing {:?}; repairs: {:?}",
            path,
            replaced,
            decoded.repairs
        );
    }
    Ok(())
}

/// Any JSON value, with strings that look like JSON, booleans and numbers.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        prop_oneof![
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            Just("true".to_owned()),
            Just("42".to_owned()),
            Just("null".to_owned()),
            Just("[\"a\", 1]".to_owned()),
            Just("2025-08-05T12:34:56.123456789Z".to_owned()),
            Just("{a=b, c=d}".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z@]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid answer of each response model: the repaired fixtures, as we encode them.
fn valid_answers() -> Vec<(&'static str, Value)> {
    fn canonical<T: DeserializeOwned + Serialize>(body: &str) -> Value {
        let decoded = from_json_lenient::<T>(body.as_bytes()).unwrap();
        serde_json::to_value(decoded.value).unwrap()
    }
    vec![
        ("detail", canonical::<isc::ConnectorDetail>(ISC_DETAIL)),
        ("list", canonical::<Vec<isc::V3ConnectorDto>>(ISC_LIST)),
        ("update", canonical::<isc::UpdateDetail>(ISC_UPDATE)),
        ("error", canonical::<isc::ErrorResponseDto>(ISC_ERROR)),
        (
            "c1 get",
            canonical::<c1::ConnectorServiceGetResponse>(C1_GET),
        ),
        (
            "c1 list",
            canonical::<c1::ConnectorServiceListResponse>(C1_LIST),
        ),
        (
            "c1 credential",
            json!({"credential": {"id": "k1", "clientId": "a@b.example/c", "createdAt": "2025-08-05T12:00:00Z"}}),
        ),
        (
            "c1 editor",
            json!({"markers": [{"startLineNumber": 1, "endColumn": 7, "message": "m", "severity": "ERROR"}]}),
        ),
        (
            "c1 status",
            json!({"code": 5, "message": "not found", "details": [{"@type": "t/x", "k": 1}]}),
        ),
    ]
}

fn check(kind: &str, valid: &Value, replaced: &[Step], value: Value) -> Result<(), TestCaseError> {
    match kind {
        "detail" => keeps_the_rest::<isc::ConnectorDetail>(valid, replaced, value),
        "list" => keeps_the_rest::<Vec<isc::V3ConnectorDto>>(valid, replaced, value),
        "update" => keeps_the_rest::<isc::UpdateDetail>(valid, replaced, value),
        "error" => keeps_the_rest::<isc::ErrorResponseDto>(valid, replaced, value),
        "c1 get" => keeps_the_rest::<c1::ConnectorServiceGetResponse>(valid, replaced, value),
        "c1 list" => keeps_the_rest::<c1::ConnectorServiceListResponse>(valid, replaced, value),
        "c1 credential" => {
            keeps_the_rest::<c1::ConnectorServiceGetCredentialsResponse>(valid, replaced, value)
        }
        "c1 editor" => keeps_the_rest::<c1::EditorValidateResponse>(valid, replaced, value),
        "c1 status" => keeps_the_rest::<c1::RpcStatus>(valid, replaced, value),
        other => unreachable!("no model for {other}"),
    }
}

#[test]
fn every_valid_answer_decodes_strictly() {
    for (kind, valid) in valid_answers() {
        let mut members = Vec::new();
        member_paths(&valid, &mut Vec::new(), &mut members);
        assert!(!members.is_empty(), "{kind}");
        // Replacing a member with itself changes nothing and needs no repair.
        let path = &members[0];
        let same = at(&valid, path).unwrap().clone();
        check(kind, &valid, path, same).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn one_bad_member_never_loses_the_rest(
        answer in any::<prop::sample::Index>(),
        member in any::<prop::sample::Index>(),
        value in any_json(),
    ) {
        let answers = valid_answers();
        let (kind, valid) = &answers[answer.index(answers.len())];
        let mut members = Vec::new();
        member_paths(valid, &mut Vec::new(), &mut members);
        let replaced = &members[member.index(members.len())];
        check(kind, valid, replaced, value)?;
    }
}
