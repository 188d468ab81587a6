//! `ProtoInt64`: a 64-bit integer as proto3 JSON writes it.
//!
//! ConductorOne's API is generated from protobuf. The proto3 JSON mapping writes
//! `int64` as a decimal **string** (JavaScript cannot hold every 64-bit integer in a
//! number) and tells parsers to accept a number too. This type does exactly that:
//! it decodes `"42"`, `42` or `4.2e1`, refuses anything that is not an integer in
//! `i64` range with a message naming the value, and always encodes a string.

use std::fmt;

/// A proto3-JSON `int64`: decoded from a string or a number, encoded as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ProtoInt64(pub i64);

impl ProtoInt64 {
    /// The integer.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for ProtoInt64 {
    fn from(value: i64) -> Self {
        ProtoInt64(value)
    }
}

impl From<ProtoInt64> for i64 {
    fn from(value: ProtoInt64) -> Self {
        value.0
    }
}

impl fmt::Display for ProtoInt64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for ProtoInt64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ProtoInt64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ProtoInt64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 64-bit integer as a string or a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ProtoInt64, E> {
                Ok(ProtoInt64(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ProtoInt64, E> {
                i64::try_from(v)
                    .map(ProtoInt64)
                    .map_err(|_| E::custom(format_args!("integer {v} is out of range for int64")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ProtoInt64, E> {
                // 2^63 is exactly representable; anything at or above it is out of range.
                const LIMIT: f64 = 9_223_372_036_854_775_808.0;
                if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
                    Ok(ProtoInt64(v as i64))
                } else {
                    Err(E::custom(format_args!(
                        "number {v} is not an integer in int64 range"
                    )))
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ProtoInt64, E> {
                v.parse::<i64>().map(ProtoInt64).map_err(|_| {
                    E::custom(format_args!(
                        "string {v:?} is not a decimal integer in int64 range"
                    ))
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
impl schemars::JsonSchema for ProtoInt64 {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProtoInt64".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Written as a string; a number is accepted on input (proto3 JSON).
        schemars::json_schema!({
            "type": ["string", "integer"],
            "format": "int64",
            "pattern": "^-?[0-9]+$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Result<ProtoInt64, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_string_number_and_integral_float() {
        assert_eq!(decode("\"42\""), Ok(ProtoInt64(42)));
        assert_eq!(decode("-7"), Ok(ProtoInt64(-7)));
        assert_eq!(decode("4.2e1"), Ok(ProtoInt64(42)));
        assert_eq!(decode("\"9223372036854775807\""), Ok(ProtoInt64(i64::MAX)));
        assert_eq!(serde_json::to_string(&ProtoInt64(-3)).unwrap(), "\"-3\"");
    }

    #[test]
    fn refuses_out_of_range_and_fractions() {
        let err = decode("18446744073709551616").unwrap_err();
        assert!(err.contains("not an integer in int64 range"), "{err}");
        let err = decode("9223372036854775808").unwrap_err();
        assert!(
            err.contains("integer 9223372036854775808 is out of range"),
            "{err}"
        );
        let err = decode("1.5").unwrap_err();
        assert!(err.contains("number 1.5 is not an integer"), "{err}");
        let err = decode("\"9223372036854775808\"").unwrap_err();
        assert!(
            err.contains("not a decimal integer in int64 range"),
            "{err}"
        );
        let err = decode("\" 1\"").unwrap_err();
        assert!(err.contains("not a decimal integer"), "{err}");
        let err = decode("true").unwrap_err();
        assert!(err.contains("expected a 64-bit integer"), "{err}");
    }
}
