use super::*;
use crate::preflight::Severity;

fn one(body: &[u8]) -> Finding {
    let findings = check_xml(body);
    assert_eq!(findings.len(), 1, "{findings:?}");
    findings.into_iter().next().unwrap()
}

fn at(f: &Finding) -> (Option<u32>, Option<u32>) {
    (f.line, f.column)
}

fn codes(body: &str) -> Vec<(String, Option<u32>, Option<u32>)> {
    check_xml(body.as_bytes())
        .into_iter()
        .map(|f| (f.code, f.line, f.column))
        .collect()
}

fn c(code: &str, line: u32, column: u32) -> (String, Option<u32>, Option<u32>) {
    (code.to_owned(), Some(line), Some(column))
}

#[test]
fn well_formed_documents_pass() {
    for ok in [
        &b"<?xml version='1.0' encoding='UTF-8'?>\n<!-- c --><a x='1'><b>t &amp; &#233;</b><![CDATA[<x>]]><c/></a>\n"[..],
        "\u{feff}<a>é</a>".as_bytes(),
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<?pi x?>\r\n<!-- c -->\r\n<Form xmlns=\"http://sailpoint.com/xml\"/>\r\n",
        b"<Rule><Source><![CDATA[if (a < b && c != null) { List<String> l; }]]></Source></Rule>",
    ] {
        assert!(check_xml(ok).is_empty(), "{:?}", check_xml(ok));
    }
}

#[test]
fn the_sailpoint_header_passes_in_both_forms() {
    for header in [
        "<!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">",
        "<!DOCTYPE Application PUBLIC 'sailpoint.dtd' 'sailpoint.dtd'>",
        "<!DOCTYPE Application SYSTEM \"sailpoint.dtd\">",
    ] {
        let body =
            format!("<?xml version='1.0' encoding='UTF-8'?>\n{header}\n<Application name='x'/>\n");
        assert_eq!(codes(&body), [], "{header}");
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
fn internal_subsets_and_entities_are_refused_where_they_are() {
    let cases = [
        (
            "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<a>&x;</a>",
            vec![
                c("xml.internal-subset", 2, 13),
                c("xml.entity-declaration", 2, 14),
                c("xml.external-entity", 2, 14),
                c("xml.undefined-entity", 3, 4),
            ],
        ),
        (
            "<!DOCTYPE a [ <!-- nothing --> ]><a/>",
            vec![c("xml.internal-subset", 1, 13)],
        ),
        (
            "<!DOCTYPE a [\r\n<!ENTITY % p SYSTEM 'http://x/p.dtd'>\r\n%p;\r\n]><a/>",
            vec![
                c("xml.internal-subset", 1, 13),
                c("xml.parameter-entity", 2, 1),
                c("xml.external-entity", 2, 1),
                c("xml.parameter-entity", 3, 1),
            ],
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(codes(body), expected, "{body}");
    }
}

#[test]
fn system_identifiers_that_reach_outside_are_refused() {
    for (system, code) in [
        ("http://evil.example/sailpoint.dtd", "xml.external-dtd"),
        ("file:///etc/passwd", "xml.external-dtd"),
        ("/etc/sailpoint.dtd", "xml.external-dtd"),
        ("C:\\dtd\\sailpoint.dtd", "xml.external-dtd"),
        ("\\\\server\\share\\x.dtd", "xml.external-dtd"),
        ("../../sailpoint.dtd", "xml.external-dtd"),
        ("dtds/../../sailpoint.dtd", "xml.external-dtd"),
        ("1:sailpoint.dtd", "xml.external-dtd"),
    ] {
        for doctype in [
            format!("<!DOCTYPE a SYSTEM '{system}'>"),
            format!("<!DOCTYPE a PUBLIC \"sailpoint.dtd\" '{system}'>"),
        ] {
            let findings = check_xml(format!("{doctype}\n<a/>").as_bytes());
            assert_eq!(findings.len(), 1, "{doctype}: {findings:?}");
            assert_eq!(findings[0].code, code, "{doctype}");
            assert_eq!(findings[0].severity, Severity::Error);
            assert_eq!(
                findings[0].column,
                Some(doctype.find(system).unwrap() as u32 + 1)
            );
        }
    }
    let f = one(b"<!DOCTYPE a SYSTEM 'custom.dtd'><a/>");
    assert_eq!(
        (f.code.as_str(), f.severity),
        ("xml.unknown-dtd", Severity::Warning)
    );
}

#[test]
fn doctypes_out_of_place_or_unreadable_are_refused() {
    assert_eq!(
        codes("<a/>\n<!DOCTYPE a SYSTEM 'sailpoint.dtd'>"),
        [c("xml.doctype-misplaced", 2, 1)]
    );
    let twice = "<!DOCTYPE a SYSTEM 'sailpoint.dtd'><!DOCTYPE a SYSTEM 'sailpoint.dtd'><a/>";
    assert_eq!(codes(twice), [c("xml.doctype-misplaced", 1, 36)]);
    let garbage = codes("<!DOCTYPE a SYSTEM 'sailpoint.dtd' junk><a/>");
    assert_eq!(garbage[0], c("xml.doctype-unparsed", 1, 36));
    assert_eq!(one(b"<!DOCTYPE b><a/>").code, "xml.doctype-name");
}

#[test]
fn xinclude_is_refused() {
    let body = "<a xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n  <xi:include href=\"/etc/passwd\" parse=\"text\"/>\n</a>";
    assert_eq!(
        codes(body),
        [c("xml.xinclude", 1, 1), c("xml.xinclude", 2, 3)]
    );
    let escaped = "<a><b:x xmlns:b='http://www.w3.org/2001/&#88;Include' href='/etc/passwd'/></a>";
    assert_eq!(codes(escaped), [c("xml.xinclude", 1, 4)]);
}

#[test]
fn undefined_entities_in_attributes_are_named() {
    let f = one(b"<a x='&nope;'/>");
    assert_eq!(f.code, "xml.undefined-entity");
    assert!(f.message.contains("&nope;"), "{}", f.message);
}

#[test]
fn latin1_documents_are_checked_with_file_positions() {
    let body = b"<?xml version='1.0' encoding='ISO-8859-1'?>\r\n<a d='\xE9t\xE9'>\r\n\xC0 <b></a>";
    let f = one(body);
    assert_eq!(
        (f.code.as_str(), at(&f)),
        ("xml.not-well-formed", (Some(3), Some(6)))
    );
    assert!(check_xml(b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>").is_empty());
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
    assert_eq!(one(b"<a>&#0;</a>").code, "xml.not-well-formed");
    assert_eq!(
        one(b"<!-- c -->\n<?xml version='1.0'?><a/>").code,
        "xml.not-well-formed"
    );
}

#[test]
fn invalid_utf8_is_located() {
    let f = one(b"<a>\n\xff</a>");
    assert_eq!(
        (f.code.as_str(), at(&f)),
        ("xml.not-utf8", (Some(2), Some(1)))
    );
}

#[test]
fn text_inside_json_is_located_by_the_caller() {
    let findings = check_xml_text("\u{feff}<a>", &|offset| (7, offset as u32));
    assert_eq!(findings.len(), 1);
    assert_eq!(at(&findings[0]), (Some(7), Some(3)));
}
