//! The XML policy that pre-flight (in `connkit-connectors`) and the sandbox (in
//! `connkit-sandbox`) both apply to the three XML documents (source config, source
//! template, correlation config), so that what the client sends and what the sandbox
//! accepts are judged by one piece of code. Feature `xml`; pure parsing, no I/O.
//!
//! # What passes
//!
//! Real SailPoint documents as they are kept in repositories: an XML declaration in
//! single or double quotes (or none), a UTF-8 BOM, the `sailpoint.dtd` header
//! (`<!DOCTYPE Application PUBLIC "sailpoint.dtd" "sailpoint.dtd">`, or `SYSTEM
//! "sailpoint.dtd"`), comments and processing instructions before the root, CDATA
//! sections holding BeanShell or JavaScript with `<` and `&`, a default `xmlns` on the
//! root, CRLF line ends, and documents of any size (checking is linear in the size).
//! A DOCTYPE that only names an external identifier is allowed because connkit never
//! loads a DTD and the platform resolves `sailpoint.dtd` itself.
//!
//! Text in ISO-8859-1 (latin1) or windows-1252 is decoded when the declaration says so;
//! lines and columns are those of the file (one byte is one character there). Other
//! encodings, UTF-16 included, are refused with advice to re-save the file as UTF-8.
//!
//! # What is refused, and the finding codes
//!
//! Every finding is located (1-based line and column, columns in characters).
//!
//! | code | severity | when |
//! |---|---|---|
//! | `xml.not-utf8` | error | bytes that are not UTF-8 in a document declared (or defaulting to) UTF-8 |
//! | `xml.unsupported-encoding` | error | UTF-16/UTF-32, or a declared encoding other than UTF-8, ISO-8859-1, windows-1252 |
//! | `xml.encoding-mismatch` | error | a UTF-8 BOM with another declared encoding |
//! | `xml.bad-declaration` | error | an XML declaration whose pseudo-attributes cannot be read |
//! | `xml.doctype-unparsed` | error | a DOCTYPE that the strict parser cannot read with certainty (fail closed) |
//! | `xml.doctype-misplaced` | error | a DOCTYPE after the root element has started, or a second one |
//! | `xml.internal-subset` | error | a DOCTYPE with an internal subset (`[ … ]`), even one holding only a comment |
//! | `xml.entity-declaration` | error | each `<!ENTITY …>` (entity expansion: billion laughs, quadratic blow-up) |
//! | `xml.external-entity` | error | an entity declared with `SYSTEM` or `PUBLIC` (XXE) |
//! | `xml.parameter-entity` | error | a parameter entity declared (`<!ENTITY % …>`) or referenced (`%name;`) |
//! | `xml.external-dtd` | error | a DOCTYPE system identifier that is a URL (`scheme:`), an absolute path (`/…`, `C:\…`, `\\…`) or climbs out (`..`) |
//! | `xml.unknown-dtd` | warning | a system identifier that is a plain relative name other than `sailpoint.dtd` |
//! | `xml.doctype-name` | warning | a DOCTYPE naming another element than the root |
//! | `xml.xinclude` | error | an `xi:include` element or a binding of the XInclude namespace |
//! | `xml.undefined-entity` | error | an entity reference other than `lt gt amp apos quot`, in text or an attribute |
//! | `xml.not-well-formed` | error | anything else the XML grammar forbids (mismatched tags, bad syntax, bad character references) |
//! | `xml.unclosed` | error | an element still open at the end |
//! | `xml.no-root` | error | no root element |
//! | `xml.content-outside-root` | error | text, CDATA, a reference or a second root outside the root element |
//! | `xml.bad-attribute` | error | a duplicated or malformed attribute |
//!
//! ```
//! use connkit_models::preflight::xml::check_xml;
//!
//! let header = "<?xml version='1.0' encoding='UTF-8'?>\n\
//!               <!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n\
//!               <Application name=\"HR\"/>\n";
//! assert!(check_xml(header.as_bytes()).is_empty());
//!
//! let laughs = "<!DOCTYPE a [\n<!ENTITY lol \"lol\">\n]>\n<a>&lol;</a>";
//! let codes: Vec<_> = check_xml(laughs.as_bytes()).into_iter().map(|f| (f.code, f.line)).collect();
//! assert_eq!(codes, [
//!     ("xml.internal-subset".to_owned(), Some(1)),
//!     ("xml.entity-declaration".to_owned(), Some(2)),
//!     ("xml.undefined-entity".to_owned(), Some(4)),
//! ]);
//! ```

mod doctype;
mod encoding;
mod position;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::preflight::Finding;
pub use encoding::{decode, encode, Decoded, Encoding};
pub use position::line_column;
use position::LineIndex;

