//! In-process mode against real fixture libraries.

use std::time::Duration;

use connkit_models::preflight::{run_all, BodyKind, Validator};
use connkit_plugin_host::{codes, LoadError, Loader, Plugin};

use crate::checks::{bad_output, only_error};
use crate::fixtures::fixtures;

fn load(name: &str) -> Plugin {
    Loader::in_process()
        .load(&fixtures().plugin(name))
        .unwrap_or_else(|e| panic!("load {name}: {e}"))
}

/// The fixture loaded in-process with `timeout` instead of the default one.
fn load_with_timeout(name: &str, timeout: Option<Duration>) -> Plugin {
    Loader::in_process()
        .with_timeout(timeout)
        .load(&fixtures().plugin(name))
        .unwrap_or_else(|e| panic!("load {name}: {e}"))
}

#[test]
fn a_quiet_plugin_loads_with_its_info_and_says_nothing() {
    let plugin = load("ok");
    assert_eq!(plugin.info().name, "fixture-ok");
    assert_eq!(plugin.info().version, "1.0.0");
    assert_eq!(plugin.info().description, "says nothing");
    assert_eq!(plugin.path(), fixtures().plugin("ok"));
    let v = plugin.validator();
    assert_eq!(v.name(), "fixture-ok");
    assert!(v.supports(BodyKind::SourceConfig) && v.supports(BodyKind::JsonPatch));
    assert!(!v.supports(BodyKind::Translations));
    assert!(v.validate(BodyKind::SourceConfig, b"<Form/>").is_empty());
}

#[test]
fn findings_arrive_intact_and_tagged_with_the_plugin_name() {
    let v = load("findings").validator();
    let body: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let sum = body.iter().map(|&b| u32::from(b)).sum::<u32>();
    let findings = v.validate(BodyKind::CreateConnector, &body);
    let shown: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        shown,
        [
            format!("2:3: error: fixture.body: kind 6, 1048576 bytes, sum {sum}"),
            "warning: fixture.warning: a warning (at /0/path)".to_owned(),
            "info: fixture.info: some information".to_owned(),
        ]
    );
    assert!(findings
        .iter()
        .all(|f| f.validator.as_deref() == Some("fixture-findings")));
}

#[test]
fn plugin_errors_unsupported_kinds_and_bad_output_become_error_findings() {
    let findings = load("findings").validator();
    let message = only_error(&*findings, BodyKind::SourceConfig, b"fail", codes::FAILED);
    assert!(
        message.ends_with("could not check the source-config body: asked to fail"),
        "{message}"
    );

    let ok = load("ok").validator();
    let message = only_error(
        &*ok,
        BodyKind::Translations,
        b"a=b",
        codes::UNSUPPORTED_KIND,
    );
    assert!(
        message.contains("does not handle translations bodies"),
        "{message}"
    );

    bad_output(&*load("bad-output").validator());
}

#[test]
fn a_panic_is_a_finding_and_the_plugin_keeps_working() {
    let v = load("panic").validator();
    let message = only_error(&*v, BodyKind::JsonPatch, b"trigger", codes::PANICKED);
    assert!(message.contains("fixture panic on purpose"), "{message}");
    let again = v.validate(BodyKind::JsonPatch, b"[]");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].code, "fixture.alive");
}

#[test]
fn a_hang_times_out_and_a_wedged_plugin_is_not_called_again() {
    let plugin = load_with_timeout("hang", Some(Duration::from_millis(200)));
    let v = plugin.validator();
    for _ in 0..4 {
        let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::TIMEOUT);
        assert!(message.contains("did not answer within 200ms"), "{message}");
    }
    let message = only_error(&*v, BodyKind::SourceConfig, b"<x/>", codes::UNAVAILABLE);
    assert!(
        message.contains("4 earlier calls are still running"),
        "{message}"
    );
}

/// The `thread` fixture's answer: its id for the calling thread and that thread's call
/// count, e.g. `ThreadId(3), call 2`.
fn calling_thread(v: &dyn Validator, body: &[u8]) -> (String, u64) {
    let findings = v.validate(BodyKind::SourceConfig, body);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "fixture.thread", "{findings:?}");
    let (id, calls) = findings[0]
        .message
        .split_once(", call ")
        .unwrap_or_else(|| panic!("{findings:?}"));
    (id.to_owned(), calls.parse().unwrap())
}

#[test]
fn with_a_timeout_calls_reuse_one_call_thread() {
    let v = load("thread").validator();
    let (first, calls) = calling_thread(&*v, b"<a/>");
    assert_eq!(calls, 1);
    for n in 2..=5 {
        assert_eq!(calling_thread(&*v, b"<a/>"), (first.clone(), n));
    }
    let (caller, _) = {
        let plugin = load_with_timeout("thread", None);
        calling_thread(&*plugin.validator(), b"<a/>")
    };
    assert_ne!(first, caller, "the call thread is not the caller's");
}

#[test]
fn a_timed_out_call_abandons_its_thread_and_the_next_call_gets_a_fresh_one() {
    let plugin = load_with_timeout("thread", Some(Duration::from_millis(200)));
    let v = plugin.validator();
    let (stuck, _) = calling_thread(&*v, b"<a/>");
    let message = only_error(&*v, BodyKind::SourceConfig, b"trigger", codes::TIMEOUT);
    assert!(message.contains("did not answer within 200ms"), "{message}");
    let (fresh, calls) = calling_thread(&*v, b"<a/>");
    assert_ne!(fresh, stuck);
    assert_eq!(calls, 1);
    assert_eq!(calling_thread(&*v, b"<a/>"), (fresh, 2));
}

