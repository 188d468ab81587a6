//! The built-in pre-flight validators of `connkit-connectors`: XML documents, JSON Patch,
//! translations (`.properties`) and create bodies, chosen by the first byte (modulo 4).
//!
//! Properties, for every kind: every finding's line and column point inside the body
//! (columns in characters); codes belong to the validators that produced them; `check`
//! rejects exactly when a finding is an error.
//!
//! For XML, a differential check as well: the same text as the value of a JSON Patch
//! `replace` of `/sourceConfigXml` gives the same XML findings, and, when the JSON string
//! needs no escapes, at the same place shifted by the JSON around it (for documents
//! that are UTF-8 without a BOM: a declared latin1 or UTF-16 is about bytes, not text).
#![no_main]

use connkit_connectors::preflight::{builtin_validators, check, JsonPatchValidator, XmlValidator};
use connkit_models::preflight::xml::{decode, Encoding};
use connkit_models::preflight::{run_all, BodyKind, Finding, Validator};
use libfuzzer_sys::fuzz_target;

const CODE_PREFIXES: [&str; 6] = ["body.", "xml.", "json.", "patch.", "properties.", "create."];

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 4 {
        0 => {
            let kind = [
                BodyKind::SourceConfig,
                BodyKind::SourceTemplate,
                BodyKind::CorrelationConfig,
            ][usize::from(selector / 4 % 3)];
            validate(kind, body);
            // Inside JSON the XML is already text, so an encoding declaration no longer
            // applies: compare only documents that are UTF-8 as bytes too.
            let utf8 = decode(body).is_ok_and(|d| d.encoding == Encoding::Utf8 && d.bom == 0);
            if let (true, Ok(text)) = (utf8, std::str::from_utf8(body)) {
                xml_inside_patch(kind, text);
            }
        }
        1 => validate(BodyKind::JsonPatch, body),
        2 => validate(BodyKind::Translations, body),
        _ => validate(BodyKind::CreateConnector, body),
    }
});

fn validate(kind: BodyKind, body: &[u8]) {
    let validators = builtin_validators();
    let findings = run_all(&validators, kind, body);
    for finding in &findings {
        assert!(
            CODE_PREFIXES.iter().any(|p| finding.code.starts_with(p)),
            "unexpected code {}",
            finding.code
        );
        assert_inside(body, finding);
    }
    let rejected = findings.iter().any(Finding::is_error);
    assert_eq!(check(&validators, kind, body).is_err(), rejected);
}

/// `finding`'s line and column, if any, name a character of `body` or the end of a line.
fn assert_inside(body: &[u8], finding: &Finding) {
    let (Some(line), Some(column)) = (finding.line, finding.column) else {
        assert_eq!(
            finding.line.is_some(),
            finding.column.is_some(),
            "{finding:?}"
        );
        return;
    };
    let lines: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    let text = lines
        .get(line as usize - 1)
        .unwrap_or_else(|| panic!("line {line} of {} in {finding:?}", lines.len()));
    let characters = text.iter().filter(|b| (**b & 0xC0) != 0x80).count();
    assert!(
        (1..=characters + 1).contains(&(column as usize)),
        "column {column} of {characters} characters in {finding:?}"
    );
}

fn xml_inside_patch(kind: BodyKind, text: &str) {
    let direct = XmlValidator.validate(kind, text.as_bytes());
    let value = serde_json::to_string(text).expect("a string serializes");
    let prefix = r#"[{"op":"replace","path":"/sourceConfigXml","value":"#;
    let patch = format!("{prefix}{value}}}]");
    let embedded = JsonPatchValidator.validate(BodyKind::JsonPatch, patch.as_bytes());
    let codes = |findings: &[Finding]| findings.iter().map(|f| f.code.clone()).collect::<Vec<_>>();
    assert_eq!(
        codes(&embedded),
        codes(&direct),
        "XML findings differ inside a patch"
    );
    let unescaped = value.len() == text.len() + 2;
    for (inside, alone) in embedded.iter().zip(&direct) {
        assert_eq!(inside.pointer.as_deref(), Some("/0/value"), "{inside:?}");
        assert_inside(patch.as_bytes(), inside);
        if unescaped {
            // The value starts after the prefix and its opening quote.
            let shift = |line: Option<u32>, column: Option<u32>| match (line, column) {
                (Some(1), Some(c)) => (Some(1), Some(c + prefix.len() as u32 + 1)),
                other => other,
            };
            assert_eq!(
                (inside.line, inside.column),
                shift(alone.line, alone.column),
                "{inside:?} vs {alone:?}"
            );
        }
    }
}
