//! When two connectors are one: a tenant identifies a connector by its name, whatever its
//! case, and a tree by its folder. Names are compared after Unicode NFC normalisation
//! and lower-casing, so `Café` typed on macOS (NFD, `e` + combining acute) and on Linux
//! (NFC, `é`) is one name, as a person reading them sees it.
//!
//! Two connectors that would be one folder or one name are an error naming both:
//! never a silent drop, never two look-alike connectors.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The form of a connector name that two names share when they name one connector:
/// NFC, lower-cased (then NFC again: lower-casing can undo a composition).
pub fn name_key(name: &str) -> String {
    let composed: String = name.nfc().collect();
    composed.to_lowercase().nfc().collect()
}

/// The connectors a pull has claimed so far, by folder (`scriptName`) and by name key.
#[derive(Debug, Default)]
pub(crate) struct Claimed {
    by_folder: HashMap<String, Option<String>>,
    by_name: HashMap<String, (String, String)>,
}

impl Claimed {
    /// Claims the folder `script` for the listed connector `name`: `Ok(true)` when it is
    /// new, `Ok(false)` when the very same connector was listed already (a listing can
    /// repeat an entry; nothing is lost), an error naming both connectors when another
    /// one has this `scriptName` or a name equal after normalisation and case folding.
    pub(crate) fn claim(&mut self, name: Option<&str>, script: &str) -> Result<bool> {
        let shown = |name: Option<&str>| name.map_or_else(|| "(no name)".to_owned(), quoted);
        if let Some(first) = self.by_folder.get(script) {
            if first.as_deref() == name {
                return Ok(false);
            }
            return Err(Error::Remote(format!(
                "two connectors have the scriptName `{script}`: {} and {}; a tree holds one \
                 folder per scriptName, so neither is pulled (rename one on the tenant)",
                shown(first.as_deref()),
                shown(name),
            )));
        }
        if let Some(name) = name {
            if let Some((first_name, first_script)) = self.by_name.get(&name_key(name)) {
                return Err(Error::Remote(format!(
                    "two connectors have the same name after Unicode normalisation and case \
                     folding: {} (scriptName `{first_script}`) and {} (scriptName `{script}`); \
                     a tenant tells connectors apart by name, so a tree cannot hold both \
                     (rename one on the tenant)",
                    quoted(first_name),
                    quoted(name),
                )));
            }
            self.by_name
                .insert(name_key(name), (name.to_owned(), script.to_owned()));
        }
        self.by_folder
            .insert(script.to_owned(), name.map(str::to_owned));
        Ok(true)
    }
}

/// `name` in quotes, with control characters and invisible differences made visible
/// (`"Cafe\u{301}"`), so two look-alike names print differently.
pub(crate) fn quoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        } else if c.is_ascii() || !is_plainly_visible(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// A non-ASCII character shown as itself: a precomposed letter, not a combining mark,
/// control, format or space character that would hide a difference.
fn is_plainly_visible(c: char) -> bool {
    !c.is_control()
        && !c.is_whitespace()
        && !unicode_normalization::char::is_combining_mark(c)
        && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_equal_after_nfc_and_case_folding_are_one_name() {
        assert_eq!(name_key("Café"), name_key("CAFE\u{301}"));
        assert_eq!(name_key("Acme HR"), name_key("acme hr"));
        assert_ne!(name_key("Acme HR"), name_key("Acme  HR"));
    }

    #[test]
    fn look_alike_names_print_differently() {
        assert_eq!(quoted("Café"), "\"Café\"");
        assert_eq!(quoted("Cafe\u{301}"), "\"Cafe\\u{301}\"");
        assert_eq!(quoted("a\x1b[2Kb\"c"), "\"a\\u{1b}[2Kb\\\"c\"");
    }

    #[test]
    fn a_repeated_listing_entry_is_kept_once_and_a_collision_names_both() {
        let mut claimed = Claimed::default();
        assert!(claimed.claim(Some("Acme"), "acme").unwrap());
        assert!(!claimed.claim(Some("Acme"), "acme").unwrap());
        let same_folder = claimed
            .claim(Some("Other"), "acme")
            .unwrap_err()
            .to_string();
        assert!(
            same_folder.contains("`acme`")
                && same_folder.contains("\"Acme\"")
                && same_folder.contains("\"Other\""),
            "{same_folder}"
        );
        let same_name = claimed
            .claim(Some("ACME"), "acme-2")
            .unwrap_err()
            .to_string();
        assert!(
            same_name.contains("\"Acme\" (scriptName `acme`)")
                && same_name.contains("\"ACME\" (scriptName `acme-2`)"),
            "{same_name}"
        );
    }
}
