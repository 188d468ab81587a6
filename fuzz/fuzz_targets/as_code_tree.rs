//! A connectors-as-code tree as `connkit_as_code::Tree::read` reads it from disk: the
//! input is written out as folders, files and symbolic links, then read.
//!
//! The input is sections separated by a line `%%`; each starts with a line
//! `f PATH` (a file holding the rest), `d PATH` (a folder) or `l PATH` (a symbolic
//! link to the rest). Paths are cut to at most four names of `[A-Za-z0-9._-]`; a link
//! may point anywhere, including `../outside/secret.txt`, a file beside the tree.
//!
//! Properties: never a panic; nothing of the file outside the tree is ever read into
//! it (links are findings, never followed); every `connector.json` that was read
//! writes back (`ConnectorSpec::to_json`) to text that parses to the same spec; every
//! finding names a file inside the tree.
#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use connkit_as_code::{ConnectorSpec, Tree};
use libfuzzer_sys::fuzz_target;

#[path = "sections.rs"]
mod sections;

const MAX_SECTIONS: usize = 24;
const SECRET: &[u8] = b"OUTSIDE-THE-TREE-7f3a";

/// This process's folder: `outside/secret.txt` and the tree beside it.
static BASE: LazyLock<PathBuf> = LazyLock::new(|| {
    let base = std::env::temp_dir().join(format!("connkit-fuzz-as-code-{}", std::process::id()));
    fs::create_dir_all(base.join("outside")).expect("a temporary folder");
    fs::write(base.join("outside/secret.txt"), SECRET).expect("the secret file");
    base
});

fuzz_target!(|data: &[u8]| {
    let tree_dir = BASE.join("tree");
    let _ = fs::remove_dir_all(&tree_dir);
    fs::create_dir_all(&tree_dir).expect("the tree folder");
    for section in sections::split(data, b"\n%%\n").take(MAX_SECTIONS) {
        build(&tree_dir, section);
    }
    let Ok(read) = Tree::read(&tree_dir) else {
        return;
    };
    for (folder, files) in &read.tree.connectors {
        let contents = files
            .files()
            .map(|(_, bytes)| bytes.as_ref())
            .chain(files.translations.values().map(|b| b.as_ref()));
        for bytes in contents {
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET),
                "{folder}: a file outside the tree was read"
            );
        }
        let written = files.spec.to_json();
        let again = ConnectorSpec::parse(&written)
            .unwrap_or_else(|e| panic!("{folder}: the written connector.json is refused: {e:?}"));
        assert_eq!(again, files.spec, "{folder}");
    }
    for finding in &read.findings {
        assert!(
            !finding.file.starts_with('/') && !finding.file.split('/').any(|c| c == ".."),
            "a finding outside the tree: {}",
            finding.file
        );
    }
});

/// Creates what one section describes; anything it cannot create is skipped.
fn build(tree: &Path, section: &[u8]) {
    let (head, body) = match section.iter().position(|b| *b == b'\n') {
        Some(at) => (&section[..at], &section[at + 1..]),
        None => (section, &[][..]),
    };
    let Some((&kind, path)) = head.split_first() else {
        return;
    };
    let Some(relative) = clean(path) else {
        return;
    };
    let path = tree.join(relative);
    if let Some(parent) = path.parent() {
        let _ = fs::create_dir_all(parent);
    }
    let _ = match kind {
        b'f' => fs::write(&path, body),
        b'd' => fs::create_dir_all(&path),
        b'l' => std::os::unix::fs::symlink(String::from_utf8_lossy(body).as_ref(), &path),
        _ => Ok(()),
    };
}

/// At most four names of `[A-Za-z0-9._-]`, none of them `.` or `..`.
fn clean(path: &[u8]) -> Option<PathBuf> {
    let names: Vec<String> = String::from_utf8_lossy(path)
        .split('/')
        .map(|name| {
            name.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect::<String>()
        })
        .filter(|name| !name.is_empty() && name != "." && name != "..")
        .take(4)
        .collect();
    (!names.is_empty()).then(|| names.iter().collect())
}
