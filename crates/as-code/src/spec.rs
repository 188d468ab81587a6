//! `connector.json`: what identifies a connector and the fields a user can set.

use connkit_models::isc::v2024::{ConnectorDetail, JsonObject, V3CreateConnectorDto};
use connkit_models::preflight::Finding;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The contents of `connector.json`.
///
/// `name` identifies the connector on a tenant (names are unique per tenant, whatever
/// their case); the folder name is the `scriptName` it had where it was pulled.
/// `type`, `className`, `directConnect` and `status` can only be chosen when the
/// connector is created; `connectorMetadata` can be changed at any time (JSON Patch).
/// A field left out is not managed: the plan never changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorSpec {
    /// `name`, `type`, `className`, `directConnect`, `status`: the create request.
    #[serde(flatten)]
    pub create: V3CreateConnectorDto,
    /// UI metadata (patchable), written with its keys sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_metadata: Option<JsonObject>,
}

/// Fields of `ConnectorDetail` that the service sets.
const SERVICE_SET: &[&str] = &[
    "features",
    "fileUpload",
    "s3Location",
    "uploadedFiles",
    "sourceConfigFrom",
];

/// Other fields of `ConnectorDetail` that `connector.json` cannot carry, and why.
const NOT_SETTABLE: &[(&str, &str)] = &[
    (
        "scriptName",
        "the folder name is the scriptName; the service derives it from the name",
    ),
    (
        "sourceConfig",
        "the service sets it; edit source-config.xml",
    ),
    ("sourceConfigXml", "edit source-config.xml instead"),
    ("applicationXml", "edit source-template.xml instead"),
    (
        "correlationConfigXml",
        "edit correlation-config.xml instead",
    ),
    (
        "translationProperties",
        "edit translations/<locale>.properties instead",
    ),
];

/// What a `connector.json` may and may not hold.
const FIELDS: Fields = Fields {
    settable: &[
        "name",
        "type",
        "className",
        "directConnect",
        "status",
        "connectorMetadata",
    ],
    service_set: SERVICE_SET,
    not_settable: NOT_SETTABLE,
};

impl ConnectorSpec {
    /// The spec of a connector as `GET /connectors/{scriptName}` answered it; `None`
    /// names the missing required field.
    pub fn from_detail(detail: &ConnectorDetail) -> Result<Self, &'static str> {
        Ok(Self {
            create: V3CreateConnectorDto {
                name: detail.name.clone().ok_or("name")?,
                connector_type: detail.connector_type.clone(),
                class_name: detail.class_name.clone().ok_or("className")?,
                direct_connect: detail.direct_connect,
                status: detail.status.clone(),
            },
            connector_metadata: detail.connector_metadata.clone(),
        })
    }

    /// `connector.json` as written: pretty, fields in a fixed order, metadata keys
    /// sorted, a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        json_file(self)
    }

    /// Parses `connector.json`, reporting every problem with its line and column.
    pub fn parse(bytes: &[u8]) -> Result<Self, Vec<Finding>> {
        let spec: Self = parse_fields(bytes, &FIELDS)?;
        let create = &spec.create;
        for (field, value) in [("name", &create.name), ("className", &create.class_name)] {
            if value.trim().is_empty() {
                return Err(vec![empty_field(bytes, field)]);
            }
        }
        Ok(spec)
    }
}

/// `value` as a `connector.json` is written: pretty, a trailing newline.
pub(crate) fn json_file<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The top-level fields a `connector.json` may hold, and those it may not, with why.
pub(crate) struct Fields {
    /// The fields it may hold.
    pub(crate) settable: &'static [&'static str],
    /// Fields of the API's resource that the service sets.
    pub(crate) service_set: &'static [&'static str],
    /// Other fields of the API's resource that it cannot carry, and why.
    pub(crate) not_settable: &'static [(&'static str, &'static str)],
}

/// Parses a `connector.json` into `T`: one JSON object whose keys are all `fields.settable`;
/// every other key is a finding at its line and column, all of them at once.
pub(crate) fn parse_fields<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    fields: &Fields,
) -> Result<T, Vec<Finding>> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| vec![serde_finding("json.syntax", &e)])?;
    let Value::Object(object) = &value else {
        return Err(vec![Finding::error(
            "connector.not-object",
            "connector.json must hold one JSON object",
        )
        .at(1, 1)]);
    };
    let keys = top_level_keys(bytes);
    let mut findings = Vec::new();
    for key in object.keys() {
        let service_set = fields
            .service_set
            .contains(&key.as_str())
            .then_some("the service sets it");
        let not_settable = fields.not_settable.iter().find(|(field, _)| field == key);
        let message = match service_set.or(not_settable.map(|(_, why)| *why)) {
            Some(why) => (
                "connector.unpatchable-field",
                format!("`{key}` cannot be set through the API: {why}"),
            ),
            None if !fields.settable.contains(&key.as_str()) => (
                "connector.unknown-field",
                format!(
                    "unknown field `{key}` (expected {})",
                    one_of(fields.settable)
                ),
            ),
            None => continue,
        };
        let finding = Finding::error(message.0, message.1).at_pointer(format!("/{key}"));
        findings.push(at_key(&keys, key, finding));
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    serde_json::from_slice(bytes).map_err(|e| vec![serde_finding("connector.invalid", &e)])
}

