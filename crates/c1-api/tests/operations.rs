//! Every ConnectorService operation through the client, against the sandbox
//! in-process and over real HTTP on 127.0.0.1; errors keep the `google.rpc.Status`,
//! the raw body and `c1-trace-id`; empty ids are refused before anything is sent.

use connkit_c1::prelude::*;
use std::sync::Arc;

use connkit_c1::{Client, Error, Operation as _};
use connkit_models::c1::{Config, RpcCode, SyncStatus, UpdateMask};
use connkit_sandbox::Sandbox;
use connkit_transport::test_util::Recorder;

/// A client of `sandbox` in-process (`None`) or of its server over HTTP.
async fn clients() -> Vec<(
    &'static str,
    Sandbox,
    Client,
    Option<connkit_sandbox::ServerHandle>,
)> {
    let local = Sandbox::builder().seed(1).build().unwrap();
    let in_process = Client::new("https://sandbox.invalid", Arc::new(local.clone())).unwrap();
    let remote = Sandbox::builder().seed(1).build().unwrap();
    let server = remote.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let over_http = Client::builder()
        .base_url(server.base_url())
        .retries(1)
        .build()
        .unwrap();
    vec![
        ("in-process", local, in_process, None),
        ("loopback", remote, over_http, Some(server)),
    ]
}

/// The connector of an update's answer.
fn updated_connector(
    answer: Result<connkit_models::c1::ConnectorServiceUpdateResponse, Error>,
) -> connkit_models::c1::Connector {
    answer.unwrap().connector_view.unwrap().connector.unwrap()
}

fn id_of(view: Option<connkit_models::c1::ConnectorView>) -> String {
    view.and_then(|v| v.connector)
        .and_then(|c| c.id)
        .expect("a connector with an id")
}

