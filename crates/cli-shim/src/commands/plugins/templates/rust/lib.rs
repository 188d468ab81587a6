//! {{name}}: a connkit validator plugin. connkit calls `validate` with each body of the
//! kinds `info` declares before sending it; an error finding stops the request.

use connkit_plugin_abi::{export_validator, kind, Finding, PluginInfo, PluginValidator};

/// The plugin's state (none yet): one is made per loaded library.
#[derive(Default)]
struct Rules;

impl PluginValidator for Rules {
    fn info() -> PluginInfo {
        PluginInfo::new("{{name}}", env!("CARGO_PKG_VERSION"), &[kind::SOURCE_CONFIG])
            .with_description("source-config XML: not empty")
    }

    fn validate(&self, _kind: u32, body: &[u8]) -> Result<Vec<Finding>, String> {
        let mut findings = Vec::new();
        if body.trim_ascii().is_empty() {
            findings.push(Finding::error("{{name}}.empty", "the source-config is empty"));
        }
        // Add your rules here; `Finding::at(line, column)` places one in the body.
        Ok(findings)
    }
}

export_validator!(Rules);
