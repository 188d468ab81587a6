//! Where `--sandbox` keeps its state.
//!
//! The directory is, first match wins:
//! 1. `$CONNKIT_DATA_DIR` (used as is; tests point it at a temporary directory);
//! 2. `$XDG_DATA_HOME/connkit` when `XDG_DATA_HOME` is an absolute path;
//! 3. `%LOCALAPPDATA%\connkit` on Windows;
//! 4. `$HOME/.local/share/connkit`.
//!
//! Plain environment variables rather than the `dirs` crate: the XDG rule is the one
//! command-line tools follow on Linux and, by common practice, on macOS too; the
//! override variable is the part tests need, and the whole rule fits in one function.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::exit::Failure;

/// The state file's name inside the data directory.
const STATE_FILE: &str = "sandbox.json";

/// The `--sandbox` state file, after making sure its directory exists.
pub fn state_file() -> Result<PathBuf, Failure> {
    let dir = data_dir(|name| std::env::var_os(name)).ok_or_else(|| {
        Failure::usage(
            "cannot find a data directory for the sandbox state: \
             set CONNKIT_DATA_DIR (or XDG_DATA_HOME or HOME)",
        )
    })?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::context(format!("creating {}", dir.display()), e))?;
    Ok(dir.join(STATE_FILE))
}

/// The data directory per the module docs, reading variables through `var`.
fn data_dir(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("CONNKIT_DATA_DIR") {
        return Some(dir);
    }
    if let Some(xdg) = set("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("connkit"));
    }
    if cfg!(windows) {
        if let Some(local) = set("LOCALAPPDATA") {
            return Some(local.join("connkit"));
        }
    }
    set("HOME").map(|home| home.join(".local").join("share").join("connkit"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(vars: &[(&str, &str)]) -> Option<PathBuf> {
        data_dir(|name| {
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
        assert_eq!(dir_with(&all), Some(PathBuf::from("/tmp/ck")));
        assert_eq!(dir_with(&all[1..]), Some(PathBuf::from("/xdg/connkit")));
        assert_eq!(
            dir_with(&all[2..]),
            Some(PathBuf::from("/home/u/.local/share/connkit"))
        );
        assert_eq!(dir_with(&[]), None);
    }

    #[cfg(unix)]
    #[test]
    fn relative_or_empty_values_are_ignored() {
        let vars = [
            ("CONNKIT_DATA_DIR", ""),
            ("XDG_DATA_HOME", "relative"),
            ("HOME", "/h"),
        ];
        assert_eq!(
            dir_with(&vars),
            Some(PathBuf::from("/h/.local/share/connkit"))
        );
    }
}
