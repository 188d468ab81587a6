//! `cargo xtask release`: plan, check, verify and (with `--execute`) carry out a release.
//!
//! The plan is made from `HEAD`, checked out in a scratch git worktree: `cargo metadata`
//! there gives the crates and their dependencies, the planner computes every edit, the
//! edits are written into the worktree and `cargo package` verifies the crates as they
//! will be published. Only `--execute` touches this working tree, with the same edits.

mod bump;
mod changelog;
mod execute;
#[cfg(test)]
mod fixture;
#[cfg(all(test, unix))]
mod local_registry;
mod order;
#[cfg(all(test, unix))]
mod own_crates;
mod plan;
#[cfg(all(test, unix))]
mod round_trip;
mod semver;
mod version;

use std::fs;
use std::path::Path;
#[cfg(test)]
use std::process::Command;

use anyhow::{Context, Result};

pub use version::Target;

use crate::{cmd, git};
use order::Workspace;

/// The options of `cargo xtask release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub target: Target,
    /// Apply, commit, tag and publish; otherwise a dry run that changes nothing here.
    pub execute: bool,
    /// Skip fmt, clippy and tests.
    pub skip_checks: bool,
    /// Dry run only: warn about uncommitted files instead of refusing.
    pub allow_dirty: bool,
    /// The registry to publish to, as cargo names it (`crates-io`, or one defined in
    /// cargo's configuration, e.g. a local registry for a rehearsal).
    pub registry: String,
}

/// Runs the release of the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    let here = metadata(root, None)?;
    let tree = git::Worktree::of_head(root)?;
    let ws = metadata(tree.path(), Some(&here.target_dir))?;
    let read = |path: &Path| {
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))
    };
    let plan = plan::plan(&ws, &read, &options.target, &changelog::today())?;
    println!("{}", plan.render(options.execute));

    if !options.allow_dirty {
        git::ensure_clean(root)?;
    }
    let dirty = git::dirty_files(root)?;
    if !dirty.is_empty() {
        eprintln!(
            "warning (--allow-dirty): the plan and the packaging use HEAD; these uncommitted \
             files are not part of them:\n{}",
            git::list_files(&dirty)
        );
    }

    if options.registry != "crates-io" {
        let released = plan.crates.iter().map(|c| c.name.clone()).collect();
        let unnamed = order::crates_io_deps(&ws, &released);
        if !unnamed.is_empty() {
            eprintln!(
                "warning: these dependencies name no registry, so the crates published to \
                 `{0}` look for them on crates.io (right only where crates.io is replaced \
                 by `{0}`); otherwise add `registry = \"{0}\"` to them:\n  {1}",
                options.registry,
                unnamed.join("\n  ")
            );
        }
    }
    if options.skip_checks {
        eprintln!("skipping fmt, clippy and tests (--skip-checks)");
    } else {
        execute::checks(root)?;
    }
    execute::verify(&ws, &plan, &options.registry)?;
    // On the planned versions, in the worktree: does the bump cover the API changes?
    let crates: Vec<String> = plan.crates.iter().map(|c| c.name.clone()).collect();
    semver::check(
        root,
        &ws.root,
        &crates,
        Some(&plan.version),
        &mut std::io::stdout(),
    )?;
    drop(tree);

    if !options.execute {
        println!(
            "Dry run complete: the crates package cleanly at {}; nothing here was changed. \
             Run again with --execute to release.",
            plan.version
        );
        return Ok(());
    }
    execute::commit(root, &plan)?;
    execute::tag(root, &plan)?;
    execute::publish(root, &plan, &options.registry)?;
    println!(
        "Released {}. Push the release commit and its tags: git push --follow-tags",
        plan.version
    );
    Ok(())
}

/// `cargo xtask semver`: the publishable crates of the working tree at `root` against
/// their last release (a note on `out`, and success, when there is none yet).
pub fn semver_checks(root: &Path, out: &mut dyn std::io::Write) -> Result<()> {
    let crates: Vec<String> = metadata(root, None)?
        .members
        .into_iter()
        .filter(|m| m.publishable)
        .map(|m| m.name)
        .collect();
    semver::check(root, root, &crates, None, out)
}

