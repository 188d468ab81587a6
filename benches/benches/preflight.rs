//! Pre-flight on a source-config XML: connkit's built-in XML check called directly,
//! then the very same check behind the version-1 plugin ABI (the bench-only plugin
//! `benches/plugin-xml`) loaded in-process and isolated; and the example plugin
//! `examples/plugins/source-rules` in-process, for what a real third-party rule costs.
//!
//! - `preflight/xml_1mib/*`: a 1 MiB document. `plugin_in_process` is the default
//!   loader (the call goes to a thread kept for the timeout, with a copy of the body);
//!   `plugin_in_process_no_timeout` calls on the caller's thread; `plugin_isolated`
//!   runs the plugin in a worker process (this bench binary re-executed as
//!   `__plugin-worker PATH`, as the `connkit` CLI does), the body crossing a pipe.
//! - `preflight/xml_1kib/*`: the same on a 1 KiB document, where the check itself is
//!   negligible: the fixed cost of a call in each mode.
//! - `preflight/source_rules/*`: the example plugin in-process on 64 KiB and 1 MiB
//!   (equal throughputs mean it scales linearly).
//!
//! Each plugin mode also gets a `paired:` line: its time relative to `builtin`, the
//! two called alternately (see `connkit_benches::paired_ratio`).
//!
//! The plugins are built with cargo (release) into `<target>/bench-plugins` the first
//! time the bench runs; later runs are incremental. `Throughput::Bytes` of the
//! document. Every document is well-formed and follows the example's house rules, so
//! every check reports nothing (asserted before measuring).

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::ffi::OsStr;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use connkit_benches::{paired_ratio, xml};
use connkit_connectors::preflight::XmlValidator;
use connkit_models::preflight::{BodyKind, Validator};
use connkit_plugin_host::{Loader, WorkerCommand};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};

/// The hidden argument that makes this binary an isolated plugin worker.
const WORKER_ARG: &str = "__plugin-worker";

/// The workspace's root and the directory the plugins are built into.
fn dirs() -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace root");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
        .join("bench-plugins");
    (root, target)
}

/// `cargo build --release` with `args`, into `target`.
fn cargo_build(target: &Path, args: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "--target-dir"])
        .arg(target)
        .args(args)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build {args:?} failed: {status}");
}

/// Builds both plugins and returns the paths of the bench-only XML plugin and of the
/// source-rules example.
fn build_plugins() -> (PathBuf, PathBuf) {
    let (root, target) = dirs();
    let manifest = root.join("benches/plugin-xml/Cargo.toml");
    cargo_build(&target, &["--manifest-path", &manifest.to_string_lossy()]);
    let manifest = root.join("Cargo.toml");
    cargo_build(
        &target,
        &[
            "--manifest-path",
            &manifest.to_string_lossy(),
            "-p",
            "connkit-plugin-source-rules",
        ],
    );
    let library = |name: &str| target.join(format!("release/{DLL_PREFIX}{name}{DLL_SUFFIX}"));
    (
        library("connkit_bench_plugin_xml"),
        library("connkit_plugin_source_rules"),
    )
}

/// Registers one benchmark of `validator` on `body`, after checking it finds nothing.
fn bench_validator(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    validator: &dyn Validator,
    body: &[u8],
) {
    let findings = validator.validate(BodyKind::SourceConfig, body);
    assert!(findings.is_empty(), "{id}: {findings:?}");
    group.bench_function(id, |b| {
        b.iter(|| validator.validate(BodyKind::SourceConfig, black_box(body)))
    });
}

/// The built-in check and the XML plugin in every mode, on a document of `size` bytes.
fn xml_modes(c: &mut Criterion, name: &str, size: usize, plugin: &Path) {
    let body = xml::source_config(size).into_bytes();
    let worker = WorkerCommand::current_exe([WORKER_ARG]).expect("this bench's path");
    let modes: [(&str, Loader); 3] = [
        ("plugin_in_process", Loader::in_process()),
        (
            "plugin_in_process_no_timeout",
            Loader::in_process().with_timeout(None),
        ),
        ("plugin_isolated", Loader::isolated(worker)),
    ];
    let mut group = c.benchmark_group(format!("preflight/{name}"));
    group.throughput(Throughput::Bytes(size as u64));
    bench_validator(&mut group, "builtin", &XmlValidator, &body);
    for (mode, loader) in modes {
        let validator = loader.load(plugin).expect("the plugin loads").validator();
        paired_ratio(
            &format!("preflight/{name}: {mode} / builtin"),
            50,
            || drop(XmlValidator.validate(BodyKind::SourceConfig, black_box(&body))),
            || drop(validator.validate(BodyKind::SourceConfig, black_box(&body))),
        );
        bench_validator(&mut group, mode, &*validator, &body);
    }
    group.finish();
}

/// The source-rules example in-process, on two sizes: its cost must grow linearly
/// (it was quadratic until its positions were indexed once per document).
fn source_rules(c: &mut Criterion, plugin: &Path) {
    let validator: Arc<dyn Validator> = Loader::in_process()
        .load(plugin)
        .expect("the example plugin loads")
        .validator();
    let mut group = c.benchmark_group("preflight/source_rules");
    for size in [64 << 10, 1 << 20] {
        let body = xml::source_config(size).into_bytes();
        group.throughput(Throughput::Bytes(size as u64));
        let id = format!("in_process/{}KiB", size >> 10);
        bench_validator(&mut group, &id, &*validator, &body);
    }
    group.finish();
}

fn preflight(c: &mut Criterion) {
    let (xml_plugin, source_rules_plugin) = build_plugins();
    xml_modes(c, "xml_1mib", 1 << 20, &xml_plugin);
    xml_modes(c, "xml_1kib", 1 << 10, &xml_plugin);
    source_rules(c, &source_rules_plugin);
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new(WORKER_ARG)) {
        let plugin = args.next().expect("the worker is given the plugin's path");
        return connkit_plugin_host::worker::run(Path::new(&plugin));
    }
    connkit_benches::run(&[preflight]);
    ExitCode::SUCCESS
}
