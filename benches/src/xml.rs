//! Source-config XML documents of an exact size.

use crate::mix::{mix, pick};

const TYPES: &[&str] = &["text", "secret", "checkbox", "number", "url", "list"];
const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Form connectorName=\"Active Directory - Direct\" directConnect=\"true\" fileUpload=\"false\" \
name=\"Active Directory Configuration\" status=\"released\" type=\"SourceConfig\">\n";
const TAIL: &str = "</Form>\n";
const FIELDS_PER_SECTION: u64 = 25;

/// A well-formed source-config document of exactly `len` bytes (at least the smallest
/// document this makes, about 300 bytes): a `<Form connectorName>` root with
/// `<Section>`s of named, typed `<Field>`s using entity references in their labels,
/// padded to size with a comment. It passes connkit's built-in XML check and the
/// `source-rules` example plugin's house rules, so checking it reports nothing.
pub fn source_config(len: usize) -> String {
    let mut out = String::with_capacity(len);
    out.push_str(HEAD);
    const CLOSE: &str = "  </Section>\n";
    // Room kept for closing the open section, the smallest padding comment and the tail.
    let reserve = CLOSE.len() + "<!---->\n".len() + TAIL.len();
    for i in 0u64.. {
        let mut piece = String::new();
        if i % FIELDS_PER_SECTION == 0 {
            let n = i / FIELDS_PER_SECTION;
            piece.push_str(&format!(
                "  <Section label=\"Settings &amp; options {n}\" helpKey=\"help.section.{n}\">\n"
            ));
        }
        piece.push_str(&format!(
            "    <Field name=\"connectorAttributes.attr{i}\" type=\"{}\" \
             label=\"Attribute {i} &quot;{:x}&quot;\" required=\"{}\" maxlength=\"{}\" \
             helpKey=\"help.attr{i}\"/>\n",
            pick(TYPES, i),
            mix(i) & 0xffff,
            mix(i) % 3 == 0,
            64 << (mix(i) % 4),
        ));
        if out.len() + piece.len() + reserve > len {
            break;
        }
        out.push_str(&piece);
        if (i + 1) % FIELDS_PER_SECTION == 0 {
            out.push_str(CLOSE);
        }
    }
    if !out.ends_with(CLOSE) && out.contains("<Section") {
        out.push_str(CLOSE);
    }
    let padding = len.saturating_sub(out.len() + "<!---->\n".len() + TAIL.len());
    out.push_str("<!--");
    out.extend(std::iter::repeat_n(' ', padding));
    out.push_str("-->\n");
    out.push_str(TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::source_config;

    #[test]
    fn has_the_exact_size_and_balanced_sections() {
        for len in [1_000, 4_096, 1 << 20] {
            let xml = source_config(len);
            assert_eq!(xml.len(), len);
            assert_eq!(
                xml.matches("<Section ").count(),
                xml.matches("</Section>").count()
            );
            assert!(xml.ends_with("-->\n</Form>\n"));
        }
    }
}
