//! `connkit plugins new`: the projects it writes build outside this repository (cargo
//! for Rust, pointed at this checkout with `[patch.crates-io]` as its README says; the
//! project's Makefile for C) and pass `connkit plugins check` as written.

use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Env, Run};

/// Runs `program` to success, showing its output when it fails.
#[track_caller]
fn succeed(mut program: Command) {
    let run = Run::from(program.output().expect("run the build"));
    assert_eq!(run.code, 0, "{program:?}\n{}\n{}", run.stdout, run.stderr);
}

/// `connkit plugins check LIBRARY -o json` passes, and names the plugin `name`.
#[track_caller]
fn assert_checks(env: &Env, library: &Path, name: &str) {
    assert!(library.is_file(), "no {}", library.display());
    let report = env
        .run([
            "plugins".as_ref(),
            "check".as_ref(),
            library.as_os_str(),
            "-o".as_ref(),
            "json".as_ref(),
        ])
        .ok()
        .json();
    assert_eq!(report["name"], name, "{report}");
    assert_eq!(report["validated"][0]["kind"], "source-config", "{report}");
    // Its one rule works: an empty body is an error.
    let empty = env.file("empty.xml", "");
    let sample = env
        .run([
            "plugins".as_ref(),
            "check".as_ref(),
            library.as_os_str(),
            "--sample".as_ref(),
            empty.as_os_str(),
            "-o".as_ref(),
            "json".as_ref(),
        ])
        .ok()
        .json();
    let code = &sample["validated"][0]["findings"][0]["code"];
    assert_eq!(code, &format!("{name}.empty"), "{sample}");
}

/// The library of plugin `name` (its `-` made `_`) in `dir`.
fn library(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(
        "{DLL_PREFIX}{}{DLL_SUFFIX}",
        name.replace('-', "_")
    ))
}

#[test]
fn a_new_c_plugin_builds_with_its_makefile_and_checks() {
    let env = Env::new();
    env.run(["plugins", "new", "tab-rules", "--lang", "c"]).ok();
    let project = env.path().join("tab-rules");
    assert!(project.join("connkit_plugin_v1.h").is_file());
    let mut make = Command::new("make");
    make.current_dir(&project);
    succeed(make);
    assert_checks(&env, &library(&project, "tab-rules"), "tab-rules");
}

#[test]
fn a_new_rust_plugin_builds_outside_the_workspace_and_checks() {
    let env = Env::new();
    env.run(["plugins", "new", "acme-rules", "--lang", "rust"])
        .ok();
    let project = env.path().join("acme-rules");
    // As the generated README says, until the crate is on crates.io: a patch to a
    // checkout, this one.
    let manifest = project.join("Cargo.toml");
    let abi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-abi");
    let written = std::fs::read_to_string(&manifest).expect("read the manifest");
    assert!(written.contains(&format!(
        "connkit-plugin-abi = \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    let patched = format!(
        "{written}\n[patch.crates-io]\nconnkit-plugin-abi = {{ path = {:?} }}\n",
        abi.canonicalize().expect("the ABI crate")
    );
    std::fs::write(&manifest, patched).expect("patch the manifest");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scaffold");
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["build", "--quiet", "--offline", "--target-dir"])
        .arg(&target)
        .current_dir(&project);
    succeed(cargo);
    assert!(
        project.join("Cargo.lock").is_file(),
        "built as its own root"
    );
    assert_checks(
        &env,
        &library(&target.join("debug"), "acme-rules"),
        "acme-rules",
    );
}

#[test]
fn plugins_new_refuses_bad_names_and_non_empty_folders() {
    let env = Env::new();
    for bad in ["Acme", "1st", "a/b", "a\"b", ""] {
        let run = env.run(["plugins", "new", bad]).code(2);
        assert!(run.stderr.contains("plugin name"), "{bad}: {}", run.stderr);
    }
    let kept = env.file("notes.txt", "mine");
    let run = env
        .run(["plugins", "new", "x", "--dir", ".", "--lang", "c"])
        .code(2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(kept).expect("read"), "mine");
    assert!(!env.path().join("plugin.c").exists());
}
