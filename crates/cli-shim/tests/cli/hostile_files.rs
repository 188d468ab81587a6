//! Files that are not what they claim: a FIFO, a link to `/dev/zero`, in every place
//! connkit reads a user's file (a body to send, the profiles file, `./config.json`, a
//! CA bundle, a C1 configuration). Each is refused at once with an error naming the
//! file and what it is; none hangs or eats memory. Every run is under `timeout`, so a
//! regression fails instead of hanging the suite.

use std::path::Path;

use crate::support::{Env, Run, BIN};

/// `connkit ARGS…`, killed after 20 s.
fn run_bounded(env: &Env, args: &[&str]) -> Run {
    let output = env
        .program("timeout")
        .arg("20")
        .arg(BIN)
        .args(args)
        .output()
        .expect("run timeout");
    let run = Run::from(output);
    assert_ne!(run.code, 124, "connkit {args:?} hung:\n{}", run.stderr);
    run
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
}

#[test]
fn a_fifo_or_a_device_is_refused_wherever_a_file_is_read() {
    let env = Env::new();
    let fifo = env.path().join("body.fifo");
    mkfifo(&fifo);
    let zero = env.path().join("zero.xml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let (fifo, zero) = (fifo.to_str().unwrap(), zero.to_str().unwrap());

    for (args, what) in [
        (vec!["validate", "--kind", "source-config", fifo], "a FIFO"),
        (
            vec!["validate", "--kind", "source-config", zero],
            "a device",
        ),
        (
            vec!["--sandbox", "connectors", "update", "x", "--patch", fifo],
            "a FIFO",
        ),
        (
            vec![
                "--no-preflight",
                "--sandbox",
                "connectors",
                "source-config",
                "put",
                "x",
                zero,
            ],
            "a device",
        ),
        (
            vec![
                "--ca-cert",
                zero,
                "--base-url",
                "https://127.0.0.1:9",
                "connectors",
                "list",
            ],
            "a device",
        ),
    ] {
        let run = run_bounded(&env, &args);
        assert_ne!(run.code, 0, "{args:?}");
        assert!(run.stderr.contains(what), "{args:?}:\n{}", run.stderr);
    }
}

#[test]
fn a_profiles_file_or_config_json_that_is_not_a_file_is_named() {
    let env = Env::new();
    std::fs::create_dir_all(env.path().join("config")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", env.path().join("config/profiles.toml")).unwrap();
    let run = run_bounded(&env, &["--profile", "dev", "connectors", "list"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("profiles.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("a device"), "{}", run.stderr);

    let env = Env::new();
    mkfifo(&env.path().join("config.json"));
    let run = run_bounded(&env, &["connectors", "list"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("config.json"), "{}", run.stderr);
    assert!(run.stderr.contains("a FIFO"), "{}", run.stderr);
}
