//! connkit's own crates released for real: every crate `cargo xtask release` plans,
//! published in order into `cargo-http-registry` on loopback, then a fresh project that
//! depends on two of them (connkit-connectors and connkit-sandbox) built and run.
//!
//! The release runs in a clone of `HEAD` (`git clone --no-tags`: the rehearsal's
//! release is the first in its registry, and this repository is never touched), without
//! `../shared` beside it: the library crates read nothing from it when they build (only
//! their tests do, and the release's checks are skipped here as after a passing CI).
//!
//! # How the crates' dependencies on each other reach the local registry
//!
//! Cargo publishes a `path` + `version` dependency as a dependency *from crates.io*
//! unless it names another registry, whatever `--registry` the crate itself goes to. The
//! fixture's rehearsal ([`super::round_trip`]) can replace crates.io wholesale with the
//! local registry; here the third-party dependencies must come from crates.io, so that
//! is out. `[patch]` only changes how this workspace resolves, not what is published, and
//! `CARGO_REGISTRIES_LOCAL_INDEX` only defines the registry. What a team publishing to
//! its own registry does is the one way: `registry = "local"` on each dependency on a
//! released crate (path and registry together: the path is used here, the registry in
//! the published manifest and index). So the clone's manifests get that key (a commit
//! of its own before the release), and the registry is defined for the children by
//! `CARGO_REGISTRIES_LOCAL_INDEX`/`_TOKEN` alone: their `CARGO_HOME` stays the user's,
//! with its crates.io cache (the local registry's few downloads are added to it).
//!
//! The release packages and verifies every crate as usual (`cargo package`, one build
//! each: `--no-verify` would leave the crates the fresh project does not use unbuilt),
//! in a new directory each time (see [`super::execute::verify`]), so it builds all
//! their dependencies: about 6 minutes on 2 busy cores, too slow for every
//! `cargo test --workspace`. The test is `#[ignore]`d and `.ci/run` runs it by name. The
//! fresh project builds in `target/release-rehearsal`, kept between runs; nothing here
//! builds with debug info (nothing debugs it).
//!
//! The kill and resume of a release are proven on the fixture ([`super::round_trip`]):
//! doing it here would only add a second release of the same crates.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use toml_edit::DocumentMut;

use super::bump::{dep_package, for_each_dep_table};
use super::local_registry::{self, finished, target_subdir, Registry, REGISTRY};
use super::plan::{self, Plan};
use crate::cmd;

/// How many connectors the fresh project's sandbox is seeded with and lists.
const SEEDED: usize = 3;

/// `HEAD` of this repository, cloned into `dest` without tags, with a committer set.
fn clone_head(dest: &Path) {
    let root = crate::workspace_root().expect("workspace root");
    cmd::read(
        Command::new("git")
            .args(["clone", "--quiet", "--no-tags"])
            .arg(&root)
            .arg(dest),
    )
    .expect("clone the repository");
    for (key, value) in [
        ("user.name", "rehearsal"),
        ("user.email", "rehearsal@x.invalid"),
    ] {
        git(dest, &["config", key, value]);
    }
}

fn git(repo: &Path, args: &[&str]) -> String {
    cmd::read(Command::new("git").arg("-C").arg(repo).args(args)).expect("git")
}

/// `text` with `registry = REGISTRY` on every dependency on one of `ours` that has a
/// path and a version (path-only ones are dev-dependencies, dropped on publish).
fn name_the_registry(text: &str, ours: &BTreeSet<String>) -> Result<String> {
    let mut doc: DocumentMut = text.parse().context("invalid TOML")?;
    for_each_dep_table(&mut doc, |deps, _| {
        for (key, item) in deps.iter_mut() {
            if !ours.contains(dep_package(&key, item)) {
                continue;
            }
            if let Some(dep) = item.as_table_like_mut() {
                if dep.contains_key("path") && dep.contains_key("version") {
                    dep.insert("registry", toml_edit::value(REGISTRY));
                }
            }
        }
        Ok(())
    })?;
    Ok(doc.to_string())
}

/// The release plan of the workspace at `root` for `target` (its crates, order and
/// version are what the rehearsal expects to see published).
fn release_plan(root: &Path, target: &str) -> Plan {
    let ws = super::metadata(root, None).expect("cargo metadata of the clone");
    let read = |path: &Path| {
        fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let target = target.parse().expect("a release target");
    plan::plan(&ws, &read, &target, "2026-12-01").expect("the release plan")
}

/// Points every manifest of the workspace at `root` that depends on a released crate at
/// the local registry, and commits that.
fn point_at_the_registry(root: &Path, released: &BTreeSet<String>) {
    let ws = super::metadata(root, None).expect("cargo metadata of the clone");
    let mut manifests: Vec<PathBuf> = ws.members.iter().map(|m| m.manifest_path.clone()).collect();
    manifests.push(root.join("Cargo.toml"));
    for manifest in manifests {
        let text = fs::read_to_string(&manifest).expect("read a manifest");
        let named = name_the_registry(&text, released)
            .with_context(|| manifest.display().to_string())
            .expect("rewrite a manifest");
        fs::write(&manifest, named).expect("write a manifest");
    }
    assert!(
        git(root, &["diff", "--name-only"]).contains("Cargo.toml"),
        "no manifest names a released crate with a path and a version"
    );
    git(
        root,
        &[
            "commit",
            "--quiet",
            "--all",
            "-m",
            "publish to the local registry",
        ],
    );
}

/// Cargo's environment in the children: the local registry and the kept target
/// directory.
fn with_registry<'a>(cargo: &'a mut Command, registry: &Registry) -> &'a mut Command {
    cargo
        .env(
            format!("CARGO_REGISTRIES_{}_INDEX", REGISTRY.to_uppercase()),
            registry.index_url(),
        )
        .env("CARGO_TARGET_DIR", target_subdir("release-rehearsal"))
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
}