#[tokio::test]
async fn all_seventeen_operations() {
    for (mode, sandbox, client, _server) in clients().await {
        let app = sandbox.c1().demo_app_ids()[0].clone();
        // CreateDelegated, Create
        let delegated = client
            .create_delegated_connector(&app, "catalog-okta")
            .display_name("Okta")
            .description("waits for config")
            .send()
            .await
            .unwrap();
        let id = id_of(delegated.connector_view);
        let config = Config::from_json(
            r#"{"@type":"type.googleapis.com/c1.connector.v2.Okta","domain":"acme"}"#,
        )
        .unwrap();
        let created = client
            .create_connector(&app, "catalog-okta")
            .config(config.clone())
            .description("configured")
            .send()
            .await
            .unwrap();
        let configured = id_of(created.connector_view);

        // List (one page) and Get
        let page = client
            .list_connectors(&app)
            .page_size(10)
            .send()
            .await
            .unwrap();
        assert_eq!(page.connectors().count(), 4, "{mode}");
        assert_eq!(page.next_page_token(), None);
        let got = client
            .get_connector(&app, &configured)
            .send()
            .await
            .unwrap();
        let connector = got.connector_view.unwrap().connector.unwrap();
        assert_eq!(connector.config, Some(config), "{mode}");

        // Update (mask from the fields set), UpdateDelegated, explicit mask clears
        let updated = client
            .update_connector(&app, &id)
            .description("prod")
            .send()
            .await;
        let updated = updated_connector(updated);
        assert_eq!(updated.description.as_deref(), Some("prod"));
        assert_eq!(updated.display_name.as_deref(), Some("Okta"), "{mode}");
        let renamed = client
            .update_delegated_connector(&app, &id)
            .display_name("Okta EU")
            .send()
            .await;
        let renamed = updated_connector(renamed);
        assert_eq!(renamed.display_name.as_deref(), Some("Okta EU"));
        let cleared = client
            .update_connector(&app, &id)
            .update_mask(UpdateMask::new(["description"]))
            .send()
            .await;
        let cleared = updated_connector(cleared);
        assert_eq!(cleared.description, None, "{mode}");

        // ForceSync, GetConnectorSyncDownloadURL, ConfirmSyncValid
        client.force_sync(&app, &id).send().await.unwrap();
        let syncs = sandbox.c1().syncs(&app, &id);
        let url = client
            .sync_download_url(&app, &id, &syncs[0].sync_id)
            .send()
            .await
            .unwrap();
        assert!(url.download_url.unwrap().contains(&syncs[0].sync_id));
        client
            .confirm_sync_valid(&app, &id, &syncs[0].lifecycle_id)
            .send()
            .await
            .unwrap();

        // PauseSync, ResumeSync, UpdateConnectorSchedule
        client.pause_sync(&app, &id).send().await.unwrap();
        let paused = client.get_connector(&app, &id).send().await.unwrap();
        let status = paused
            .connector_view
            .unwrap()
            .connector
            .unwrap()
            .status
            .unwrap();
        assert_eq!(status.status, Some(SyncStatus::Disabled), "{mode}");
        let refused = client.force_sync(&app, &id).send().await.unwrap_err();
        assert_eq!(
            refused.as_service().and_then(|e| e.code()),
            Some(RpcCode::FailedPrecondition)
        );
        client.resume_sync(&app, &id).send().await.unwrap();
        client
            .update_schedule(&app, &id, "0 3 * * *")
            .timezone("Europe/Berlin")
            .send()
            .await
            .unwrap();
        let scheduled = client.get_connector(&app, &id).send().await.unwrap();
        let connector = scheduled.connector_view.unwrap().connector.unwrap();
        assert_eq!(connector.status.unwrap().status, Some(SyncStatus::Done));
        let cron = connector.connector_sync_cron_schedule.unwrap();
        assert_eq!(cron.cron_spec.as_deref(), Some("0 3 * * *"));
        assert_eq!(cron.timezone.as_deref(), Some("Europe/Berlin"));

        // RotateCredential, GetCredentials, RevokeCredential
        let rotated = client.rotate_credential(&app, &id).send().await.unwrap();
        let secret = rotated.client_secret.unwrap();
        assert!(secret.starts_with("secret-token:conductorone.com:v1:"));
        let credential_id = rotated.credential.unwrap().id.unwrap();
        let fetched = client
            .get_credential(&app, &id, &credential_id)
            .send()
            .await
            .unwrap();
        let credential = fetched.credential.unwrap();
        assert_eq!(credential.id.as_deref(), Some(credential_id.as_str()));
        assert_eq!(credential.client_secret, None, "{mode}");
        client
            .revoke_credential(&app, &id, &credential_id)
            .send()
            .await
            .unwrap();
        let gone = client
            .get_credential(&app, &id, &credential_id)
            .send()
            .await
            .unwrap_err();
        assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));

        // ValidateHTTPConnectorConfig
        let markers = client.validate_http_config("{ nope").send().await.unwrap();
        assert_eq!(markers.markers.map(|m| m.len()), Some(1), "{mode}");
        let clean = client.validate_http_config("{}").send().await.unwrap();
        assert_eq!(clean.markers, Some(Vec::new()));

        // Delete
        client.delete_connector(&app, &id).send().await.unwrap();
        let err = client.get_connector(&app, &id).send().await.unwrap_err();
        let service = err.as_service().expect("a service error");
        assert_eq!(service.code(), Some(RpcCode::NotFound));
        let trace = service.trace_id().expect("c1-trace-id").to_owned();
        assert!(String::from_utf8_lossy(&service.body).contains(&trace));
        // The id is in ConductorOne's message already: said once, not twice.
        assert_eq!(err.to_string().matches(trace.as_str()).count(), 1, "{err}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn empty_ids_are_refused_before_anything_is_sent() {
    let recorder = Arc::new(Recorder::new(Sandbox::new()));
    let client = Client::new("https://sandbox.invalid", recorder.clone()).unwrap();
    let cases: Vec<Error> = vec![
        client.get_connector("app", "").send().await.unwrap_err(),
        client.get_connector(" ", "c").send().await.unwrap_err(),
        client
            .rotate_credential("app", "")
            .send()
            .await
            .unwrap_err(),
        client
            .sync_download_url("a", "c", "")
            .send()
            .await
            .unwrap_err(),
        client
            .revoke_credential("a", "c", "")
            .send()
            .await
            .unwrap_err(),
    ];
    for err in cases {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
        assert!(err.to_string().contains("is empty"), "{err}");
    }
    assert!(recorder.is_empty());
    // Ids are one percent-encoded segment each, dots included.
    let request = client
        .get_connector("a/b", "..")
        .operation()
        .build_request(client.base_url())
        .unwrap();
    assert_eq!(request.uri().path(), "/api/v1/apps/a%2Fb/connectors/%2E%2E");
}

/// Whatever refuses a setting (the base URL here, the transport stack below) is
/// `Error::Config` with the reason as its source, as in `connkit-connectors`.
fn config_reason(err: &Error) -> String {
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert_eq!(err.kind(), connkit_c1::ErrorKind::InvalidInput);
    std::error::Error::source(err)
        .expect("a reason")
        .to_string()
}

#[test]
fn plain_http_only_for_loopback_unless_allowed() {
    let refused = Client::builder()
        .base_url("http://acme.conductor.one")
        .token("t")
        .build()
        .unwrap_err();
    let reason = config_reason(&refused);
    assert!(reason.contains("loopback"), "{reason}");
    let allowed = Client::builder()
        .base_url("http://acme.conductor.one")
        .token("t")
        .allow_http(true)
        .build()
        .unwrap();
    assert_eq!(allowed.base_url().root(), "http://acme.conductor.one");
}

