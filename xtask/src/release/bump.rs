//! Version edits in `Cargo.toml` files, made with `toml_edit` so that comments, key order
//! and layout are kept.
//!
//! Two layouts are handled, alone or mixed: members with `version.workspace = true`
//! (the version lives in `[workspace.package]`) and members with their own literal
//! `version = "…"`. Every dependency on a released crate that states a `version`
//! (in `[workspace.dependencies]`, `[dependencies]`, `[build-dependencies]`,
//! `[dev-dependencies]` and their `[target.….…]` forms) gets the new version, keeping its
//! operator (`=0.1.0` -> `=0.2.0`).

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use semver::Version;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// What to change in one manifest.
pub struct BumpSpec<'a> {
    /// The crates being released: dependencies on these are updated.
    pub released: &'a BTreeSet<String>,
    /// The version they get.
    pub new: &'a Version,
    /// Set this manifest's literal `package.version`.
    pub package_version: bool,
    /// Set this manifest's `workspace.package.version`.
    pub workspace_version: bool,
}

/// A manifest's new text and a line per change (`dependencies.foo: 0.1.0 -> 0.2.0`).
#[derive(Debug)]
pub struct ManifestEdit {
    pub contents: String,
    pub changes: Vec<String>,
}

const DEP_TABLES: [&str; 3] = ["dependencies", "build-dependencies", "dev-dependencies"];

/// Whether the manifest's package takes its version from the workspace
/// (`version.workspace = true`) rather than stating it.
pub fn version_is_inherited(text: &str) -> Result<bool> {
    let doc: DocumentMut = text.parse().context("invalid TOML")?;
    match doc.get("package").and_then(|p| p.get("version")) {
        Some(item) if item.is_str() => Ok(false),
        Some(item) => Ok(item
            .as_table_like()
            .and_then(|t| t.get("workspace"))
            .and_then(Item::as_bool)
            == Some(true)),
        None => bail!("`[package]` has no `version`"),
    }
}

/// Applies `spec` to the manifest `text`.
pub fn bump_manifest(text: &str, spec: &BumpSpec<'_>) -> Result<ManifestEdit> {
    let mut doc: DocumentMut = text.parse().context("invalid TOML")?;
    let new = spec.new.to_string();
    let mut changes = Vec::new();

    if spec.package_version {
        let version = doc
            .get_mut("package")
            .and_then(|p| p.get_mut("version"))
            .and_then(Item::as_value_mut)
            .filter(|v| v.is_str())
            .context("`package.version` is not a literal version string")?;
        set_version(version, "package.version", &new, &mut changes);
    }
    if spec.workspace_version {
        let version = doc
            .get_mut("workspace")
            .and_then(|w| w.get_mut("package"))
            .and_then(|p| p.get_mut("version"))
            .and_then(Item::as_value_mut)
            .filter(|v| v.is_str())
            .context("`[workspace.package]` has no literal `version` string")?;
        set_version(version, "workspace.package.version", &new, &mut changes);
    }

    for_each_dep_table(&mut doc, |deps, label| {
        bump_deps(deps, label, spec, &mut changes)
    })?;

    Ok(ManifestEdit {
        contents: doc.to_string(),
        changes,
    })
}

/// Calls `visit` with each dependency table of the manifest `doc` and its name
/// (`workspace.dependencies`, `dev-dependencies`, `target.<cfg>.dependencies`, …).
pub fn for_each_dep_table(
    doc: &mut DocumentMut,
    mut visit: impl FnMut(&mut dyn TableLike, &str) -> Result<()>,
) -> Result<()> {
    let root = doc.as_table_mut();
    if let Some(deps) = root
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(Item::as_table_like_mut)
    {
        visit(deps, "workspace.dependencies")?;
    }
    for section in DEP_TABLES {
        if let Some(deps) = root.get_mut(section).and_then(Item::as_table_like_mut) {
            visit(deps, section)?;
        }
    }
    if let Some(targets) = root.get_mut("target").and_then(Item::as_table_like_mut) {
        for (cfg, target) in targets.iter_mut() {
            for section in DEP_TABLES {
                if let Some(deps) = target.get_mut(section).and_then(Item::as_table_like_mut) {
                    visit(deps, &format!("target.{cfg}.{section}"))?;
                }
            }
        }
    }
    Ok(())
}

/// The package a dependency entry names: its `package` key, else the entry's key.
pub fn dep_package<'a>(key: &'a str, item: &'a Item) -> &'a str {
    item.as_table_like()
        .and_then(|t| t.get("package"))
        .and_then(Item::as_str)
        .unwrap_or(key)
}

/// Updates the version requirement of every dependency in `deps` on a released crate.
fn bump_deps(
    deps: &mut dyn TableLike,
    label: &str,
    spec: &BumpSpec<'_>,
    changes: &mut Vec<String>,
) -> Result<()> {
    let keys: Vec<String> = deps
        .iter()
        .filter(|(key, item)| spec.released.contains(dep_package(key, item)))
        .map(|(key, _)| key.to_string())
        .collect();
    for key in keys {
        let version = match deps.get_mut(&key) {
            Some(Item::Value(value)) if value.is_str() => value,
            Some(item) => match item
                .as_table_like_mut()
                .and_then(|t| t.get_mut("version"))
                .and_then(Item::as_value_mut)
            {
                Some(version) if version.is_str() => version,
                // A path- or workspace-only dependency states no version: nothing to bump.
                _ => continue,
            },
            None => continue,
        };
        let name = format!("{label}.{key}");
        let old = version.as_str().unwrap_or_default();
        let new = requirement(old, spec.new).with_context(|| format!("`{name}`"))?;
        set_version(version, &name, &new, changes);
    }
    Ok(())
}