const BOM: &str = "\u{feff}";
const PREDEFINED_ENTITIES: [&str; 5] = ["lt", "gt", "amp", "apos", "quot"];
/// The DTD every SailPoint document names; the platform knows it, connkit never reads it.
pub const SAILPOINT_DTD: &str = "sailpoint.dtd";
const XINCLUDE_NAMESPACES: [&str; 2] = [
    "http://www.w3.org/2001/XInclude",
    "http://www.w3.org/2003/XInclude",
];

/// Every finding of the policy on `body`, an XML document as bytes; positions are
/// those of the file (after a BOM).
pub fn check_xml(body: &[u8]) -> Vec<Finding> {
    match decode(body) {
        Ok(decoded) => {
            let index = LineIndex::new(decoded.text.as_bytes());
            check_xml_text(&decoded.text, &|offset| index.locate(offset))
        }
        Err(finding) => vec![finding],
    }
}

/// Every finding of the policy on `text`, an XML document already decoded (its
/// declared encoding is not looked at); `locate` turns a byte offset of `text` into the
/// line and column to report (XML embedded in a JSON string is reported at its place
/// in the JSON).
pub fn check_xml_text(text: &str, locate: &dyn Fn(usize) -> (u32, u32)) -> Vec<Finding> {
    let (skip, text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, text),
    };
    let mut checker = Checker {
        locate,
        skip,
        text,
        findings: Vec::new(),
        open: Vec::new(),
        seen_root: false,
        doctype: None,
    };
    checker.run();
    checker.findings
}

struct Checker<'l, 't> {
    locate: &'l dyn Fn(usize) -> (u32, u32),
    /// Bytes before `text` in what `locate` measures (a BOM).
    skip: usize,
    text: &'t str,
    findings: Vec<Finding>,
    /// Offsets and names of the open elements.
    open: Vec<(usize, String)>,
    seen_root: bool,
    /// The name a DOCTYPE announced (empty when it could not be read).
    doctype: Option<String>,
}

impl Checker<'_, '_> {
    fn push(&mut self, offset: usize, finding: Finding) {
        let (line, column) = (self.locate)(self.skip + offset);
        self.findings.push(finding.at(line, column));
    }

    fn report(&mut self, offset: usize, code: &str, message: String) {
        self.push(offset, Finding::error(code, message));
    }

