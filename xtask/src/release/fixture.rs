//! A small workspace written to a temporary directory for the planner's tests:
//!
//! - `fx-alpha` (version from the workspace) dev-depends on `fx-beta`, which depends on
//!   `fx-alpha`: a cycle only through a path-only dev-dependency, which cargo strips on
//!   publish and the order must ignore;
//! - `fx-beta` (version from the workspace) depends on `fx-alpha` through
//!   `[workspace.dependencies]`;
//! - `fx-gamma` has its own literal version and a path dependency on `fx-beta` with a
//!   literal `version`;
//! - `fx-tool` is `publish = false` and depends on `fx-gamma` with `=0.1.0`.
//!
//! Its `.cargo/config.toml` sets `net.offline`: nothing cargo does in it can reach a
//! registry, and with only path dependencies nothing needs to.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::order::Workspace;
use super::plan::{self, Plan};
use crate::cmd;

const FILES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        r#"[workspace]
resolver = "2"
members = ["alpha", "beta", "gamma", "tool"]

[workspace.package]
version = "0.1.0"
edition = "2021"
license = "MIT"

[workspace.dependencies]
# our crates, released together
fx-alpha = { path = "alpha", version = "0.1.0" }
fx-beta = { path = "beta", version = "0.1.0" }
"#,
    ),
    (
        "alpha/Cargo.toml",
        r#"[package]
name = "fx-alpha"
description = "fixture"
version.workspace = true
edition.workspace = true
license.workspace = true

[dev-dependencies]
fx-beta = { path = "../beta" }
"#,
    ),
    (
        "beta/Cargo.toml",
        r#"[package]
name = "fx-beta"
description = "fixture"
version.workspace = true
edition.workspace = true
license.workspace = true

[dependencies]
fx-alpha.workspace = true
"#,
    ),
    (
        "gamma/Cargo.toml",
        r#"[package]
name = "fx-gamma"
description = "fixture"
version = "0.1.0"
edition = "2021"
license = "MIT"

[dependencies]
fx-beta = { path = "../beta", version = "0.1.0" }
"#,
    ),
    (
        "tool/Cargo.toml",
        r#"[package]
name = "fx-tool"
version.workspace = true
edition.workspace = true
publish = false

[dependencies]
fx-gamma = { path = "../gamma", version = "=0.1.0" }
"#,
    ),
    (
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n- everything\n",
    ),
    (".cargo/config.toml", "[net]\noffline = true\n"),
    (".gitignore", "/target\n"),
    ("alpha/src/lib.rs", "//! fixture\n"),
    ("beta/src/lib.rs", "//! fixture\n"),
    ("gamma/src/lib.rs", "//! fixture\n"),
    ("tool/src/lib.rs", "//! fixture\n"),
];

/// `fx-alpha`'s source as [`Fixture::release_alpha`] releases it: two public functions.
pub const ALPHA_RELEASED: &str = "//! fixture\n\npub fn kept() {}\n\npub fn removed() {}\n";

/// [`ALPHA_RELEASED`] without `removed`: a breaking change.
pub const ALPHA_BROKEN: &str = "//! fixture\n\npub fn kept() {}\n";

/// The fixture workspace; deleted on drop.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// Writes the workspace into a new temporary directory.
    pub fn new() -> Self {
        let fixture = Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        };
        for (path, contents) in FILES {
            fixture.write(Path::new(path), contents);
        }
        fixture
    }

    /// The workspace root, as cargo reports it.
    pub fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().expect("canonical root")
    }

    /// `cargo metadata --format-version 1 --no-deps --offline` of the workspace.
    pub fn metadata(&self) -> String {
        cmd::read(
            cmd::cargo()
                .args([
                    "metadata",
                    "--format-version",
                    "1",
                    "--no-deps",
                    "--offline",
                ])
                .arg("--manifest-path")
                .arg(self.root().join("Cargo.toml")),
        )
        .expect("cargo metadata of the fixture")
    }

    /// The release plan of the workspace for `target` (`minor`, `0.2.0`, …), dated
    /// 2026-11-22.
    pub fn plan(&self, target: &str) -> Result<Plan> {
        let ws = Workspace::from_metadata(&self.metadata())?;
        let read = |path: &Path| {
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        };
        plan::plan(&ws, &read, &target.parse()?, "2026-11-22")
    }

    /// The contents of the file at `path` (relative to the root).
    pub fn read(&self, path: impl AsRef<Path>) -> String {
        fs::read_to_string(self.root().join(path)).expect("fixture file")
    }

    /// Makes the workspace a git repository (again: harmless) with everything committed.
    pub fn commit_all(&self) {
        let root = self.root();
        for args in [
            &["init", "--quiet"][..],
            &["config", "user.name", "fixture"],
            &["config", "user.email", "fixture@example.invalid"],
            &["add", "."],
            &["commit", "--quiet", "-m", "fixture"],
        ] {
            cmd::read(Command::new("git").arg("-C").arg(&root).args(args)).expect("git");
        }
    }

    /// Commits `fx-alpha` as [`ALPHA_RELEASED`] and tags that `fx-alpha-v0.1.0`, as a
    /// release would: the baseline of the semver checks.
    pub fn release_alpha(&self) {
        self.write("alpha/src/lib.rs", ALPHA_RELEASED);
        self.commit_all();
        let tag = ["tag", "fx-alpha-v0.1.0"];
        cmd::read(Command::new("git").arg("-C").arg(self.root()).args(tag)).expect("git tag");
    }

    /// Writes the file at `path` (relative to the root), creating directories.
    pub fn write(&self, path: impl AsRef<Path>, contents: &str) {
        let path = self.dir.path().join(path);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        fs::write(path, contents).expect("write fixture file");
    }
}
