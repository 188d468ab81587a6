//! The documents a connector answers before anything was PUT or patched: small XML and
//! `.properties` texts derived from its name, type and class, shaped like the spec's
//! examples.
//!
//! A leaf module: it knows a connector only by its [`Identity`], so that the store
//! (which answers with these templates) and the seed (which names the classes) both
//! depend on it and it on neither.

use connkit_models::isc::v2024::JsonObject;
use serde_json::Value;

/// The class of connectors built on the open connector framework (UI `ANGULAR`,
/// platform `ccg`); any other class is a VA connector.
pub(crate) const OPEN: &str = "sailpoint.connector.OpenConnectorAdapter";

/// What the templates are derived from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Identity<'r> {
    pub(crate) name: &'r str,
    pub(crate) connector_type: &'r str,
    pub(crate) class_name: &'r str,
    pub(crate) direct_connect: bool,
    pub(crate) file_upload: bool,
}

/// Escapes text for use inside a double-quoted XML attribute.
fn attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A seeded connector's `connectorMetadata`.
pub(crate) fn connector_metadata(record: &Identity<'_>) -> JsonObject {
    let open = record.class_name == OPEN;
    let mut metadata = JsonObject::new();
    let ui = if open { "ANGULAR" } else { "EXTJS" };
    metadata.insert("supportedUI".to_owned(), Value::from(ui));
    let platform = if open { "ccg" } else { "va" };
    metadata.insert("platform".to_owned(), Value::from(platform));
    let short = format!("{} connector", record.connector_type);
    metadata.insert("shortDesc".to_owned(), Value::from(short));
    metadata
}

/// `applicationXml` / the source template.
pub(crate) fn application_xml(record: &Identity<'_>) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8'?>\n\
         <!DOCTYPE Application PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n\
         <Application connector=\"{}\" name=\"{}\" type=\"{}\"/>\n",
        attr(record.class_name),
        attr(record.name),
        attr(record.connector_type),
    )
}

/// `correlationConfigXml`.
pub(crate) fn correlation_config_xml(record: &Identity<'_>) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8'?>\n\
         <!DOCTYPE CorrelationConfig PUBLIC \"sailpoint.dtd\" \"sailpoint.dtd\">\n\
         <CorrelationConfig name=\"{} Account Correlation Config\">\n\
         \t<AttributeAssignments>\n\
         \t\t<Filter operation=\"EQ\" property=\"email\" value=\"mail\"/>\n\
         \t\t<Filter operation=\"EQ\" property=\"displayName\" value=\"cn\"/>\n\
         \t</AttributeAssignments>\n\
         </CorrelationConfig>\n",
        attr(record.name),
    )
}

/// `sourceConfigXml`.
pub(crate) fn source_config_xml(record: &Identity<'_>) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\
         <Form xmlns=\"http://www.sailpoint.com/xsd/sailpoint_form_2_0.xsd\" connectorName=\"{}\" \
         directConnect=\"{}\" fileUpload=\"{}\" name=\"{}\" status=\"released\" type=\"SourceConfig\">\n\
         \x20   <BaseConfig>\n\
         \x20       <Field name=\"connectionTimeout\" type=\"number\" required=\"true\"/>\n\
         \x20   </BaseConfig>\n\
         </Form>",
        attr(record.connector_type),
        record.direct_connect,
        record.file_upload,
        attr(record.name),
    )
}

/// The `en` translations.
pub(crate) fn translations_en(record: &Identity<'_>) -> String {
    format!(
        "# Translations for {name}\n\
         menuLabel_ConnectionSettings=Connection Settings\n\
         menuLabel_AggregationSettings=Aggregation Settings\n\
         ConnectionTimeout=Connection Timeout\n\
         ShortDesc={name} connector\n",
        name = record.name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_escaped() {
        assert_eq!(attr(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
