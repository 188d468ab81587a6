//! What a plugin says about itself.

use serde::{Deserialize, Serialize};

/// A plugin's self-description, returned as JSON by the vtable's `info` entry:
/// `{"name":…,"version":…,"kinds":[1,5],"description":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// A short, unique name shown next to each finding, e.g. `source-rules`.
    pub name: String,
    /// The plugin's own version, e.g. `1.2.0`.
    pub version: String,
    /// The body kinds (see [`crate::kind`]) the plugin validates.
    pub kinds: Vec<u32>,
    /// One line saying what the plugin checks.
    #[serde(default)]
    pub description: String,
}

impl PluginInfo {
    /// Info with an empty description.
    pub fn new(name: impl Into<String>, version: impl Into<String>, kinds: &[u32]) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            kinds: kinds.to_vec(),
            description: String::new(),
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}
