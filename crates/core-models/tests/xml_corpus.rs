//! The XML policy on the corpus: every realistic SailPoint document passes with no
//! error or warning, every hostile one is refused with its expected code; and the
//! DOCTYPE parser never panics, whatever follows `<!DOCTYPE`.

#[path = "fixtures/xml/corpus.rs"]
mod corpus;

use connkit_models::preflight::xml::check_xml;
use connkit_models::preflight::{Finding, Severity};
use proptest::prelude::*;

fn warnings_or_errors(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(Finding::to_string)
        .collect()
}

#[test]
fn every_realistic_document_passes() {
    let realistic = corpus::realistic();
    assert!(realistic.len() >= 25, "{} realistic files", realistic.len());
    for entry in realistic {
        let findings = check_xml(&entry.bytes());
        assert_eq!(
            warnings_or_errors(&findings),
            Vec::<String>::new(),
            "{}",
            entry.name
        );
    }
}

#[test]
fn the_corpus_has_what_real_files_have() {
    let all: Vec<(String, Vec<u8>)> = corpus::realistic()
        .into_iter()
        .map(|e| (e.name.clone(), e.bytes()))
        .collect();
    let has = |what: &str, test: &dyn Fn(&[u8]) -> bool| {
        assert!(
            all.iter().any(|(_, b)| test(b)),
            "no realistic file has {what}"
        );
    };
    let contains = |b: &[u8], s: &str| b.windows(s.len()).any(|w| w == s.as_bytes());
    has("a single-quoted declaration", &|b| {
        b.starts_with(b"<?xml version='1.0'")
    });
    has("a double-quoted declaration", &|b| {
        b.starts_with(b"<?xml version=\"1.0\"")
    });
    has("no declaration", &|b| !contains(b, "<?xml version"));
    has("the sailpoint.dtd header", &|b| {
        contains(b, "PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">")
    });
    has("a BOM", &|b| b.starts_with(b"\xEF\xBB\xBF"));
    has("CRLF line ends", &|b| contains(b, "\r\n"));
    has("ISO-8859-1 text", &|b| {
        contains(b, "encoding='ISO-8859-1'") && b.iter().any(|c| *c >= 0x80)
    });
    has("BeanShell in CDATA with < and &&", &|b| {
        contains(b, "<![CDATA[") && contains(b, " && ") && contains(b, " < ")
    });
    has("a default xmlns", &|b| contains(b, "<Form xmlns=\""));
    has("a comment before the root", &|b| {
        b.starts_with(b"<!--") || contains(b, "?>\n<!--")
    });
    has("a <sailpoint> bundle", &|b| contains(b, "<sailpoint>"));
    has("more than 100 KB", &|b| b.len() > 100 * 1024);
    has("non-ASCII UTF-8", &|b| {
        std::str::from_utf8(b).is_ok_and(|t| !t.is_ascii())
    });
}

#[test]
fn every_hostile_document_is_refused_with_its_code() {
    let hostile = corpus::hostile();
    assert!(hostile.len() >= 15, "{} hostile files", hostile.len());
    for entry in hostile {
        let code = entry.refused_with.as_deref().unwrap_or_default();
        let findings = check_xml(&entry.bytes());
        let refusal = findings.iter().find(|f| f.code == code);
        let refusal =
            refusal.unwrap_or_else(|| panic!("{}: no {code} in {findings:?}", entry.name));
        assert_eq!(refusal.severity, Severity::Error, "{}", entry.name);
        assert!(
            refusal.line.is_some() && refusal.column.is_some(),
            "{refusal:?}"
        );
    }
}

/// Pieces a DOCTYPE is made of, and the tricks played with them.
fn doctype_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ",
        "\r\n",
        "\t",
        "Application",
        "PUBLIC",
        "SYSTEM",
        "\"sailpoint.dtd\"",
        "'sailpoint.dtd'",
        "\"",
        "'",
        "[",
        "]",
        ">",
        "<!--",
        "-->",
        "<?",
        "?>",
        "<!ENTITY",
        "%",
        "%p;",
        "&e;",
        "é",
        "\u{0}",
        "file:///etc/passwd",
        "<a/>",
        "<",
        "&#x41;",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn doctype_parsing_never_panics_and_stays_inside_the_text(
        pieces in prop::collection::vec(doctype_piece(), 0..24),
        bytes in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut body = b"<!DOCTYPE ".to_vec();
        body.extend(pieces.concat().as_bytes());
        body.extend(&bytes);
        let findings = check_xml(&body);
        let lines = body.split(|b| *b == b'\n').count() as u32;
        for finding in &findings {
            let line = finding.line.expect("every finding has a line");
            prop_assert!((1..=lines).contains(&line), "{finding:?} in {lines} lines");
            prop_assert!(finding.column.is_some_and(|c| c >= 1));
        }
    }
}
