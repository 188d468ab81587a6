//! The example plugin `examples/plugins/source-rules`, loaded as a third party would.

use connkit_models::preflight::{BodyKind, Validator};
use connkit_plugin_host::Loader;

use crate::fixtures::fixtures;

fn check(v: &dyn Validator) {
    assert_eq!(v.name(), "source-rules");
    assert!(v.supports(BodyKind::SourceConfig) && v.supports(BodyKind::JsonPatch));
    assert!(!v.supports(BodyKind::SourceTemplate));

    let xml = b"<Form connectorName=\"web\">\n  <Field name=\"host\"/>\n</Form>";
    let findings = v.validate(BodyKind::SourceConfig, xml);
    let shown: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        shown,
        ["2:3: error: source-rules.field-missing-type: <Field name=\"host\"> needs a non-empty type attribute"]
    );
    assert_eq!(findings[0].validator.as_deref(), Some("source-rules"));

    let patch = br#"[{"op":"replace","path":"/applicationXml","value":"<x/>"}]"#;
    let findings = v.validate(BodyKind::JsonPatch, patch);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "source-rules.undocumented-xml-change");
    assert_eq!(findings[0].pointer.as_deref(), Some("/0"));
    assert!(findings[0].is_error());
}

#[test]
fn the_example_plugin_works_in_process() {
    let plugin = Loader::in_process()
        .load(&fixtures().source_rules())
        .unwrap();
    assert_eq!(plugin.info().version, "1.0.0");
    check(&*plugin.validator());
}

#[test]
fn the_example_plugin_works_isolated() {
    let worker =
        connkit_plugin_host::WorkerCommand::new(env!("CARGO_BIN_EXE_connkit-plugin-worker"));
    let plugin = Loader::isolated(worker)
        .load(&fixtures().source_rules())
        .unwrap();
    check(&*plugin.validator());
}
