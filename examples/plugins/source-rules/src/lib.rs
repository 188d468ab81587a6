//! An example connkit validator plugin: house rules that connkit's built-in checks do
//! not know about, which is what plugins are for.
//!
//! - **source-config XML** (kind 1): the root element must be `<Form>` with a non-empty
//!   `connectorName` attribute, and every `<Field>` needs non-empty `name` and `type`
//!   attributes. Findings carry the line and column of the offending element.
//! - **JSON Patch** (kind 5): a patch that touches `/applicationXml` must also record a
//!   change note, by an operation on `/connectorMetadata/changeNote` or a
//!   `/connectorMetadata` value with a non-empty `changeNote` string.
//!
//! Copy this crate to start your own plugin: the only connkit dependency is
//! `connkit-plugin-abi`, and the only plugin-specific code is the
//! [`PluginValidator`] impl plus one `export_validator!` line.

mod patch_rules;
mod xml_rules;

use connkit_plugin_abi::{export_validator, kind, Finding, PluginInfo, PluginValidator};

pub use patch_rules::check_patch;
pub use xml_rules::check_source_config;

/// The plugin: stateless, so `Default` is all it needs.
#[derive(Debug, Default)]
pub struct SourceRules;

impl PluginValidator for SourceRules {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "source-rules",
            env!("CARGO_PKG_VERSION"),
            &[kind::SOURCE_CONFIG, kind::JSON_PATCH],
        )
        .with_description(
            "house rules: <Form connectorName> and named, typed <Field>s in source configs; \
             a change note with every applicationXml patch",
        )
    }

    fn validate(&self, kind: u32, body: &[u8]) -> Result<Vec<Finding>, String> {
        match kind {
            kind::SOURCE_CONFIG => Ok(check_source_config(body)),
            kind::JSON_PATCH => Ok(check_patch(body)),
            // Unreachable through the ABI (other kinds are answered "unsupported"
            // before reaching us), but a plain call must not panic either.
            other => Err(format!("kind {other} is not handled by source-rules")),
        }
    }
}

export_validator!(SourceRules);
