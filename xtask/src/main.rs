//! `cargo xtask`: connkit's maintenance tasks, written in plain Rust (no shell scripts).
//!
//! ```text
//! cargo xtask release <VERSION|major|minor|patch> [--execute] [--skip-checks] [--allow-dirty]
//!                     [--registry NAME]
//! cargo xtask schemas [--check]
//! cargo xtask header [--check]
//! cargo xtask semver
//! ```
//!
//! `release` is a dry run unless `--execute` is given: it prints the plan, refuses a dirty
//! git tree, runs fmt, clippy and the tests, and verifies the bumped crates with
//! `cargo package` in a scratch git worktree, without touching the working tree. With
//! `--execute` it then applies the edits, commits them, tags `<crate>-v<version>` and
//! publishes in dependency order (to crates.io, or `--registry NAME`), skipping versions
//! already there so that a failed or killed run can be resumed by running the same
//! command with the explicit version. Tests rehearse that against a local registry
//! (`cargo-http-registry` on loopback): `release::round_trip` kills and resumes the
//! release of a fixture, `release::own_crates` releases connkit's own crates and runs a
//! fresh project on them (see `xtask/README.md`).
//!
//! The publish order comes from `cargo metadata --no-deps`: a crate follows its normal and
//! build dependencies, and its dev-dependencies that state a version (cargo keeps those in
//! the published manifest and resolves them when packaging, so they must be on crates.io
//! first). Path-only dev-dependencies are stripped on publish and ignored, so they may form
//! cycles; a cycle through a versioned one is reported with the fix. `publish = false`
//! members are not released.
//!
//! `schemas` regenerates `schemas/` from the models' `export_schemas` example; with
//! `--check` it only reports files that are out of date, missing or extra.
//!
//! `release` also runs `cargo semver-checks` on the planned versions against each crate's
//! last release (its highest `<crate>-v<version>` tag below the new version), and
//! `semver` runs it on the working tree against the last release, for CI. Both skip with
//! a note while nothing has been released.
//!
//! `header` regenerates the plugin ABI's C header with cbindgen (see [`header`]); with
//! `--check` it fails when the committed header differs.
//!
//! Like rust-analyzer's xtask this is plain Rust, but leaner still: a few flags need no
//! parser crate, and `std::process::Command` behind a small echoing helper does what
//! `xshell` would. The dependencies are `anyhow` (error context), `serde`/`serde_json`
//! (metadata), `semver` (versions), `toml_edit` (format-preserving manifest edits) and
//! `tempfile` (scratch directories).

mod cmd;
mod git;
mod header;
mod release;
mod schemas;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage:
  cargo xtask release <VERSION|major|minor|patch> [--execute] [--skip-checks] [--allow-dirty]
                      [--registry NAME]
      Dry run unless --execute: print the plan, refuse a dirty tree, run fmt, clippy and
      tests, verify the bumped crates with `cargo package` in a scratch worktree, and
      run `cargo semver-checks` against the last release (skipped while there is none).
      --execute      also apply the edits, commit, tag <crate>-v<version> and publish in
                     order, skipping versions already on crates.io. To resume a failed
                     run, repeat it with the explicit VERSION.
      --skip-checks  skip fmt, clippy and tests (for re-runs after they passed)
      --allow-dirty  dry run only: warn about uncommitted files instead of refusing
      --registry NAME  publish to this registry of cargo's configuration instead of
                     crates-io (e.g. a local one, to rehearse a release)
  cargo xtask schemas [--check]
      Regenerate schemas/ from `connkit-models`' export_schemas example;
      --check fails listing the files that are out of date, missing or extra.
  cargo xtask header [--check]
      Regenerate crates/plugin-abi/include/connkit_plugin_v1.h with cbindgen;
      --check fails when the committed header differs.
  cargo xtask semver
      Run `cargo semver-checks` on the publishable crates against their last release
      (highest <crate>-v<version> tag); a note and success when none was released yet.
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Release(release::Options),
    Schemas { check: bool },
    Header { check: bool },
    Semver,
    Help,
}

