//! What one call to a plugin produced, and how failures become findings.
//!
//! Whatever goes wrong on the plugin's side — an error it reports, a panic, a kind it
//! does not handle, output that is not findings, a timeout, a crash — becomes one
//! error-severity [`Finding`] that names the plugin. The host never panics on it.

use std::time::Duration;

use connkit_models::preflight::{BodyKind, Finding};
use serde::{Deserialize, Serialize};

/// Stable codes of the findings the host reports on a plugin's behalf.
pub mod codes {
    /// The plugin returned status "plugin error".
    pub const FAILED: &str = "plugin.failed";
    /// The plugin panicked (and caught it).
    pub const PANICKED: &str = "plugin.panicked";
    /// The plugin was called with a kind it does not handle.
    pub const UNSUPPORTED_KIND: &str = "plugin.unsupported-kind";
    /// The plugin returned a status code that ABI version 1 does not define.
    pub const BAD_STATUS: &str = "plugin.bad-status";
    /// The plugin's findings were not the JSON array the ABI specifies.
    pub const BAD_OUTPUT: &str = "plugin.bad-output";
    /// The plugin did not answer within the per-call timeout.
    pub const TIMEOUT: &str = "plugin.timeout";
    /// The isolated worker died during the call (abort, segfault, …).
    pub const CRASHED: &str = "plugin.crashed";
    /// The plugin could not be called at all (worker cannot start, too many hung calls).
    pub const UNAVAILABLE: &str = "plugin.unavailable";
    /// The plugin returned more than [`MAX_FINDINGS`](crate::MAX_FINDINGS) findings: the
    /// first ones are kept, and this one error stands for the rest (which nobody saw).
    pub const OUTPUT_TRUNCATED: &str = "plugin.output-truncated";

    /// Every code above: the host reports these, never a plugin's own checks.
    pub const ALL: [&str; 9] = [
        FAILED,
        PANICKED,
        UNSUPPORTED_KIND,
        BAD_STATUS,
        BAD_OUTPUT,
        TIMEOUT,
        CRASHED,
        UNAVAILABLE,
        OUTPUT_TRUNCATED,
    ];

    /// Whether a finding with this code says the plugin failed (so its verdict on the
    /// body is unknown), as opposed to the plugin finding a problem in the body.
    pub fn is_plugin_failure(code: &str) -> bool {
        ALL.contains(&code)
    }
}

/// Why a call produced no findings of the plugin's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", content = "detail", rename_all = "kebab-case")]
pub(crate) enum CallError {
    /// Status "plugin error", with the plugin's message.
    Failed(String),
    /// Status "panicked", with the panic message.
    Panicked(String),
    /// Status "unsupported kind".
    UnsupportedKind,
    /// A status code outside ABI version 1.
    BadStatus(u32),
    /// Status ok, but the buffer is not a JSON array of findings.
    BadOutput(String),
    /// No answer within the timeout.
    Timeout(Duration),
    /// The worker process died; how, and its last words on stderr.
    Crashed(String),
    /// The plugin could not be called.
    Unavailable(String),
}

/// The result of one call: the plugin's findings, or why there are none.
pub(crate) type CallResult = Result<Vec<Finding>, CallError>;

