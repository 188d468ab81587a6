//! Hostile C plugins (`tests/fixtures/hostile/*.c`, built by the tests with the C
//! compiler), run isolated as by default: each attack is denied, or contained and
//! reported as a finding; nothing leaks, and the host carries on. The output caps and
//! fail-closed answers are checked in-process too.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use connkit_models::preflight::{BodyKind, Severity, Validator};
use connkit_plugin_host::{codes, Loader, Plugin, WorkerCommand, MAX_FINDINGS};

use crate::checks::only_error;
use crate::fixtures::fixtures;
use crate::isolated::loader;

fn isolated(name: &str) -> Plugin {
    loader()
        .load(&fixtures().hostile(name))
        .unwrap_or_else(|e| panic!("load hostile {name}: {e}"))
}

/// The plugin isolated, then in-process.
fn both_modes(name: &str) -> [Plugin; 2] {
    let in_process = Loader::in_process()
        .load(&fixtures().hostile(name))
        .unwrap_or_else(|e| panic!("load hostile {name}: {e}"));
    [isolated(name), in_process]
}

/// What the attack achieved, as the plugin reported it in its one finding.
fn report(plugin: &Plugin, body: &[u8]) -> String {
    let findings = plugin.validator().validate(BodyKind::SourceConfig, body);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "hostile.report", "{findings:?}");
    findings[0].message.clone()
}

/// A path in the temporary directory that no other test (or run) uses.
fn scratch_path(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "connkit-{what}-{}-{:?}",
        std::process::id(),
        Instant::now()
    ))
}

#[test]
fn the_worker_says_which_confinement_is_in_force() {
    let confinement = isolated("secrets").confinement().to_owned();
    for layer in [
        "rlimits (address space 1 GiB, cpu 300 s, file size 0, open files 64)",
        "no capabilities",
        "no_new_privs",
        "seccomp",
        "own process group",
    ] {
        assert!(confinement.contains(layer), "{layer}: {confinement}");
    }
    // Landlock where the kernel has it, and a reason where it does not.
    assert!(
        confinement.contains("landlock abi ") || confinement.contains("no landlock ("),
        "{confinement}"
    );
    let in_process = Loader::in_process()
        .load(&fixtures().hostile("secrets"))
        .unwrap();
    assert!(in_process.confinement().starts_with("none"));
}

#[test]
fn a_plugin_cannot_read_the_hosts_environment_or_command_line() {
    // Cargo runs this test with CARGO_* in its environment and the test binary's path
    // on its command line: the host's secrets, as far as the plugin can tell.
    assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    let message = report(&isolated("secrets"), b"");
    assert!(!message.contains("CARGO_"), "{message}");
    let binary = std::env::current_exe().unwrap();
    let binary = binary.file_name().unwrap().to_string_lossy();
    assert!(!message.contains(&*binary), "{message}");
    assert!(message.contains("cannot open /proc/"), "{message}");
    assert!(message.contains("/environ: Permission denied"), "{message}");
    assert!(message.contains("/cmdline: Permission denied"), "{message}");
}

#[test]
fn a_plugin_is_confined_while_it_loads() {
    // The initialiser reads this file (TMPDIR or /tmp, as the worker inherits TMPDIR).
    let loot = std::env::temp_dir().join("connkit-hostile-load-time");
    std::fs::write(&loot, "S3CRET-READ-AT-LOAD").unwrap();
    let message = report(&isolated("load_time"), b"");
    let _ = std::fs::remove_file(&loot);
    assert_eq!(message, "read at load: fopen: Permission denied");
}

#[test]
fn a_plugin_cannot_open_a_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let message = report(&isolated("socket"), port.as_bytes());
    assert_eq!(message, "socket: Operation not permitted");
    // Nothing arrived, not even a connection.
    std::thread::sleep(Duration::from_millis(100));
    let accepted = listener.accept().map(|_| ()).map_err(|e| e.kind());
    assert_eq!(accepted, Err(ErrorKind::WouldBlock));
}

