//! Canonical JSON: whether a JSON text is, byte for byte, what decoding it into its
//! model and serializing that again (compact `serde_json`) would print.
//!
//! A listing that only passes items on (`--all -o ndjson`) need not decode and
//! re-encode them when they already are in that form: it can copy each item's bytes as
//! the service sent them. [`array_items`] checks a whole page in one pass, without
//! allocating per item, and says where each item lies; anything it cannot vouch for
//! (whitespace inside an item, a member the model does not know, a `null`, an escape
//! `serde_json` would not write, a float, keys out of order, …) makes it answer
//! `None`, and the caller decodes that page the ordinary way. It is conservative: a
//! "no" only costs the ordinary decode, a wrong "yes" would change the output.
//!
//! ```
//! use connkit_models::canonical::{array_items, Shape};
//!
//! const ITEM: Shape = Shape::Struct(&[("name", Shape::Str), ("tags", Shape::StrArray)]);
//! let page = br#"[{"name":"a","tags":["x"]}, {"name":"b"}]"#;
//! let items = array_items(page, &ITEM).unwrap();
//! assert_eq!(&page[items[1].clone()], br#"{"name":"b"}"#);
//! // Unknown members, `null`s and `\/` are not what serializing the model prints.
//! assert!(array_items(br#"[{"name":"a","extra":1}]"#, &ITEM).is_none());
//! assert!(array_items(br#"[{"name":null}]"#, &ITEM).is_none());
//! assert!(array_items(br#"[{"name":"a\/b"}]"#, &ITEM).is_none());
//! ```

use std::ops::Range;

/// The JSON shape a model serializes to, as far as [`array_items`] checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string (`String`, or an open enum, which keeps any text as it came).
    Str,
    /// `true` or `false`.
    Bool,
    /// An array of strings (`Vec<String>`).
    StrArray,
    /// Any JSON object as `serde_json::Map` keeps it: members in key order (no
    /// duplicates), values canonical themselves (integers only, no floats).
    AnyObject,
    /// A struct of optional members skipped when absent (`Option` with
    /// `skip_serializing_if = "Option::is_none"`), in declaration order, never `null`,
    /// with no member the struct does not declare.
    Struct(&'static [(&'static str, Shape)]),
}

/// How deep [`Shape::AnyObject`] values may nest before a page is left to the ordinary
/// decoder (which has its own limit).
const MAX_DEPTH: usize = 64;

/// The byte range of each item of the JSON array `body`, when every item is canonical
/// for `item` (whitespace between the array's own tokens is allowed: it is not part of
/// any item); `None` otherwise, including when `body` is not JSON or not UTF-8.
pub fn array_items(body: &[u8], item: &Shape) -> Option<Vec<Range<usize>>> {
    std::str::from_utf8(body).ok()?;
    let mut scan = Scan { bytes: body, at: 0 };
    scan.skip_whitespace();
    scan.expect(b'[')?;
    scan.skip_whitespace();
    let mut items = Vec::new();
    if scan.peek() == Some(b']') {
        scan.at += 1;
    } else {
        loop {
            let start = scan.at;
            scan.shape(item)?;
            items.push(start..scan.at);
            scan.skip_whitespace();
            match scan.next()? {
                b',' => scan.skip_whitespace(),
                b']' => break,
                _ => return None,
            }
        }
    }
    scan.skip_whitespace();
    (scan.at == body.len()).then_some(items)
}

