//! A plugin that fails is not a rejection: plugins run isolated by default, so a crash
//! or a hang becomes a finding naming the plugin, and the exit code is 9, not 3.
//! `plugins check` calls `validate`, and the table output names each finding's plugin.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::plugins::{fixture_plugin, hostile_plugin, source_rules, NO_CONNECTOR_NAME};
use crate::support::{Env, Run, Served};

/// `connkit --plugin PLUGIN OPTIONS… validate --kind source-config` of a body on which
/// the misbehaving fixtures misbehave.
fn validate_trigger(env: &Env, plugin: &Path, options: &[&str]) -> (Run, String) {
    let body = env.file("body.xml", "trigger");
    let mut args = vec!["--plugin", plugin.to_str().unwrap()];
    args.extend_from_slice(options);
    args.extend([
        "validate",
        "--kind",
        "source-config",
        body.to_str().unwrap(),
    ]);
    (env.run(args), body.display().to_string())
}

#[test]
fn a_crashing_plugin_prints_a_finding_and_exits_9() {
    let env = Env::new();
    let (run, body) = validate_trigger(&env, &fixture_plugin("segfault"), &["-o", "table"]);
    let run = run.code(9);
    let line = run.stdout.lines().find(|l| l.contains("plugin.crashed"));
    let line = line.unwrap_or_else(|| panic!("no crash finding in {}", run.stdout));
    assert!(
        line.starts_with(&format!(
            "{body}: error: plugin.crashed: plugin `fixture-segfault` crashed"
        )) && line.ends_with(" [fixture-segfault]"),
        "{line}"
    );
    assert!(run.stderr.contains("could not judge it"), "{}", run.stderr);
}

#[test]
fn plugin_timeout_bounds_each_call() {
    let env = Env::new();
    let started = std::time::Instant::now();
    let options = ["--plugin-timeout", "300ms", "-o", "json"];
    let (run, _) = validate_trigger(&env, &fixture_plugin("hang"), &options);
    let run = run.code(9);
    // Far below the 10 s default: the flag took effect (not a speed measurement).
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    let findings = run.json();
    let timeout = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "plugin.timeout")
        .unwrap_or_else(|| panic!("no timeout finding in {findings}"));
    assert!(
        timeout["message"].as_str().unwrap().contains("300ms"),
        "{timeout}"
    );
    env.run(["--plugin-timeout", "0s", "plugins", "list"])
        .code(2);
}

#[test]
fn plugins_check_calls_validate() {
    let env = Env::new();
    let plugin = source_rules().to_str().unwrap();
    let sample = env.file("sample.xml", NO_CONNECTOR_NAME);
    let sample = sample.to_str().unwrap();

    // no sample: a minimal valid body of each declared kind, so a plugin that parses
    // what it checks (fixture `ok` refuses a JSON Patch that is no array) passes
    let ok = fixture_plugin("ok");
    let checked = env
        .run(["plugins", "check", ok.to_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(
        checked["validated"].as_array().map(Vec::len),
        Some(2),
        "{checked}"
    );

    // no sample: a minimal body of each declared kind, answered without a failure
    let report = env
        .run(["plugins", "check", plugin, "-o", "json"])
        .ok()
        .json();
    assert_eq!(report["name"], "source-rules");
    let kinds: Vec<&str> = report["validated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["source-config", "json-patch"]);

    // a sample: the plugin's own findings are its answer (exit 0), named in the table
    let check_sample = |options: &[&str]| {
        let mut args = vec!["plugins", "check", plugin, "--sample", sample];
        args.extend_from_slice(options);
        env.run(args)
    };
    let table = check_sample(&["--kind", "source-config", "-o", "table"]).ok();
    let finding = table
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{sample}:1:1: error: source-rules.")))
        .unwrap_or_else(|| panic!("no finding line in {}", table.stdout));
    assert!(finding.ends_with(" [source-rules]"), "{finding}");

    // the kind is needed when the plugin declares several, and must be one of them
    let without_kind = check_sample(&[]).code(2);
    assert!(
        without_kind.stderr.contains("pass --kind"),
        "{}",
        without_kind.stderr
    );
    check_sample(&["--kind", "translations"]).code(2);

    // a plugin that crashes on the sample fails the check with exit 9
    let segfault = fixture_plugin("segfault");
    let trigger = env.file("trigger.xml", "trigger");
    let crashed = env
        .run([
            "plugins",
            "check",
            segfault.to_str().unwrap(),
            "--sample",
            trigger.to_str().unwrap(),
            "--kind",
            "source-config",
            "-o",
            "json",
        ])
        .code(9);
    assert_eq!(
        crashed.json()["validated"][0]["findings"][0]["code"],
        "plugin.crashed"
    );
}

/// With `--in-process-plugins` a crash still ends connkit (nothing can catch it), but
/// no longer silently: one line names the plugin and the way out, and the process dies
/// of the plugin's signal as before.
#[test]
fn an_in_process_crash_names_the_plugin_before_the_process_dies() {
    use std::os::unix::process::ExitStatusExt as _;

    let env = Env::new();
    for (fixture, signal) in [
        ("segfault", libc_signal::SEGV),
        ("abort", libc_signal::ABRT),
    ] {
        let body = env.file("body.xml", "trigger");
        let plugin = fixture_plugin(fixture);
        let output = env
            .cmd([
                "--in-process-plugins",
                "--plugin",
                plugin.to_str().unwrap(),
                "validate",
                "--kind",
                "source-config",
                body.to_str().unwrap(),
            ])
            .output()
            .expect("run connkit");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.signal(), Some(signal), "{fixture}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "the in-process plugin `fixture-{fixture}` crashed the process"
            )) && stderr.contains("without --in-process-plugins"),
            "{fixture}: {stderr}"
        );
    }
}

