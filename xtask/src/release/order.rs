//! The workspace as `cargo metadata --format-version 1 --no-deps` describes it, and the
//! order in which its publishable crates must be published.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use semver::Version;
use serde::Deserialize;

/// The workspace members and where they live.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory of the root `Cargo.toml`.
    pub root: PathBuf,
    /// Cargo's target directory.
    pub target_dir: PathBuf,
    /// Every member, in the order cargo lists them.
    pub members: Vec<Member>,
}

/// One workspace member.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub version: Version,
    pub manifest_path: PathBuf,
    /// False for `publish = false` (and for crates that may only go to other registries).
    pub publishable: bool,
    /// Dependencies on other workspace members (path dependencies).
    pub deps: Vec<Dep>,
}

/// A dependency of a member on another member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    pub kind: DepKind,
    /// States a version requirement (directly or through `[workspace.dependencies]`);
    /// false for a path-only dependency.
    pub versioned: bool,
    /// The index URL of the registry it names (`registry = "…"`); `None`: crates.io.
    pub registry: Option<String>,
}

impl Dep {
    /// Whether the dependency must be on the registry before its dependent is packaged.
    /// Normal and build dependencies must. So must a dev-dependency with a version: cargo
    /// keeps it in the published manifest and resolves it when packaging. A path-only
    /// dev-dependency is stripped on publish and orders nothing, so it may form a cycle.
    fn orders_publishing(&self) -> bool {
        self.kind != DepKind::Dev || self.versioned
    }
}

/// The section a dependency is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

#[derive(Deserialize)]
struct RawMetadata {
    packages: Vec<RawPackage>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    manifest_path: PathBuf,
    /// `null`: anywhere; `[]`: `publish = false`; otherwise the allowed registries.
    publish: Option<Vec<String>>,
    dependencies: Vec<RawDep>,
}

#[derive(Deserialize)]
struct RawDep {
    name: String,
    kind: Option<String>,
    /// `*` for a path-only dependency.
    req: String,
    path: Option<PathBuf>,
    /// The index URL of a `registry = "…"` key; `null` for crates.io.
    registry: Option<String>,
}