#[test]
fn a_plugin_cannot_write_a_file() {
    let target = scratch_path("hostile-write");
    let message = report(&isolated("write_file"), target.to_string_lossy().as_bytes());
    assert_eq!(message, "open: Permission denied");
    assert!(!target.exists(), "{} was written", target.display());
}

#[test]
fn a_plugin_cannot_start_a_process() {
    let message = report(&isolated("fork"), b"");
    assert_eq!(
        message,
        "fork: Operation not permitted; execv: Operation not permitted"
    );
}

#[test]
fn a_plugin_cannot_take_two_gib_of_memory() {
    let plugin = isolated("alloc");
    let message = report(&plugin, b"");
    assert_eq!(message, "malloc of 2 GiB: Cannot allocate memory");
    // The worker (and the host) carry on.
    assert_eq!(report(&plugin, b""), message);
}

/// A worker that starts a grandchild, then hangs before its handshake: when the host
/// gives up and kills it, the grandchild dies too (it is in the worker's group).
#[cfg(unix)]
#[test]
fn a_killed_worker_takes_what_it_started_with_it() {
    let pid_file = scratch_path("grandchild");
    let mut shell = Command::new("sh");
    shell.args([
        "-c",
        &format!("sleep 60 & echo $! > '{}'; sleep 60", pid_file.display()),
        "sh",
    ]);
    let error = Loader::isolated(WorkerCommand::from(shell))
        .with_timeout(Some(Duration::from_secs(1)))
        .load(&PathBuf::from("unused.so"))
        .unwrap_err();
    assert!(error.to_string().contains("no handshake"), "{error}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let _ = std::fs::remove_file(&pid_file);
    let stat = PathBuf::from(format!("/proc/{}/stat", pid.trim()));
    let deadline = Instant::now() + Duration::from_secs(5);
    // Gone, or a zombie waiting for init to reap it.
    let alive = || {
        std::fs::read_to_string(&stat).is_ok_and(|s| {
            s.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
    };
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !alive(),
        "the grandchild {} outlived its worker",
        pid.trim()
    );
}

#[test]
fn a_result_over_one_mib_is_refused_without_being_read() {
    for plugin in both_modes("huge") {
        let v = plugin.validator();
        let message = only_error(&*v, BodyKind::SourceConfig, b"bytes", codes::BAD_OUTPUT);
        assert!(message.contains("more than the 1048576"), "{message}");
        // 2^40 bytes claimed over a 16-byte buffer: reading it would crash the host.
        let message = only_error(
            &*v,
            BodyKind::SourceConfig,
            b"over-cap-length",
            codes::BAD_OUTPUT,
        );
        assert!(message.contains("1099511627776 bytes"), "{message}");
    }
}

#[test]
fn more_than_ten_thousand_findings_are_cut_with_one_error_for_the_rest() {
    for plugin in both_modes("huge") {
        let findings = plugin
            .validator()
            .validate(BodyKind::SourceConfig, b"count");
        assert_eq!(findings.len(), MAX_FINDINGS + 1);
        assert!(findings[..MAX_FINDINGS]
            .iter()
            .all(|f| f.code == "hostile.many"));
        let last = &findings[MAX_FINDINGS];
        assert_eq!(
            (last.severity, last.code.as_str()),
            (Severity::Error, codes::OUTPUT_TRUNCATED)
        );
        assert!(
            last.message.starts_with("2000 more findings were dropped"),
            "{last}"
        );
        assert!(codes::is_plugin_failure(&last.code));
    }
}

#[test]
fn a_malformed_answer_fails_closed() {
    for plugin in both_modes("malformed") {
        let v = plugin.validator();
        let message = only_error(
            &*v,
            BodyKind::SourceConfig,
            b"null-length",
            codes::BAD_OUTPUT,
        );
        assert!(
            message.contains("a null pointer with a length of 1099511627776 bytes"),
            "{message}"
        );
        for body in [&b"bad-utf8"[..], b"object"] {
            only_error(&*v, BodyKind::SourceConfig, body, codes::BAD_OUTPUT);
        }
    }
}
