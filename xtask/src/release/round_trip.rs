//! The release rehearsed against a real registry: `cargo-http-registry` serving on
//! loopback, the fixture workspace released into it with `--execute`, the release killed
//! between two crates and resumed, and a fresh project built from what was published.
//!
//! The release runs in a child process ([`local_registry::release`]) so that it can be
//! killed for real. Cargo in the children gets a `CARGO_HOME` of its own whose
//! configuration names the registry `local` and replaces crates.io with it, so the
//! fixture's dependencies on each other (crates.io ones, as written) resolve there. The
//! fixture has no other dependency; connkit's own crates, which do, are released by
//! [`super::own_crates`].

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::fixture::Fixture;
use super::local_registry::{self, finished, Registry, REGISTRY};
use crate::cmd;

/// The crates the fixture releases, in publish order.
const RELEASED: [&str; 3] = ["fx-alpha", "fx-beta", "fx-gamma"];

/// A `CARGO_HOME` whose configuration defines the `local` registry (index read from
/// its directory, publishing over its HTTP API) and replaces crates.io with it.
fn cargo_home(dir: &Path, registry: &Registry) -> PathBuf {
    let home = dir.join("cargo-home");
    fs::create_dir_all(&home).expect("create CARGO_HOME");
    let index = registry.index_url();
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

/// The release of the fixture at `root` to `target`, its cargo configured by `home`.
fn release(root: &Path, target: &str, home: &Path) -> Command {
    let mut child = local_registry::release(root, target);
    child
        .env("CARGO_HOME", home)
        // The fixture's configuration is offline; publishing needs the (local) network.
        .env("CARGO_NET_OFFLINE", "false");
    child
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
    // The fixture's dependencies name no registry: right here, as crates.io is `local`.
    assert!(
        resumed.contains("fx-gamma -> fx-beta") && resumed.contains("look for them on crates.io"),
        "{resumed}"
    );
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