    fn run(&mut self) {
        let mut reader = Reader::from_str(self.text);
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
                Ok(Event::DocType(_)) => {
                    self.doctype(at, offset(reader.buffer_position()));
                }
                Ok(Event::Decl(_)) => {
                    if at != 0 {
                        self.report(
                            at,
                            "xml.not-well-formed",
                            "the XML declaration must come first in the document".to_owned(),
                        );
                    }
                }
                Ok(Event::PI(_) | Event::Comment(_)) => {}
                Ok(Event::Eof) => {
                    self.end_of_input(self.text.len());
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
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if self.open.is_empty() {
            if self.seen_root {
                self.report(
                    at,
                    "xml.content-outside-root",
                    format!("a second root element <{name}>: a document has exactly one root"),
                );
            } else if let Some(announced) = &self.doctype {
                if !announced.is_empty() && *announced != name {
                    let message = format!(
                        "the DOCTYPE announces <{announced}> but the root element is <{name}>"
                    );
                    self.push(at, Finding::warning("xml.doctype-name", message));
                }
            }
            self.seen_root = true;
        }
        if name == "xi:include" {
            self.report(
                at,
                "xml.xinclude",
                format!("<{name}> is an XInclude: documents may not pull in other files"),
            );
        }
        for attribute in e.attributes() {
            let attribute = match attribute {
                Ok(a) => a,
                Err(e) => {
                    self.report(at, "xml.bad-attribute", e.to_string());
                    continue;
                }
            };
            let value = match attribute.normalized_value(XmlVersion::Implicit1_0) {
                Ok(value) => value,
                Err(problem) => {
                    self.attribute_value(at, problem);
                    continue;
                }
            };
            let key = attribute.key.as_ref();
            let binding = key == b"xmlns" || key.starts_with(b"xmlns:");
            // The value as a processor reads it: `&#88;Include` is `XInclude`.
            if binding && XINCLUDE_NAMESPACES.contains(&&*value) {
                self.report(
                    at,
                    "xml.xinclude",
                    "the XInclude namespace is bound: documents may not pull in other files"
                        .to_owned(),
                );
            }
        }
    }

    fn attribute_value(&mut self, at: usize, problem: quick_xml::Error) {
        use quick_xml::escape::EscapeError;
        if let quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) = &problem {
            self.undefined_entity(at, name);
        } else {
            self.report(at, "xml.bad-attribute", problem.to_string());
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
        let name = String::from_utf8_lossy(r).into_owned();
        if r.is_char_ref() {
            if !matches!(r.resolve_char_ref(), Ok(Some(_))) {
                self.report(
                    at,
                    "xml.not-well-formed",
                    format!("`&{name};` is not a valid character reference"),
                );
            }
        } else if !PREDEFINED_ENTITIES.contains(&name.as_str()) {
            self.undefined_entity(at, &name);
        }
    }

    fn undefined_entity(&mut self, at: usize, name: &str) {
        self.report(
            at,
            "xml.undefined-entity",
            format!(
                "entity `&{name};` is not defined (only lt, gt, amp, apos and quot exist: \
                 write the character itself, a character reference, or use CDATA)"
            ),
        );
    }

    /// A DOCTYPE from `at` to `end` (where quick-xml saw its end).
    fn doctype(&mut self, at: usize, end: usize) {
        if self.seen_root || self.doctype.is_some() {
            let why = if self.seen_root {
                "after the root element"
            } else {
                "a second time"
            };
            self.report(
                at,
                "xml.doctype-misplaced",
                format!("a DOCTYPE {why}: a document has at most one, before its root element"),
            );
        }
        let parsed = match doctype::parse(self.text, at) {
            Ok(parsed) if parsed.end == end => parsed,
            Ok(parsed) => {
                let message = format!(
                    "the DOCTYPE's end is ambiguous (it could end at byte {} or {end}); \
                     connkit refuses what it cannot read with certainty",
                    parsed.end
                );
                self.report(at, "xml.doctype-unparsed", message);
                self.doctype = Some(String::new());
                return;
            }
            Err(unparsed) => {
                let message = format!(
                    "the DOCTYPE cannot be read: {}; connkit allows only \
                     `<!DOCTYPE Name PUBLIC \"…\" \"….dtd\">` or `<!DOCTYPE Name SYSTEM \"….dtd\">`",
                    unparsed.message
                );
                self.report(unparsed.at, "xml.doctype-unparsed", message);
                self.doctype = Some(String::new());
                return;
            }
        };
        self.doctype = Some(parsed.name.to_owned());
        if let Some(subset) = &parsed.subset {
            self.report(
                subset.start,
                "xml.internal-subset",
                "the DOCTYPE has an internal subset (`[ … ]`): declarations in it can expand \
                 entities or load external resources; remove it (only an external identifier \
                 such as PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\" is allowed)"
                    .to_owned(),
            );
        }
        for item in &parsed.subset_items {
            self.subset_item(item);
        }
        if let Some(external) = &parsed.external {
            if let Some(finding) = system_id_finding(external.system) {
                self.push(external.system_at, finding);
            }
        }
    }

    fn subset_item(&mut self, item: &doctype::SubsetItem<'_>) {
        match *item {
            doctype::SubsetItem::Entity {
                at,
                name,
                parameter,
                external,
            } => {
                if parameter {
                    let message = format!("parameter entity `%{name};` is declared");
                    self.report(at, "xml.parameter-entity", message);
                } else {
                    let message = format!(
                        "entity `{name}` is declared: entity declarations allow expansion attacks \
                         (billion laughs) and are refused"
                    );
                    self.report(at, "xml.entity-declaration", message);
                }
                if external {
                    let message = format!(
                        "entity `{name}` names an external resource (SYSTEM/PUBLIC): external \
                         entities are refused"
                    );
                    self.report(at, "xml.external-entity", message);
                }
            }
            doctype::SubsetItem::ParameterReference { at, name } => {
                let message = format!("parameter entity `%{name};` is referenced");
                self.report(at, "xml.parameter-entity", message);
            }
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

/// What the policy says about a DOCTYPE's system identifier: nothing for
/// `sailpoint.dtd`, a warning for another plain relative name, an error for anything
/// that could reach outside (a URL, an absolute path, `..`).
fn system_id_finding(system: &str) -> Option<Finding> {
    if system == SAILPOINT_DTD {
        return None;
    }
    let outside = if system.starts_with(['/', '\\']) {
        Some("an absolute path")
    } else if system.contains(':') {
        Some("a URL or a drive path (it has a `:`)")
    } else if system.split(['/', '\\']).any(|part| part == "..") {
        Some("a path that climbs out with `..`")
    } else {
        None
    };
    Some(match outside {
        Some(what) => Finding::error(
            "xml.external-dtd",
            format!(
                "the DOCTYPE's system identifier `{system}` is {what}: only a relative DTD \
                 name such as \"{SAILPOINT_DTD}\" is allowed"
            ),
        ),
        None => Finding::warning(
            "xml.unknown-dtd",
            format!(
                "the DOCTYPE names the DTD `{system}`, not \"{SAILPOINT_DTD}\": the platform \
                 may not know it"
            ),
        ),
    })
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;
