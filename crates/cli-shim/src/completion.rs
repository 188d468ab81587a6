//! What the shell completes from the user's data (`COMPLETE=bash connkit …`, see
//! `connkit completions`): profile names from the profiles file, locales, and the
//! scriptNames of the default tenant's connectors. Those come from a short-lived cache
//! in the cache directory (60 s, at most [`MAX_VALUES`] names), refreshed with one
//! listing when stale; what the cache holds is only ever offered as strings.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, FromArgMatches};
use clap_complete::engine::CompletionCandidate;
use connkit_connectors::prelude::ListConnectorsCall;
use connkit_transport::{ProfileFile, UserDir};
use serde::{Deserialize, Serialize};

use crate::args::GlobalArgs;
use crate::connect::{self, Api, Isc, Preflight};
use crate::tenant;

/// How long fetched names are offered before they are fetched again.
const FRESH: Duration = Duration::from_secs(60);
/// The most names kept (one page of the largest size the API allows).
const MAX_VALUES: usize = 250;
/// The largest cache file read; a bigger one is ignored.
const MAX_FILE: u64 = 256 * 1024;
/// How long a refresh may take before completion gives up on it.
const FETCH_LIMIT: Duration = Duration::from_secs(3);

/// The locales ISC's connector translations use.
const LOCALES: &[&str] = &[
    "de", "en", "es", "fi", "fr", "hu", "it", "ja", "ko", "nl", "no", "pl", "pt", "sv", "tr",
    "zh-CN", "zh-TW",
];

/// The profile names of the user's profiles file.
pub fn profiles() -> Vec<CompletionCandidate> {
    let Some(file) = ProfileFile::user_path().and_then(|p| ProfileFile::load(p).ok()) else {
        return Vec::new();
    };
    file.profiles()
        .map(|(name, profile)| {
            CompletionCandidate::new(name).help(Some(profile.platform.clone().into()))
        })
        .collect()
}

/// The locales of connector translations.
pub fn locales() -> Vec<CompletionCandidate> {
    LOCALES
        .iter()
        .map(|l| CompletionCandidate::new(*l))
        .collect()
}

/// The scriptNames of the default tenant's connectors (the environment's and default
/// profile's settings), from the cache or one listing.
pub fn script_names() -> Vec<CompletionCandidate> {
    cached_script_names()
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// The cached names of connectors of one tenant.
#[derive(Serialize, Deserialize)]
struct Cached {
    /// The tenant's base URL.
    tenant: String,
    /// Seconds since the Unix epoch when they were fetched.
    fetched: u64,
    values: Vec<String>,
}

fn cached_script_names() -> Option<Vec<String>> {
    let global = default_options()?;
    let tenant = tenant::sources(&global, Isc::SETTINGS)
        .needs_credentials(false)
        .resolve()
        .ok()?
        .base_url
        .value
        .root()
        .to_owned();
    let path = cache_path()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    if let Some(cached) = read_cache(&path) {
        let age = now.saturating_sub(cached.fetched);
        if cached.tenant == tenant && age < FRESH.as_secs() {
            return Some(cached.values);
        }
    }
    let values = fetch(&global)?;
    let cached = Cached {
        tenant,
        fetched: now,
        values,
    };
    // Best effort: a cache that cannot be written is fetched again next time.
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_vec(&cached)) {
        let _ = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, text));
    }
    Some(cached.values)
}

/// The cache file, in the cache directory.
fn cache_path() -> Option<PathBuf> {
    Some(
        UserDir::Cache
            .path()?
            .join("completion")
            .join("script-names.json"),
    )
}

/// The cache file if it is small, well-formed and holds plain names.
fn read_cache(path: &std::path::Path) -> Option<Cached> {
    if std::fs::metadata(path).ok()?.len() > MAX_FILE {
        return None;
    }
    let mut cached: Cached = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    cached.values.truncate(MAX_VALUES);
    cached.values.retain(|v| plain(v));
    Some(cached)
}

/// A name fit to offer to a shell: short, no control characters or whitespace.
fn plain(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && !value.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The global options with nothing given on the command line: the environment's and
/// the default profile's settings.
fn default_options() -> Option<GlobalArgs> {
    let command = GlobalArgs::augment_args(clap::Command::new("connkit"));
    let matches = command.try_get_matches_from(["connkit"]).ok()?;
    let mut global = GlobalArgs::from_arg_matches(&matches).ok()?;
    global.quiet = true;
    global.timeout = Some(FETCH_LIMIT);
    Some(global)
}

/// One page of connectors of the tenant `global` resolves to: their scriptNames.
fn fetch(global: &GlobalArgs) -> Option<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        let (client, _) = connect::client::<Isc>(global, Preflight::NotNeeded).ok()?;
        let listing = client.list_connectors().limit(MAX_VALUES as u32).send();
        let page = tokio::time::timeout(FETCH_LIMIT, listing)
            .await
            .ok()?
            .ok()?;
        let names = page.items.into_iter().filter_map(|c| c.script_name);
        Some(names.filter(|n| plain(n)).take(MAX_VALUES).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_offered() {
        assert!(plain("acme-hr"));
        for bad in ["", "a b", "a\nb", "a\x1b[31m", &"x".repeat(201)] {
            assert!(!plain(bad), "{bad:?}");
        }
    }
}
