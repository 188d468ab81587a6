//! `connkit plugins new NAME --lang rust|c`: writes a validator plugin project that
//! builds outside this repository and passes `connkit plugins check` as written. The
//! files are templates (`templates/`) with the plugin's name and the ABI's version
//! filled in; a C project gets the ABI's header copied in.

use std::path::{Path, PathBuf};

use super::args::{Language, PluginNewArgs};
use crate::exit::Failure;

/// The longest plugin name: it becomes a crate, a library file and a finding code.
const MAX_NAME: usize = 64;

/// The version of `connkit-plugin-abi` a new Rust project depends on: the one this
/// connkit was built with (the workspace shares one version).
const ABI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A file to write: its path in the project and its template.
type Template = (&'static str, &'static str);

const RUST: &[Template] = &[
    // `.in`: a folder holding a `Cargo.toml` is another package to `cargo package`,
    // which would leave the templates out of connkit-cli's crate.
    ("Cargo.toml", include_str!("templates/rust/Cargo.toml.in")),
    ("src/lib.rs", include_str!("templates/rust/lib.rs")),
    ("README.md", include_str!("templates/rust/README.md")),
    (".gitignore", include_str!("templates/rust/gitignore")),
];

const C: &[Template] = &[
    ("plugin.c", include_str!("templates/c/plugin.c")),
    ("Makefile", include_str!("templates/c/Makefile")),
    ("README.md", include_str!("templates/c/README.md")),
    ("connkit_plugin_v1.h", connkit_plugin_abi::C_HEADER),
];

/// Writes the project; returns its folder.
pub fn run(args: &PluginNewArgs) -> Result<PathBuf, Failure> {
    check_name(&args.name)?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    refuse_non_empty(&dir)?;
    let templates = match args.lang {
        Language::Rust => RUST,
        Language::C => C,
    };
    for (path, template) in templates {
        write_new(&dir.join(path), &fill(template, &args.name))?;
    }
    Ok(dir)
}

/// A plugin name: a lowercase letter, then lowercase letters, digits, `-` or `_`; at
/// most [`MAX_NAME`] characters. It is safe as a crate name, a file name, a C string
/// and a JSON string as it is.
fn check_name(name: &str) -> Result<(), Failure> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if first_ok && rest_ok && name.len() <= MAX_NAME {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "plugin name `{}`: use a lowercase letter, then lowercase letters, digits, `-` \
             or `_`, at most {MAX_NAME} characters (e.g. `acme-rules`)",
            name.escape_debug()
        )))
    }
}

/// Refuses a folder that exists and holds anything, so nothing of the user's is
/// overwritten.
fn refuse_non_empty(dir: &Path) -> Result<(), Failure> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(Failure::context(format!("reading {}", dir.display()), e)),
    };
    if empty {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "{} is not empty: plugins new writes only into a new or empty folder",
            dir.display()
        )))
    }
}

/// `template` with the plugin's name, its library's name and the ABI version filled in.
fn fill(template: &str, name: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{lib_name}}", &name.replace('-', "_"))
        .replace("{{abi_version}}", ABI_VERSION)
}

/// Writes `text` to `path`, a file that must not exist yet, creating its folder.
fn write_new(path: &Path, text: &str) -> Result<(), Failure> {
    let cannot = |e| Failure::context(format!("writing {}", path.display()), e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(cannot)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(cannot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for good in ["a", "acme-rules", "x_1", &"a".repeat(MAX_NAME)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1abc",
            "Acme",
            "a b",
            "a\"b",
            "a/b",
            "-a",
            &"a".repeat(MAX_NAME + 1),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn templates_are_filled() {
        let text = fill(RUST[0].1, "my-rules");
        assert!(text.contains("name = \"my-rules\""));
        assert!(text.contains(&format!("connkit-plugin-abi = \"{ABI_VERSION}\"")));
        assert!(fill(C[1].1, "my-rules").contains("libmy_rules.so"));
        for (_, template) in RUST.iter().chain(C) {
            assert!(!fill(template, "x").contains("{{"), "{template}");
        }
    }
}
