//! The release rehearsed against a real registry: `cargo-http-registry` serving on
//! loopback, the fixture workspace released into it with `--execute`, the release killed
//! between two crates and resumed, and a fresh project built from what was published.
//!
//! The release runs in a child process (this test binary again, running
//! [`release_child`]) so that it can be killed for real. Cargo in the children gets a
//! `CARGO_HOME` of its own whose configuration names the registry `local` and replaces
//! crates.io with it, so the published crates' dependencies on each other resolve there.
//! `cargo-http-registry` is found on `PATH`, or installed once into
//! `target/tools` with `cargo install --locked`.

use std::fs;
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::fixture::Fixture;
use super::{run, Options};
use crate::cmd;

/// The registry server's version, installed when it is not on `PATH`.
const SERVER_VERSION: &str = "0.1.8";
/// The registry's name in the children's cargo configuration.
const REGISTRY: &str = "local";
/// What the child reads: the fixture's root and the release target.
const ROOT_ENV: &str = "XTASK_ROUND_TRIP_ROOT";
const TARGET_ENV: &str = "XTASK_ROUND_TRIP_TARGET";
/// The crates the fixture releases, in publish order.
const RELEASED: [&str; 3] = ["fx-alpha", "fx-beta", "fx-gamma"];

/// A `cargo-http-registry` process, killed on drop.
struct Registry {
    server: Child,
    root: PathBuf,
}

impl Registry {
    /// Serves a new registry in `root` on an ephemeral loopback port.
    fn start(root: &Path) -> Self {
        let server = Command::new(server_binary())
            .arg(root)
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start cargo-http-registry");
        let registry = Self {
            server,
            root: root.to_path_buf(),
        };
        let started = Instant::now();
        while registry.api().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "cargo-http-registry did not start serving"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        registry
    }

    /// The API address from the registry's `config.json`, once it accepts connections.
    fn api(&self) -> Option<SocketAddr> {
        let config = fs::read_to_string(self.root.join("config.json")).ok()?;
        let config: serde_json::Value = serde_json::from_str(&config).ok()?;
        let addr: SocketAddr = config["api"]
            .as_str()?
            .strip_prefix("http://")?
            .parse()
            .ok()?;
        TcpStream::connect(addr).ok().map(|_| addr)
    }

    /// What was published, oldest first: the registry commits its index on every
    /// publish, as `Add <crate> in version <version>`.
    fn publications(&self) -> Vec<String> {
        let log = cmd::read(Command::new("git").arg("-C").arg(&self.root).args([
            "log",
            "--reverse",
            "--format=%s",
        ]))
        .expect("the registry's index history");
        log.lines()
            .filter_map(|line| line.strip_prefix("Add "))
            .filter(|added| added.contains(" in version "))
            .map(str::to_owned)
            .collect()
    }

    /// The versions of `name` in the index, in publish order.
    fn versions(&self, name: &str) -> Vec<String> {
        // The index layout for names of four or more characters: `ab/cd/abcd…`.
        let path = self.root.join(&name[..2]).join(&name[2..4]).join(name);
        let Ok(text) = fs::read_to_string(path) else {
            return Vec::new();
        };
        text.lines()
            .map(|line| {
                let entry: serde_json::Value = serde_json::from_str(line).expect("index line");
                entry["vers"].as_str().expect("a version").to_owned()
            })
            .collect()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// `cargo-http-registry` from `PATH`, else from `target/tools`, installed there first
/// when missing.
fn server_binary() -> PathBuf {
    const NAME: &str = "cargo-http-registry";
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(NAME))
        .find(|path| path.is_file());
    if let Some(path) = on_path {
        return path;
    }
    let root = crate::workspace_root().expect("workspace root");
    let tools = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
        .join("tools");
    let binary = tools.join("bin").join(NAME);
    if !binary.is_file() {
        cmd::run(
            cmd::cargo()
                .args(["install", "--locked", "--version", SERVER_VERSION, NAME])
                .arg("--root")
                .arg(&tools),
        )
        .expect("install cargo-http-registry");
    }
    binary
}

/// A `CARGO_HOME` whose configuration defines the `local` registry (index read from
/// its directory, publishing over its HTTP API) and replaces crates.io with it.
fn cargo_home(dir: &Path, registry: &Registry) -> PathBuf {
    let home = dir.join("cargo-home");
    fs::create_dir_all(&home).expect("create CARGO_HOME");
    let index = format!("file://{}", registry.root.display());
    fs::write(
        home.join("config.toml"),
        format!(
            "[registries.{REGISTRY}]\nindex = {index:?}\n\n\
             [source.crates-io]\nreplace-with = {REGISTRY:?}\n"
        ),
    )
    .expect("write the cargo configuration");
    home
}

/// The release of the fixture at `root` to `target`, in a child process of its own
/// process group (so that killing the group ends the `cargo publish` it runs too).
fn release(root: &Path, target: &str, home: &Path) -> Command {
    let mut child = Command::new(std::env::current_exe().expect("test binary"));
    child
        .args(["release::round_trip::release_child", "--exact", "--ignored"])
        .args(["--nocapture", "--test-threads", "1"])
        .env(ROOT_ENV, root)
        .env(TARGET_ENV, target)
        .env("CARGO_HOME", home)
        .env("CARGO_REGISTRIES_LOCAL_TOKEN", "rehearsal")
        // The fixture's configuration is offline; publishing needs the (local) network.
        .env("CARGO_NET_OFFLINE", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    child
}

/// Reads what a finished child printed, failing with it unless `success` matches.
fn finished(output: Output, success: bool) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.success(), success, "{text}");
    text
}

