//! [`XmlValidator`]: UTF-8, no DOCTYPE or external entities, well-formed XML.

use connkit_models::preflight::{BodyKind, Finding, Validator};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::position::{line_column, utf8};

/// Checks the three XML documents (source config, source template, correlation
/// config): UTF-8, no `<!DOCTYPE>` (so no entity expansion and no external entities),
/// one root element, matching tags, valid attributes and references. Every finding
/// has a line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XmlValidator;

impl Validator for XmlValidator {
    fn name(&self) -> &str {
        "builtin.xml"
    }

    fn supports(&self, kind: BodyKind) -> bool {
        kind.is_xml()
    }

    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        check_xml(body)
    }
}

const BOM: &str = "\u{feff}";
const PREDEFINED_ENTITIES: [&str; 5] = ["lt", "gt", "amp", "apos", "quot"];

/// Every problem in `body` as an XML document, with positions into `body`.
pub(crate) fn check_xml(body: &[u8]) -> Vec<Finding> {
    match utf8(body, "xml") {
        Ok(text) => check_xml_text(text, &|offset| line_column(body, offset)),
        Err(finding) => vec![finding],
    }
}

/// Every problem in `text` as an XML document; `locate` turns a byte offset of `text`
/// into the line and column to report (XML embedded in a JSON string is reported at
/// its place in the JSON).
pub(crate) fn check_xml_text(text: &str, locate: &dyn Fn(usize) -> (u32, u32)) -> Vec<Finding> {
    let (skip, text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, text),
    };
    let mut checker = Checker {
        locate,
        skip,
        findings: Vec::new(),
        open: Vec::new(),
        seen_root: false,
    };
    checker.run(text);
    checker.findings
}

struct Checker<'l> {
    locate: &'l dyn Fn(usize) -> (u32, u32),
    /// Bytes before the text the reader sees (a BOM).
    skip: usize,
    findings: Vec<Finding>,
    /// Offsets and names of the open elements.
    open: Vec<(usize, String)>,
    seen_root: bool,
}