/// The signal numbers the fixtures die of (Linux).
mod libc_signal {
    pub const ABRT: i32 = 6;
    pub const SEGV: i32 = 11;
}

/// connkit is not dumpable and its isolated workers are confined: a plugin that reads
/// `/proc/<its parent>/environ` and `cmdline` finds neither the secret in connkit's
/// environment nor the one on its command line, and says so in its finding.
#[test]
fn an_isolated_plugin_cannot_read_connkits_secrets() {
    let env = Env::new();
    let plugin = hostile_plugin("secrets");
    let (in_env, on_cmdline) = ("S3CRET-IN-THE-ENVIRONMENT", "S3CRET-ON-THE-COMMAND-LINE");
    let output = env
        .cmd(["--client-id", "id", "--client-secret", on_cmdline])
        .args(["plugins", "check", plugin.to_str().unwrap(), "-o", "json"])
        .env("SAIL_CLIENT_SECRET", in_env)
        .output()
        .expect("run connkit");
    let run = Run::from(output).ok();
    for secret in [in_env, on_cmdline, "SAIL_CLIENT_SECRET", "--client-secret"] {
        assert!(
            !run.stdout.contains(secret),
            "{secret} leaked: {}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(secret),
            "{secret} leaked: {}",
            run.stderr
        );
    }
    let report = run.json();
    let message = report["validated"][0]["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("cannot open /proc/"), "{report}");
    let confinement = report["confinement"].as_str().unwrap_or_default();
    assert!(confinement.contains("seccomp"), "{report}");
    assert!(confinement.contains("own process group"), "{report}");
}

/// `-v` says which confinement applies to each plugin pre-flight loads.
#[test]
fn verbose_names_the_confinement_in_force() {
    let env = Env::new();
    let plugin = hostile_plugin("secrets");
    let (run, _) = validate_trigger(&env, &plugin, &["-v"]);
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("plugin `hostile-secrets`: confinement: "))
        .unwrap_or_else(|| panic!("no confinement line in {}", run.stderr));
    assert!(line.contains("rlimits (address space 1 GiB"), "{line}");
}

/// A plugin that answers "ok" with a null pointer and a length of 2^40 is not "no
/// findings": it is `plugin.bad-output` (exit 9), and nothing is uploaded, isolated or
/// in-process.
#[test]
fn a_malformed_answer_refuses_the_upload() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2"]);
    let plugin = hostile_plugin("malformed");
    let file = env.file("source-config.xml", "null-length");
    let before = served.stats()["total"].clone();
    for mode in [&[][..], &["--in-process-plugins"][..]] {
        let mut args = vec!["--base-url", served.base_url.as_str()];
        args.extend(["--plugin", plugin.to_str().unwrap()]);
        args.extend_from_slice(mode);
        args.extend(["connectors", "source-config", "put", "active-directory"]);
        args.push(file.to_str().unwrap());
        let refused = env.run(args).code(9);
        assert!(
            refused.stderr.contains("plugin.bad-output"),
            "{}",
            refused.stderr
        );
        assert!(
            refused
                .stderr
                .contains("a null pointer with a length of 1099511627776"),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(served.stats()["total"], before);
}

/// connkit is not dumpable: another unprivileged process of the same user cannot read
/// its environment through `/proc` (run as `nobody` when the tests run as root, who
/// could read anything).
#[cfg(target_os = "linux")]
#[test]
fn connkit_hides_its_environment_from_its_own_user() {
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:\t0\t"));
    let as_test_user = |program: &Path| {
        let mut command = Command::new(program);
        if root {
            command = Command::new("setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            command.arg(program);
        }
        command.current_dir("/");
        command
    };
    // `nobody` may not reach the build's directory: a world-readable copy of connkit.
    let copy = std::env::temp_dir().join(format!("connkit-nobody-{}", std::process::id()));
    std::fs::create_dir_all(&copy).unwrap();
    let connkit_copy = copy.join("connkit");
    std::fs::copy(crate::support::BIN, &connkit_copy).unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        let open = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(&copy, open.clone()).unwrap();
        std::fs::set_permissions(&connkit_copy, open).unwrap();
    }
    // `validate … -` waits for its stdin: alive until we close it.
    let mut connkit = as_test_user(&connkit_copy)
        .args(["validate", "--kind", "json-patch", "-"])
        .env("SAIL_CLIENT_SECRET", "S3CRET-IN-THE-ENVIRONMENT")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start connkit");
    // Give it time to reach `main` (before that, the kernel still allows the read).
    let environ = format!("/proc/{}/environ", connkit.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    let read = loop {
        std::thread::sleep(Duration::from_millis(200));
        let read = as_test_user(Path::new("cat"))
            .arg(&environ)
            .output()
            .expect("run cat");
        if !read.status.success() || Instant::now() > deadline {
            break read;
        }
    };
    drop(connkit.stdin.take());
    let _ = connkit.wait();
    let _ = std::fs::remove_dir_all(&copy);
    let stdout = String::from_utf8_lossy(&read.stdout);
    assert!(!stdout.contains("S3CRET"), "{stdout}");
    let stderr = String::from_utf8_lossy(&read.stderr);
    assert!(stderr.contains("Permission denied"), "{stderr}");
}
