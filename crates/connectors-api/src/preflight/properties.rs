//! [`PropertiesValidator`]: translations as Java `.properties` text.

use std::collections::HashMap;

use connkit_models::preflight::{BodyKind, Finding, Validator};

use super::position::{finding_at, utf8};

/// Checks translations as `.properties` text (UTF-8, as Java 9+ resource bundles read
/// them): invalid UTF-8 and malformed `\uXXXX` escapes are errors; an empty key, a key
/// defined twice and a line continuation at the very end are warnings. Every finding
/// has a line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PropertiesValidator;

impl Validator for PropertiesValidator {
    fn name(&self) -> &str {
        "builtin.properties"
    }

    fn supports(&self, kind: BodyKind) -> bool {
        kind == BodyKind::Translations
    }

    fn validate(&self, _kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        match utf8(body, "properties") {
            Ok(text) => Scanner::new(text).run(),
            Err(finding) => vec![finding],
        }
    }
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    i: usize,
    findings: Vec<Finding>,
    /// Each key and the offset of the line that first defined it.
    keys: HashMap<String, usize>,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c')
}

fn is_eol(b: u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            i: 0,
            findings: Vec::new(),
            keys: HashMap::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek(0).is_some_and(is_blank) {
            self.i += 1;
        }
    }

    /// Moves past one line terminator (`\n`, `\r` or `\r\n`) at the cursor.
    fn skip_eol(&mut self) {
        if self.peek(0) == Some(b'\r') {
            self.i += 1;
        }
        if self.peek(0) == Some(b'\n') {
            self.i += 1;
        }
    }

    fn report(&mut self, offset: usize, finding: Finding) {
        let mut located = finding_at(self.bytes, offset, &finding.code, finding.message);
        located.severity = finding.severity;
        self.findings.push(located);
    }

    fn run(mut self) -> Vec<Finding> {
        loop {
            self.skip_blanks();
            match self.peek(0) {
                None => return self.findings,
                Some(b) if is_eol(b) => self.skip_eol(),
                Some(b'#' | b'!') => {
                    while self.peek(0).is_some_and(|b| !is_eol(b)) {
                        self.i += 1;
                    }
                }
                Some(_) => self.logical_line(),
            }
        }
    }

    /// One `key[=:]value` line, with its continuations.
    fn logical_line(&mut self) {
        let start = self.i;
        let mut key = String::new();
        let mut in_key = true;
        while let Some(b) = self.peek(0) {
            if is_eol(b) {
                self.skip_eol();
                break;
            }
            if b == b'\\' {
                if let Some(c) = self.escape() {
                    if in_key {
                        key.push(c);
                    }
                }
                continue;
            }
            if in_key && (b == b'=' || b == b':' || is_blank(b)) {
                in_key = false;
                self.i += 1;
                continue;
            }
            let c = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
            if in_key {
                key.push(c);
            }
            self.i += c.len_utf8();
        }
        self.key_defined(start, key);
    }

    /// Handles the escape at the cursor (a `\`); returns the character it stands for,
    /// if any (continuations and bad escapes stand for none).
    fn escape(&mut self) -> Option<char> {
        let at = self.i;
        self.i += 1;
        match self.peek(0) {
            None => {
                self.report(
                    at,
                    Finding::warning(
                        "properties.dangling-continuation",
                        "the text ends with a line continuation `\\`",
                    ),
                );
                None
            }
            Some(b) if is_eol(b) => {
                self.skip_eol();
                self.skip_blanks();
                None
            }
            Some(b'u') => {
                self.i += 1;
                let digits: String = self.text[self.i..]
                    .chars()
                    .take(4)
                    .take_while(char::is_ascii_hexdigit)
                    .collect();
                self.i += digits.len();
                let decoded = (digits.len() == 4)
                    .then(|| u32::from_str_radix(&digits, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                if digits.len() < 4 {
                    self.report(
                        at,
                        Finding::error(
                            "properties.bad-unicode-escape",
                            format!(
                                "`\\u{digits}` is not a unicode escape: `\\u` needs exactly 4 hex digits"
                            ),
                        ),
                    );
                }
                // A surrogate half (valid in Java's UTF-16) stands for no char here.
                Some(decoded.unwrap_or('\u{fffd}'))
            }
            Some(_) => {
                let c = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                self.i += c.len_utf8();
                Some(match c {
                    't' => '\t',
                    'n' => '\n',
                    'r' => '\r',
                    'f' => '\x0c',
                    other => other,
                })
            }
        }
    }

    fn key_defined(&mut self, start: usize, key: String) {
        if key.is_empty() {
            self.report(
                start,
                Finding::warning("properties.empty-key", "the entry has an empty key"),
            );
            return;
        }
        if let Some(first) = self.keys.get(&key).copied() {
            let (line, _) = super::position::line_column(self.bytes, first);
            self.report(
                start,
                Finding::warning(
                    "properties.duplicate-key",
                    format!("key `{key}` is already defined on line {line}; this value wins"),
                ),
            );
        } else {
            self.keys.insert(key, start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_models::preflight::Severity;

    fn check(body: &[u8]) -> Vec<(String, Severity, u32, u32)> {
        PropertiesValidator
            .validate(BodyKind::Translations, body)
            .into_iter()
            .map(|f| (f.code, f.severity, f.line.unwrap(), f.column.unwrap()))
            .collect()
    }

    #[test]
    fn valid_properties_pass() {
        let ok = "# comment\n! also\n\ngreeting = Hallo\\u00e9 \\\n    Welt\r\nkey\\ with\\:colon:value\nalone\n\ttabbed\tvalue\nunicode=é€\n";
        assert_eq!(check(ok.as_bytes()), []);
    }

    #[test]
    fn bad_unicode_escapes_are_errors_at_the_backslash() {
        assert_eq!(
            check(b"a=1\nb=x\\u12\nc=\\uZZZZ"),
            [
                (
                    "properties.bad-unicode-escape".to_owned(),
                    Severity::Error,
                    2,
                    4
                ),
                (
                    "properties.bad-unicode-escape".to_owned(),
                    Severity::Error,
                    3,
                    3
                ),
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_an_error_at_the_byte() {
        assert_eq!(
            check(b"a=1\nb=\xe9t\xe9"),
            [("properties.not-utf8".to_owned(), Severity::Error, 2, 3)]
        );
    }

    #[test]
    fn warnings_for_empty_and_duplicate_keys_and_dangling_continuations() {
        assert_eq!(
            check(b"a=1\n=2\n a = 3\nb=\\"),
            [
                ("properties.empty-key".to_owned(), Severity::Warning, 2, 1),
                (
                    "properties.duplicate-key".to_owned(),
                    Severity::Warning,
                    3,
                    2
                ),
                (
                    "properties.dangling-continuation".to_owned(),
                    Severity::Warning,
                    4,
                    3
                ),
            ]
        );
    }
}
