//! Parsing a JSON body for validation: a syntax error becomes a located finding.

use connkit_models::preflight::Finding;
use serde_json::Value;

use super::position::line_column;

/// `body` as a JSON value, or a `json.syntax` finding at the position serde_json
/// reports.
pub(crate) fn parse(body: &[u8]) -> Result<Value, Finding> {
    serde_json::from_slice(body).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        // serde_json counts columns in bytes (0 at the end of input); report characters,
        // as every other finding does.
        let line_start = body
            .split_inclusive(|b| *b == b'\n')
            .take(e.line().saturating_sub(1))
            .map(<[u8]>::len)
            .sum::<usize>();
        let offset = line_start + e.column().saturating_sub(1);
        let (line, column) = line_column(body, offset);
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
        // Columns count characters: `é` is two bytes.
        let f = parse("[\"é\", x]".as_bytes()).unwrap_err();
        assert_eq!((f.line, f.column), (Some(1), Some(7)));
    }
}
