//! What the release rehearsals share: a real registry (`cargo-http-registry` serving on
//! loopback) and the release run in a child process.
//!
//! The release runs as this test binary again, running [`release_child`], so that a
//! rehearsal can kill it for real and each run sees only the environment it is given
//! (the registry's index and token, a `CARGO_HOME` or a target directory).
//! `cargo-http-registry` is found on `PATH`, or installed once into `target/tools` with
//! `cargo install --locked`.

use std::fs;
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{run, Options};
use crate::cmd;

/// The registry server's version, installed when it is not on `PATH`.
const SERVER_VERSION: &str = "0.1.8";
/// The registry's name in the children's cargo configuration.
pub const REGISTRY: &str = "local";
/// What the child reads: the workspace's root and the release target.
const ROOT_ENV: &str = "XTASK_ROUND_TRIP_ROOT";
const TARGET_ENV: &str = "XTASK_ROUND_TRIP_TARGET";

/// A `cargo-http-registry` process, killed on drop.
pub struct Registry {
    server: Child,
    root: PathBuf,
}

impl Registry {
    /// Serves a new registry in `root` on an ephemeral loopback port.
    pub fn start(root: &Path) -> Self {
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

    /// The URL of the registry's git index, as cargo's configuration names it.
    pub fn index_url(&self) -> String {
        format!("file://{}", self.root.display())
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
    pub fn publications(&self) -> Vec<String> {
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

    /// The index entries of `name` (one JSON object per published version), in publish
    /// order. Only whole lines count: the registry may be writing the last one while a
    /// test polls (a torn line is read again, whole, on the next poll).
    pub fn entries(&self, name: &str) -> Vec<serde_json::Value> {
        // The index layout for names of four or more characters: `ab/cd/abcd…`.
        let path = self.root.join(&name[..2]).join(&name[2..4]).join(name);
        let Ok(text) = fs::read_to_string(path) else {
            return Vec::new();
        };
        text.split_inclusive('\n')
            .filter_map(|line| line.strip_suffix('\n'))
            .map(|line| serde_json::from_str(line).expect("index line"))
            .collect()
    }

    /// The versions of `name` in the index, in publish order.
    pub fn versions(&self, name: &str) -> Vec<String> {
        self.entries(name)
            .iter()
            .map(|entry| entry["vers"].as_str().expect("a version").to_owned())
            .collect()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// `name` under this workspace's target directory: kept between runs, so what is built
/// or installed there once is reused.
pub fn target_subdir(name: &str) -> PathBuf {
    let root = crate::workspace_root().expect("workspace root");
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
        .join(name)
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
    let tools = target_subdir("tools");
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

/// `cargo xtask release <target> --execute --skip-checks --registry local` of the
/// workspace at `root`, in a child process of its own process group (so that killing
/// the group ends the `cargo publish` it runs too). The caller adds the environment
/// that defines the registry.
pub fn release(root: &Path, target: &str) -> Command {
    let mut child = Command::new(std::env::current_exe().expect("test binary"));
    child
        .args([
            "release::local_registry::release_child",
            "--exact",
            "--ignored",
        ])
        .args(["--nocapture", "--test-threads", "1"])
        .env(ROOT_ENV, root)
        .env(TARGET_ENV, target)
        .env("CARGO_REGISTRIES_LOCAL_TOKEN", "rehearsal")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    child
}

/// Reads what a finished child printed, failing with it unless `success` matches.
pub fn finished(output: Output, success: bool) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.success(), success, "{text}");
    text
}

/// The release itself, run by the rehearsals in a child process; not a test of its own.
#[test]
#[ignore = "run by the release rehearsals (round_trip, own_crates) in a child process"]
fn release_child() {
    let root = std::env::var_os(ROOT_ENV).expect("set by the rehearsal");
    let target = std::env::var(TARGET_ENV).expect("set by the rehearsal");
    let options = Options {
        target: target.parse().expect("a release target"),
        execute: true,
        skip_checks: true,
        allow_dirty: false,
        registry: REGISTRY.to_owned(),
    };
    run(Path::new(&root), &options).expect("the release");
}
