//! Parsing a JSON body for validation: a syntax error becomes a located finding.

use connkit_models::preflight::Finding;
use serde_json::Value;

/// `body` as a JSON value, or a `json.syntax` finding at the position serde_json
/// reports.
pub(crate) fn parse(body: &[u8]) -> Result<Value, Finding> {
    serde_json::from_slice(body).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        // serde_json says column 0 (and for empty input line 0) at the end of input.
        let line = u32::try_from(e.line().max(1)).unwrap_or(u32::MAX);
        let column = u32::try_from(e.column().max(1)).unwrap_or(u32::MAX);
        Finding::error("json.syntax", format!("not valid JSON: {message}")).at(line, column)
    })
}

/// The JSON type name of `value`, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let f = parse(b"[\n  {\"op\": }]").unwrap_err();
        assert_eq!(f.code, "json.syntax");
        assert_eq!((f.line, f.column), (Some(2), Some(10)));
        assert!(!f.message.contains(" at line "), "{}", f.message);
        let f = parse(b"").unwrap_err();
        assert_eq!((f.line, f.column), (Some(1), Some(1)));
    }
}