impl Workspace {
    /// Reads the output of `cargo metadata --format-version 1 --no-deps`.
    pub fn from_metadata(json: &str) -> Result<Self> {
        let raw: RawMetadata =
            serde_json::from_str(json).context("could not read the `cargo metadata` output")?;
        let names: BTreeSet<&str> = raw.packages.iter().map(|p| p.name.as_str()).collect();
        let members = raw
            .packages
            .iter()
            .map(|p| {
                let version = Version::parse(&p.version)
                    .with_context(|| format!("crate `{}` has version `{}`", p.name, p.version))?;
                let deps = p
                    .dependencies
                    .iter()
                    .filter(|d| d.path.is_some() && names.contains(d.name.as_str()))
                    .map(|d| {
                        let kind = match d.kind.as_deref() {
                            None => DepKind::Normal,
                            Some("build") => DepKind::Build,
                            Some("dev") => DepKind::Dev,
                            Some(other) => bail!(
                                "crate `{}`: unknown dependency kind `{other}` for `{}`",
                                p.name,
                                d.name
                            ),
                        };
                        Ok(Dep {
                            name: d.name.clone(),
                            kind,
                            versioned: d.req != "*",
                            registry: d.registry.clone(),
                        })
                    })
                    .collect::<Result<_>>()?;
                Ok(Member {
                    name: p.name.clone(),
                    version,
                    manifest_path: p.manifest_path.clone(),
                    publishable: p
                        .publish
                        .as_ref()
                        .is_none_or(|registries| registries.iter().any(|r| r == "crates-io")),
                    deps,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            root: raw.workspace_root,
            target_dir: raw.target_directory,
            members,
        })
    }
}

/// The dependencies between `released` crates that stay in the published manifests and
/// name no registry, as `dependent -> dependency`: cargo publishes them as crates.io
/// dependencies whatever registry the dependent goes to.
pub fn crates_io_deps(ws: &Workspace, released: &BTreeSet<String>) -> Vec<String> {
    ws.members
        .iter()
        .filter(|m| released.contains(&m.name))
        .flat_map(|m| {
            m.deps
                .iter()
                .filter(|d| d.orders_publishing() && d.registry.is_none())
                .filter(|d| released.contains(&d.name))
                .map(move |d| format!("{} -> {}", m.name, d.name))
        })
        .collect()
}

/// The publishable crates, each after every crate it must follow (see
/// [`Dep::orders_publishing`]: path-only dev-dependencies are ignored). Among crates whose
/// dependencies are all placed, names sort alphabetically, so the order is deterministic.
pub fn publish_order(ws: &Workspace) -> Result<Vec<&Member>> {
    let publishable: BTreeMap<&str, &Member> = ws
        .members
        .iter()
        .filter(|m| m.publishable)
        .map(|m| (m.name.as_str(), m))
        .collect();

    let mut waiting_on: Graph<'_> = BTreeMap::new();
    for member in publishable.values() {
        let mut deps: BTreeMap<&str, DepKind> = BTreeMap::new();
        for dep in member.deps.iter().filter(|d| d.orders_publishing()) {
            if !publishable.contains_key(dep.name.as_str()) {
                let (how, fix) = match dep.kind {
                    DepKind::Dev => (
                        "dev-depends, with a version requirement,",
                        "or the dev-dependency is path-only",
                    ),
                    DepKind::Normal | DepKind::Build => ("depends", "or dropped"),
                };
                bail!(
                    "crate `{name}` {how} on `{dep}`, which is not published (publish = false); \
                     `{name}` cannot be published until that dependency is publishable {fix}",
                    name = member.name,
                    dep = dep.name,
                );
            }
            let kind = deps.entry(dep.name.as_str()).or_insert(dep.kind);
            if dep.kind != DepKind::Dev {
                *kind = dep.kind;
            }
        }
        waiting_on.insert(member.name.as_str(), deps);
    }

    let mut order = Vec::with_capacity(publishable.len());
    while !waiting_on.is_empty() {
        let Some(next) = waiting_on
            .iter()
            .find(|(_, deps)| deps.is_empty())
            .map(|(name, _)| *name)
        else {
            bail!("{}", describe_cycle(&waiting_on));
        };
        waiting_on.remove(next);
        for deps in waiting_on.values_mut() {
            deps.remove(next);
        }
        order.push(publishable[next]);
    }
    Ok(order)
}

/// Crate -> the crates it waits for, with the kind of dependency.
type Graph<'a> = BTreeMap<&'a str, BTreeMap<&'a str, DepKind>>;

/// Names a cycle in `graph`, where every crate left waits for another one left: starts at
/// the first crate and follows first edges until a crate repeats.
fn describe_cycle(graph: &Graph<'_>) -> String {
    let mut path: Vec<&str> = Vec::new();
    let mut node = *graph
        .keys()
        .next()
        .expect("a graph with a cycle is not empty");
    while !path.contains(&node) {
        path.push(node);
        node = graph[node]
            .keys()
            .next()
            .expect("every crate left waits for another");
    }
    let start = path.iter().position(|n| *n == node).expect("node repeats");
    let mut cycle = path.split_off(start);
    cycle.push(node);

    let mut text = String::from(cycle[0]);
    let mut through_dev = None;
    for pair in cycle.windows(2) {
        if graph[pair[0]][pair[1]] == DepKind::Dev {
            text.push_str(&format!(" -(dev)-> {}", pair[1]));
            through_dev.get_or_insert((pair[0], pair[1]));
        } else {
            text.push_str(&format!(" -> {}", pair[1]));
        }
    }
    let mut message = format!("dependency cycle among publishable crates: {text}");
    if let Some((from, to)) = through_dev {
        message.push_str(&format!(
            "; `{from}` dev-depends on `{to}` with a version requirement, which cargo \
             resolves when packaging `{from}`, before `{to}` can be published: make that \
             dev-dependency path-only (`{to} = {{ path = \"…\" }}`, not `workspace = true` \
             with a versioned workspace entry) and cargo strips it on publish"
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::fixture;

    /// `deps`: name and kind; a `Dev` dependency is path-only unless named with a `@v`
    /// suffix (`"b@v"`), every other one is versioned.
    fn member(name: &str, publishable: bool, deps: &[(&str, DepKind)]) -> Member {
        Member {
            name: name.to_string(),
            version: Version::new(0, 1, 0),
            manifest_path: PathBuf::from(format!("/ws/{name}/Cargo.toml")),
            publishable,
            deps: deps
                .iter()
                .map(|(name, kind)| Dep {
                    name: name.trim_end_matches("@v").to_string(),
                    kind: *kind,
                    versioned: *kind != DepKind::Dev || name.ends_with("@v"),
                    registry: None,
                })
                .collect(),
        }
    }

    fn workspace(members: Vec<Member>) -> Workspace {
        Workspace {
            root: PathBuf::from("/ws"),
            target_dir: PathBuf::from("/ws/target"),
            members,
        }
    }

    fn names(order: &[&Member]) -> Vec<String> {
        order.iter().map(|m| m.name.clone()).collect()
    }

    #[test]
    fn fixture_workspace_order_from_real_cargo_metadata() {
        let fx = fixture::Fixture::new();
        let ws = Workspace::from_metadata(&fx.metadata()).unwrap();
        assert_eq!(ws.root, fx.root());
        let order = publish_order(&ws).unwrap();
        // fx-alpha dev-depends on fx-beta (which depends on fx-alpha): ignored.
        // fx-tool is publish = false: excluded.
        assert_eq!(names(&order), ["fx-alpha", "fx-beta", "fx-gamma"]);
        let member = |name: &str| ws.members.iter().find(|m| m.name == name).unwrap();
        assert!(!member("fx-tool").publishable);
        assert_eq!(
            member("fx-alpha").deps,
            [Dep {
                name: "fx-beta".into(),
                kind: DepKind::Dev,
                versioned: false,
                registry: None,
            }]
        );
    }

    #[test]
    fn dependencies_without_a_registry_are_crates_io_ones() {
        let fx = fixture::Fixture::new();
        let released: BTreeSet<String> =
            ["fx-alpha", "fx-beta", "fx-gamma"].map(String::from).into();
        let deps = |fx: &fixture::Fixture| {
            crates_io_deps(
                &Workspace::from_metadata(&fx.metadata()).unwrap(),
                &released,
            )
        };
        // fx-alpha's path-only dev-dependency is dropped on publish: not listed.
        assert_eq!(deps(&fx), ["fx-beta -> fx-alpha", "fx-gamma -> fx-beta"]);
        // Naming the registry (an index URL, so that cargo needs no configuration).
        let gamma = fx.read("gamma/Cargo.toml").replace(
            r#"version = "0.1.0" }"#,
            r#"version = "0.1.0", registry-index = "file:///nowhere" }"#,
        );
        fx.write("gamma/Cargo.toml", &gamma);
        assert_eq!(deps(&fx), ["fx-beta -> fx-alpha"]);
    }

    #[test]
    fn build_dependencies_order_too() {
        use DepKind::*;
        let ws = workspace(vec![
            member("a", true, &[("b", Build)]),
            member("b", true, &[]),
        ]);
        assert_eq!(names(&publish_order(&ws).unwrap()), ["b", "a"]);
    }

    #[test]
    fn independent_crates_sort_by_name() {
        use DepKind::*;
        let ws = workspace(vec![
            member("zeta", true, &[]),
            member("mid", true, &[("zeta", Normal), ("alpha", Normal)]),
            member("alpha", true, &[]),
        ]);
        assert_eq!(
            names(&publish_order(&ws).unwrap()),
            ["alpha", "zeta", "mid"]
        );
    }

    #[test]
    fn cycle_is_an_error_naming_it() {
        use DepKind::*;
        let ws = workspace(vec![
            member("root", true, &[]),
            member("a", true, &[("b", Normal), ("root", Normal)]),
            member("b", true, &[("c", Normal)]),
            member("c", true, &[("a", Build)]),
        ]);
        let msg = format!("{:#}", publish_order(&ws).unwrap_err());
        assert_eq!(
            msg,
            "dependency cycle among publishable crates: a -> b -> c -> a"
        );
    }

    #[test]
    fn versioned_dev_dependency_orders_publishing() {
        use DepKind::*;
        // Like connkit-connectors dev-depending on connkit-sandbox through
        // `[workspace.dependencies]`: the sandbox must be on crates.io first.
        let ws = workspace(vec![
            member(
                "connectors",
                true,
                &[("sandbox@v", Dev), ("models", Normal)],
            ),
            member("models", true, &[("models", Dev)]),
            member("sandbox", true, &[("models", Normal)]),
        ]);
        assert_eq!(
            names(&publish_order(&ws).unwrap()),
            ["models", "sandbox", "connectors"]
        );
    }

    #[test]
    fn cycle_through_a_versioned_dev_dependency_says_how_to_break_it() {
        use DepKind::*;
        let ws = workspace(vec![
            member("macros", true, &[("core@v", Dev)]),
            member("core", true, &[("macros", Normal)]),
        ]);
        let msg = format!("{:#}", publish_order(&ws).unwrap_err());
        assert!(
            msg.starts_with(
                "dependency cycle among publishable crates: core -> macros -(dev)-> core; \
                 `macros` dev-depends on `core` with a version requirement"
            ),
            "{msg}"
        );
        assert!(msg.contains("make that dev-dependency path-only"), "{msg}");
    }

    #[test]
    fn publishable_crate_on_unpublished_crate_is_an_error() {
        use DepKind::*;
        let ws = workspace(vec![
            member("lib", true, &[("internal", Normal)]),
            member("internal", false, &[]),
        ]);
        let msg = format!("{:#}", publish_order(&ws).unwrap_err());
        assert!(
            msg.contains("crate `lib` depends on `internal`, which is not published"),
            "{msg}"
        );
    }

    #[test]
    fn unpublished_dev_dependency_is_fine_only_path_only() {
        use DepKind::*;
        let ws = workspace(vec![
            member("lib", true, &[("test-support", Dev)]),
            member("test-support", false, &[]),
        ]);
        assert_eq!(names(&publish_order(&ws).unwrap()), ["lib"]);

        let ws = workspace(vec![
            member("lib", true, &[("test-support@v", Dev)]),
            member("test-support", false, &[]),
        ]);
        let msg = format!("{:#}", publish_order(&ws).unwrap_err());
        assert!(
            msg.contains(
                "crate `lib` dev-depends, with a version requirement, on `test-support`, \
                 which is not published"
            ),
            "{msg}"
        );
        assert!(msg.ends_with("or the dev-dependency is path-only"), "{msg}");
    }

    #[test]
    fn bad_metadata_is_a_clear_error() {
        let msg = format!("{:#}", Workspace::from_metadata("{}").unwrap_err());
        assert!(
            msg.contains("could not read the `cargo metadata` output"),
            "{msg}"
        );
    }
}
