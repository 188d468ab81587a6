//! A plugin plugged into the client's pre-flight: its error finding stops a put
//! before a single byte is sent, in-process and isolated alike.

use std::sync::Arc;

use connkit_connectors::prelude::*;
use connkit_connectors::{Client, ErrorKind};
use connkit_plugin_host::{Loader, WorkerCommand};
use connkit_sandbox::Sandbox;
use connkit_transport::test_util::Recorder;

use crate::fixtures::fixtures;

/// A source config that is well-formed XML (the built-ins pass it) but breaks the
/// example plugin's house rule: every `Field` needs a `type`.
const BREAKS_HOUSE_RULES: &str = "<Form connectorName=\"web\">\n  <Field name=\"host\"/>\n</Form>";

async fn put_is_stopped_by(loader: Loader) {
    let plugin = loader
        .load(&fixtures().source_rules())
        .expect("load source-rules");
    let sandbox = Sandbox::new();
    let recorder = Recorder::new(sandbox);
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .transport_as_is(Arc::new(recorder.clone()))
        .validator(plugin.validator())
        .build()
        .expect("client");

    let err = client
        .put_source_config("anything")
        .xml(BREAKS_HOUSE_RULES)
        .send()
        .await
        .expect_err("the plugin must reject the body");

    assert_eq!(err.kind(), ErrorKind::PreflightRejected, "{err}");
    let findings = err.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "source-rules.field-missing-type");
    assert_eq!(findings[0].validator.as_deref(), Some("source-rules"));
    assert_eq!((findings[0].line, findings[0].column), (Some(2), Some(3)));
    assert!(recorder.is_empty(), "sent: {:?}", recorder.requests());

    // The same client sends a body the plugin accepts.
    let good = "<Form connectorName=\"web\">\n  <Field name=\"host\" type=\"string\"/>\n</Form>";
    let script = client
        .list_connectors()
        .limit(1)
        .send()
        .await
        .expect("list")
        .items
        .into_iter()
        .next()
        .and_then(|c| c.script_name)
        .expect("a seeded connector");
    client
        .put_source_config(script)
        .xml(good)
        .send()
        .await
        .expect("an accepted body goes through");
    assert!(recorder
        .requests()
        .iter()
        .any(|r| r.method.as_str() == "PUT"));
}

#[tokio::test]
async fn an_in_process_plugin_stops_a_put_before_anything_is_sent() {
    put_is_stopped_by(Loader::in_process()).await;
}

#[tokio::test]
async fn an_isolated_plugin_stops_a_put_before_anything_is_sent() {
    let worker = WorkerCommand::new(env!("CARGO_BIN_EXE_connkit-plugin-worker"));
    put_is_stopped_by(Loader::isolated(worker)).await;
}
