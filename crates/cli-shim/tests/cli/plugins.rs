//! Plugins through the CLI: the example `source-rules` plugin, built with cargo, loaded
//! in-process and isolated, in `validate`, `plugins list|check` and a real upload.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::support::{Env, Served};

/// A source config the built-ins accept and `source-rules` rejects (no `connectorName`).
pub const NO_CONNECTOR_NAME: &str = "<Form>\n  <Field name=\"id\" type=\"string\"/>\n</Form>\n";

/// `examples/plugins/source-rules`, built once per run into `target/plugin-fixtures`
/// (the directory the plugin-host tests build it into, so runs are incremental).
pub fn source_rules() -> &'static Path {
    static LIBRARY: OnceLock<PathBuf> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        build_plugin(&root.join("Cargo.toml"), "connkit-plugin-source-rules")
    })
}

/// The plugin-host test fixture `crates/plugin-host/tests/fixtures/<name>`, e.g. `hang`
/// (a plugin that never returns when the body is `trigger`), built once per run.
pub fn fixture_plugin(name: &str) -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-host/tests/fixtures");
    build_plugin(&fixtures.join("Cargo.toml"), &format!("fixture-{name}"))
}

/// The hostile C plugin `crates/plugin-host/tests/fixtures/hostile/<name>.c`, compiled
/// with `$CC` (else `cc`) once per run into `target/plugin-fixtures/hostile-cli`.
pub fn hostile_plugin(name: &str) -> PathBuf {
    static BUILT: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, library)) = built.iter().find(|(built, _)| built == name) {
        return library.clone();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = root.join(format!(
        "crates/plugin-host/tests/fixtures/hostile/{name}.c"
    ));
    let out = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
        .join("plugin-fixtures/hostile-cli");
    std::fs::create_dir_all(&out).expect("create the hostile plugins' directory");
    let library = out.join(format!("{DLL_PREFIX}hostile_{name}{DLL_SUFFIX}"));
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let status = Command::new(cc)
        .args([
            "-O1", "-Wall", "-Werror", "-std=c11", "-fPIC", "-shared", "-I",
        ])
        .arg(root.join("crates/plugin-abi/include"))
        .arg("-o")
        .arg(&library)
        .arg(&source)
        .status()
        .expect("run the C compiler");
    assert!(status.success(), "compiling {} failed", source.display());
    built.push((name.to_owned(), library.clone()));
    library
}

/// Builds `package` of the workspace at `manifest` into `target/plugin-fixtures` and
/// returns its dynamic library.
fn build_plugin(manifest: &Path, package: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
        .join("plugin-fixtures");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package])
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building {package} failed");
    let library = target_dir.join("debug").join(format!(
        "{DLL_PREFIX}{}{DLL_SUFFIX}",
        package.replace('-', "_")
    ));
    assert!(library.is_file(), "{} was not built", library.display());
    library
}

#[test]
fn validate_runs_builtins_and_plugins_offline() {
    let env = Env::new();
    let plugin = source_rules().to_str().expect("UTF-8 path");
    let good = env.file("good.xml", "<Form connectorName=\"acme\"/>\n");
    let plain = env.file("plain.xml", NO_CONNECTOR_NAME);
    let broken = env.file("broken.xml", "<Form connectorName=\"acme\">\n<Field>\n");

    // built-ins only: well-formed is enough
    let ok = env
        .run([
            "validate",
            "--kind",
            "source-config",
            plain.to_str().unwrap(),
        ])
        .ok();
    assert_eq!(ok.json(), serde_json::json!([]));
    assert!(ok.stderr.contains("ok as source-config"), "{}", ok.stderr);

    // built-in finding with its position: exit 3, compiler-style line
    let bad = env
        .run([
            "-o",
            "table",
            "validate",
            "--kind",
            "source-config",
            broken.to_str().unwrap(),
        ])
        .code(3);
    let line = bad.stdout.lines().next().unwrap_or_default();
    assert!(
        line.starts_with(&format!("{}:", broken.display())) && line.contains(": error: "),
        "{}",
        bad.stdout
    );

    // with the plugin, isolated (the default) and in-process: the same findings, as JSON
    for in_process in [false, true] {
        let mut args = vec!["--plugin", plugin, "-o", "json"];
        if in_process {
            args.push("--in-process-plugins");
        }
        args.extend([
            "validate",
            "--kind",
            "source-config",
            plain.to_str().unwrap(),
        ]);
        let rejected = env.run(&args).code(3);
        let findings = rejected.json();
        let findings = findings.as_array().expect("an array of findings");
        assert!(!findings.is_empty());
        assert!(
            findings
                .iter()
                .all(|f| f["validator"] == "source-rules" && f["severity"] == "error"),
            "{findings:?}"
        );
        assert_eq!(findings[0]["line"], 1, "{findings:?}");
        args.pop();
        args.push(good.to_str().unwrap());
        env.run(&args).ok();
    }

    // an unknown kind is a usage error
    env.run(["validate", "--kind", "xml", plain.to_str().unwrap()])
        .code(2);
}

