//! The release plan: which crates are published in what order, at what version, with which
//! file edits and tags. Built by a pure function from the workspace metadata and the files'
//! contents, so that it can be printed, tested and then carried out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use semver::Version;

use super::bump::{self, BumpSpec};
use super::changelog;
use super::order::{publish_order, Workspace};
use super::version::Target;

/// The changelog, relative to the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Everything a release does, decided before anything is done.
#[derive(Debug)]
pub struct Plan {
    /// The version every released crate gets.
    pub version: Version,
    /// The crates to publish, in publish order.
    pub crates: Vec<Release>,
    /// Unpublished members whose version follows `[workspace.package]` and so changes too.
    pub also_bumped: Vec<String>,
    /// The files to rewrite, relative to the workspace root.
    pub edits: Vec<FileEdit>,
    /// `<crate>-v<version>`, in publish order.
    pub tags: Vec<String>,
    /// The crates are already at `version` (a failed release is being resumed): no edits.
    pub resume: bool,
}

/// One crate to publish.
#[derive(Debug, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub old: Version,
}

/// A file's new contents and what changed in it.
#[derive(Debug)]
pub struct FileEdit {
    /// Relative to the workspace root.
    pub path: PathBuf,
    pub contents: String,
    pub changes: Vec<String>,
}

/// Plans releasing `ws` at `target`, reading files (by absolute path) with `read`, dating
/// the changelog section `date`.
pub fn plan(
    ws: &Workspace,
    read: &dyn Fn(&Path) -> Result<String>,
    target: &Target,
    date: &str,
) -> Result<Plan> {
    let order = publish_order(ws)?;
    let Some(base) = order.iter().map(|m| &m.version).max() else {
        bail!("the workspace has no publishable crate: every member is publish = false");
    };
    let version = target.next(base);
    let resume = order.iter().all(|m| m.version == version);
    if !resume {
        if let Some(m) = order.iter().find(|m| m.version >= version) {
            bail!(
                "crate `{}` is already at {}; the release version {version} must be higher \
                 (to resume a release, every crate must already be at that version)",
                m.name,
                m.version
            );
        }
    }
    let crates = order
        .iter()
        .map(|m| Release {
            name: m.name.clone(),
            old: m.version.clone(),
        })
        .collect();
    let tags = order
        .iter()
        .map(|m| format!("{}-v{version}", m.name))
        .collect();
    let changelog_path = ws.root.join(CHANGELOG);
    let changelog_text = read(&changelog_path)?;

    if resume {
        if !changelog::has_release(&changelog_text, &version) {
            bail!(
                "every crate is already at {version} but {CHANGELOG} has no `## [{version}]` \
                 section: this is not a release to resume"
            );
        }
        return Ok(Plan {
            version,
            crates,
            also_bumped: Vec::new(),
            edits: Vec::new(),
            tags,
            resume,
        });
    }

    let released: BTreeSet<String> = order.iter().map(|m| m.name.clone()).collect();
    let (mut edits, also_bumped) = manifest_edits(ws, read, &released, &version)?;
    edits.push(FileEdit {
        path: PathBuf::from(CHANGELOG),
        contents: changelog::release(&changelog_text, &version, date)?,
        changes: vec![format!(
            "## [Unreleased] moves under `## [{version}] - {date}`"
        )],
    });
    Ok(Plan {
        version,
        crates,
        also_bumped,
        edits,
        tags,
        resume,
    })
}

