//! `connectors pull` against hostile conditions, with the real binary and a served
//! sandbox: SIGKILL at many moments of a pull leaves DIR exactly as it was or exactly as
//! a finished pull makes it, and a tree holding a symlink is refused with exit 3.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Env, Run, Served};

/// `connkit --base-url URL ARGS…`.
fn connkit(env: &Env, served: &Served, args: &[&str]) -> Command {
    let mut cmd = env.cmd(["--base-url", served.base_url.as_str()]);
    cmd.args(args);
    cmd
}

fn run(env: &Env, served: &Served, args: &[&str]) -> Run {
    Run::from(connkit(env, served, args).output().expect("run connkit"))
}

fn path(dir: &Path) -> &str {
    dir.to_str().expect("UTF-8 temp path")
}

/// Every entry under `dir`, never following a link: files with their bytes, folders
/// (`None`) so that an empty folder counts, links with their target.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).expect("read folder") {
            let entry = entry.expect("entry").path();
            let name = entry
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = fs::symlink_metadata(&entry).expect("metadata").file_type();
            if kind.is_dir() {
                stack.push(entry);
                out.insert(name, None);
            } else if kind.is_symlink() {
                let target = fs::read_link(&entry).expect("read link");
                out.insert(name, Some(target.to_string_lossy().as_bytes().to_vec()));
            } else {
                out.insert(name, Some(fs::read(&entry).expect("read file")));
            }
        }
    }
    out
}

/// `cp -a FROM TO` (TO must not exist): a tree copied with its links and modes.
fn copy(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .expect("run cp");
    assert!(
        status.success(),
        "cp -a {} {}",
        from.display(),
        to.display()
    );
}

/// A hand-written tree of `n` connectors whose documents carry `version`.
fn tree_of(dir: &Path, n: usize, version: u32) {
    for i in 0..n {
        let folder = dir.join(format!("kill-app-{i}"));
        fs::create_dir_all(folder.join("translations")).unwrap();
        let spec = serde_json::json!({
            "name": format!("Kill App {i}"),
            "className": "sailpoint.connector.OpenConnectorAdapter",
            "connectorMetadata": {"version": version},
        });
        fs::write(folder.join("connector.json"), format!("{spec:#}\n")).unwrap();
        for (file, root) in [
            ("source-config.xml", "Form"),
            ("source-template.xml", "Application"),
            ("correlation-config.xml", "CorrelationConfig"),
        ] {
            let xml = format!("<{root} name=\"Kill App {i}\" version=\"{version}\"/>\n");
            fs::write(folder.join(file), xml).unwrap();
        }
        let catalog = format!("greeting=Hallo {i} v{version}\n");
        fs::write(folder.join("translations/de.properties"), catalog).unwrap();
        if version > 1 && i % 2 == 0 {
            fs::write(
                folder.join("translations/fr.properties"),
                "greeting=Salut\n",
            )
            .unwrap();
        }
    }
}

/// A served sandbox holding `n` connectors of [`tree_of`], version 1.
fn served_with(env: &Env, n: usize) -> Served {
    let served = Served::start(env, &["--seed", "0"]);
    let v1 = env.path().join("v1");
    tree_of(&v1, n, 1);
    run(env, &served, &["connectors", "push", path(&v1), "--yes"]).ok();
    served
}

/// What a team keeps in DIR beside the connectors, none of it pull's: a git folder with
/// many objects and a link, a README, overlays.
fn add_what_pull_does_not_own(dir: &Path) {
    let objects = dir.join(".git/objects");
    for i in 0..300 {
        let folder = objects.join(format!("{:02x}", i % 16));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(format!("{i:038x}")), format!("object {i}\n")).unwrap();
    }
    fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::os::unix::fs::symlink("HEAD", dir.join(".git/ORIG_HEAD")).unwrap();
    fs::write(dir.join("README.md"), "# our connectors\n").unwrap();
    fs::create_dir_all(dir.join("_overlays")).unwrap();
    fs::write(dir.join("_overlays/prod.json"), "{\"connectors\": {}}\n").unwrap();
}

