//! connkit's built-in XML check as a version-1 validator plugin, for the `preflight`
//! bench only: the same work as `connkit_connectors::preflight::XmlValidator`, so the
//! bench measures what the plugin boundary costs and nothing else.

use connkit_connectors::preflight::XmlValidator;
use connkit_models::preflight::{self, BodyKind, Validator};
use connkit_plugin_abi::{export_validator, kind, Finding, PluginInfo, PluginValidator, Severity};

/// The built-in XML check behind the plugin ABI.
#[derive(Debug, Default)]
pub struct BuiltinXml;

impl PluginValidator for BuiltinXml {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "bench-builtin-xml",
            env!("CARGO_PKG_VERSION"),
            &[
                kind::SOURCE_CONFIG,
                kind::SOURCE_TEMPLATE,
                kind::CORRELATION_CONFIG,
            ],
        )
        .with_description("connkit's built-in XML check, exported as a plugin for benchmarks")
    }

    fn validate(&self, kind: u32, body: &[u8]) -> Result<Vec<Finding>, String> {
        let kind = BodyKind::from_u32(kind).ok_or_else(|| format!("unknown kind {kind}"))?;
        Ok(XmlValidator
            .validate(kind, body)
            .into_iter()
            .map(to_abi)
            .collect())
    }
}

/// The same finding in the ABI's vocabulary.
fn to_abi(finding: preflight::Finding) -> Finding {
    let severity = match finding.severity {
        preflight::Severity::Info => Severity::Info,
        preflight::Severity::Warning => Severity::Warning,
        preflight::Severity::Error => Severity::Error,
    };
    Finding {
        severity,
        code: finding.code,
        message: finding.message,
        line: finding.line,
        column: finding.column,
        pointer: finding.pointer,
    }
}

export_validator!(BuiltinXml);