/// The manifest edits that give the `released` crates `version`, and the unpublished
/// members whose version changes with them (they inherit `[workspace.package]`).
fn manifest_edits(
    ws: &Workspace,
    read: &dyn Fn(&Path) -> Result<String>,
    released: &BTreeSet<String>,
    version: &Version,
) -> Result<(Vec<FileEdit>, Vec<String>)> {
    let spec = |package_version| BumpSpec {
        released,
        new: version,
        package_version,
        workspace_version: false,
    };
    let mut manifests: BTreeMap<PathBuf, (String, BumpSpec<'_>)> = BTreeMap::new();
    let mut inheriting_released = false;
    let mut inheriting_unpublished = Vec::new();
    for member in &ws.members {
        let text = read(&member.manifest_path)?;
        let inherited = bump::version_is_inherited(&text)
            .with_context(|| format!("in {}", member.manifest_path.display()))?;
        let is_released = released.contains(&member.name);
        if inherited && is_released {
            inheriting_released = true;
        } else if inherited {
            inheriting_unpublished.push(member.name.clone());
        }
        let entry = (text, spec(is_released && !inherited));
        manifests.insert(member.manifest_path.clone(), entry);
    }
    let root_manifest = ws.root.join("Cargo.toml");
    if !manifests.contains_key(&root_manifest) {
        let text = read(&root_manifest)?;
        manifests.insert(root_manifest.clone(), (text, spec(false)));
    }
    if inheriting_released {
        let (_, root_spec) = manifests.get_mut(&root_manifest).expect("inserted above");
        root_spec.workspace_version = true;
    } else {
        inheriting_unpublished.clear();
    }
    inheriting_unpublished.sort();

    let mut edits = Vec::new();
    for (path, (text, spec)) in &manifests {
        let edit =
            bump::bump_manifest(text, spec).with_context(|| format!("in {}", path.display()))?;
        if !edit.changes.is_empty() {
            edits.push(FileEdit {
                path: relative(&ws.root, path)?,
                contents: edit.contents,
                changes: edit.changes,
            });
        }
    }
    Ok((edits, inheriting_unpublished))
}

fn relative(root: &Path, path: &Path) -> Result<PathBuf> {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "{} is outside the workspace {}",
                path.display(),
                root.display()
            )
        })
}

impl Plan {
    /// The plan as printed before anything is done.
    pub fn render(&self, execute: bool) -> String {
        let mut out = String::new();
        self.write(&mut out, execute).expect("writing to a String");
        out
    }