#[test]
fn a_release_publishes_in_order_survives_a_kill_and_builds_a_fresh_project() {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let registry = Registry::start(&scratch.path().join("registry"));
    let home = cargo_home(scratch.path(), &registry);
    let fx = Fixture::new();
    fx.commit_all();
    let root = fx.root();

    // Kill the release (the whole process group) as soon as its first crate is in.
    let mut first = release(&root, "minor", &home)
        .spawn()
        .expect("start the release");
    let started = Instant::now();
    while registry.versions(RELEASED[0]).is_empty() {
        if let Some(status) = first.try_wait().expect("poll the release") {
            let mut err = String::new();
            let _ = first
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut err);
            panic!("the release ended before publishing anything ({status}): {err}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "nothing published"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", first.id())])
        .status()
        .expect("run kill");
    assert!(killed.success());
    finished(
        first.wait_with_output().expect("wait for the release"),
        false,
    );
    assert_eq!(registry.versions("fx-alpha"), ["0.2.0"]);
    assert!(registry.versions("fx-gamma").is_empty(), "killed too late");

    // Resumed with the explicit version: nothing is published twice, the rest is.
    let resumed = release(&root, "0.2.0", &home).output().expect("resume");
    let resumed = finished(resumed, true);
    assert!(resumed.contains("Resuming"), "{resumed}");
    // Its own 0.2.0 tags are no baseline: nothing was released before it.
    assert!(resumed.contains("semver-checks: skipped"), "{resumed}");
    assert!(
        resumed.contains("fx-alpha@0.2.0 is already on local, skipped"),
        "{resumed}"
    );
    for name in RELEASED {
        assert_eq!(registry.versions(name), ["0.2.0"], "{name}");
    }
    // Each crate once, in dependency order, across the kill and the resume.
    let expected: Vec<String> = RELEASED
        .iter()
        .map(|name| format!("{name} in version 0.2.0"))
        .collect();
    assert_eq!(registry.publications(), expected);
    assert!(registry.versions("fx-tool").is_empty(), "publish = false");

    // A fresh project outside the workspace builds from the published crates.
    let fresh = scratch.path().join("fresh");
    fs::create_dir_all(fresh.join("src")).expect("create the fresh project");
    let deps: String = RELEASED
        .iter()
        .map(|n| format!("{n} = \"0.2.0\"\n"))
        .collect();
    fs::write(
        fresh.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fresh\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{deps}"
        ),
    )
    .expect("write the fresh manifest");
    fs::write(fresh.join("src/main.rs"), "fn main() {}\n").expect("write main.rs");
    cmd::run(
        cmd::cargo()
            .args(["build", "--quiet"])
            .current_dir(&fresh)
            .env("CARGO_HOME", &home)
            .env("CARGO_TARGET_DIR", scratch.path().join("fresh-target")),
    )
    .expect("build the fresh project");
    // The lock names crates.io, which `local` replaces; the downloads came from it.
    let lock = fs::read_to_string(fresh.join("Cargo.lock")).expect("Cargo.lock");
    let cache: Vec<PathBuf> = fs::read_dir(home.join("registry/cache"))
        .expect("the children's download cache")
        .map(|dir| dir.expect("cache entry").path())
        .collect();
    assert_eq!(cache.len(), 1, "one registry: {cache:?}");
    for name in RELEASED {
        let entry = format!("name = \"{name}\"\nversion = \"0.2.0\"\nsource = \"registry+");
        assert!(
            lock.contains(&entry),
            "{name} is not a registry 0.2.0:\n{lock}"
        );
        let download = cache[0].join(format!("{name}-0.2.0.crate"));
        assert!(
            download.is_file(),
            "{} was not downloaded",
            download.display()
        );
    }
}

/// The release itself, run by the test above in a child process; not a test of its own.
#[test]
#[ignore = "run by a_release_publishes_in_order_survives_a_kill_and_builds_a_fresh_project"]
fn release_child() {
    let root = std::env::var_os(ROOT_ENV).expect("set by the round-trip test");
    let target = std::env::var(TARGET_ENV).expect("set by the round-trip test");
    let options = Options {
        target: target.parse().expect("a release target"),
        execute: true,
        skip_checks: true,
        allow_dirty: false,
        registry: REGISTRY.to_owned(),
    };
    run(Path::new(&root), &options).expect("the release");
}
