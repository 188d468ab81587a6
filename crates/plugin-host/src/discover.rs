//! Finding plugin libraries: in a directory, and along `CONNKIT_PLUGIN_PATH`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::LoadError;

/// The environment variable that lists plugins to load: a path list (`:`-separated on
/// Unix, `;` on Windows) of library files and of directories to scan.
pub const PLUGIN_PATH_ENV: &str = "CONNKIT_PLUGIN_PATH";

/// The dynamic libraries directly inside `dir` (files named `*.so`, `*.dylib` or
/// `*.dll` as this platform names them), sorted by path so load order is stable.
pub fn libraries_in(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read_error = |e: std::io::Error| LoadError::ReadDir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let suffix = std::env::consts::DLL_SUFFIX.trim_start_matches('.');
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.extension() == Some(OsStr::new(suffix)) && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Expands a path list: files are taken as they are, directories are replaced by
/// [`libraries_in`] them, empty entries are skipped. A directory that cannot be read
/// yields an error in its place.
pub fn expand_path_list(list: &OsStr) -> Vec<Result<PathBuf, LoadError>> {
    let mut out = Vec::new();
    for entry in std::env::split_paths(list) {
        if entry.as_os_str().is_empty() {
            continue;
        }
        if entry.is_dir() {
            match libraries_in(&entry) {
                Ok(libraries) => out.extend(libraries.into_iter().map(Ok)),
                Err(e) => out.push(Err(e)),
            }
        } else {
            out.push(Ok(entry));
        }
    }
    out
}

/// [`expand_path_list`] of `$CONNKIT_PLUGIN_PATH`; empty when it is unset.
pub fn from_env() -> Vec<Result<PathBuf, LoadError>> {
    std::env::var_os(PLUGIN_PATH_ENV)
        .map(|list| expand_path_list(&list))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("connkit-plugin-host-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_directory_yields_its_libraries_sorted() {
        let dir = scratch("dir");
        for name in ["b", "a"] {
            std::fs::write(dir.join(format!("{DLL_PREFIX}{name}{DLL_SUFFIX}")), b"").unwrap();
        }
        std::fs::write(dir.join("README.md"), b"").unwrap();
        std::fs::create_dir(dir.join(format!("sub{DLL_SUFFIX}"))).unwrap();
        let found = libraries_in(&dir).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                format!("{DLL_PREFIX}a{DLL_SUFFIX}"),
                format!("{DLL_PREFIX}b{DLL_SUFFIX}")
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_path_list_mixes_files_and_directories() {
        let dir = scratch("list");
        let lib = dir.join(format!("{DLL_PREFIX}x{DLL_SUFFIX}"));
        std::fs::write(&lib, b"").unwrap();
        let file = PathBuf::from("/opt/plugins/one.so");
        let list = std::env::join_paths([file.clone(), PathBuf::new(), dir.clone()]).unwrap();
        let expanded = expand_path_list(&list);
        assert_eq!(expanded.len(), 2, "{expanded:?}");
        // A file is taken as it is, even a missing one: loading it reports it by path.
        assert_eq!(expanded[0].as_ref().unwrap(), &file);
        assert_eq!(expanded[1].as_ref().unwrap(), &lib);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unreadable_directory_is_an_error_naming_it() {
        let dir = scratch("gone");
        std::fs::remove_dir_all(&dir).unwrap();
        let err = libraries_in(&dir).unwrap_err();
        assert_eq!(err.path(), dir);
        assert!(
            err.to_string().contains("cannot list plugin directory"),
            "{err}"
        );
    }
}