    fn write(&self, out: &mut String, execute: bool) -> fmt::Result {
        let mode = if execute { "EXECUTE" } else { "dry run" };
        writeln!(out, "Release plan ({mode}): version {}", self.version)?;
        if self.resume {
            writeln!(
                out,
                "Resuming: every crate is already at {}; no file is edited.",
                self.version
            )?;
        }
        writeln!(out, "\nPublish order (path-only dev-dependencies ignored):")?;
        let width = self.crates.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for (i, krate) in self.crates.iter().enumerate() {
            writeln!(
                out,
                "  {:>2}. {:<width$}  {} -> {}",
                i + 1,
                krate.name,
                krate.old,
                self.version
            )?;
        }
        if !self.also_bumped.is_empty() {
            writeln!(
                out,
                "\nNot published, version follows [workspace.package]: {}",
                self.also_bumped.join(", ")
            )?;
        }
        if !self.edits.is_empty() {
            writeln!(out, "\nFiles to edit:")?;
            for edit in &self.edits {
                writeln!(out, "  {}", edit.path.display())?;
                for change in &edit.changes {
                    writeln!(out, "      {change}")?;
                }
            }
            writeln!(out, "  Cargo.lock  (cargo update --workspace)")?;
        }
        writeln!(
            out,
            "\nTags (on the release commit): {}",
            self.tags.join(", ")
        )?;
        writeln!(out, "\nSteps:")?;
        let steps = [
            "refuse a dirty git tree",
            "cargo fmt --check, cargo clippy -D warnings, cargo test (unless --skip-checks)",
            "apply the edits to a scratch worktree of HEAD; cargo package every crate there",
            "--execute only: apply the edits here, cargo update --workspace, commit",
            "--execute only: create the tags",
            "--execute only: cargo publish each crate in order, skipping versions on crates.io",
        ];
        for (i, step) in steps.iter().enumerate() {
            writeln!(out, "  {}. {step}", i + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::fixture::Fixture;

    fn versions(fx: &Fixture) -> Vec<(String, String)> {
        Workspace::from_metadata(&fx.metadata())
            .unwrap()
            .members
            .into_iter()
            .map(|m| (m.name, m.version.to_string()))
            .collect()
    }

    #[test]
    fn minor_release_of_the_fixture_workspace() {
        let fx = Fixture::new();
        let plan = fx.plan("minor").unwrap();
        assert_eq!(plan.version, Version::new(0, 2, 0));
        assert!(!plan.resume);
        let names: Vec<&str> = plan.crates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["fx-alpha", "fx-beta", "fx-gamma"]);
        assert_eq!(
            plan.tags,
            ["fx-alpha-v0.2.0", "fx-beta-v0.2.0", "fx-gamma-v0.2.0"]
        );
        assert_eq!(plan.also_bumped, ["fx-tool"]);
        let edited: Vec<(String, Vec<String>)> = plan
            .edits
            .iter()
            .map(|e| (e.path.display().to_string(), e.changes.clone()))
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            edited,
            [
                (
                    "Cargo.toml".to_string(),
                    strings(&[
                        "workspace.package.version: 0.1.0 -> 0.2.0",
                        "workspace.dependencies.fx-alpha: 0.1.0 -> 0.2.0",
                        "workspace.dependencies.fx-beta: 0.1.0 -> 0.2.0",
                    ])
                ),
                (
                    "gamma/Cargo.toml".to_string(),
                    strings(&[
                        "package.version: 0.1.0 -> 0.2.0",
                        "dependencies.fx-beta: 0.1.0 -> 0.2.0",
                    ])
                ),
                (
                    "tool/Cargo.toml".to_string(),
                    strings(&["dependencies.fx-gamma: =0.1.0 -> =0.2.0"])
                ),
                (
                    "CHANGELOG.md".to_string(),
                    strings(&["## [Unreleased] moves under `## [0.2.0] - 2026-11-22`"])
                ),
            ]
        );

        // Carried out, the edits give cargo a consistent workspace at the new version...
        for edit in &plan.edits {
            fx.write(&edit.path, &edit.contents);
        }
        assert_eq!(
            versions(&fx),
            [
                ("fx-alpha".to_string(), "0.2.0".to_string()),
                ("fx-beta".to_string(), "0.2.0".to_string()),
                ("fx-gamma".to_string(), "0.2.0".to_string()),
                ("fx-tool".to_string(), "0.2.0".to_string()),
            ]
        );
        assert!(fx
            .read("Cargo.toml")
            .contains("# our crates, released together"));

        // ...where the same version again is a resume with nothing to edit,
        let resumed = fx.plan("0.2.0").unwrap();
        assert!(resumed.resume);
        assert!(resumed.edits.is_empty());
        assert_eq!(resumed.tags, plan.tags);
        // a lower one is refused, the next patch needs changelog entries first,
        let msg = format!("{:#}", fx.plan("0.1.5").unwrap_err());
        assert!(
            msg.contains("crate `fx-alpha` is already at 0.2.0"),
            "{msg}"
        );
        let msg = format!("{:#}", fx.plan("patch").unwrap_err());
        assert!(msg.contains("section of CHANGELOG.md is empty"), "{msg}");
        // and then starts from 0.2.0.
        let changelog = fx.read("CHANGELOG.md");
        fx.write(
            "CHANGELOG.md",
            &changelog.replace("## [Unreleased]\n", "## [Unreleased]\n- a fix\n"),
        );
        let next = fx.plan("patch").unwrap();
        assert_eq!(next.version, Version::new(0, 2, 1));
    }

    #[test]
    fn resume_needs_the_changelog_section() {
        let fx = Fixture::new();
        let msg = format!("{:#}", fx.plan("0.1.0").unwrap_err());
        assert!(
            msg.contains("every crate is already at 0.1.0 but CHANGELOG.md has no `## [0.1.0]`"),
            "{msg}"
        );
    }

    #[test]
    fn rendered_plan_names_order_files_and_tags() {
        let fx = Fixture::new();
        let text = fx.plan("patch").unwrap().render(false);
        for expected in [
            "Release plan (dry run): version 0.1.1",
            "   1. fx-alpha  0.1.0 -> 0.1.1",
            "   3. fx-gamma  0.1.0 -> 0.1.1",
            "Not published, version follows [workspace.package]: fx-tool",
            "  gamma/Cargo.toml\n      package.version: 0.1.0 -> 0.1.1",
            "Tags (on the release commit): fx-alpha-v0.1.1, fx-beta-v0.1.1, fx-gamma-v0.1.1",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
