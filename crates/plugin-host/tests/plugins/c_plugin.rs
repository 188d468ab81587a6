//! A plugin written in C against the documented ABI, loaded in both modes.

use connkit_models::preflight::{BodyKind, Severity, Validator};
use connkit_plugin_host::{codes, Loader, WorkerCommand};

use crate::fixtures::fixtures;

fn check(v: &dyn Validator) {
    assert_eq!(v.name(), "c-properties");
    assert!(v.supports(BodyKind::Translations) && !v.supports(BodyKind::JsonPatch));
    let body = b"greeting=Hello\n# comment\nbroken line\n\n  key: value\nalso broken";
    let findings = v.validate(BodyKind::Translations, body);
    let at: Vec<_> = findings
        .iter()
        .map(|f| (f.severity, f.code.as_str(), f.line, f.validator.as_deref()))
        .collect();
    let expected = |line| {
        (
            Severity::Warning,
            "c-properties.no-separator",
            Some(line),
            Some("c-properties"),
        )
    };
    assert_eq!(at, [expected(3), expected(6)]);
    assert!(v.validate(BodyKind::Translations, b"").is_empty());
    let unsupported = v.validate(BodyKind::JsonPatch, b"[]");
    assert_eq!(unsupported[0].code, codes::UNSUPPORTED_KIND);
}

#[test]
fn a_c_plugin_works_in_process() {
    let plugin = Loader::in_process().load(&fixtures().c_plugin()).unwrap();
    assert_eq!(plugin.info().version, "1.0.0");
    check(&*plugin.validator());
}

#[test]
fn a_c_plugin_works_isolated() {
    let worker = WorkerCommand::new(env!("CARGO_BIN_EXE_connkit-plugin-worker"));
    let plugin = Loader::isolated(worker)
        .load(&fixtures().c_plugin())
        .unwrap();
    check(&*plugin.validator());
}
