//! Isolated mode against real fixture libraries: whatever a plugin does, the host
//! (this test process) carries on, and the next call gets a fresh worker.

use std::path::Path;
use std::time::Duration;

use connkit_models::preflight::{run_all, BodyKind, Severity, Validator};
use connkit_plugin_host::{codes, LoadError, Loader, Plugin, WorkerCommand};

use crate::checks::{bad_output, only_error};
use crate::fixtures::fixtures;

fn worker() -> WorkerCommand {
    WorkerCommand::new(env!("CARGO_BIN_EXE_connkit-plugin-worker"))
}

pub fn loader() -> Loader {
    Loader::isolated(worker()).with_timeout(Some(Duration::from_secs(30)))
}

fn load(name: &str) -> Plugin {
    loader()
        .load(&fixtures().plugin(name))
        .unwrap_or_else(|e| panic!("load {name}: {e}"))
}

/// The plugin answers normally (with a fresh worker if the last one died).
fn answers_again(validator: &dyn Validator) {
    let findings = validator.validate(BodyKind::SourceConfig, b"<Form/>");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "fixture.alive");
    assert_eq!(findings[0].severity, Severity::Info);
}

#[test]
fn findings_and_a_one_mib_body_cross_the_pipe_intact() {
    let plugin = load("findings");
    assert_eq!(plugin.info().name, "fixture-findings");
    assert_eq!(plugin.info().version, "2.1.0");
    let v = plugin.validator();
    let body: Vec<u8> = (0..=255u8).rev().cycle().take(1 << 20).collect();
    let sum = body.iter().map(|&b| u32::from(b)).sum::<u32>();
    let findings = v.validate(BodyKind::SourceTemplate, &body);
    let shown: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        shown,
        [
            format!("2:3: error: fixture.body: kind 2, 1048576 bytes, sum {sum}"),
            "warning: fixture.warning: a warning (at /0/path)".to_owned(),
            "info: fixture.info: some information".to_owned(),
        ]
    );
    assert!(findings
        .iter()
        .all(|f| f.validator.as_deref() == Some("fixture-findings")));
    let message = only_error(&*v, BodyKind::SourceConfig, b"fail", codes::FAILED);
    assert!(message.ends_with("asked to fail"), "{message}");
    // Printing to stdout does not corrupt the protocol.
    let findings = v.validate(BodyKind::SourceConfig, b"chatty");
    assert_eq!(findings[0].message, "kind 1, 6 bytes, sum 653");
}

#[test]
fn a_panic_is_a_finding_and_the_same_worker_carries_on() {
    let v = load("panic").validator();
    let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::PANICKED);
    assert!(message.contains("fixture panic on purpose"), "{message}");
    answers_again(&*v);
}

#[test]
fn an_abort_is_a_finding_and_the_worker_is_restarted() {
    let v = load("abort").validator();
    let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::CRASHED);
    assert!(
        message.contains("killed by signal 6 (SIGABRT)"),
        "{message}"
    );
    answers_again(&*v);
}

#[test]
fn a_segfault_is_a_finding_and_the_worker_is_restarted() {
    let v = load("segfault").validator();
    let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::CRASHED);
    assert!(
        message.contains("killed by signal 11 (SIGSEGV)"),
        "{message}"
    );
    answers_again(&*v);
    // Crash again: every crash is survived, not just the first.
    only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::CRASHED);
    answers_again(&*v);
}

#[test]
fn a_hang_is_killed_at_the_timeout_and_the_worker_is_restarted() {
    let plugin = Loader::isolated(worker())
        .with_timeout(Some(Duration::from_millis(1500)))
        .load(&fixtures().plugin("hang"))
        .unwrap();
    let v = plugin.validator();
    let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::TIMEOUT);
    assert!(message.contains("did not answer within 1.5s"), "{message}");
    answers_again(&*v);
}

#[test]
fn bad_output_and_unsupported_kinds_are_findings() {
    bad_output(&*load("bad-output").validator());
    let ok = load("ok").validator();
    let findings = ok.validate(BodyKind::CreateConnector, b"{}");
    assert_eq!(findings[0].code, codes::UNSUPPORTED_KIND);
    assert!(ok.validate(BodyKind::SourceConfig, b"<Form/>").is_empty());
}

#[test]
fn other_plugins_carry_on_while_one_crashes() {
    let validators = vec![
        load("segfault").validator(),
        load("findings").validator(),
        load("abort").validator(),
    ];
    let findings = run_all(&validators, BodyKind::JsonPatch, b"trigger");
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.validator.as_deref().unwrap_or(""), f.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("fixture-segfault", codes::CRASHED),
            ("fixture-findings", "fixture.body"),
            ("fixture-findings", "fixture.warning"),
            ("fixture-findings", "fixture.info"),
            ("fixture-abort", codes::CRASHED),
        ]
    );
}

fn load_error(path: &Path) -> LoadError {
    let err = loader().load(path).unwrap_err();
    assert_eq!(err.path(), path);
    assert!(
        err.to_string().starts_with(&path.display().to_string()),
        "{err}"
    );
    err
}

#[test]
fn the_worker_refuses_bad_libraries_with_the_in_process_errors() {
    for name in [
        "wrong-abi",
        "wrong-size",
        "missing-symbol",
        "null-vtable",
        "null-entry",
        "bad-info",
    ] {
        let path = fixtures().plugin(name);
        let isolated = load_error(&path);
        let in_process = Loader::in_process().load(&path).unwrap_err();
        assert_eq!(isolated, in_process);
    }
    let err = load_error(fixtures().not_a_library());
    assert!(matches!(err, LoadError::NotALibrary { .. }), "{err:?}");
}

#[test]
fn a_worker_that_cannot_start_or_speak_is_a_load_error() {
    let path = fixtures().plugin("ok");
    let missing = Loader::isolated(WorkerCommand::new("/nonexistent/connkit-worker"))
        .load(&path)
        .unwrap_err();
    assert!(matches!(missing, LoadError::Worker { .. }), "{missing:?}");
    assert!(
        missing
            .to_string()
            .contains("cannot start /nonexistent/connkit-worker"),
        "{missing}"
    );

    // `true` exits at once without a handshake.
    let mute = Loader::isolated(WorkerCommand::new("true"))
        .load(&path)
        .unwrap_err();
    assert!(matches!(mute, LoadError::Worker { .. }), "{mute:?}");
    assert!(
        mute.to_string()
            .contains("no handshake: the worker exited with status 0"),
        "{mute}"
    );
}
