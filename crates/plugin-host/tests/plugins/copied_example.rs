//! "Copy this folder": the Rust example plugin copied out of the repository builds as
//! it is, and the library it builds works.

use std::path::{Path, PathBuf};

use connkit_models::preflight::{BodyKind, Validator};
use connkit_plugin_host::Loader;

use crate::fixtures::{cargo, target_dir, workspace_root};

/// A directory outside the repository, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's directory");
    for entry in std::fs::read_dir(from).expect("list the example") {
        let entry = entry.expect("directory entry");
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).expect("copy a file");
        }
    }
}

#[test]
fn the_example_folder_builds_once_copied_out_of_the_workspace() {
    let root = workspace_root();
    let scratch =
        Scratch(std::env::temp_dir().join(format!("connkit-copied-plugin-{}", std::process::id())));
    let copy = scratch.0.join("my-rules");
    copy_dir(&root.join("examples/plugins/source-rules"), &copy);
    // The manifest is used exactly as shipped. Until `connkit-plugin-abi` is on
    // crates.io, a third party's `[patch]` stands in for the registry; the path is the
    // only thing the test adds, and `--offline` keeps the build to the local cache.
    let manifest = copy.join("Cargo.toml");
    let shipped = std::fs::read_to_string(&manifest).expect("read the manifest");
    let inherits = shipped
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .any(|line| line.contains("workspace"));
    assert!(
        !inherits,
        "the manifest inherits workspace keys:\n{shipped}"
    );
    let abi = root.join("crates/plugin-abi");
    let patched = format!(
        "{shipped}\n[patch.crates-io]\nconnkit-plugin-abi = {{ path = {:?} }}\n",
        abi.to_str().expect("UTF-8 path")
    );
    std::fs::write(&manifest, patched).expect("write the manifest");

    let target = target_dir().join("copied");
    cargo(&[
        "--offline",
        "--manifest-path",
        &manifest.to_string_lossy(),
        "--target-dir",
        &target.to_string_lossy(),
    ]);
    assert!(copy.join("Cargo.lock").is_file(), "built as its own root");
    let library = target.join("debug").join(format!(
        "{}connkit_plugin_source_rules{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let plugin = Loader::in_process().load(&library).unwrap();
    let validator = plugin.validator();
    let findings = validator.validate(BodyKind::SourceConfig, b"<Form/>");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].validator.as_deref(), Some("source-rules"));
    assert!(findings[0].is_error());
}