/// A project outside any workspace that lists the connectors of an in-process sandbox,
/// with connkit's crates at `version` from the local registry and tokio from crates.io.
fn write_fresh_project(dir: &Path, version: &str) {
    fs::create_dir_all(dir.join("src")).expect("create the fresh project");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fresh\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             connkit-connectors = {{ version = \"={version}\", registry = \"{REGISTRY}\", \
             default-features = false }}\n\
             connkit-sandbox = {{ version = \"={version}\", registry = \"{REGISTRY}\" }}\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }}\n"
        ),
    )
    .expect("write the fresh manifest");
    fs::write(
        dir.join("src/main.rs"),
        format!(
            r#"#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let sandbox = connkit_sandbox::Sandbox::builder().seed({SEEDED}).build()?;
    let client = connkit_connectors::Client::from_transport(sandbox)?;
    for connector in client.list_connectors().await?.items {{
        println!("{{}}", connector.name.ok_or("a connector without a name")?);
    }}
    Ok(())
}}
"#
        ),
    )
    .expect("write main.rs");
}

/// The `source` of `name` in the lock file `lock`.
fn locked_source<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let entry = lock.split("[[package]]").find(|entry| {
        entry
            .lines()
            .any(|line| line == format!("name = \"{name}\""))
    })?;
    entry
        .lines()
        .find_map(|line| line.strip_prefix("source = \""))
        .map(|source| source.trim_end_matches('"'))
}

#[test]
#[ignore = "slow (builds every published crate); .ci/run runs it by name"]
fn rehearsal_of_connkit_crates_publishes_in_order_and_a_fresh_project_runs_on_them() {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let clone = scratch.path().join("connkit");
    clone_head(&clone);
    let plan = release_plan(&clone, "minor");
    let released: BTreeSet<String> = plan.crates.iter().map(|c| c.name.clone()).collect();
    for needed in ["connkit-models", "connkit-connectors", "connkit-sandbox"] {
        assert!(
            released.contains(needed),
            "{needed} is not released: {released:?}"
        );
    }
    point_at_the_registry(&clone, &released);

    let registry = Registry::start(&scratch.path().join("registry"));
    let mut release = local_registry::release(&clone, "minor");
    let output = with_registry(&mut release, &registry)
        .output()
        .expect("run the release");
    let output = finished(output, true);
    let version = plan.version.to_string();
    assert!(output.contains(&format!("Released {version}")), "{output}");
    assert!(!output.contains("look for them on crates.io"), "{output}");

    // Every planned crate once, in the planned order.
    let expected: Vec<String> = plan
        .crates
        .iter()
        .map(|c| format!("{} in version {version}", c.name))
        .collect();
    assert_eq!(registry.publications(), expected);
    // In the index, their dependencies on each other are on this registry (no
    // `registry`), every other one on crates.io.
    let mut third_party = 0;
    for name in &released {
        let entries = registry.entries(name);
        let deps = entries[0]["deps"].as_array().expect("deps");
        for dep in deps {
            let dep_name = dep["package"]
                .as_str()
                .or(dep["name"].as_str())
                .expect("name");
            let from = dep["registry"].as_str();
            if released.contains(dep_name) {
                assert_eq!(from, None, "{name} -> {dep_name}");
            } else {
                assert!(
                    from.is_some_and(|r| r.contains("crates.io")),
                    "{name} -> {dep}"
                );
                third_party += 1;
            }
        }
    }
    assert!(third_party > 0, "no third-party dependency at all?");

    // A fresh project builds from the published crates and runs.
    let fresh = scratch.path().join("fresh");
    write_fresh_project(&fresh, &version);
    let mut run = cmd::cargo();
    run.args(["run", "--quiet"]).current_dir(&fresh);
    let listed = cmd::read(with_registry(&mut run, &registry)).expect("run the fresh project");
    let names: BTreeSet<&str> = listed.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(names.len(), SEEDED, "{listed}");

    let lock = fs::read_to_string(fresh.join("Cargo.lock")).expect("Cargo.lock");
    let local = format!("registry+{}", registry.index_url());
    for name in ["connkit-connectors", "connkit-sandbox", "connkit-models"] {
        assert_eq!(locked_source(&lock, name), Some(local.as_str()), "{name}");
    }
    let tokio = locked_source(&lock, "tokio").expect("tokio is locked");
    assert!(tokio.contains("crates.io"), "{tokio}");
}
