//! The steps of a release that act: checks, packaging, the release commit, tags and
//! publishing. Each takes the [`Plan`] made beforehand and decides nothing new.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::order::Workspace;
use super::plan::Plan;
use crate::{cmd, git};

/// `cargo fmt --check`, `cargo clippy -D warnings` and `cargo test` over the workspace.
pub fn checks(root: &Path) -> Result<()> {
    let checks: [&[&str]; 3] = [
        &["fmt", "--all", "--", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &["test", "--workspace"],
    ];
    for args in checks {
        cmd::run(cmd::cargo().args(args).current_dir(root))
            .context("a pre-release check failed; fix it, or pass --skip-checks to re-run")?;
    }
    Ok(())
}

/// Writes every planned edit under `root`.
fn write_edits(root: &Path, plan: &Plan) -> Result<()> {
    for edit in &plan.edits {
        let path = root.join(&edit.path);
        fs::write(&path, &edit.contents)
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(())
}

/// Applies the plan to the scratch worktree `ws` and packages every released crate there
/// for `registry`, leaving the `.crate` files in `<target>/package` as `cargo package`
/// does.
///
/// All crates go to one `cargo package` run: cargo (1.84 and later) then packages them
/// together and resolves their dependencies on each other through a local registry of the
/// `.crate` files it just made, so a crate that depends on an unpublished sibling is still
/// built from its packaged sources. Another crate of the same name on crates.io with a
/// higher compatible version would win that resolution; for our own crates there is none.
///
/// That run gets a new target directory each time. Cargo unpacks the siblings into
/// `CARGO_HOME` under a name made from that local registry's path, never unpacks the same
/// name and version twice, and deems a registry crate's build fresh while its version is
/// the same: in a reused target directory, a second run at the same version would build
/// against the first run's sources. Correct beats cached: each verification builds the
/// dependencies afresh.
pub fn verify(ws: &Workspace, plan: &Plan, registry: &str) -> Result<()> {
    write_edits(&ws.root, plan)?;
    fs::create_dir_all(&ws.target_dir)
        .with_context(|| format!("could not create {}", ws.target_dir.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix("xtask-package-")
        .tempdir_in(&ws.target_dir)
        .with_context(|| {
            format!(
                "could not create a directory in {}",
                ws.target_dir.display()
            )
        })?;
    let mut cargo = cmd::cargo();
    // The worktree is dirty by exactly the planned edits. Packaged for the registry the
    // crates go to (cargo refuses to guess when crates.io is replaced by another).
    cargo
        .args(["package", "--allow-dirty", "--registry", registry])
        .current_dir(&ws.root)
        .env("CARGO_TARGET_DIR", scratch.path())
        .env("CARGO_BUILD_BUILD_DIR", scratch.path());
    for krate in &plan.crates {
        cargo.args(["-p", &krate.name]);
    }
    cmd::run(&mut cargo).context("`cargo package` failed on the planned release")?;
    let packaged = ws.target_dir.join("package");
    fs::create_dir_all(&packaged)
        .with_context(|| format!("could not create {}", packaged.display()))?;
    for krate in &plan.crates {
        let name = format!("{}-{}.crate", krate.name, plan.version);
        let from = scratch.path().join("package").join(&name);
        fs::copy(&from, packaged.join(&name))
            .with_context(|| format!("could not copy {}", from.display()))?;
    }
    Ok(())
}

/// Applies the plan to the working tree at `root`, refreshes `Cargo.lock` and commits.
pub fn commit(root: &Path, plan: &Plan) -> Result<()> {
    if plan.resume {
        eprintln!("resuming: the release commit of {} exists", plan.version);
        return Ok(());
    }
    write_edits(root, plan)?;
    cmd::run(
        cmd::cargo()
            .args(["update", "--workspace"])
            .current_dir(root),
    )?;
    let mut paths: Vec<PathBuf> = plan.edits.iter().map(|e| e.path.clone()).collect();
    paths.push(PathBuf::from("Cargo.lock"));
    git::commit(root, &paths, &format!("Release {}", plan.version))
}

/// Tags the release commit (`HEAD`) with every planned tag.
pub fn tag(root: &Path, plan: &Plan) -> Result<()> {
    plan.tags
        .iter()
        .try_for_each(|tag| git::tag_head(root, tag))
}

/// Publishes the crates in order to `registry`, skipping those whose version is already
/// there. `cargo publish` waits until each crate is in the index, so the next one
/// resolves it. crates.io rate-limits an account's brand-new crates (a first release of
/// seven may be refused part-way with a 429 naming when to retry); resuming later
/// finishes the rest.
pub fn publish(root: &Path, plan: &Plan, registry: &str) -> Result<()> {
    for krate in &plan.crates {
        if is_published(&krate.name, &plan.version.to_string(), registry)? {
            eprintln!(
                "{}@{} is already on {registry}, skipped",
                krate.name, plan.version
            );
            continue;
        }
        // Verified by `cargo package` on the very same sources above.
        cmd::run(
            cmd::cargo()
                .args(["publish", "--no-verify", "--registry", registry])
                .args(["-p", &krate.name])
                .current_dir(root),
        )
        .with_context(|| {
            format!(
                "publishing {} failed; fix the cause and resume with \
                 `cargo xtask release {} --execute --skip-checks`",
                krate.name, plan.version
            )
        })?;
    }
    Ok(())
}

/// Whether `name@version` is on `registry`, asked with `cargo info` from outside the
/// workspace (inside it, `cargo info` would describe the local crate).
fn is_published(name: &str, version: &str, registry: &str) -> Result<bool> {
    let spec = format!("{name}@{version}");
    let out = cmd::output(
        cmd::cargo()
            .args(["info", "--registry", registry, &spec])
            .current_dir(std::env::temp_dir()),
    )?;
    published_from_info(
        out.status.success(),
        &String::from_utf8_lossy(&out.stderr),
        &spec,
        registry,
    )
}

/// Reads the answer of `cargo info <spec>`: found, not found, or a failure to ask.
fn published_from_info(success: bool, stderr: &str, spec: &str, registry: &str) -> Result<bool> {
    if success {
        Ok(true)
    } else if stderr.contains(&format!("could not find `{spec}`")) {
        Ok(false)
    } else {
        bail!(
            "could not tell whether {spec} is on {registry}: `cargo info` failed: {}",
            stderr.trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::fixture::Fixture;
    use std::process::Command;

    fn git(fx: &Fixture, args: &[&str]) -> String {
        cmd::read(Command::new("git").arg("-C").arg(fx.root()).args(args)).unwrap()
    }

    #[test]
    fn release_commit_and_tags_then_resume() {
        let fx = Fixture::new();
        fx.commit_all();
        let root = fx.root();
        let plan = fx.plan("minor").unwrap();
        commit(&root, &plan).unwrap();
        tag(&root, &plan).unwrap();

        assert!(git::dirty_files(&root).unwrap().is_empty());
        assert_eq!(
            git(&fx, &["log", "-1", "--format=%s"]).trim(),
            "Release 0.2.0"
        );
        let committed = git(&fx, &["show", "--name-only", "--format=", "HEAD"]);
        let mut committed: Vec<&str> = committed.lines().collect();
        committed.sort();
        assert_eq!(
            committed,
            [
                "CHANGELOG.md",
                "Cargo.lock",
                "Cargo.toml",
                "gamma/Cargo.toml",
                "tool/Cargo.toml"
            ]
        );
        assert!(fx
            .read("Cargo.lock")
            .contains("name = \"fx-gamma\"\nversion = \"0.2.0\""));
        let head = git::head(&root).unwrap();
        for name in ["fx-alpha-v0.2.0", "fx-beta-v0.2.0", "fx-gamma-v0.2.0"] {
            assert_eq!(git::tag_target(&root, name).unwrap().as_ref(), Some(&head));
        }

        // A second run at the same version resumes: no new commit, the tags are kept.
        let resumed = fx.plan("0.2.0").unwrap();
        assert!(resumed.resume);
        commit(&root, &resumed).unwrap();
        tag(&root, &resumed).unwrap();
        assert_eq!(git::head(&root).unwrap(), head);
    }

    #[test]
    fn cargo_info_answers() {
        let spec = "connkit-models@0.2.0";
        assert!(published_from_info(true, "", spec, "crates-io").unwrap());
        let missing = "    Updating crates.io index\nerror: could not find \
                       `connkit-models@0.2.0` in registry `crates-io`\n";
        assert!(!published_from_info(false, missing, spec, "crates-io").unwrap());
        let offline = "error: failed to query replaced source registry `crates-io`\n";
        let msg = format!(
            "{:#}",
            published_from_info(false, offline, spec, "crates-io").unwrap_err()
        );
        assert!(
            msg.contains("could not tell whether connkit-models@0.2.0 is on crates-io"),
            "{msg}"
        );
    }
}
