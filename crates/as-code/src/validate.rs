//! The pre-flight of a whole tree: every document and translations file through the
//! validators a client would run before sending it.

use std::sync::Arc;

use connkit_models::preflight::{run_all, Validator};

use crate::error::FileFinding;
use crate::tree::Tree;

/// Every finding of `validators` (e.g. [`Client::validators`](connkit_connectors::Client::validators):
/// the built-ins and any plugins) in every file of `tree`, errors and the rest, in
/// folder and file order.
pub fn preflight(tree: &Tree, validators: &[Arc<dyn Validator>]) -> Vec<FileFinding> {
    let mut findings = Vec::new();
    for (folder, files) in &tree.connectors {
        for (target, bytes) in files.files() {
            let file = target.path();
            findings.extend(
                run_all(validators, target.body_kind(), bytes)
                    .into_iter()
                    .map(|f| FileFinding::new(format!("{folder}/{file}"), f)),
            );
        }
    }
    findings
}
