//! Builds the fixture plugins and the Rust example plugin with cargo, and the C example
//! plugin with its own `make`, once per test run, into
//! `target/plugin-fixtures` so later runs are incremental.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the built libraries are.
pub struct Fixtures {
    debug_dir: PathBuf,
    not_a_library: PathBuf,
}

impl Fixtures {
    /// The fixture plugin from `tests/fixtures/<name>`.
    pub fn plugin(&self, name: &str) -> PathBuf {
        self.library(&format!("fixture_{}", name.replace('-', "_")))
    }

    /// The example plugin `examples/plugins/source-rules`.
    pub fn source_rules(&self) -> PathBuf {
        self.library("connkit_plugin_source_rules")
    }

    /// The C example `examples/plugins/c-minimal`, built by its Makefile against the
    /// generated header.
    pub fn c_minimal(&self) -> PathBuf {
        self.library("c-minimal/connkit_c_minimal")
    }

    /// The hostile C plugin `tests/fixtures/hostile/<name>.c`, built with the system C
    /// compiler.
    pub fn hostile(&self, name: &str) -> PathBuf {
        self.library(&format!("hostile/hostile_{name}"))
    }

    /// A text file named like a library.
    pub fn not_a_library(&self) -> &Path {
        &self.not_a_library
    }

    /// `<dir/>lib<name>.so` (or the platform's equivalent) under the debug directory.
    fn library(&self, name: &str) -> PathBuf {
        let (dir, name) = name.rsplit_once('/').unwrap_or(("", name));
        let path = self
            .debug_dir
            .join(dir)
            .join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}"));
        assert!(path.is_file(), "{} was not built", path.display());
        path
    }
}

/// The fixtures, built on first use.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(build)
}

/// The connkit repository's root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The target directory the plugins are built into.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
        .join("plugin-fixtures")
}

fn build() -> Fixtures {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = workspace_root();
    let target_dir = target_dir();
    // A target dir of our own: the outer `cargo test` may hold the lock on the main one.
    cargo(&[
        "--manifest-path",
        &manifest_dir
            .join("tests/fixtures/Cargo.toml")
            .to_string_lossy(),
        "--workspace",
        "--target-dir",
        &target_dir.to_string_lossy(),
    ]);
    cargo(&[
        "--manifest-path",
        &root.join("Cargo.toml").to_string_lossy(),
        "-p",
        "connkit-plugin-source-rules",
        "--target-dir",
        &target_dir.to_string_lossy(),
    ]);
    let debug_dir = target_dir.join("debug");
    make(
        &root.join("examples/plugins/c-minimal"),
        &debug_dir.join("c-minimal"),
    );
    compile_hostile(
        &manifest_dir.join("tests/fixtures/hostile"),
        &root.join("crates/plugin-abi/include"),
        &debug_dir.join("hostile"),
    );
    let not_a_library = debug_dir.join(format!("{DLL_PREFIX}not_a_library{DLL_SUFFIX}"));
    std::fs::write(
        &not_a_library,
        "this is a text file, not a shared library\n",
    )
    .expect("write the not-a-library fixture");
    Fixtures {
        debug_dir,
        not_a_library,
    }
}

/// Runs the Makefile in `dir` with its output directory set to `out`, as a C plugin
/// author would (`CC` from the environment, else make's `cc`).
fn make(dir: &Path, out: &Path) {
    let status = Command::new("make")
        .arg("--quiet")
        .arg("-C")
        .arg(dir)
        .arg(format!("OUT={}", out.display()))
        .status()
        .expect("run make");
    assert!(
        status.success(),
        "make in {} failed: {status}",
        dir.display()
    );
}

/// Compiles every `*.c` in `dir` into `out/libhostile_<stem>.so` with `$CC` (else `cc`),
/// as warning-free C11.
fn compile_hostile(dir: &Path, include: &Path, out: &Path) {
    std::fs::create_dir_all(out).expect("create the hostile plugins' directory");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let sources = std::fs::read_dir(dir).expect("list the hostile plugins");
    for source in sources.map(|entry| entry.expect("read the hostile plugins").path()) {
        if source.extension().is_none_or(|ext| ext != "c") {
            continue;
        }
        let stem = source.file_stem().expect("a file name").to_string_lossy();
        let library = out.join(format!("{DLL_PREFIX}hostile_{stem}{DLL_SUFFIX}"));
        let status = Command::new(&cc)
            .args([
                "-O1", "-Wall", "-Wextra", "-Werror", "-std=c11", "-fPIC", "-shared",
            ])
            .arg("-I")
            .arg(include)
            .arg("-o")
            .arg(&library)
            .arg(&source)
            .status()
            .expect("run the C compiler");
        assert!(
            status.success(),
            "compiling {} failed: {status}",
            source.display()
        );
    }
}

/// `cargo build --quiet ARGS`, which must succeed.
pub fn cargo(args: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .arg("build")
        .arg("--quiet")
        .args(args)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build {args:?} failed: {status}");
}
