//! Where connkit keeps files of its own on the user's machine: data (the embedded
//! sandbox), cache (tokens, shared rate-limit state) and configuration (profiles).
//!
//! Each directory is, first match wins:
//! 1. its override variable (`CONNKIT_DATA_DIR`, `CONNKIT_CACHE_DIR`,
//!    `CONNKIT_CONFIG_DIR`), used as is; tests point these at temporary directories;
//! 2. `$XDG_DATA_HOME/connkit`, `$XDG_CACHE_HOME/connkit`, `$XDG_CONFIG_HOME/connkit`
//!    when the variable is an absolute path;
//! 3. on Windows, `%LOCALAPPDATA%\connkit` (data, cache) or `%APPDATA%\connkit` (config);
//! 4. `$HOME/.local/share/connkit`, `$HOME/.cache/connkit`, `$HOME/.config/connkit`.
//!
//! Plain environment variables rather than the `dirs` crate: the XDG rule is the one
//! command-line tools follow on Linux and, by common practice, on macOS too; the
//! override variables are the part tests need, and the whole rule fits in one function.

use std::ffi::OsString;
use std::path::PathBuf;

/// One of connkit's per-user directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserDir {
    /// Durable data: the embedded sandbox's state.
    Data,
    /// Disposable data: cached tokens, the shared rate-limit state.
    Cache,
    /// Settings the user edits: profiles.
    Config,
}

impl UserDir {
    /// The override variable, e.g. `CONNKIT_CACHE_DIR`.
    pub fn override_var(self) -> &'static str {
        match self {
            UserDir::Data => "CONNKIT_DATA_DIR",
            UserDir::Cache => "CONNKIT_CACHE_DIR",
            UserDir::Config => "CONNKIT_CONFIG_DIR",
        }
    }

    /// The directory per the module docs, from the process environment; `None` when no
    /// variable names one. The directory is not created.
    pub fn path(self) -> Option<PathBuf> {
        self.path_with(|name| std::env::var_os(name))
    }

    /// The directory per the module docs, reading variables through `var`.
    pub fn path_with(self, var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
        let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = set(self.override_var()) {
            return Some(dir);
        }
        let (xdg, windows, home_rel): (&str, &str, &[&str]) = match self {
            UserDir::Data => ("XDG_DATA_HOME", "LOCALAPPDATA", &[".local", "share"]),
            UserDir::Cache => ("XDG_CACHE_HOME", "LOCALAPPDATA", &[".cache"]),
            UserDir::Config => ("XDG_CONFIG_HOME", "APPDATA", &[".config"]),
        };
        if let Some(base) = set(xdg).filter(|p| p.is_absolute()) {
            return Some(base.join("connkit"));
        }
        if cfg!(windows) {
            if let Some(base) = set(windows) {
                return Some(base.join("connkit"));
            }
        }
        set("HOME").map(|home| {
            home_rel
                .iter()
                .fold(home, |path, part| path.join(part))
                .join("connkit")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(dir: UserDir, vars: &[(&str, &str)]) -> Option<PathBuf> {
        dir.path_with(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[cfg(unix)]
    #[test]
    fn override_wins_then_xdg_then_home() {
        let all = [
            ("CONNKIT_DATA_DIR", "/tmp/ck"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            dir_with(UserDir::Data, &all),
            Some(PathBuf::from("/tmp/ck"))
        );
        assert_eq!(
            dir_with(UserDir::Data, &all[1..]),
            Some(PathBuf::from("/xdg/connkit"))
        );
        assert_eq!(
            dir_with(UserDir::Data, &all[2..]),
            Some(PathBuf::from("/home/u/.local/share/connkit"))
        );
        assert_eq!(dir_with(UserDir::Data, &[]), None);
    }

    #[cfg(unix)]
    #[test]
    fn each_directory_has_its_own_variables() {
        let vars = [
            ("CONNKIT_DATA_DIR", "/d"),
            ("XDG_CACHE_HOME", "/c"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            dir_with(UserDir::Cache, &vars),
            Some(PathBuf::from("/c/connkit"))
        );
        assert_eq!(
            dir_with(UserDir::Config, &vars),
            Some(PathBuf::from("/h/.config/connkit"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn relative_or_empty_values_are_ignored() {
        let vars = [
            ("CONNKIT_CACHE_DIR", ""),
            ("XDG_CACHE_HOME", "relative"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            dir_with(UserDir::Cache, &vars),
            Some(PathBuf::from("/h/.cache/connkit"))
        );
    }
}
