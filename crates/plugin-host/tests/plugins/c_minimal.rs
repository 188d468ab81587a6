//! The C example `examples/plugins/c-minimal`: built by its Makefile against the
//! cbindgen-generated header, loaded and called in both modes.

use connkit_models::preflight::{BodyKind, Severity, Validator};
use connkit_plugin_host::{codes, Loader, WorkerCommand};

use crate::fixtures::fixtures;

fn check(v: &dyn Validator) {
    assert_eq!(v.name(), "c-minimal");
    assert!(v.supports(BodyKind::SourceConfig) && !v.supports(BodyKind::JsonPatch));
    // The tab on line 2 follows `é` (two bytes, one character): column 4, not 5.
    let body = "<Form connectorName=\"x\">\n  é\t<Field/>\n</Form>";
    let findings = v.validate(BodyKind::SourceConfig, body.as_bytes());
    let shown: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        shown,
        ["2:4: warning: c-minimal.tab: a tab character; indent with spaces"]
    );
    assert_eq!(findings[0].validator.as_deref(), Some("c-minimal"));

    let empty = v.validate(BodyKind::SourceConfig, b"");
    assert_eq!(
        (empty[0].severity, empty[0].code.as_str(), empty[0].line),
        (Severity::Error, "c-minimal.empty", None)
    );
    assert!(v.validate(BodyKind::SourceConfig, b"<Form/>").is_empty());
    let unsupported = v.validate(BodyKind::JsonPatch, b"[]");
    assert_eq!(unsupported[0].code, codes::UNSUPPORTED_KIND);
}

#[test]
fn the_c_example_works_in_process() {
    let plugin = Loader::in_process().load(&fixtures().c_minimal()).unwrap();
    assert_eq!(plugin.info().version, "1.0.0");
    check(&*plugin.validator());
}

#[test]
fn the_c_example_works_isolated() {
    let worker = WorkerCommand::new(env!("CARGO_BIN_EXE_connkit-plugin-worker"));
    let plugin = Loader::isolated(worker)
        .load(&fixtures().c_minimal())
        .unwrap();
    check(&*plugin.validator());
}