/// The pull siblings beside `dir` (`.tree.connkit-pull.<pid>`).
fn siblings(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tree.connkit-pull."))
        .collect()
}

/// When a round's pull was killed.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the start (mostly while the tenant is read).
    AfterStart(Duration),
    /// This long after its sibling folder appeared (copying, writing or swapping).
    AfterSibling(Duration),
}

#[test]
fn a_pull_killed_at_any_moment_leaves_the_old_tree_or_the_new_one() {
    let env = Env::new();
    let connectors = 12;
    // Slow answers, so that a kill can land while the tenant is read.
    let served = Served::start(&env, &["--seed", "0", "--faults", "latency=2ms"]);

    // The tenant as it was at the last pull: DIR holds that, plus what the team keeps.
    let v1 = env.path().join("v1");
    tree_of(&v1, connectors, 1);
    run(&env, &served, &["connectors", "push", path(&v1), "--yes"]).ok();
    let dir = env.path().join("tree");
    run(&env, &served, &["connectors", "pull", path(&dir)]).ok();
    add_what_pull_does_not_own(&dir);
    let pristine = env.path().join("pristine");
    copy(&dir, &pristine);
    let old = snapshot(&dir);

    // The tenant changes: every connector's metadata, documents and catalogs, new
    // locales. The new tree is what an uninterrupted pull makes of the old one.
    let v2 = env.path().join("v2");
    tree_of(&v2, connectors, 2);
    run(&env, &served, &["connectors", "push", path(&v2), "--yes"]).ok();
    let finished = env.path().join("finished");
    copy(&pristine, &finished);
    run(&env, &served, &["connectors", "pull", path(&finished)]).ok();
    let new = snapshot(&finished);
    assert_ne!(old, new);
    for kept in [
        "README.md",
        "_overlays/prod.json",
        ".git/HEAD",
        ".git/ORIG_HEAD",
    ] {
        assert_eq!(new[kept], old[kept], "{kept} is kept byte for byte");
    }
    assert!(new.contains_key("kill-app-0/translations/fr.properties"));

    let mut moments = vec![
        KillAt::AfterStart(Duration::from_millis(30)),
        KillAt::AfterStart(Duration::from_millis(120)),
        KillAt::AfterStart(Duration::from_millis(250)),
        KillAt::AfterStart(Duration::from_millis(400)),
    ];
    moments.extend(
        [0u64, 0, 1, 3, 8, 21, 55, 144].map(|ms| KillAt::AfterSibling(Duration::from_millis(ms))),
    );
    let (mut left_old, mut left_new, mut mid_build) = (0, 0, 0);
    for moment in moments {
        fs::remove_dir_all(&dir).unwrap();
        copy(&pristine, &dir);
        let mut child = connkit(&env, &served, &["-q", "connectors", "pull", path(&dir)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn pull");
        // `<pid>-0`: the first (and only) pull of that process.
        let sibling = env
            .path()
            .join(format!(".tree.connkit-pull.{}-0", child.id()));
        let started = Instant::now();
        let killed = loop {
            if child.try_wait().expect("poll pull").is_some() {
                break false;
            }
            let due = match moment {
                KillAt::AfterStart(delay) => started.elapsed() >= delay,
                KillAt::AfterSibling(delay) => {
                    sibling.exists() && {
                        std::thread::sleep(delay);
                        true
                    }
                }
            };
            if due {
                child.kill().expect("SIGKILL");
                break true;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "pull hung");
            std::thread::sleep(Duration::from_micros(200));
        };
        child.wait().expect("reap pull");
        let now = snapshot(&dir);
        let sibling_left = sibling.exists();
        if now == old {
            left_old += 1;
            mid_build += usize::from(killed && sibling_left);
        } else if now == new {
            left_new += 1;
        } else {
            let differ: Vec<_> = now
                .keys()
                .chain(old.keys())
                .filter(|k| now.get(*k) != old.get(*k) && now.get(*k) != new.get(*k))
                .take(5)
                .collect();
            panic!("killed at {moment:?}: DIR is neither the old tree nor the new one: {differ:?}");
        }
        // The next pull succeeds, makes the new tree and clears the killed one's sibling.
        run(&env, &served, &["-q", "connectors", "pull", path(&dir)]).ok();
        assert_eq!(snapshot(&dir), new, "after a kill at {moment:?}");
        assert_eq!(siblings(env.path()), Vec::<String>::new());
    }
    assert!(left_old > 0, "no kill landed before the swap");
    assert!(
        mid_build > 0,
        "no kill landed while the new tree was being built (old {left_old}, new {left_new})"
    );
}

#[test]
fn a_tree_holding_links_is_refused_by_pull_diff_and_push_and_nothing_is_read_through_them() {
    let env = Env::new();
    let served = served_with(&env, 2);
    let dir = env.path().join("tree");
    run(&env, &served, &["connectors", "pull", path(&dir)]).ok();
    let elsewhere = env.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("keep.properties"), "keep=1\n").unwrap();
    let credentials = elsewhere.join("credentials.json");
    fs::write(&credentials, "{\"connectors\": {\"S3CRET-TOKEN\": {}}}\n").unwrap();
    fs::remove_dir_all(dir.join("kill-app-1/translations")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("kill-app-1/translations")).unwrap();
    fs::create_dir_all(dir.join("_overlays")).unwrap();
    std::os::unix::fs::symlink(&credentials, dir.join("_overlays/prod.json")).unwrap();
    let before = snapshot(&dir);
    let canary = snapshot(&elsewhere);

    let refused = run(&env, &served, &["connectors", "pull", path(&dir)]).code(3);
    for link in ["kill-app-1/translations", "_overlays/prod.json"] {
        let line = format!("{}/{link}: error: tree.symlink", dir.display());
        assert!(refused.stderr.contains(&line), "{}", refused.stderr);
    }
    assert!(
        refused.stderr.contains("nothing was written"),
        "{}",
        refused.stderr
    );
    assert_eq!(snapshot(&dir), before);
    assert_eq!(snapshot(&elsewhere), canary);

    let requests = served.stats()["total"].clone();
    for command in ["diff", "push"] {
        let args = [
            "connectors",
            command,
            path(&dir),
            "--overlay",
            "prod",
            "--yes",
        ];
        let args = if command == "diff" {
            &args[..5]
        } else {
            &args[..]
        };
        let refused = run(&env, &served, args).code(3);
        assert!(
            refused.stderr.contains("tree.symlink"),
            "{}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("S3CRET"), "{}", refused.stderr);
        assert!(!refused.stdout.contains("S3CRET"), "{}", refused.stdout);
    }
    assert_eq!(served.stats()["total"], requests, "nothing was sent");
    assert_eq!(snapshot(&elsewhere), canary);
}

#[test]
fn pulling_into_the_working_directory_says_how_to_see_the_new_tree() {
    let env = Env::new();
    let served = served_with(&env, 1);
    let dir = env.path().join("tree");
    fs::create_dir_all(&dir).unwrap();
    let pulled = Run::from(
        connkit(&env, &served, &["connectors", "pull", "."])
            .current_dir(&dir)
            .output()
            .expect("run connkit"),
    )
    .ok();
    assert!(pulled.stderr.contains("cd \"$PWD\""), "{}", pulled.stderr);
    assert!(dir.join("kill-app-0/connector.json").is_file());
    // Elsewhere, no such note.
    let other = run(&env, &served, &["connectors", "pull", path(&dir)]).ok();
    assert!(!other.stderr.contains("$PWD"), "{}", other.stderr);
}