/// `cargo metadata --no-deps` of the workspace at `root`, with cargo's target directory
/// set to `target_dir` when given (so a scratch worktree reuses the build cache).
fn metadata(root: &Path, target_dir: Option<&Path>) -> Result<Workspace> {
    let mut cargo = cmd::cargo();
    cargo
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root);
    if let Some(dir) = target_dir {
        cargo.env("CARGO_TARGET_DIR", dir);
    }
    Workspace::from_metadata(&cmd::read(&mut cargo)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fixture::Fixture;

    fn dry_run() -> Options {
        Options {
            target: Target::Minor,
            execute: false,
            skip_checks: true,
            allow_dirty: false,
            registry: "crates-io".to_owned(),
        }
    }

    #[test]
    fn dry_run_packages_the_bumped_crates_and_changes_nothing_here() {
        let fx = Fixture::new();
        fx.commit_all();
        let root = fx.root();
        let manifest = fx.read("Cargo.toml");
        run(&root, &dry_run()).unwrap();

        // fx-gamma 0.2.0 depends on fx-beta 0.2.0, which exists nowhere but in the
        // packaging run: it was verified against its sibling's package.
        let package_dir = Workspace::from_metadata(&fx.metadata())
            .unwrap()
            .target_dir
            .join("package");
        for krate in ["fx-alpha", "fx-beta", "fx-gamma"] {
            let packaged = package_dir.join(format!("{krate}-0.2.0.crate"));
            assert!(packaged.is_file(), "{} is missing", packaged.display());
        }
        assert!(!package_dir.join("fx-tool-0.2.0.crate").exists());
        assert!(git::dirty_files(&root).unwrap().is_empty());
        assert_eq!(fx.read("Cargo.toml"), manifest);
        let worktrees = cmd::read(
            Command::new("git")
                .arg("-C")
                .arg(&root)
                .args(["worktree", "list"]),
        );
        assert_eq!(worktrees.unwrap().lines().count(), 1);
    }

    #[test]
    fn a_second_dry_run_at_the_same_version_packages_the_new_sources() {
        let fx = Fixture::new();
        fx.commit_all();
        run(&fx.root(), &dry_run()).unwrap();
        // fx-beta now calls what fx-alpha only has since: built against the first run's
        // fx-alpha 0.2.0, it would not compile.
        fx.write("alpha/src/lib.rs", "//! fixture\n\npub fn added() {}\n");
        fx.write(
            "beta/src/lib.rs",
            "//! fixture\n\npub use fx_alpha::added;\n",
        );
        fx.commit_all();
        run(&fx.root(), &dry_run()).unwrap();
    }

    #[test]
    fn the_plan_checks_the_api_against_the_last_release() {
        let fx = Fixture::new();
        fx.release_alpha();
        fx.write("alpha/src/lib.rs", fixture::ALPHA_BROKEN);
        fx.commit_all();
        // A removal needs a minor release before 1.0: a patch one is refused.
        let patch = Options {
            target: Target::Patch,
            ..dry_run()
        };
        let msg = format!("{:#}", run(&fx.root(), &patch).unwrap_err());
        assert!(
            msg.contains("found breaking changes since 0.1.0 in fx-alpha"),
            "{msg}"
        );
        run(&fx.root(), &dry_run()).unwrap();
    }

    #[test]
    fn dirty_tree_is_refused_unless_allowed_for_a_dry_run() {
        let fx = Fixture::new();
        fx.commit_all();
        fx.write("gamma/src/lib.rs", "//! edited\n");
        let msg = format!("{:#}", run(&fx.root(), &dry_run()).unwrap_err());
        assert!(msg.contains("has uncommitted changes"), "{msg}");
        assert!(msg.contains("  gamma/src/lib.rs"), "{msg}");

        let allowed = Options {
            allow_dirty: true,
            ..dry_run()
        };
        run(&fx.root(), &allowed).unwrap();
        assert_eq!(fx.read("gamma/src/lib.rs"), "//! edited\n");
    }
}