#[test]
fn calls_at_the_same_time_each_get_a_call_thread_and_all_are_answered() {
    let v = load("thread").validator();
    let answers: Vec<(String, u64)> = std::thread::scope(|s| {
        let callers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..25)
                        .map(|_| calling_thread(&*v, b"<a/>"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        callers
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect()
    });
    assert_eq!(answers.len(), 100);
    // Each call thread counts its own calls: together they made all 100, each once.
    let mut per_thread = std::collections::BTreeMap::<String, Vec<u64>>::new();
    for (id, calls) in answers {
        per_thread.entry(id).or_default().push(calls);
    }
    // A thread starts only when every other one is busy: never more than the callers.
    assert!(per_thread.len() <= 4, "{per_thread:?}");
    for calls in per_thread.values_mut() {
        calls.sort_unstable();
        assert_eq!(*calls, (1..=calls.len() as u64).collect::<Vec<_>>());
    }
}

#[test]
fn without_a_timeout_calls_run_on_the_callers_thread() {
    let plugin = load_with_timeout("findings", None);
    let findings = plugin.validator().validate(BodyKind::JsonPatch, b"[]");
    assert_eq!(findings[0].message, "kind 5, 2 bytes, sum 184");
}

fn load_error(path: &std::path::Path) -> (LoadError, String) {
    let err = Loader::in_process().load(path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert_eq!(err.path(), path);
    (err, message)
}

#[test]
fn bad_libraries_are_refused_before_any_call() {
    let (err, message) = load_error(&fixtures().plugin("wrong-abi"));
    assert!(
        matches!(
            err,
            LoadError::WrongAbiVersion {
                found: 2,
                expected: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(message.ends_with("plugin ABI version 2 is not supported (this host speaks version 1)"));

    let (err, message) = load_error(&fixtures().plugin("wrong-size"));
    let full = std::mem::size_of::<connkit_plugin_abi::ValidatorV1>();
    assert!(
        matches!(err, LoadError::WrongStructSize { found: 16, expected, .. } if expected == full),
        "{err:?}"
    );
    assert!(
        message.contains(&format!(
            "vtable is 16 bytes, smaller than the {full} bytes"
        )),
        "{message}"
    );

    let (err, message) = load_error(&fixtures().plugin("missing-symbol"));
    assert!(matches!(err, LoadError::MissingSymbol { .. }), "{err:?}");
    assert!(
        message.contains("does not export the symbol `connkit_validator_v1`"),
        "{message}"
    );

    let (err, message) = load_error(&fixtures().plugin("null-vtable"));
    assert!(matches!(err, LoadError::BadVtable { .. }), "{err:?}");
    assert!(
        message.ends_with("returned an unusable vtable: null pointer"),
        "{message}"
    );

    let (err, message) = load_error(&fixtures().plugin("null-entry"));
    assert!(
        matches!(&err, LoadError::NullEntry { entry, .. } if entry == "validate"),
        "{err:?}"
    );
    assert!(
        message.ends_with("the vtable's `validate` function pointer is null"),
        "{message}"
    );

    let (err, message) = load_error(&fixtures().plugin("bad-info"));
    assert!(matches!(err, LoadError::BadInfo { .. }), "{err:?}");
    assert!(
        message.ends_with("unusable plugin info: the plugin's name is empty"),
        "{message}"
    );

    let (err, message) = load_error(fixtures().not_a_library());
    assert!(matches!(err, LoadError::NotALibrary { .. }), "{err:?}");
    assert!(message.contains("not a loadable library"), "{message}");

    let missing = fixtures()
        .not_a_library()
        .with_file_name("no-such-plugin.so");
    let (err, _) = load_error(&missing);
    assert!(matches!(err, LoadError::NotALibrary { .. }), "{err:?}");
}

#[test]
fn a_directory_and_the_plugin_path_load_every_library_in_them() {
    let dir = std::env::temp_dir().join(format!("connkit-plugin-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for path in [
        fixtures().plugin("ok"),
        fixtures().plugin("findings"),
        fixtures().not_a_library().to_path_buf(),
    ] {
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let results = Loader::in_process().load_dir(&dir);
    let summary: Vec<Result<String, String>> = results
        .iter()
        .map(|r| {
            r.as_ref()
                .map(|p| p.info().name.clone())
                .map_err(|e| e.to_string())
        })
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert_eq!(summary[0], Ok("fixture-findings".to_owned()));
    assert_eq!(summary[1], Ok("fixture-ok".to_owned()));
    assert!(
        summary[2]
            .as_ref()
            .is_err_and(|e| e.contains("not_a_library")),
        "{summary:?}"
    );

    let validators: Vec<_> = results
        .into_iter()
        .flatten()
        .map(|p| p.validator())
        .collect();
    let findings = run_all(&validators, BodyKind::JsonPatch, b"[]");
    assert_eq!(findings.len(), 3);

    let list = std::env::join_paths([dir.clone(), fixtures().plugin("panic")]).unwrap();
    std::env::set_var(connkit_plugin_host::discover::PLUGIN_PATH_ENV, &list);
    let names: Vec<_> = Loader::in_process()
        .load_from_env()
        .into_iter()
        .map(|r| {
            r.map(|p| p.info().name.clone())
                .map_err(|e| e.path().to_path_buf())
        })
        .collect();
    std::env::remove_var(connkit_plugin_host::discover::PLUGIN_PATH_ENV);
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(names[3], Ok("fixture-panic".to_owned()));
    std::fs::remove_dir_all(&dir).unwrap();
}
