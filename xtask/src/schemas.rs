//! `cargo xtask schemas [--check]`: the JSON Schema of every public model, as written by
//! `connkit-models`' `export_schemas` example, kept in `schemas/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::cmd;

/// The committed schemas, relative to the workspace root.
const DIR: &str = "schemas";

/// `<TypeName>.json` file names and their contents.
type Files = BTreeMap<String, Vec<u8>>;

/// Regenerates `schemas/`, or with `check` only compares it with a fresh export.
pub fn run(root: &Path, check: bool) -> Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("xtask-schemas-")
        .tempdir()
        .context("could not create a temporary directory for the schema export")?;
    cmd::run(
        cmd::cargo()
            .args([
                "run",
                "--quiet",
                "-p",
                "connkit-models",
                "--example",
                "export_schemas",
                "--features",
                "schema",
                "--",
            ])
            .arg(scratch.path())
            .current_dir(root),
    )
    .context("the schema export failed")?;
    let generated = read_schemas(scratch.path())?;
    if generated.is_empty() {
        bail!(
            "the export_schemas example wrote no .json file into {}",
            scratch.path().display()
        );
    }

    let dir = root.join(DIR);
    let committed = read_schemas(&dir)?;
    let diff = Diff::new(&generated, &committed);
    if check {
        if !diff.is_empty() {
            bail!(
                "{DIR}/ is out of date; run `cargo xtask schemas` and commit the result:\n{}",
                diff.describe()
            );
        }
        println!("{DIR}/ is up to date ({} schemas)", generated.len());
        return Ok(());
    }
    sync(&dir, &generated, &diff)?;
    if diff.is_empty() {
        println!(
            "{DIR}/ was already up to date ({} schemas)",
            generated.len()
        );
    } else {
        println!("updated {DIR}/:\n{}", diff.describe());
    }
    Ok(())
}

/// The `.json` files directly in `dir` (none if `dir` does not exist); other files are
/// left out, so a README may sit beside the schemas.
fn read_schemas(dir: &Path) -> Result<Files> {
    let mut files = Files::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(err) => return Err(err).with_context(|| format!("could not list {}", dir.display())),
    };
    for entry in entries {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.is_file() && name.ends_with(".json") {
            let contents =
                fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
            files.insert(name.to_string(), contents);
        }
    }
    Ok(files)
}

/// How the committed schemas differ from freshly generated ones.
#[derive(Debug, Default, PartialEq, Eq)]
struct Diff {
    /// Generated and committed, with other contents.
    outdated: Vec<String>,
    /// Generated, not committed.
    missing: Vec<String>,
    /// Committed, no longer generated.
    extra: Vec<String>,
}

impl Diff {
    fn new(generated: &Files, committed: &Files) -> Self {
        let mut diff = Self::default();
        for (name, contents) in generated {
            match committed.get(name) {
                None => diff.missing.push(name.clone()),
                Some(old) if old != contents => diff.outdated.push(name.clone()),
                Some(_) => {}
            }
        }
        diff.extra = committed
            .keys()
            .filter(|name| !generated.contains_key(*name))
            .cloned()
            .collect();
        diff
    }

    fn is_empty(&self) -> bool {
        self.outdated.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    /// One line per file: `  out of date: X.json`, `  missing: Y.json`, `  extra: Z.json`.
    fn describe(&self) -> String {
        let groups = [
            ("out of date", &self.outdated),
            ("missing", &self.missing),
            ("extra", &self.extra),
        ];
        groups
            .iter()
            .flat_map(|(what, names)| names.iter().map(move |name| format!("  {what}: {name}")))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Makes the schemas in `dir` equal to `generated`: writes what is out of date or missing,
/// removes what is extra.
fn sync(dir: &Path, generated: &Files, diff: &Diff) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    for name in diff.outdated.iter().chain(&diff.missing) {
        let path = dir.join(name);
        fs::write(&path, &generated[name])
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    for name in &diff.extra {
        let path = dir.join(name);
        fs::remove_file(&path).with_context(|| format!("could not remove {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn diff_names_outdated_missing_and_extra() {
        let generated = files(&[("A.json", "{}"), ("B.json", "{\"b\":2}"), ("C.json", "{}")]);
        let committed = files(&[
            ("A.json", "{}"),
            ("B.json", "{\"b\":1}"),
            ("Old.json", "{}"),
        ]);
        let diff = Diff::new(&generated, &committed);
        assert_eq!(
            diff.describe(),
            "  out of date: B.json\n  missing: C.json\n  extra: Old.json"
        );
        assert!(Diff::new(&generated, &generated).is_empty());
    }

    #[test]
    fn sync_makes_the_directory_match_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let schemas = dir.path().join("schemas");
        fs::create_dir(&schemas).unwrap();
        fs::write(schemas.join("README.md"), "generated").unwrap();
        fs::write(schemas.join("A.json"), "{}").unwrap();
        fs::write(schemas.join("B.json"), "old").unwrap();
        fs::write(schemas.join("Old.json"), "{}").unwrap();

        let generated = files(&[("A.json", "{}"), ("B.json", "new"), ("C.json", "{}")]);
        let diff = Diff::new(&generated, &read_schemas(&schemas).unwrap());
        sync(&schemas, &generated, &diff).unwrap();

        assert_eq!(read_schemas(&schemas).unwrap(), generated);
        assert!(schemas.join("README.md").exists());
        assert_eq!(fs::read_to_string(schemas.join("B.json")).unwrap(), "new");
    }

    #[test]
    fn missing_directory_reads_as_empty_and_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let schemas = dir.path().join("schemas");
        assert!(read_schemas(&schemas).unwrap().is_empty());
        let generated = files(&[("A.json", "{}")]);
        let diff = Diff::new(&generated, &Files::new());
        assert_eq!(diff.missing, ["A.json"]);
        sync(&schemas, &generated, &diff).unwrap();
        assert_eq!(read_schemas(&schemas).unwrap(), generated);
    }
}