/// `old` with its version replaced by `new`, keeping a leading `=`, `^` or `~`.
fn requirement(old: &str, new: &Version) -> Result<String> {
    let trimmed = old.trim();
    let operator_len = trimmed
        .find(|c: char| !matches!(c, '=' | '^' | '~' | ' '))
        .unwrap_or(trimmed.len());
    let version = &trimmed[operator_len..];
    if !version
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
    {
        bail!(
            "version requirement `{old}` is not a single version with an optional `=`, `^` \
             or `~`; state one (like \"0.1.0\") so that the release can bump it"
        );
    }
    Ok(format!("{}{new}", &trimmed[..operator_len]))
}

/// Replaces a string value, keeping the whitespace and comments around it, and records the
/// change when there is one.
fn set_version(value: &mut Value, name: &str, new: &str, changes: &mut Vec<String>) {
    let old = value.as_str().unwrap_or_default().to_string();
    if old == new {
        return;
    }
    let decor = value.decor().clone();
    *value = Value::from(new);
    *value.decor_mut() = decor;
    changes.push(format!("{name}: {old} -> {new}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn released() -> BTreeSet<String> {
        ["fx-alpha", "fx-beta"].map(String::from).into()
    }

    fn bump(text: &str, package_version: bool, workspace_version: bool) -> ManifestEdit {
        let released = released();
        let new = Version::new(0, 2, 0);
        bump_manifest(
            text,
            &BumpSpec {
                released: &released,
                new: &new,
                package_version,
                workspace_version,
            },
        )
        .unwrap()
    }

    #[test]
    fn workspace_layout_keeps_comments_and_layout() {
        let text = r#"[workspace]
members = ["a", "b"]

[workspace.package]
version = "0.1.0"   # the one version
edition = "2021"

[workspace.dependencies]
# ours
fx-alpha = { path = "a", version = "0.1.0" }
fx-b = { package = "fx-beta", path = "b", version = "=0.1.0", default-features = false }
serde = "1"
fx-alpha-sys = { path = "sys", version = "0.1.0" }
"#;
        let edit = bump(text, false, true);
        assert_eq!(
            edit.contents,
            r#"[workspace]
members = ["a", "b"]

[workspace.package]
version = "0.2.0"   # the one version
edition = "2021"

[workspace.dependencies]
# ours
fx-alpha = { path = "a", version = "0.2.0" }
fx-b = { package = "fx-beta", path = "b", version = "=0.2.0", default-features = false }
serde = "1"
fx-alpha-sys = { path = "sys", version = "0.1.0" }
"#
        );
        assert_eq!(
            edit.changes,
            [
                "workspace.package.version: 0.1.0 -> 0.2.0",
                "workspace.dependencies.fx-alpha: 0.1.0 -> 0.2.0",
                "workspace.dependencies.fx-b: =0.1.0 -> =0.2.0",
            ]
        );
    }

    #[test]
    fn literal_layout_and_every_dependency_table() {
        let text = r#"[package]
name = "fx-gamma"
version = "0.1.0"

[dependencies]
fx-beta = { path = "../beta", version = "^0.1" }
fx-alpha.workspace = true

[build-dependencies.fx-alpha]
path = "../alpha"
version = "0.1.0"

[target.'cfg(unix)'.dev-dependencies]
fx-alpha = "~0.1.0"
"#;
        let edit = bump(text, true, false);
        assert_eq!(
            edit.contents,
            r#"[package]
name = "fx-gamma"
version = "0.2.0"

[dependencies]
fx-beta = { path = "../beta", version = "^0.2.0" }
fx-alpha.workspace = true

[build-dependencies.fx-alpha]
path = "../alpha"
version = "0.2.0"

[target.'cfg(unix)'.dev-dependencies]
fx-alpha = "~0.2.0"
"#
        );
        assert_eq!(edit.changes.len(), 4, "{:?}", edit.changes);
        assert_eq!(edit.changes[0], "package.version: 0.1.0 -> 0.2.0");
        assert_eq!(
            edit.changes[3],
            "target.'cfg(unix)'.dev-dependencies.fx-alpha: ~0.1.0 -> ~0.2.0"
        );
    }

    #[test]
    fn nothing_to_change_leaves_the_text_alone() {
        let text = "[package]\nname = \"x\"\nversion.workspace = true # inherited\n\n\
                    [dependencies]\nfx-alpha = { workspace = true }\n";
        let edit = bump(text, false, false);
        assert_eq!(edit.contents, text);
        assert!(edit.changes.is_empty());
        assert!(version_is_inherited(text).unwrap());
        assert!(!version_is_inherited("[package]\nversion = \"1.0.0\"\n").unwrap());
    }

    #[test]
    fn unbumpable_input_is_a_clear_error() {
        let released = released();
        let new = Version::new(0, 2, 0);
        let spec = |package_version| BumpSpec {
            released: &released,
            new: &new,
            package_version,
            workspace_version: false,
        };
        let msg = |text: &str, package_version| {
            format!(
                "{:#}",
                bump_manifest(text, &spec(package_version)).unwrap_err()
            )
        };
        assert!(msg("[package]\nversion.workspace = true\n", true)
            .contains("`package.version` is not a literal version string"));
        for req in [">=0.1, <0.3", "<0.3", "0.*"] {
            let text = format!("[dependencies]\nfx-alpha = \"{req}\"\n");
            let got = msg(&text, false);
            let expected = format!(
                "`dependencies.fx-alpha`: version requirement `{req}` is not a single version"
            );
            assert!(got.contains(&expected), "{got}");
        }
        assert!(msg("[package\n", false).contains("invalid TOML"));
        assert!(
            format!("{:#}", version_is_inherited("[package]\n").unwrap_err())
                .contains("`[package]` has no `version`")
        );
    }
}