fn main() {
    if let Err(err) = try_main() {
        // The chain without a backtrace: these errors are for the maintainer, not a bug.
        eprintln!("error: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(1);
    }
}

fn try_main() -> Result<()> {
    let task = parse_args(std::env::args().skip(1))?;
    match task {
        Task::Help => {
            print!("{USAGE}");
            Ok(())
        }
        Task::Release(options) => release::run(&workspace_root()?, &options),
        Task::Schemas { check } => schemas::run(&workspace_root()?, check),
        Task::Header { check } => header::run(&workspace_root()?, check),
        Task::Semver => release::semver_checks(&workspace_root()?, &mut std::io::stdout()),
    }
}

/// The workspace root: the parent of this crate's manifest directory, as cargo compiled it.
fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .with_context(|| format!("{} has no parent directory", manifest_dir.display()))
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Task> {
    let mut args = args.into_iter();
    let Some(task) = args.next() else {
        bail!("no task given\n{USAGE}");
    };
    let rest: Vec<String> = args.collect();
    match task.as_str() {
        "help" | "-h" | "--help" => Ok(Task::Help),
        "release" => parse_release(rest),
        "schemas" => Ok(Task::Schemas {
            check: parse_check("schemas", rest)?,
        }),
        "header" => Ok(Task::Header {
            check: parse_check("header", rest)?,
        }),
        "semver" => match rest.first() {
            None => Ok(Task::Semver),
            Some(other) => bail!("unexpected argument `{other}` for `semver`\n{USAGE}"),
        },
        other => bail!("unknown task `{other}`\n{USAGE}"),
    }
}

/// The arguments of a task whose only flag is `--check`.
fn parse_check(task: &str, args: Vec<String>) -> Result<bool> {
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            other => bail!("unexpected argument `{other}` for `{task}`\n{USAGE}"),
        }
    }
    Ok(check)
}

fn parse_release(args: Vec<String>) -> Result<Task> {
    let mut target = None;
    let mut execute = false;
    let mut skip_checks = false;
    let mut allow_dirty = false;
    let mut registry = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--registry" => match args.next() {
                Some(name) if !name.starts_with('-') => registry = Some(name),
                _ => bail!("--registry needs a registry name\n{USAGE}"),
            },
            "--execute" => execute = true,
            "--skip-checks" => skip_checks = true,
            "--allow-dirty" => allow_dirty = true,
            flag if flag.starts_with('-') => {
                bail!("unknown flag `{flag}` for `release`\n{USAGE}")
            }
            value => {
                if target.is_some() {
                    bail!("`release` takes one version argument, got a second: `{value}`");
                }
                target = Some(value.parse::<release::Target>()?);
            }
        }
    }
    let Some(target) = target else {
        bail!("`release` needs a version: <VERSION|major|minor|patch>\n{USAGE}");
    };
    if execute && allow_dirty {
        bail!("--allow-dirty is for dry runs only: a release is made from a clean tree");
    }
    Ok(Task::Release(release::Options {
        target,
        execute,
        skip_checks,
        allow_dirty,
        registry: registry.unwrap_or_else(|| "crates-io".to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use release::Target;

    fn parse(args: &[&str]) -> Result<Task> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    fn err(args: &[&str]) -> String {
        format!("{:#}", parse(args).unwrap_err())
    }

    #[test]
    fn release_defaults_to_a_dry_run() {
        let task = parse(&["release", "patch"]).unwrap();
        assert_eq!(
            task,
            Task::Release(release::Options {
                target: Target::Patch,
                execute: false,
                skip_checks: false,
                allow_dirty: false,
                registry: "crates-io".to_owned(),
            })
        );
    }

    #[test]
    fn release_flags_in_any_order() {
        let task = parse(&[
            "release",
            "--skip-checks",
            "1.2.3",
            "--registry",
            "local",
            "--execute",
        ])
        .unwrap();
        assert_eq!(
            task,
            Task::Release(release::Options {
                target: Target::Exact("1.2.3".parse().unwrap()),
                execute: true,
                skip_checks: true,
                allow_dirty: false,
                registry: "local".to_owned(),
            })
        );
    }

    #[test]
    fn release_rejects_bad_input() {
        assert!(err(&["release"]).contains("needs a version"));
        assert!(err(&["release", "patch", "minor"]).contains("got a second: `minor`"));
        assert!(err(&["release", "patch", "--force"]).contains("unknown flag `--force`"));
        assert!(err(&["release", "next"]).contains("`next`"));
        assert!(err(&["release", "patch", "--registry"]).contains("--registry needs"));
        assert!(err(&["release", "patch", "--execute", "--allow-dirty"])
            .contains("--allow-dirty is for dry runs only"));
    }

    #[test]
    fn schemas_and_help() {
        assert_eq!(parse(&["schemas"]).unwrap(), Task::Schemas { check: false });
        assert_eq!(
            parse(&["schemas", "--check"]).unwrap(),
            Task::Schemas { check: true }
        );
        assert!(err(&["schemas", "--write"]).contains("unexpected argument `--write`"));
        assert_eq!(
            parse(&["header", "--check"]).unwrap(),
            Task::Header { check: true }
        );
        assert!(err(&["header", "-x"]).contains("unexpected argument `-x` for `header`"));
        assert_eq!(parse(&["semver"]).unwrap(), Task::Semver);
        assert!(err(&["semver", "x"]).contains("unexpected argument `x` for `semver`"));
        assert_eq!(parse(&["--help"]).unwrap(), Task::Help);
        assert!(err(&[]).contains("no task given"));
        assert!(err(&["deploy"]).contains("unknown task `deploy`"));
    }
}