#[test]
fn a_stack_that_cannot_be_built_is_a_configuration_error() {
    // The token cannot go in a header: the stack's auth layer refuses it.
    let refused = Client::builder()
        .base_url("https://acme.conductor.one")
        .token("a\nb")
        .build()
        .unwrap_err();
    let reason = config_reason(&refused);
    assert!(reason.contains("header"), "{reason}");
}

#[tokio::test]
async fn bodies_carry_no_null_and_bodyless_posts_send_an_empty_object() {
    let sandbox = Sandbox::new();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let recorder = Arc::new(Recorder::new(sandbox));
    let client = Client::new("https://sandbox.invalid", recorder.clone()).unwrap();
    let view = client
        .create_delegated_connector(&app, "catalog-okta")
        .send()
        .await
        .unwrap();
    let id = id_of(view.connector_view);
    client
        .update_connector(&app, &id)
        .description("d")
        .send()
        .await
        .unwrap();
    client.force_sync(&app, &id).send().await.unwrap();
    let requests = recorder.requests();
    assert_eq!(
        requests[0].body_str(),
        Some(r#"{"catalogId":"catalog-okta"}"#)
    );
    assert_eq!(
        requests[1].body_str(),
        Some(r#"{"connector":{"description":"d"},"updateMask":"description"}"#)
    );
    assert_eq!(requests[2].body_str(), Some("{}"));
    for request in &requests {
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert!(!request.body_str().unwrap_or_default().contains("null"));
    }
}

/// A call's deadline travels with its request: the standard stack ends a call that is
/// still waiting for its answer at it, and a listing's paginator inherits it.
#[tokio::test]
async fn a_calls_deadline_bounds_it_and_its_paginator() {
    let slow: connkit_sandbox::FaultConfig = "latency=5s".parse().unwrap();
    let sandbox = Sandbox::builder().seed(1).faults(slow).build().unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .backend_with_stack(Arc::new(sandbox))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client
        .list_connectors(&app)
        .timeout(std::time::Duration::from_millis(50))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_timeout()),
        "{err:?}"
    );
    // Cut short, not answered after the sandbox's 5 s (not a speed measurement).
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    let err = client
        .list_connectors(&app)
        .timeout(std::time::Duration::from_millis(50))
        .into_paginator()
        .try_collect()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_timeout()),
        "{err:?}"
    );
}

/// When retries run out on a 5xx, the error is the service's: its `google.rpc.Status`
/// message and its `c1-trace-id` stay in the error and its message.
#[tokio::test]
async fn a_5xx_after_retries_keeps_the_status_message_and_trace_id() {
    let failing: connkit_sandbox::FaultConfig = "error=1.0,seed=3".parse().unwrap();
    let sandbox = Sandbox::builder().seed(1).faults(failing).build().unwrap();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .backend_with_stack(Arc::new(sandbox))
        .retries(2)
        .build()
        .unwrap();
    let err = client.list_connectors(&app).send().await.unwrap_err();
    let service = err.as_service().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(service.status.as_u16(), 503);
    assert_eq!(
        service.message().map(|m| m.contains("injected fault")),
        Some(true)
    );
    let trace = err.trace_id().expect("the c1-trace-id").to_owned();
    let text = err.to_string();
    assert!(
        text.contains("injected fault") && text.contains(&trace),
        "{text}"
    );
    assert!(text.ends_with("after 2 attempts"), "{text}");
    assert_eq!(err.kind(), connkit_client::ErrorKind::RetriesExhausted);
}

/// One way in, as for ISC: an in-process transport needs no base URL (it is addressed
/// at the one `IN_PROCESS_BASE_URL` of both clients); a network one does.
#[tokio::test]
async fn an_in_process_transport_needs_no_base_url() {
    let sandbox = Sandbox::new();
    let app = sandbox.c1().demo_app_ids()[0].clone();
    let client = Client::from_transport(sandbox).unwrap();
    assert_eq!(client.base_url().root(), connkit_c1::IN_PROCESS_BASE_URL);
    assert_eq!(
        connkit_c1::IN_PROCESS_BASE_URL,
        connkit_c1::transport::IN_PROCESS_BASE_URL
    );
    assert!(client.list_connectors(&app).send().await.is_ok());

    let network = connkit_transport::HttpBackend::new().unwrap();
    let err = Client::from_transport(network).unwrap_err();
    assert!(err.to_string().contains("no base URL"), "{err}");
}