#[test]
fn plugins_list_and_check() {
    let env = Env::new();
    let plugin = source_rules();
    let info = env
        .run(["plugins", "check", plugin.to_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(info["name"], "source-rules");
    assert_eq!(
        info["kinds"],
        serde_json::json!(["source-config", "json-patch"])
    );

    // from CONNKIT_PLUGIN_PATH (a directory of libraries) and --plugin
    let dir = env.path().join("plugins");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(plugin, dir.join(plugin.file_name().unwrap())).unwrap();
    let listed = env
        .cmd([
            "--plugin",
            plugin.to_str().unwrap(),
            "plugins",
            "list",
            "-o",
            "ndjson",
        ])
        .env("CONNKIT_PLUGIN_PATH", &dir)
        .output()
        .expect("run connkit");
    assert!(listed.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["name"] == "source-rules"));
    assert!(rows[0]["path"]
        .as_str()
        .unwrap()
        .starts_with(dir.to_str().unwrap()));

    // nothing configured: an empty list
    let empty = env.run(["plugins", "list", "-o", "json"]).ok();
    assert_eq!(empty.json(), serde_json::json!([]));
    assert!(
        empty.stderr.contains("CONNKIT_PLUGIN_PATH"),
        "{}",
        empty.stderr
    );

    // a file that is not a plugin: the load error, exit 1
    let text = env.file(&format!("{DLL_PREFIX}fake{DLL_SUFFIX}"), "not a library\n");
    let refused = env
        .run(["plugins", "check", text.to_str().unwrap()])
        .code(1);
    assert!(
        refused.stderr.contains("not a loadable library"),
        "{}",
        refused.stderr
    );
    env.run(["--plugin", text.to_str().unwrap(), "plugins", "list"])
        .code(1);
}

#[test]
fn a_plugin_rejection_sends_nothing() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2"]);
    let plugin = source_rules().to_str().expect("UTF-8 path");
    let file = env.file("source-config.xml", NO_CONNECTOR_NAME);
    let put = |extra: &[&str]| {
        let mut args = vec!["--base-url", served.base_url.as_str(), "--plugin", plugin];
        args.extend_from_slice(extra);
        args.extend(["connectors", "source-config", "put", "active-directory"]);
        args.push(file.to_str().unwrap());
        env.run(args)
    };
    let before = served.stats()["total"].clone();
    // isolated (the default; `--isolate-plugins` is its old name) and in-process
    let modes = [
        &[][..],
        &["--isolate-plugins"][..],
        &["--in-process-plugins"][..],
    ];
    for mode in modes {
        let rejected = put(mode).code(3);
        assert!(
            rejected
                .stderr
                .starts_with(&format!("{}:1:", file.display())),
            "{}",
            rejected.stderr
        );
    }
    assert_eq!(served.stats()["total"], before);
    // --no-preflight skips plugins too: the upload goes through
    put(&["--no-preflight"]).ok();
}

#[test]
fn plugin_warnings_are_printed_and_the_body_is_sent() {
    let env = Env::new();
    let served = Served::start(&env, &["--seed", "2"]);
    let plugin = fixture_plugin("findings");
    let file = env.file(
        "source-config.xml",
        "<Form>\n  <!-- warn-only -->\n</Form>\n",
    );
    for mode in [&[][..], &["--in-process-plugins"][..]] {
        let before = served.stats()["total"].as_u64().unwrap_or_default();
        let mut args = vec![
            "--base-url",
            served.base_url.as_str(),
            "--plugin",
            plugin.to_str().expect("UTF-8 path"),
        ];
        args.extend_from_slice(mode);
        args.extend(["connectors", "source-config", "put", "active-directory"]);
        args.push(file.to_str().unwrap());
        let run = env.run(args).ok();
        assert!(
            run.stderr.contains("warning: fixture.warning: a warning")
                && run.stderr.contains("fixture-findings"),
            "{mode:?}: {}",
            run.stderr
        );
        assert_eq!(
            served.stats()["total"].as_u64().unwrap_or_default(),
            before + 1,
            "{mode:?}: the upload is sent once"
        );
    }
}
