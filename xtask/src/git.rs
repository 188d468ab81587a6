//! The git operations a release needs: the clean-tree check, a scratch worktree, the
//! release commit and tags.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cmd;

fn git(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(repo);
    cmd
}

/// The paths that `git status --porcelain` reports: modified, staged, deleted, renamed
/// and untracked files (ignored files are not reported).
pub fn parse_porcelain(status: &str) -> Vec<String> {
    status
        .lines()
        .filter(|line| line.len() > 3)
        .map(|line| line[3..].to_string())
        .collect()
}

/// The uncommitted files of the repository at `repo`.
pub fn dirty_files(repo: &Path) -> Result<Vec<String>> {
    let status = cmd::read(
        git(repo)
            .args(["status", "--porcelain=v1", "--untracked-files=all"])
            .env("GIT_OPTIONAL_LOCKS", "0"),
    )
    .with_context(|| format!("could not read the git status of {}", repo.display()))?;
    Ok(parse_porcelain(&status))
}

/// Fails, listing the files, if the repository at `repo` has uncommitted changes.
pub fn ensure_clean(repo: &Path) -> Result<()> {
    let dirty = dirty_files(repo)?;
    if dirty.is_empty() {
        return Ok(());
    }
    bail!(
        "the git tree at {} has uncommitted changes; commit or remove them first:\n{}",
        repo.display(),
        list_files(&dirty)
    )
}

/// At most 20 of `files`, one per indented line, and how many more there are.
pub fn list_files(files: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut lines: Vec<String> = files.iter().take(SHOWN).map(|f| format!("  {f}")).collect();
    if files.len() > SHOWN {
        lines.push(format!(
            "  … and {} more (see `git status`)",
            files.len() - SHOWN
        ));
    }
    lines.join("\n")
}

/// The commit id of `HEAD`.
pub fn head(repo: &Path) -> Result<String> {
    Ok(cmd::read(git(repo).args(["rev-parse", "HEAD"]))?
        .trim()
        .to_string())
}

/// The commit a tag points to, or `None` if there is no such tag.
pub fn tag_target(repo: &Path, tag: &str) -> Result<Option<String>> {
    let out = cmd::output(
        git(repo)
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("refs/tags/{tag}^{{commit}}")),
    )?;
    if out.status.success() {
        Ok(Some(
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ))
    } else {
        Ok(None)
    }
}

