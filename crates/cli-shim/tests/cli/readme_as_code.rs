//! The README's "promote dev to prod" walk-through, run line by line as a newcomer
//! would type it: the block after `<!-- readme-test: as-code -->` in the root README.
//! Each line runs in bash with the built `connkit` first on `PATH`; a line that ends in
//! `&` starts the served sandbox (here on a free port that replaces the README's); a
//! trailing `# exit N` comment is the exit code the line must end with (else 0).

use std::path::{Path, PathBuf};

use crate::support::{Env, Served, BIN};

const MARKER: &str = "<!-- readme-test: as-code -->";
const README_URL: &str = "http://127.0.0.1:8090";

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The command lines of the tested block, comments and blank lines left out, each
/// with the exit code its comment promises.
fn walk_through() -> Vec<(String, i32)> {
    let readme = std::fs::read_to_string(repository_root().join("README.md")).expect("README");
    let block = readme
        .split_once(MARKER)
        .expect("the README keeps the tested block")
        .1
        .split_once("```sh\n")
        .expect("a sh block after the marker")
        .1
        .split_once("```")
        .expect("the block ends")
        .0;
    block
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (command, comment) = line.split_once("  #").unwrap_or((line, ""));
            let exit = comment
                .trim()
                .strip_prefix("exit ")
                .and_then(|rest| rest.split(':').next())
                .map_or(0, |code| code.parse().expect("`# exit N`"));
            (command.trim().to_owned(), exit)
        })
        .collect()
}

fn copy_examples(env: &Env) {
    let from = repository_root().join("examples/data");
    let to = env.path().join("examples/data");
    std::fs::create_dir_all(&to).expect("examples folder");
    for entry in std::fs::read_dir(&from).expect("examples/data") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy example");
    }
}

#[test]
fn the_readme_promotion_walk_through_runs_as_written() {
    let env = Env::new();
    copy_examples(&env);
    let bin_dir = Path::new(BIN).parent().expect("the binary's folder");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let lines = walk_through();
    assert!(
        lines.len() >= 8,
        "the walk-through lost its lines: {lines:?}"
    );
    let mut prod: Option<Served> = None;
    let mut last_stdout = String::new();
    for (line, expected) in lines {
        if let Some(serve) = line.strip_suffix('&') {
            assert!(
                serve.starts_with("connkit sandbox serve --addr 127.0.0.1:8090"),
                "{line}"
            );
            let extra: Vec<&str> = serve.split_whitespace().skip(5).collect();
            prod = Some(Served::start(&env, &extra));
            continue;
        }
        let base_url = prod.as_ref().map_or(README_URL, |p| p.base_url.as_str());
        let command = line.replace(README_URL, base_url);
        let output = env
            .program("bash")
            .args(["-c", &command])
            .env("PATH", &path)
            .output()
            .expect("run bash");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "`{line}`\n--- stdout\n{stdout}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        last_stdout = stdout;
    }
    assert!(prod.is_some(), "the walk-through starts a prod sandbox");
    let pulled = env.path().join("connectors/acme-hr");
    for file in ["connector.json", "source-config.xml", "source-template.xml"] {
        assert!(pulled.join(file).is_file(), "pull wrote {file}");
    }
    // The overlay took effect on prod, and dev's value stayed in the tree.
    assert!(
        last_stdout.contains("https://hr.acme.example/api"),
        "{last_stdout}"
    );
    let tree = std::fs::read_to_string(pulled.join("source-template.xml")).unwrap();
    assert!(tree.contains("hr-dev.acme.example"), "{tree}");
    assert!(tree.contains("<!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">"));
}