impl Checker<'_> {
    fn report(&mut self, offset: usize, code: &str, message: String) {
        let (line, column) = (self.locate)(self.skip + offset);
        self.findings
            .push(Finding::error(code, message).at(line, column));
    }

    fn run(&mut self, text: &str) {
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_comments = true;
        loop {
            let at = offset(reader.buffer_position());
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    self.element(at, &e);
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    self.open.push((at, name));
                }
                Ok(Event::Empty(e)) => self.element(at, &e),
                Ok(Event::End(_)) => {
                    self.open.pop();
                }
                Ok(Event::Text(t)) => {
                    if self.open.is_empty() && !t.iter().all(u8::is_ascii_whitespace) {
                        self.outside_root(at, "text");
                    }
                }
                Ok(Event::CData(_)) => {
                    if self.open.is_empty() {
                        self.outside_root(at, "CDATA");
                    }
                }
                Ok(Event::GeneralRef(r)) => self.reference(at, &r),
                Ok(Event::DocType(d)) => self.doctype(at, &d),
                Ok(Event::Decl(_) | Event::PI(_) | Event::Comment(_)) => {}
                Ok(Event::Eof) => {
                    self.end_of_input(text.len());
                    return;
                }
                Err(e) => {
                    self.report(
                        offset(reader.error_position()),
                        "xml.not-well-formed",
                        e.to_string(),
                    );
                    return;
                }
            }
        }
    }

    fn element(&mut self, at: usize, e: &BytesStart<'_>) {
        if self.open.is_empty() {
            if self.seen_root {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                self.report(
                    at,
                    "xml.content-outside-root",
                    format!("a second root element <{name}>: a document has exactly one root"),
                );
            }
            self.seen_root = true;
        }
        for attribute in e.attributes() {
            let problem = match attribute {
                Ok(a) => a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .err()
                    .map(|e| e.to_string()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(problem) = problem {
                self.report(at, "xml.bad-attribute", problem);
            }
        }
    }

    fn outside_root(&mut self, at: usize, what: &str) {
        self.report(
            at,
            "xml.content-outside-root",
            format!("{what} outside the root element"),
        );
    }

    fn reference(&mut self, at: usize, r: &BytesRef<'_>) {
        if self.open.is_empty() {
            self.outside_root(at, "a reference");
        }
        if r.is_char_ref() {
            if !matches!(r.resolve_char_ref(), Ok(Some(_))) {
                let name = String::from_utf8_lossy(r);
                self.report(
                    at,
                    "xml.not-well-formed",
                    format!("`&{name};` is not a valid character reference"),
                );
            }
        } else if !PREDEFINED_ENTITIES.iter().any(|p| p.as_bytes() == &r[..]) {
            let name = String::from_utf8_lossy(r);
            self.report(
                at,
                "xml.undefined-entity",
                format!("entity `&{name};` is not defined (only lt, gt, amp, apos and quot are)"),
            );
        }
    }

    fn doctype(&mut self, at: usize, declaration: &[u8]) {
        self.report(
            at,
            "xml.doctype",
            "DOCTYPE declarations are not allowed (they enable entity expansion)".to_owned(),
        );
        let text = String::from_utf8_lossy(declaration);
        if text.contains("SYSTEM") || text.contains("PUBLIC") {
            self.report(
                at,
                "xml.external-entity",
                "the DOCTYPE refers to an external resource (SYSTEM/PUBLIC); external entities are not allowed"
                    .to_owned(),
            );
        }
    }

    fn end_of_input(&mut self, end: usize) {
        if let Some((at, name)) = self.open.last().cloned() {
            self.report(
                at,
                "xml.unclosed",
                format!(
                    "element <{name}> is never closed ({} open at the end)",
                    self.open.len()
                ),
            );
        } else if !self.seen_root {
            self.report(
                end,
                "xml.no-root",
                "the document has no root element".to_owned(),
            );
        }
    }
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(body: &[u8]) -> Finding {
        let findings = check_xml(body);
        assert_eq!(findings.len(), 1, "{findings:?}");
        findings.into_iter().next().unwrap()
    }

    fn at(f: &Finding) -> (Option<u32>, Option<u32>) {
        (f.line, f.column)
    }

    #[test]
    fn well_formed_documents_pass() {
        for ok in [
            &b"<?xml version='1.0' encoding='UTF-8'?>\n<!-- c --><a x='1'><b>t &amp; &#233;</b><![CDATA[<x>]]><c/></a>\n"[..],
            "\u{feff}<a>é</a>".as_bytes(),
        ] {
            assert!(check_xml(ok).is_empty(), "{:?}", check_xml(ok));
        }
    }

    #[test]
    fn mismatched_and_unmatched_end_tags() {
        let f = one(b"<a>\n  <b></a>");
        assert_eq!(f.code, "xml.not-well-formed");
        assert_eq!(at(&f), (Some(2), Some(6)));
        let f = one(b"<a/>\n</a>");
        assert_eq!(f.code, "xml.not-well-formed");
        assert_eq!(at(&f), (Some(2), Some(1)));
    }

    #[test]
    fn unclosed_elements_point_at_their_start() {
        let f = one(b"<a>\n <b>\n  text");
        assert_eq!(f.code, "xml.unclosed");
        assert_eq!(at(&f), (Some(2), Some(2)));
        assert!(f.message.contains("<b>"), "{}", f.message);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let f = one(b"<a>\n<b attr=\"1></a>");
        assert_eq!(f.code, "xml.not-well-formed");
        assert_eq!(at(&f), (Some(2), Some(1)));
    }

    #[test]
    fn doctype_and_external_entities_are_refused() {
        let body = b"<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<a>&x;</a>";
        let codes: Vec<(String, Option<u32>)> = check_xml(body)
            .into_iter()
            .map(|f| (f.code, f.line))
            .collect();
        assert_eq!(
            codes,
            [
                ("xml.doctype".to_owned(), Some(2)),
                ("xml.external-entity".to_owned(), Some(2)),
                ("xml.undefined-entity".to_owned(), Some(3)),
            ]
        );
    }

    #[test]
    fn roots_text_and_attributes() {
        assert_eq!(one(b"  \n").code, "xml.no-root");
        let f = one(b"<a/>\n<b/>");
        assert_eq!(
            (f.code.as_str(), f.line),
            ("xml.content-outside-root", Some(2))
        );
        assert_eq!(one(b"x<a/>").code, "xml.content-outside-root");
        let f = one(b"<a x='1' x='2'/>");
        assert_eq!(
            (f.code.as_str(), at(&f)),
            ("xml.bad-attribute", (Some(1), Some(1)))
        );
        assert_eq!(one(b"<a x='&nope;'/>").code, "xml.bad-attribute");
        assert_eq!(one(b"<a>&#0;</a>").code, "xml.not-well-formed");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let f = one(b"<a>\n\xff</a>");
        assert_eq!(
            (f.code.as_str(), at(&f)),
            ("xml.not-utf8", (Some(2), Some(1)))
        );
    }
}
