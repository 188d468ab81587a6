//! API compatibility against the last release, with `cargo semver-checks`: run by
//! `cargo xtask release` on the planned versions, and by CI (`cargo xtask semver`) on the
//! working tree.
//!
//! A crate's last release is its highest `<crate>-v<version>` tag (the tags
//! `--execute` creates). A crate without one has never been released and has nothing
//! to be compatible with: it is skipped with a note, and when no crate has one, so is
//! the whole check. `cargo-semver-checks` is installed with `cargo install --locked`
//! the first time a baseline exists and it is missing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use semver::Version;

use crate::{cmd, git};

/// `cargo semver-checks`' exit code when it found breaking changes; other failures
/// (a crate that does not build, a bad baseline) carry no verdict.
const BREAKING: i32 = 100;

/// `cargo semver-checks` for `crates` (in the tree at `dir`, a checkout of the repository
/// at `repo`) against each one's last release below `before` (all releases when `None`),
/// with what was skipped and why written to `out`.
pub fn check(
    repo: &Path,
    dir: &Path,
    crates: &[String],
    before: Option<&Version>,
    out: &mut dyn Write,
) -> Result<()> {
    let tags = git::tags(repo)?;
    let mut by_baseline: BTreeMap<(Version, String), Vec<&str>> = BTreeMap::new();
    let mut unreleased = Vec::new();
    for name in crates {
        match last_release(&tags, name, before) {
            Some((version, tag)) => by_baseline.entry((version, tag)).or_default().push(name),
            None => unreleased.push(name.as_str()),
        }
    }
    if by_baseline.is_empty() {
        writeln!(
            out,
            "semver-checks: skipped, no version was released yet (no `<crate>-v<version>` \
             tag for {})",
            crates.join(", ")
        )?;
        return Ok(());
    }
    if !unreleased.is_empty() {
        writeln!(
            out,
            "semver-checks: not released before, nothing to compare: {}",
            unreleased.join(", ")
        )?;
    }
    ensure_installed()?;
    for ((version, tag), names) in by_baseline {
        let mut cargo = cmd::cargo();
        cargo
            .args(["semver-checks", "check-release", "--baseline-rev", &tag])
            .current_dir(dir);
        for name in &names {
            cargo.args(["-p", name]);
        }
        let line = cmd::display(&cargo);
        eprintln!("$ {line}");
        let status = cargo
            .status()
            .with_context(|| format!("could not start `{line}`"))?;
        match status.code() {
            Some(0) => {}
            Some(BREAKING) => bail!(
                "`cargo semver-checks` found breaking changes since {version} in {}: bump \
                 the major version (minor before 1.0), or undo them",
                names.join(", ")
            ),
            _ => bail!(
                "`{line}` failed ({status}) without a verdict on compatibility (e.g. a crate \
                 that does not build); see its output above"
            ),
        }
    }
    Ok(())
}

/// The highest version of `name` tagged `<name>-v<version>` below `before`, and its tag.
fn last_release(
    tags: &[String],
    name: &str,
    before: Option<&Version>,
) -> Option<(Version, String)> {
    let prefix = format!("{name}-v");
    tags.iter()
        .filter_map(|tag| {
            let version: Version = tag.strip_prefix(&prefix)?.parse().ok()?;
            Some((version, tag.clone()))
        })
        .filter(|(version, _)| before.is_none_or(|b| version < b))
        .max()
}

/// `cargo semver-checks`, installed first when cargo does not know the subcommand.
fn ensure_installed() -> Result<()> {
    let probe = cmd::output(cmd::cargo().args(["semver-checks", "--version"]))?;
    if probe.status.success() {
        return Ok(());
    }
    cmd::run(cmd::cargo().args(["install", "--locked", "cargo-semver-checks"]))
        .context("could not install cargo-semver-checks")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::fixture::{Fixture, ALPHA_BROKEN, ALPHA_RELEASED};

    fn tags(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_last_release_is_the_highest_tag_of_that_crate_below_the_new_version() {
        let tags = tags(&[
            "connkit-models-v0.1.0",
            "connkit-models-v0.10.0",
            "connkit-models-v0.2.0",
            "connkit-models-extra-v9.0.0",
            "connkit-models-vnext",
            "v1.0.0",
        ]);
        let last = |before: Option<&str>| {
            let before: Option<Version> = before.map(|b| b.parse().unwrap());
            last_release(&tags, "connkit-models", before.as_ref()).map(|(v, t)| (v.to_string(), t))
        };
        assert_eq!(
            last(None),
            Some(("0.10.0".into(), "connkit-models-v0.10.0".into()))
        );
        // Resuming 0.10.0: its own tags exist already; the baseline is the one before.
        assert_eq!(
            last(Some("0.10.0")),
            Some(("0.2.0".into(), "connkit-models-v0.2.0".into()))
        );
        assert_eq!(last(Some("0.1.0")), None);
        assert_eq!(last_release(&tags, "connkit-sandbox", None), None);
    }

    /// `cargo xtask semver` in the fixture: its result and what it wrote.
    fn xtask_semver(fx: &Fixture) -> (Result<()>, String) {
        let mut out = Vec::new();
        let result = crate::release::semver_checks(&fx.root(), &mut out);
        (result, String::from_utf8(out).expect("UTF-8"))
    }

    #[test]
    fn nothing_released_is_a_skip_without_running_anything() {
        let fx = Fixture::new();
        fx.commit_all();
        // No tag, so no baseline: succeeds without needing cargo-semver-checks at all.
        let (result, out) = xtask_semver(&fx);
        result.unwrap();
        assert_eq!(
            out,
            "semver-checks: skipped, no version was released yet (no `<crate>-v<version>` \
             tag for fx-alpha, fx-beta, fx-gamma)\n"
        );
    }

    #[test]
    fn an_addition_since_the_last_release_passes() {
        let fx = Fixture::new();
        fx.release_alpha();
        fx.write(
            "alpha/src/lib.rs",
            &format!("{ALPHA_RELEASED}\npub fn added() {{}}\n"),
        );
        let (result, out) = xtask_semver(&fx);
        result.unwrap();
        assert_eq!(
            out,
            "semver-checks: not released before, nothing to compare: fx-beta, fx-gamma\n"
        );
    }

    #[test]
    fn a_removed_function_is_a_breaking_change() {
        let fx = Fixture::new();
        fx.release_alpha();
        fx.write("alpha/src/lib.rs", ALPHA_BROKEN);
        let msg = format!("{:#}", xtask_semver(&fx).0.unwrap_err());
        assert!(
            msg.contains("`cargo semver-checks` found breaking changes since 0.1.0 in fx-alpha"),
            "{msg}"
        );
    }
}