/// Every tag of the repository at `repo`.
pub fn tags(repo: &Path) -> Result<Vec<String>> {
    Ok(cmd::read(git(repo).args(["tag", "--list"]))?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Creates the annotated tag `tag` on `HEAD`; an existing tag on `HEAD` is kept (a resumed
/// release), one on another commit is an error.
pub fn tag_head(repo: &Path, tag: &str) -> Result<()> {
    let head = head(repo)?;
    match tag_target(repo, tag)? {
        Some(target) if target == head => {
            eprintln!("tag {tag} already points at HEAD, kept");
            Ok(())
        }
        Some(target) => bail!(
            "tag {tag} already exists on commit {target}, not on HEAD ({head}); \
             was this version released from another commit?"
        ),
        None => cmd::run(git(repo).args(["tag", "-a", tag, "-m", tag])),
    }
}

/// Commits exactly `paths` (relative to `repo`) with `message`.
pub fn commit(repo: &Path, paths: &[PathBuf], message: &str) -> Result<()> {
    cmd::run(git(repo).arg("add").arg("--").args(paths))?;
    cmd::run(git(repo).args(["commit", "-m", message, "--"]).args(paths))
}

/// A detached checkout of `HEAD` in a temporary directory, removed on drop.
pub struct Worktree {
    repo: PathBuf,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Worktree {
    /// Checks out `HEAD` of `repo` into a new temporary directory.
    pub fn of_head(repo: &Path) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("xtask-release-")
            .tempdir()
            .context("could not create a temporary directory for the release worktree")?;
        let path = dir.path().join("tree");
        cmd::run(
            git(repo)
                .args(["worktree", "add", "--detach", "--quiet"])
                .arg(&path)
                .arg("HEAD"),
        )?;
        Ok(Self {
            repo: repo.to_path_buf(),
            path,
            _dir: dir,
        })
    }

    /// Where the checkout is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let removed = cmd::output(
            git(&self.repo)
                .args(["worktree", "remove", "--force"])
                .arg(&self.path),
        );
        if !matches!(removed, Ok(ref out) if out.status.success()) {
            eprintln!(
                "warning: could not remove the worktree {}; run `git worktree prune`",
                self.path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A fresh repository with two committed files and a local identity for commits.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| cmd::read(git(dir.path()).args(args)).unwrap();
        git(&["init", "--quiet"]);
        git(&["config", "user.name", "t"]);
        git(&["config", "user.email", "t@t"]);
        fs::write(dir.path().join("kept.txt"), "one\n").unwrap();
        fs::write(dir.path().join("edited.txt"), "one\n").unwrap();
        git(&["add", "."]);
        git(&["commit", "--quiet", "-m", "init"]);
        dir
    }

    #[test]
    fn porcelain_paths() {
        let status = " M crates/a/Cargo.toml\n?? new file.txt\nD  gone.rs\n";
        assert_eq!(
            parse_porcelain(status),
            ["crates/a/Cargo.toml", "new file.txt", "gone.rs"]
        );
        assert!(parse_porcelain("").is_empty());
    }

    #[test]
    fn long_file_lists_are_cut() {
        let files: Vec<String> = (1..=23).map(|i| format!("f{i}.rs")).collect();
        let list = list_files(&files);
        assert_eq!(list.lines().count(), 21, "{list}");
        assert!(list.starts_with("  f1.rs\n  f2.rs\n"), "{list}");
        assert!(
            list.ends_with("  f20.rs\n  … and 3 more (see `git status`)"),
            "{list}"
        );
        assert_eq!(list_files(&files[..2]), "  f1.rs\n  f2.rs");
    }

    #[test]
    fn clean_tree_passes() {
        let repo = repo();
        ensure_clean(repo.path()).unwrap();
    }

    #[test]
    fn dirty_tree_is_refused_with_the_files_listed() {
        let repo = repo();
        fs::write(repo.path().join("edited.txt"), "two\n").unwrap();
        fs::write(repo.path().join("untracked.txt"), "new\n").unwrap();
        let msg = format!("{:#}", ensure_clean(repo.path()).unwrap_err());
        assert!(msg.contains("uncommitted changes"), "{msg}");
        assert!(msg.contains("  edited.txt"), "{msg}");
        assert!(msg.contains("  untracked.txt"), "{msg}");
        assert!(!msg.contains("kept.txt"), "{msg}");
    }

    #[test]
    fn worktree_is_a_checkout_of_head_and_is_removed() {
        let repo = repo();
        fs::write(repo.path().join("edited.txt"), "uncommitted\n").unwrap();
        let checkout;
        {
            let tree = Worktree::of_head(repo.path()).unwrap();
            checkout = tree.path().to_path_buf();
            let text = fs::read_to_string(checkout.join("edited.txt")).unwrap();
            assert_eq!(text, "one\n");
        }
        assert!(!checkout.exists());
        let list = cmd::read(git(repo.path()).args(["worktree", "list"])).unwrap();
        assert_eq!(list.lines().count(), 1, "{list}");
    }

    #[test]
    fn tags_are_created_on_head_kept_on_resume_and_refused_elsewhere() {
        let repo = repo();
        tag_head(repo.path(), "fx-alpha-v0.2.0").unwrap();
        let head_before = head(repo.path()).unwrap();
        assert_eq!(
            tag_target(repo.path(), "fx-alpha-v0.2.0").unwrap(),
            Some(head_before.clone())
        );
        tag_head(repo.path(), "fx-alpha-v0.2.0").unwrap();

        fs::write(repo.path().join("edited.txt"), "two\n").unwrap();
        commit(repo.path(), &[PathBuf::from("edited.txt")], "next").unwrap();
        let msg = format!(
            "{:#}",
            tag_head(repo.path(), "fx-alpha-v0.2.0").unwrap_err()
        );
        assert!(
            msg.contains(&format!("already exists on commit {head_before}")),
            "{msg}"
        );
        assert_eq!(tag_target(repo.path(), "fx-beta-v0.2.0").unwrap(), None);
    }
}