impl CallError {
    fn into_finding(self, plugin: &str, kind: BodyKind) -> Finding {
        let (code, message) = match self {
            CallError::Failed(m) => (
                codes::FAILED,
                format!("plugin `{plugin}` could not check the {kind} body{}", detail(&m)),
            ),
            CallError::Panicked(m) => (codes::PANICKED, format!("plugin `{plugin}` panicked{}", detail(&m))),
            CallError::UnsupportedKind => (
                codes::UNSUPPORTED_KIND,
                format!("plugin `{plugin}` does not handle {kind} bodies"),
            ),
            CallError::BadStatus(code) => (
                codes::BAD_STATUS,
                format!("plugin `{plugin}` returned status {code}, which ABI version 1 does not define"),
            ),
            CallError::BadOutput(m) => (
                codes::BAD_OUTPUT,
                format!("plugin `{plugin}` returned a malformed answer (not a JSON array of findings): {m}"),
            ),
            CallError::Timeout(t) => (
                codes::TIMEOUT,
                format!("plugin `{plugin}` did not answer within {t:?}"),
            ),
            CallError::Crashed(m) => (codes::CRASHED, format!("plugin `{plugin}` crashed: {m}")),
            CallError::Unavailable(m) => (
                codes::UNAVAILABLE,
                format!("plugin `{plugin}` cannot be called: {m}"),
            ),
        };
        Finding::error(code, message)
    }
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// Turns a call's result into the findings a [`Validator`](connkit_models::preflight::Validator)
/// returns, each tagged with the plugin's name (whatever the plugin put there).
pub(crate) fn into_findings(result: CallResult, plugin: &str, kind: BodyKind) -> Vec<Finding> {
    let findings = match result {
        Ok(findings) => findings,
        Err(error) => vec![error.into_finding(plugin, kind)],
    };
    findings
        .into_iter()
        .map(|f| f.from_validator(plugin))
        .collect()
}

/// The most bytes of findings JSON one call may return (1 MiB). A plugin's answer is
/// copied out of its buffer only when it is this small; a larger one is refused whole
/// as `plugin.bad-output`, so one call can never cost the host more than this.
pub const MAX_RESULT_BYTES: usize = 1 << 20;

/// The most findings one call may return (10 000). Past that, the first ones are kept
/// and one `plugin.output-truncated` error says how many more there were.
pub const MAX_FINDINGS: usize = 10_000;

/// The findings array a plugin returned with status ok, refused as
/// [`CallError::BadOutput`] when it is not one or when a finding puts itself at line or
/// column 0 (both are 1-based: a 0 is a plugin bug, and would point nowhere). More than
/// [`MAX_FINDINGS`] are cut to that many, plus one [`codes::OUTPUT_TRUNCATED`] error.
pub(crate) fn decode_findings(bytes: &[u8]) -> CallResult {
    if bytes.len() > MAX_RESULT_BYTES {
        return Err(CallError::BadOutput(too_large(bytes.len())));
    }
    let mut findings: Vec<Finding> =
        serde_json::from_slice(bytes).map_err(|e| CallError::BadOutput(e.to_string()))?;
    for (index, f) in findings.iter().enumerate() {
        for (what, value) in [("line", f.line), ("column", f.column)] {
            if value == Some(0) {
                return Err(CallError::BadOutput(format!(
                    "finding {} (`{}`) is at {what} 0, but lines and columns are 1-based \
                     (connkit_plugin_abi::LineIndex turns byte offsets into them)",
                    index + 1,
                    f.code
                )));
            }
        }
    }
    if findings.len() > MAX_FINDINGS {
        let dropped = findings.len() - MAX_FINDINGS;
        findings.truncate(MAX_FINDINGS);
        findings.push(Finding::error(
            codes::OUTPUT_TRUNCATED,
            format!(
                "{dropped} more findings were dropped: one call may return at most \
                 {MAX_FINDINGS}; the body is not known to be free of errors"
            ),
        ));
    }
    Ok(findings)
}

/// Why a result of `len` bytes is refused.
pub(crate) fn too_large(len: usize) -> String {
    format!("{len} bytes of findings, more than the {MAX_RESULT_BYTES} one call may return")
}

/// At most this many bytes of a plugin's message are kept.
const MAX_MESSAGE: usize = 4096;

/// A plugin-supplied message as text: lossy UTF-8, cut at a character boundary near
/// [`MAX_MESSAGE`] bytes.
pub(crate) fn message_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.len() <= MAX_MESSAGE {
        return text.to_owned();
    }
    let mut end = MAX_MESSAGE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_one_error_finding_naming_the_plugin() {
        let failures = [
            (
                CallError::Failed("no config".into()),
                codes::FAILED,
                "no config",
            ),
            (
                CallError::Panicked(String::new()),
                codes::PANICKED,
                "panicked",
            ),
            (
                CallError::UnsupportedKind,
                codes::UNSUPPORTED_KIND,
                "json-patch",
            ),
            (CallError::BadStatus(9), codes::BAD_STATUS, "status 9"),
            (CallError::BadOutput("eof".into()), codes::BAD_OUTPUT, "eof"),
            (
                CallError::Timeout(Duration::from_millis(1500)),
                codes::TIMEOUT,
                "1.5s",
            ),
            (
                CallError::Crashed("killed by signal 11 (SIGSEGV)".into()),
                codes::CRASHED,
                "SIGSEGV",
            ),
            (
                CallError::Unavailable("busy".into()),
                codes::UNAVAILABLE,
                "busy",
            ),
        ];
        for (error, code, needle) in failures {
            let findings = into_findings(Err(error), "rules", BodyKind::JsonPatch);
            assert_eq!(findings.len(), 1);
            let f = &findings[0];
            assert!(f.is_error());
            assert_eq!(f.code, code);
            assert!(codes::is_plugin_failure(code));
            assert_eq!(f.validator.as_deref(), Some("rules"));
            assert!(f.message.contains("plugin `rules`"), "{}", f.message);
            assert!(f.message.contains(needle), "{}", f.message);
        }
    }

    #[test]
    fn a_plugins_own_codes_are_not_failures() {
        assert!(!codes::is_plugin_failure("plugin.something-else"));
        assert!(!codes::is_plugin_failure("source-rules.field-missing-type"));
    }

    #[test]
    fn the_plugin_name_overrides_whatever_the_plugin_claimed() {
        let claimed = Finding::warning("x", "y").from_validator("builtin.xml");
        let findings = into_findings(Ok(vec![claimed]), "rules", BodyKind::SourceConfig);
        assert_eq!(findings[0].validator.as_deref(), Some("rules"));
    }

    #[test]
    fn line_or_column_zero_is_bad_output_naming_the_finding() {
        let ok = br#"[{"severity":"info","code":"a","message":"m","line":1,"column":1}]"#;
        assert_eq!(decode_findings(ok).unwrap().len(), 1);
        for (json, needle) in [
            (
                br#"[{"severity":"info","code":"a","message":"m"},{"severity":"error","code":"b.c","message":"m","line":0,"column":3}]"#.as_slice(),
                "finding 2 (`b.c`) is at line 0",
            ),
            (
                br#"[{"severity":"info","code":"a","message":"m","line":4,"column":0}]"#,
                "finding 1 (`a`) is at column 0",
            ),
        ] {
            let Err(CallError::BadOutput(message)) = decode_findings(json) else {
                panic!("accepted {}", String::from_utf8_lossy(json));
            };
            assert!(message.contains(needle), "{message}");
        }
        assert!(matches!(
            decode_findings(b"{}"),
            Err(CallError::BadOutput(_))
        ));
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_MESSAGE);
        let text = message_text(long.as_bytes());
        assert!(text.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(text.ends_with('…'));
        assert_eq!(message_text(b"  hi\xff "), "hi\u{fffd}");
    }
}