/// A cursor over UTF-8 bytes; every method answers `None` for "not canonical".
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn literal(&mut self, text: &[u8]) -> Option<()> {
        let end = self.at.checked_add(text.len())?;
        (self.bytes.get(self.at..end)? == text).then(|| self.at = end)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn shape(&mut self, shape: &Shape) -> Option<()> {
        match shape {
            Shape::Str => self.string().map(drop),
            Shape::Bool => match self.peek()? {
                b't' => self.literal(b"true"),
                _ => self.literal(b"false"),
            },
            Shape::StrArray => self.array(|scan| scan.string().map(drop)),
            Shape::AnyObject => self.object(0),
            Shape::Struct(fields) => self.strukt(fields),
        }
    }

    /// A string as `serde_json` writes it: only `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
    /// `\t` and `\u00xx` (lower-case hex) for the other control characters are
    /// escaped. Returns the raw text between the quotes and whether it had escapes.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        self.expect(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.next()? {
                b'"' => return Some((&self.bytes[start..self.at - 1], escaped)),
                b'\\' => {
                    escaped = true;
                    match self.next()? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            self.literal(b"00")?;
                            let high = self.next()?;
                            let low = self.next()?;
                            let ok = matches!(
                                (high, low),
                                (b'0', b'0'..=b'7' | b'b' | b'e' | b'f')
                                    | (b'1', b'0'..=b'9' | b'a'..=b'f')
                            );
                            ok.then_some(())?;
                        }
                        _ => return None,
                    }
                }
                byte if byte < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// `[]` or `[v,v,…]`, each `v` read by `item`.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.next()? {
                b',' => {}
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// An object as a `serde_json::Map` serializes: keys strictly ascending (keys with
    /// escapes are left to the decoder: their order is that of the decoded text).
    fn object(&mut self, depth: usize) -> Option<()> {
        (depth < MAX_DEPTH).then_some(())?;
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        let mut previous: Option<&[u8]> = None;
        loop {
            let (key, escaped) = self.string()?;
            if escaped || previous.is_some_and(|p| p >= key) {
                return None;
            }
            previous = Some(key);
            self.expect(b':')?;
            self.value(depth + 1)?;
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Any value inside a [`Shape::AnyObject`].
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(depth),
            b'[' => {
                (depth < MAX_DEPTH).then_some(())?;
                self.array(|scan| scan.value(depth + 1))
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.integer(),
        }
    }

    /// An integer as `serde_json` prints an `i64`/`u64`: no `+`, no leading zero, not
    /// `-0`, at most 18 digits (so it fits either); a fraction or exponent is a float,
    /// which is left to the decoder.
    fn integer(&mut self) -> Option<()> {
        let negative = self.peek()? == b'-';
        if negative {
            self.at += 1;
        }
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let digits = &self.bytes[start..self.at];
        let ok = match digits {
            [] => false,
            [b'0'] => !negative,
            [b'0', ..] => false,
            _ => digits.len() <= 18,
        };
        (ok && !matches!(self.peek(), Some(b'.' | b'e' | b'E'))).then_some(())
    }

    /// A struct's members: declared ones only, in declaration order, each once.
    fn strukt(&mut self, fields: &[(&str, Shape)]) -> Option<()> {
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        let mut rest = fields;
        loop {
            let (key, _) = self.string()?;
            let found = rest.iter().position(|(name, _)| name.as_bytes() == key)?;
            let shape = rest[found].1;
            rest = &rest[found + 1..];
            self.expect(b':')?;
            self.shape(&shape)?;
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const ITEM: Shape = Shape::Struct(&[
        ("name", Shape::Str),
        ("on", Shape::Bool),
        ("tags", Shape::StrArray),
        ("meta", Shape::AnyObject),
    ]);

    fn one(item: &str) -> bool {
        array_items(format!("[{item}]").as_bytes(), &ITEM).is_some()
    }

    #[test]
    fn what_serde_json_prints_is_canonical() {
        for item in [
            r#"{}"#,
            r#"{"name":"a"}"#,
            r#"{"name":"é ☃ 😀 \"q\" \\ \n\t\r\b\f \u0000\u001f"}"#,
            "{\"name\":\"\u{7f}\"}",
            r#"{"name":"a","on":false}"#,
            r#"{"name":"a","on":true,"tags":[],"meta":{}}"#,
            r#"{"tags":["x","y"],"meta":{"a":[1,-2,0,{"b":null}],"b":"c","é":true}}"#,
        ] {
            assert!(one(item), "{item}");
            // The reference: the same text through serde_json's own `Value` (its map
            // sorts keys, as the models' `JsonObject` does).
            let value: Value = serde_json::from_str(item).unwrap();
            if !item.contains("\"on\"") && !item.contains("\"tags\"") {
                assert_eq!(serde_json::to_string(&value).unwrap(), item);
            }
        }
    }

    #[test]
    fn anything_else_is_left_to_the_decoder() {
        for item in [
            r#"{"name":"a","extra":1}"#,
            r#"{"name":null}"#,
            r#"{"on":true,"name":"a"}"#,
            r#"{"name":"a","name":"b"}"#,
            r#"{ "name":"a"}"#,
            r#"{"name":"a\/b"}"#,
            r#"{"name":"\u00e9"}"#,
            r#"{"name":"\u001F"}"#,
            r#"{"name":"\u000a"}"#,
            r#"{"name":"\ud83d\ude00"}"#,
            r#"{"name":1}"#,
            r#"{"on":"true"}"#,
            r#"{"tags":"[]"}"#,
            r#"{"tags":[1]}"#,
            r#"{"meta":{"b":1,"a":2}}"#,
            r#"{"meta":{"a":1,"a":2}}"#,
            r#"{"meta":{"a":1.0}}"#,
            r#"{"meta":{"a":1e3}}"#,
            r#"{"meta":{"a":-0}}"#,
            r#"{"meta":{"a":01}}"#,
            r#"{"meta":{"a":1234567890123456789}}"#,
            r#"{"meta":{"\u0061":1}}"#,
            r#"{"meta":[]}"#,
            r#""a""#,
            r#"{"name":"a""#,
        ] {
            assert!(!one(item), "{item}");
        }
    }

    #[test]
    fn pages_are_split_and_checked_whole() {
        let body = b" [ {\"name\":\"a\"} ,\n{} ] \n";
        let items = array_items(body, &ITEM).unwrap();
        assert_eq!(
            items.iter().map(|r| &body[r.clone()]).collect::<Vec<_>>(),
            [&b"{\"name\":\"a\"}"[..], b"{}"]
        );
        assert_eq!(array_items(b"[]", &ITEM), Some(Vec::new()));
        for bad in [&b"[{}]x"[..], b"[{},]", b"{}", b"", b"[{}", b"[\"\xff\"]"] {
            assert_eq!(array_items(bad, &ITEM), None);
        }
        let deep = format!(
            "[{{\"meta\":{}1{}}}]",
            "{\"a\":[".repeat(40),
            "]}".repeat(40)
        );
        assert_eq!(array_items(deep.as_bytes(), &ITEM), None);
    }
}
