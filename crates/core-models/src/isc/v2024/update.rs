//! `UpdateDetail`: the answer to every PUT, which can say `ERROR` with a 200.

use serde::{Deserialize, Serialize};

open_enum! {
    /// Outcome of an update (`UpdateDetail.status`).
    pub enum UpdateStatus {
        /// The update failed; `message` says why. Arrives with HTTP 200.
        Error => "ERROR",
        /// The content changed.
        Updated => "UPDATED",
        /// The content was already as sent.
        Unchanged => "UNCHANGED",
        /// The service skipped the update.
        Skipped => "SKIPPED",
    }
}

/// The answer to the multipart PUTs (`UpdateDetail`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateDetail {
    /// Detail, typically the error when `status` is `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The connector script name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// Files the update touched (nullable in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_files: Option<Vec<String>>,
    /// The outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UpdateStatus>,
}

impl UpdateDetail {
    /// `true` when the service reported `status: ERROR`: a failure despite HTTP 200.
    pub fn is_error(&self) -> bool {
        matches!(self.status, Some(UpdateStatus::Error))
    }
}
