//! ConductorOne connector data: a `ConnectorService.List` answer.

use connkit_models::c1::{
    Config, Connector, ConnectorServiceListResponse, ConnectorStatus, ConnectorSyncCronSchedule,
    ConnectorView, OAuth2AuthorizedAs, SyncConfig, SyncStatus,
};
use connkit_models::{ProtoInt64, Timestamp};
use serde_json::{Map, Value};

use crate::mix::{id, mix, pick};

/// Connector apps and the config message type each one's connector carries.
const APPS: &[(&str, &str)] = &[
    ("Okta", "type.googleapis.com/c1.connector.v2.OktaConfig"),
    ("GitHub", "type.googleapis.com/c1.connector.v2.GitHubConfig"),
    ("AWS", "type.googleapis.com/c1.connector.v2.AwsConfig"),
    (
        "Google Workspace",
        "type.googleapis.com/c1.connector.v2.GoogleWorkspaceConfig",
    ),
    (
        "Salesforce",
        "type.googleapis.com/c1.connector.v2.SalesforceConfig",
    ),
    ("Slack", "type.googleapis.com/c1.connector.v2.SlackConfig"),
];

const STATUSES: &[SyncStatus] = &[
    SyncStatus::Done,
    SyncStatus::Done,
    SyncStatus::Done,
    SyncStatus::Running,
    SyncStatus::Error,
];

/// An RFC 3339 timestamp with nanoseconds, varied by `seed`.
fn timestamp(seed: u64) -> Timestamp {
    let m = mix(seed);
    let text = format!(
        "2025-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        1 + m % 12,
        1 + (m >> 8) % 28,
        (m >> 16) % 24,
        (m >> 24) % 60,
        (m >> 32) % 60,
        (m >> 40) % 1_000_000_000,
    );
    Timestamp::parse(&text).expect("a generated timestamp is valid RFC 3339")
}

/// Connector number `i`, inside its `ConnectorView`.
pub fn view(i: u64) -> ConnectorView {
    let (app, type_url) = *pick(APPS, i);
    let app_id = id(i, 27);
    let connector_id = id(i + 1_000_000, 27);
    let mut fields = Map::new();
    fields.insert(
        "domain".into(),
        Value::from(format!("tenant{i}.example.com")),
    );
    fields.insert("syncGroups".into(), Value::from(mix(i) % 2 == 0));
    fields.insert(
        "scopes".into(),
        Value::from(vec!["users:read", "groups:read", "roles:read"]),
    );
    let status = pick(STATUSES, i).clone();
    let last_error = matches!(status, SyncStatus::Error)
        .then(|| "rpc error: code = Unauthenticated desc = token expired".to_owned());
    let connector = Connector {
        app_id: Some(app_id.clone()),
        can_resume_sync: Some(true),
        catalog_id: Some(id(i % 6, 27)),
        config: Some(Config::new(type_url, fields)),
        config_updated_at: Some(timestamp(i * 7 + 1)),
        connector_api_version: Some(ProtoInt64(2)),
        connector_sync_cron_schedule: Some(ConnectorSyncCronSchedule {
            cron_spec: Some(format!("{} */4 * * *", i % 60)),
            start: Some(timestamp(i * 7 + 2)),
            timezone: Some("Europe/Berlin".to_owned()),
        }),
        created_at: Some(timestamp(i * 7 + 3)),
        deleted_at: None,
        description: Some(format!("{app} connector for the {} environment", i % 3)),
        disable_check_bad_sync: Some(false),
        display_name: Some(format!("{app} ({i})")),
        download_url: None,
        id: Some(connector_id.clone()),
        oauth_authorized_as: Some(OAuth2AuthorizedAs {
            auth_email: Some(format!("admin{}@example.com", i % 10)),
            authorized_at: Some(timestamp(i * 7 + 4)),
        }),
        parallel_sync_worker_count: Some(ProtoInt64(4)),
        profile_allow_list: Some(vec!["default".to_owned()]),
        profile_ignore_list: None,
        status: Some(ConnectorStatus {
            completed_at: Some(timestamp(i * 7 + 5)),
            last_error,
            started_at: Some(timestamp(i * 7 + 6)),
            status: Some(status),
            updated_at: Some(timestamp(i * 7 + 5)),
        }),
        sync_config: Some(SyncConfig {
            sync_resource_type_ids: Some(vec!["user".to_owned(), "group".to_owned()]),
        }),
        sync_disabled_at: None,
        sync_disabled_category: None,
        sync_disabled_reason: None,
        updated_at: Some(timestamp(i * 7 + 7)),
        user_ids: Some(vec![id(i + 7, 27), id(i + 8, 27)]),
    };
    ConnectorView {
        app_path: Some(format!("/api/v1/apps/{app_id}")),
        capabilities_path: Some(format!(
            "/api/v1/apps/{app_id}/connectors/{connector_id}/capabilities"
        )),
        connector: Some(connector),
        users_path: Some(format!(
            "/api/v1/apps/{app_id}/connectors/{connector_id}/users"
        )),
    }
}

/// A `ConnectorService.List` answer with `len` connectors and a next-page token.
pub fn list_response(len: usize) -> ConnectorServiceListResponse {
    ConnectorServiceListResponse {
        expanded: None,
        list: Some((0..len as u64).map(view).collect()),
        next_page_token: Some(id(len as u64, 40)),
    }
}
