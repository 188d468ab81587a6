//! Credentials out of what the journal keeps: header values, query parameters, form
//! fields and JSON members whose names say they hold a secret are replaced by
//! `[redacted]` (an `Authorization` keeps its scheme), so that a journal can be shown,
//! logged or attached to a bug report.

use http::HeaderMap;
use serde_json::Value;

use crate::journal::JOURNAL_BODY_LIMIT;

/// What a secret is replaced by.
pub(crate) const REDACTED: &str = "[redacted]";

/// Whether a header, parameter or member of this name holds a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "authorization",
        "cookie",
        "secret",
        "token",
        "password",
        "assertion",
        "api-key",
        "api_key",
        "apikey",
        "private",
        "signature",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// The headers in order, credentials redacted.
pub(crate) fn redact_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            let shown = if !is_secret_name(name.as_str()) {
                value.into_owned()
            } else if name == http::header::AUTHORIZATION {
                match value.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} {REDACTED}"),
                    None => REDACTED.to_owned(),
                }
            } else {
                REDACTED.to_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect()
}

/// A query string (or form body) with the values of secret parameters redacted.
pub(crate) fn redact_query(query: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = if is_secret_name(&key) {
            REDACTED.into()
        } else {
            value
        };
        out.append_pair(&key, &value);
    }
    out.finish()
}

/// What the journal shows of a body: `None` when empty; JSON and forms with secret
/// members redacted; other text as is; binary described. `kept` is the body's start
/// (at most [`JOURNAL_BODY_LIMIT`] bytes), `total` its full length.
pub(crate) fn redact_body(kept: &[u8], total: usize, content_type: Option<&str>) -> Option<String> {
    if total == 0 {
        return None;
    }
    let content_type = content_type.unwrap_or("").to_ascii_lowercase();
    let cut = total > kept.len();
    let shown = if content_type.contains("x-www-form-urlencoded") {
        match std::str::from_utf8(kept) {
            Ok(text) => redact_query(text),
            Err(_) => return Some(format!("<{total} bytes, not UTF-8>")),
        }
    } else if let Ok(mut json) = serde_json::from_slice::<Value>(kept) {
        redact_json(&mut json);
        json.to_string()
    } else {
        match std::str::from_utf8(kept) {
            Ok(text) => redact_text(text),
            // A cut may end inside a character.
            Err(e) if cut && e.error_len().is_none() => {
                redact_text(&String::from_utf8_lossy(&kept[..e.valid_up_to()]))
            }
            Err(_) => return Some(format!("<{total} bytes, not UTF-8>")),
        }
    };
    Some(if cut {
        format!("{shown}… [{total} bytes, first {JOURNAL_BODY_LIMIT} kept]")
    } else {
        shown
    })
}

/// Redacts the values of secret members, at any depth.
fn redact_json(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_name(name) && !member.is_object() && !member.is_array() {
                    *member = Value::String(REDACTED.to_owned());
                } else {
                    redact_json(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// A text that did not parse as JSON (a cut JSON body, XML, multipart): a JSON-looking
/// body is cut and cannot be parsed, so it is not shown at all rather than with a
/// secret in it; any other text is kept with its secret attributes redacted.
fn redact_text(text: &str) -> String {
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && text.to_ascii_lowercase().split('"').any(is_secret_name)
    {
        format!(
            "<{} bytes of JSON with secrets, cut: not shown>",
            text.len()
        )
    } else {
        redact_attributes(text)
    }
}

/// Redacts the values of markup attributes named as secrets (`password="…"`) and the
/// `value` of an entry whose `key` names one (`<entry key="password" value="…"/>`, how
/// ISC's XML documents keep settings).
fn redact_attributes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut secret_entry = false;
    while let Some(at) = rest.find("=\"") {
        let (before, after) = rest.split_at(at);
        let Some(length) = after[2..].find('"') else {
            break;
        };
        let value = &after[2..2 + length];
        let name = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')))
            .next()
            .unwrap_or_default();
        out.push_str(before);
        out.push_str("=\"");
        if is_secret_name(name) || (secret_entry && name == "value") {
            out.push_str(REDACTED);
        } else {
            out.push_str(value);
        }
        out.push('"');
        secret_entry = name == "key" && is_secret_name(value);
        rest = &after[2 + length + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_the_scheme_and_lose_the_secret() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer abc123".parse().unwrap());
        headers.insert("x-api-key", "k".parse().unwrap());
        headers.insert("accept", "application/json".parse().unwrap());
        assert_eq!(
            redact_headers(&headers),
            [
                ("authorization".to_owned(), "Bearer [redacted]".to_owned()),
                ("x-api-key".to_owned(), REDACTED.to_owned()),
                ("accept".to_owned(), "application/json".to_owned()),
            ]
        );
    }

    #[test]
    fn forms_queries_and_json_lose_their_secrets() {
        assert_eq!(
            redact_query("grant_type=client_credentials&client_id=a&client_secret=s3"),
            "grant_type=client_credentials&client_id=a&client_secret=%5Bredacted%5D"
        );
        let body = br#"{"name":"x","config":{"clientSecret":"s3","list":[{"password":"p"}]}}"#;
        let shown = redact_body(body, body.len(), Some("application/json")).unwrap();
        assert!(!shown.contains("s3") && !shown.contains("\"p\""), "{shown}");
        assert!(shown.contains("\"name\":\"x\""), "{shown}");
        let c1_token = b"grant_type=client_credentials&client_id=c&client_assertion=eyJ.x.y";
        let shown = redact_body(
            c1_token,
            c1_token.len(),
            Some("application/x-www-form-urlencoded"),
        );
        assert!(!shown.unwrap().contains("eyJ"));
        let form = b"client_id=a&client_secret=s3";
        let shown = redact_body(form, form.len(), Some("application/x-www-form-urlencoded"));
        assert_eq!(
            shown.as_deref(),
            Some("client_id=a&client_secret=%5Bredacted%5D")
        );
    }

    #[test]
    fn xml_settings_lose_their_secrets() {
        let xml = r#"<Attributes><entry key="password" value="p4ss"/><entry key="host" value="ldap"/><Conn user="u" apiToken="t0k"/></Attributes>"#;
        let shown = redact_body(xml.as_bytes(), xml.len(), Some("application/xml")).unwrap();
        assert_eq!(
            shown,
            r#"<Attributes><entry key="password" value="[redacted]"/><entry key="host" value="ldap"/><Conn user="u" apiToken="[redacted]"/></Attributes>"#
        );
        assert_eq!(redact_attributes(r#"a="1" b=""#), r#"a="1" b=""#);
    }

    #[test]
    fn long_bodies_are_cut_and_cut_json_with_secrets_is_not_shown() {
        let xml = "<a/>".repeat(2000);
        let shown = redact_body(&xml.as_bytes()[..JOURNAL_BODY_LIMIT], xml.len(), None).unwrap();
        assert!(shown.ends_with("[8000 bytes, first 4096 kept]"), "{shown}");
        let json = format!(r#"{{"secret":"s3","pad":"{}"}}"#, "x".repeat(5000));
        let shown = redact_body(&json.as_bytes()[..JOURNAL_BODY_LIMIT], json.len(), None).unwrap();
        assert!(!shown.contains("s3"), "{shown}");
        assert_eq!(
            redact_body(&[0xff, 0xfe], 2, None).as_deref(),
            Some("<2 bytes, not UTF-8>")
        );
        assert_eq!(redact_body(b"", 0, None), None);
    }
}
