//! House rules for a source-config XML document.

use connkit_plugin_abi::{Finding, LineIndex};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Checks a source-config XML body against the house rules:
///
/// - the root element is `<Form>` and has a non-empty `connectorName` attribute;
/// - every `<Field>` element has non-empty `name` and `type` attributes.
///
/// Each finding carries the line and column of the element's `<`. XML this plugin
/// cannot read is reported once, at the place the reader gave up, and checking stops.
pub fn check_source_config(body: &[u8]) -> Vec<Finding> {
    let mut reader = Reader::from_reader(body);
    let lines = LineIndex::new(body);
    let mut findings = Vec::new();
    let mut seen_root = false;
    loop {
        let start = offset(reader.buffer_position());
        let element = match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::Eof) => break,
            Ok(_) => continue,
            Err(err) => {
                findings.push(
                    Finding::error(
                        "source-rules.unreadable-xml",
                        format!("cannot check the house rules: {err}"),
                    )
                    .at_offset(&lines, offset(reader.error_position())),
                );
                return findings;
            }
        };
        if !seen_root {
            seen_root = true;
            findings.extend(check_root(&element).map(|f| f.at_offset(&lines, start)));
        }
        if element.local_name().as_ref() == b"Field" {
            findings.extend(
                check_field(&element)
                    .into_iter()
                    .map(|f| f.at_offset(&lines, start)),
            );
        }
    }
    if !seen_root {
        findings.push(Finding::error(
            "source-rules.no-root",
            "the document has no root element; the house rules want <Form connectorName=\"…\">",
        ));
    }
    findings
}

fn check_root(root: &BytesStart<'_>) -> Option<Finding> {
    if root.local_name().as_ref() != b"Form" {
        return Some(Finding::error(
            "source-rules.root-not-form",
            format!(
                "the root element is <{}>; the house rules want <Form>",
                String::from_utf8_lossy(root.name().as_ref())
            ),
        ));
    }
    match attribute(root, "connectorName") {
        Ok(Some(_)) => None,
        Ok(None) => Some(Finding::error(
            "source-rules.missing-connector-name",
            "<Form> needs a non-empty connectorName attribute",
        )),
        Err(message) => Some(bad_attributes(message)),
    }
}

fn check_field(field: &BytesStart<'_>) -> Vec<Finding> {
    let name = match attribute(field, "name") {
        Ok(name) => name,
        Err(message) => return vec![bad_attributes(message)],
    };
    let mut findings = Vec::new();
    if name.is_none() {
        findings.push(Finding::error(
            "source-rules.field-missing-name",
            "<Field> needs a non-empty name attribute",
        ));
    }
    match attribute(field, "type") {
        Ok(Some(_)) => {}
        Ok(None) => findings.push(Finding::error(
            "source-rules.field-missing-type",
            match &name {
                Some(name) => format!("<Field name=\"{name}\"> needs a non-empty type attribute"),
                None => "<Field> needs a non-empty type attribute".to_owned(),
            },
        )),
        Err(message) => findings.push(bad_attributes(message)),
    }
    findings
}

/// The attribute's raw value when present and not blank.
fn attribute(element: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    let attr = element.try_get_attribute(key).map_err(|e| {
        format!(
            "cannot read the attributes of <{}>: {e}",
            element_name(element)
        )
    })?;
    Ok(attr
        .map(|a| String::from_utf8_lossy(&a.value).trim().to_owned())
        .filter(|v| !v.is_empty()))
}

fn element_name(element: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(element.name().as_ref()).into_owned()
}

fn bad_attributes(message: String) -> Finding {
    Finding::error("source-rules.unreadable-xml", message)
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::check_source_config;

    fn codes_at(xml: &str) -> Vec<(String, Option<u32>, Option<u32>)> {
        check_source_config(xml.as_bytes())
            .into_iter()
            .map(|f| (f.code, f.line, f.column))
            .collect()
    }

    #[test]
    fn a_conforming_document_has_no_findings() {
        let xml = r#"<?xml version="1.0"?>
<Form connectorName="web-services">
  <Field name="host" type="string"/>
  <Section><Field name="port" type="int"></Field></Section>
</Form>"#;
        assert!(check_source_config(xml.as_bytes()).is_empty());
    }

    #[test]
    fn every_broken_rule_is_reported_where_it_happens() {
        let xml = "<Form>\n  <Field type=\"string\"/>\n    <Field name=\"port\"/>\n</Form>";
        assert_eq!(
            codes_at(xml),
            vec![
                (
                    "source-rules.missing-connector-name".into(),
                    Some(1),
                    Some(1)
                ),
                ("source-rules.field-missing-name".into(), Some(2), Some(3)),
                ("source-rules.field-missing-type".into(), Some(3), Some(5)),
            ]
        );
    }

    #[test]
    fn positions_stay_right_in_a_megabyte_document() {
        let mut xml = String::from("<Form connectorName=\"big\">\n");
        let fields = 30_000;
        for i in 0..fields {
            xml.push_str(&format!("  <Field name=\"f{i}\" type=\"string\"/>\n"));
        }
        xml.push_str("  <Field name=\"last\"/>\n</Form>\n");
        assert!(xml.len() > 1 << 20);
        assert_eq!(
            codes_at(&xml),
            vec![(
                "source-rules.field-missing-type".into(),
                Some(fields + 2),
                Some(3)
            )]
        );
    }

    #[test]
    fn wrong_root_blank_values_and_no_root() {
        assert_eq!(
            codes_at("<Config connectorName=\"x\"/>"),
            vec![("source-rules.root-not-form".into(), Some(1), Some(1))]
        );
        assert_eq!(
            codes_at("<Form connectorName=\"  \"/>"),
            vec![(
                "source-rules.missing-connector-name".into(),
                Some(1),
                Some(1)
            )]
        );
        assert_eq!(
            codes_at("<!-- nothing -->"),
            vec![("source-rules.no-root".into(), None, None)]
        );
    }

    #[test]
    fn unreadable_xml_is_one_finding_with_a_position() {
        let findings = check_source_config(
            b"<Form connectorName=\"x\">\n  <Field name=\"a\" type=\"b\">\n</Form>",
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "source-rules.unreadable-xml");
        assert!(findings[0].line.is_some());
        assert!(check_source_config(b"\xff\xfe<<<")
            .iter()
            .all(|f| f.code.starts_with("source-rules.")));
    }
}
