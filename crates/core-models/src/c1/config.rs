//! `Config`: a protobuf `Any` in JSON, `{"@type": …, …any other keys}`.

use std::fmt;

use serde::de::Error as _;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A connector's configuration (and each `expanded` item of a response): a JSON
/// object whose `@type` names the message and whose other keys are that message.
///
/// **Kept losslessly, as the exact JSON text received.** The keys are arbitrary,
/// nested, and defined by each connector; rebuilding them through
/// `serde_json::Map` would sort every object's keys (its default `BTreeMap`) and
/// round integers beyond 64 bits through `f64`. Turning on serde_json's
/// `preserve_order`/`arbitrary_precision` would fix that only by changing `Map` and
/// `Number` for every crate in the workspace, so instead this type holds the
/// validated object as a [`RawValue`] (serde_json's additive `raw_value` feature):
/// key order, duplicate keys and number spelling survive byte for byte, and
/// `@type` is parsed once for cheap access.
///
/// Equality is on the text. Decoding needs a self-describing JSON deserializer
/// (`serde_json` from bytes, `str` or a `Value`); serde's buffered `flatten` /
/// `untagged` paths cannot carry a raw value.
#[derive(Clone)]
pub struct Config {
    raw: Box<RawValue>,
    type_url: Option<String>,
}

/// The only key `Config` reads itself; every other key stays in the raw text. A
/// `@type` that is not a string is kept in the text like any other key (lenient on
/// input: the object is still the service's answer), and [`Config::type_url`] is `None`.
#[derive(serde::Deserialize)]
struct Head {
    #[serde(rename = "@type", default)]
    type_url: Option<Value>,
}

/// A value that cannot become a [`Config`]: not a JSON object.
#[derive(Debug, thiserror::Error)]
#[error("not a config object: {0}")]
pub struct ConfigError(#[from] serde_json::Error);

impl Config {
    /// Builds a config from a type URL and the message's fields, in the map's order.
    ///
    /// A `@type` key inside `fields` is replaced by `type_url`.
    pub fn new(type_url: impl Into<String>, fields: Map<String, Value>) -> Self {
        let type_url = type_url.into();
        let mut object = Map::new();
        object.insert("@type".to_owned(), Value::String(type_url.clone()));
        object.extend(fields.into_iter().filter(|(k, _)| k != "@type"));
        Config::from_map(object)
    }

    /// Wraps a JSON object as it is (with or without `@type`).
    pub fn from_map(object: Map<String, Value>) -> Self {
        let type_url = match object.get("@type") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let value = Value::Object(object);
        // Serializing a `Value` to text cannot fail: its keys are strings and its
        // numbers finite.
        let raw = RawValue::from_string(value.to_string())
            .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes"));
        Config { raw, type_url }
    }

    /// Parses a config from JSON text, keeping the text verbatim.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let raw = RawValue::from_string(text.to_owned())?;
        Config::from_raw(raw).map_err(ConfigError)
    }

    fn from_raw(raw: Box<RawValue>) -> Result<Self, serde_json::Error> {
        let head: Head = serde_json::from_str(raw.get())?;
        let type_url = match head.type_url {
            Some(Value::String(type_url)) => Some(type_url),
            _ => None,
        };
        Ok(Config { raw, type_url })
    }

    /// The `@type` of the serialized message, e.g.
    /// `type.googleapis.com/c1.connector.v2.ConnectorConfig`; `None` when it is absent
    /// or not a string.
    pub fn type_url(&self) -> Option<&str> {
        self.type_url.as_deref()
    }

    /// The whole object as the exact JSON text received.
    pub fn as_json(&self) -> &str {
        self.raw.get()
    }

    /// Parses the object into a `serde_json` map (keys in `Map`'s order), for reading
    /// fields. Fails only on a number `serde_json::Value` cannot hold (e.g. `1e400`),
    /// which the raw text keeps but a `Value` cannot.
    pub fn to_map(&self) -> Result<Map<String, Value>, ConfigError> {
        Ok(serde_json::from_str(self.raw.get())?)
    }

    /// The value of one top-level key (including `@type`), parsed; see [`Config::to_map`].
    pub fn get(&self, key: &str) -> Result<Option<Value>, ConfigError> {
        Ok(self.to_map()?.remove(key))
    }
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl Eq for Config {}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Config").field(&self.raw.get()).finish()
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw.get())
    }
}

impl serde::Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        if !raw.get().starts_with('{') {
            return Err(D::Error::custom(format_args!(
                "invalid type: expected a JSON object with an optional \"@type\", found `{}`",
                preview(raw.get())
            )));
        }
        Config::from_raw(raw).map_err(|e| D::Error::custom(format_args!("in config: {e}")))
    }
}

/// At most 40 characters of `text`, for error messages.
fn preview(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Config {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Config".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Contains an arbitrary serialized message along with a @type that describes the type of the serialized message.",
            "type": "object",
            "properties": { "@type": { "type": "string", "description": "The type of the serialized message." } },
            "additionalProperties": true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_big_numbers_verbatim() {
        let text = r#"{"zeta":1,"@type":"t/x","alpha":{"b":2,"a":1},"big":123456789012345678901234567890}"#;
        let config: Config = serde_json::from_str(text).unwrap();
        assert_eq!(config.type_url(), Some("t/x"));
        assert_eq!(serde_json::to_string(&config).unwrap(), text);
        assert_eq!(config.get("zeta").unwrap(), Some(Value::from(1)));
    }

    #[test]
    fn refuses_non_objects_and_keeps_a_non_string_type_verbatim() {
        let err = serde_json::from_str::<Config>("[1,2]").unwrap_err();
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
        assert!(Config::from_json("{").is_err());
        let text = r#"{"@type":5,"k":"v"}"#;
        let config: Config = serde_json::from_str(text).unwrap();
        assert_eq!(config.type_url(), None);
        assert_eq!(serde_json::to_string(&config).unwrap(), text);
    }

    #[test]
    fn new_puts_type_first_and_drops_a_duplicate_type() {
        let mut fields = Map::new();
        fields.insert("@type".into(), Value::from("ignored"));
        fields.insert("k".into(), Value::from("v"));
        let config = Config::new("t/y", fields);
        assert_eq!(config.as_json(), r#"{"@type":"t/y","k":"v"}"#);
        assert_eq!(config.type_url(), Some("t/y"));
    }

    #[test]
    fn decodes_from_a_value_too() {
        let value = serde_json::json!({"@type": "t/z", "n": [1, 2]});
        let config: Config = serde_json::from_value(value).unwrap();
        assert_eq!(config.type_url(), Some("t/z"));
        assert_eq!(config.get("n").unwrap(), Some(serde_json::json!([1, 2])));
    }
}