/// `a, b or c`.
fn one_of(fields: &[&str]) -> String {
    match fields.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `finding` placed at the line and column of the top-level key `key`, when it is there.
fn at_key(keys: &[(String, (u32, u32))], key: &str, finding: Finding) -> Finding {
    match keys.iter().find(|(k, _)| k == key).map(|(_, at)| *at) {
        Some((line, column)) => finding.at(line, column),
        None => finding,
    }
}

/// The finding for a required text field of `connector.json` that is empty.
pub(crate) fn empty_field(bytes: &[u8], field: &str) -> Finding {
    let finding = Finding::error(
        "connector.empty-field",
        format!("`{field}` must not be empty"),
    )
    .at_pointer(format!("/{field}"));
    at_key(&top_level_keys(bytes), field, finding)
}

fn serde_finding(code: &str, error: &serde_json::Error) -> Finding {
    // serde_json appends " at line L column C"; the position goes into the finding.
    let text = error.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(message, _)| message);
    let finding = Finding::error(code, message);
    match (u32::try_from(error.line()), u32::try_from(error.column())) {
        (Ok(line), Ok(column)) if line > 0 => finding.at(line, column.max(1)),
        _ => finding,
    }
}

/// The keys of the top-level object of a JSON text with their 1-based line and column
/// (of the opening quote). The text is known to be valid JSON.
fn top_level_keys(bytes: &[u8]) -> Vec<(String, (u32, u32))> {
    let mut keys = Vec::new();
    let (mut depth, mut line, mut column) = (0usize, 1u32, 0u32);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        column += 1;
        match b {
            b'\n' => {
                line += 1;
                column = 0;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = (line, column);
                let mut end = i + 1;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let text = &bytes[(i + 1).min(bytes.len())..end.min(bytes.len())];
                let is_key = bytes[(end + 1).min(bytes.len())..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    == Some(&b':');
                if depth == 1 && is_key {
                    let key: String = serde_json::from_slice(&[b"\"", text, b"\""].concat())
                        .unwrap_or_else(|_| String::from_utf8_lossy(text).into_owned());
                    keys.push((key, start));
                }
                // Strings hold no newlines; columns count bytes, as the validators do.
                column += u32::try_from(end - i).unwrap_or(u32::MAX);
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_models::isc::v2024::ConnectorStatus;

    #[test]
    fn unpatchable_and_unknown_fields_are_reported_where_they_are() {
        let text = b"{\n  \"name\": \"A\",\n  \"className\": \"c\",\n  \"features\": [],\n  \"colour\": 1\n}\n";
        let findings = ConnectorSpec::parse(text).unwrap_err();
        let summary: Vec<_> = findings
            .iter()
            .map(|f| (f.code.as_str(), f.line, f.column))
            .collect();
        assert_eq!(
            summary,
            [
                ("connector.unknown-field", Some(5), Some(3)),
                ("connector.unpatchable-field", Some(4), Some(3)),
            ]
        );
    }

    #[test]
    fn syntax_and_type_errors_have_positions() {
        let findings = ConnectorSpec::parse(b"{\n  \"name\": \"A\",\n}").unwrap_err();
        assert_eq!(
            (findings[0].code.as_str(), findings[0].line),
            ("json.syntax", Some(3))
        );
        let findings = ConnectorSpec::parse(b"{\"name\": 1, \"className\": \"c\"}").unwrap_err();
        assert_eq!(findings[0].code, "connector.invalid");
        assert_eq!(findings[0].line, Some(1));
        let findings =
            ConnectorSpec::parse(b"{\"name\": \" \", \"className\": \"c\"}").unwrap_err();
        assert_eq!(
            (findings[0].code.as_str(), findings[0].column),
            ("connector.empty-field", Some(2))
        );
    }

    #[test]
    fn written_specs_parse_back() {
        let spec = ConnectorSpec {
            create: V3CreateConnectorDto {
                name: "Acme".into(),
                connector_type: Some("custom Acme".into()),
                class_name: "c".into(),
                direct_connect: Some(true),
                status: Some(ConnectorStatus::Released),
            },
            connector_metadata: Some(
                serde_json::from_str(r#"{"b": 1, "a": {"z": [], "y": null}}"#).unwrap(),
            ),
        };
        let text = spec.to_json();
        assert!(text.ends_with(b"}\n"));
        assert_eq!(ConnectorSpec::parse(&text).unwrap(), spec);
        let shown = String::from_utf8(text).unwrap();
        assert!(shown.find("\"a\"").unwrap() < shown.find("\"b\"").unwrap());
    }
}
