//! What version a release gets: an explicit one, or the next major, minor or patch.

use std::str::FromStr;

use anyhow::{anyhow, Result};
use semver::{BuildMetadata, Prerelease, Version};

/// The version argument of `cargo xtask release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Exact(Version),
    Major,
    Minor,
    Patch,
}

impl FromStr for Target {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "major" => Ok(Self::Major),
            "minor" => Ok(Self::Minor),
            "patch" => Ok(Self::Patch),
            _ => Version::parse(s).map(Self::Exact).map_err(|err| {
                anyhow!("`{s}` is neither major, minor, patch nor a semver version: {err}")
            }),
        }
    }
}

impl Target {
    /// The version this target names, starting from `current`.
    ///
    /// A level drops pre-release and build metadata. From a pre-release whose lower
    /// components are already zero, the level's release is that same version without the
    /// pre-release (`1.0.0-rc.1` -> `1.0.0` for any level, `0.3.0-rc.1` -> `0.3.0` for minor
    /// and patch), as `npm version` and `cargo set-version` do.
    pub fn next(&self, current: &Version) -> Version {
        let pre = !current.pre.is_empty();
        let (major, minor, patch) = (current.major, current.minor, current.patch);
        let (major, minor, patch) = match self {
            Self::Exact(version) => return version.clone(),
            Self::Major if pre && minor == 0 && patch == 0 => (major, 0, 0),
            Self::Major => (major + 1, 0, 0),
            Self::Minor if pre && patch == 0 => (major, minor, 0),
            Self::Minor => (major, minor + 1, 0),
            Self::Patch if pre => (major, minor, patch),
            Self::Patch => (major, minor, patch + 1),
        };
        Version {
            major,
            minor,
            patch,
            pre: Prerelease::EMPTY,
            build: BuildMetadata::EMPTY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(target: &str, current: &str) -> String {
        let target: Target = target.parse().unwrap();
        target.next(&Version::parse(current).unwrap()).to_string()
    }

    #[test]
    fn levels() {
        assert_eq!(next("patch", "0.1.0"), "0.1.1");
        assert_eq!(next("minor", "0.1.7"), "0.2.0");
        assert_eq!(next("major", "0.1.7"), "1.0.0");
        assert_eq!(next("major", "1.4.2+build.5"), "2.0.0");
    }

    #[test]
    fn levels_from_a_prerelease() {
        assert_eq!(next("patch", "1.0.0-rc.1"), "1.0.0");
        assert_eq!(next("minor", "1.0.0-rc.1"), "1.0.0");
        assert_eq!(next("major", "1.0.0-rc.1"), "1.0.0");
        assert_eq!(next("major", "1.2.0-rc.1"), "2.0.0");
        assert_eq!(next("minor", "1.2.3-rc.1"), "1.3.0");
        assert_eq!(next("patch", "1.2.3-alpha"), "1.2.3");
    }

    #[test]
    fn exact_versions() {
        assert_eq!(next("2.0.0-beta.1", "0.1.0"), "2.0.0-beta.1");
        let msg = format!("{:#}", "1.2".parse::<Target>().unwrap_err());
        assert!(
            msg.contains("`1.2` is neither major, minor, patch nor a semver version"),
            "{msg}"
        );
    }
}
