//! Where a string of a JSON Patch body sits in the raw bytes, so that a problem inside
//! the decoded string (XML in `value`) can be reported at its line and column in the
//! body as sent.
//!
//! Only called on bodies serde_json has already parsed, so the scanner assumes valid
//! JSON and answers `None` for anything else rather than guessing.

/// The raw offset of the opening quote of the last `value` member of the `index`-th
/// operation, if that member is a string.
pub(crate) fn patch_value_token(body: &[u8], index: usize) -> Option<usize> {
    let mut s = Scanner { body, at: 0 };
    s.expect(b'[')?;
    for _ in 0..index {
        s.skip_value()?;
        s.expect(b',')?;
    }
    s.expect(b'{')?;
    let mut found = None;
    loop {
        s.skip_ws();
        if s.peek()? == b'}' {
            return found;
        }
        let key_start = s.at;
        s.skip_string()?;
        let key: String = serde_json::from_slice(&body[key_start..s.at]).ok()?;
        s.expect(b':')?;
        s.skip_ws();
        if key == "value" && s.peek()? == b'"' {
            found = Some(s.at);
        }
        s.skip_value()?;
        s.skip_ws();
        if s.peek()? == b',' {
            s.at += 1;
        }
    }
}

/// The raw offset, in `body`, of byte `decoded` of the string whose token starts at
/// `token` (its opening quote): escapes are walked so each decoded byte maps back.
pub(crate) fn raw_offset(body: &[u8], token: usize, decoded: usize) -> usize {
    let mut raw = token + 1;
    let mut out = 0;
    while out < decoded && raw < body.len() && body[raw] != b'"' {
        if body[raw] != b'\\' {
            raw += 1;
            out += 1;
            continue;
        }
        match body.get(raw + 1) {
            Some(b'u') => {
                let unit = hex4(body, raw + 2).unwrap_or(0xFFFD);
                let low = (0xD800..0xDC00)
                    .contains(&unit)
                    .then(|| {
                        (body.get(raw + 6..raw + 8) == Some(b"\\u"))
                            .then(|| hex4(body, raw + 8))
                            .flatten()
                    })
                    .flatten()
                    .filter(|low| (0xDC00..0xE000).contains(low));
                if low.is_some() {
                    raw += 12;
                    out += 4;
                } else {
                    raw += 6;
                    out += char::from_u32(unit).map_or(3, char::len_utf8);
                }
            }
            _ => {
                raw += 2;
                out += 1;
            }
        }
    }
    raw
}

fn hex4(body: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(body.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

struct Scanner<'b> {
    body: &'b [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.body.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Skips the string token at the cursor (which must be its opening quote).
    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }

    /// Skips one value of any kind.
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            open @ (b'[' | b'{') => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.at += 1;
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b if b == close => {
                            self.at += 1;
                            return Some(());
                        }
                        b',' | b':' => self.at += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_value_token_of_an_operation() {
        let body = br#" [ {"op":"add","path":"/a","value":{"x":[1,"]"]}} ,
            {"path":"/b", "valu\u0065" : "<x/>", "op":"replace"} ]"#;
        let at = patch_value_token(body, 1).unwrap();
        assert_eq!(&body[at..at + 6], b"\"<x/>\"");
        assert_eq!(patch_value_token(body, 0), None, "not a string");
        assert_eq!(patch_value_token(body, 2), None, "no such operation");
    }

    #[test]
    fn maps_decoded_offsets_through_escapes() {
        // decoded: `a"\n` `é` (2 bytes) `😀` (4 bytes) `z`
        let body = br#""a\"\n\u00e9\ud83d\ude00z""#;
        assert_eq!(raw_offset(body, 0, 0), 1);
        assert_eq!(raw_offset(body, 0, 1), 2);
        assert_eq!(raw_offset(body, 0, 3), 6);
        assert_eq!(raw_offset(body, 0, 5), 12);
        assert_eq!(raw_offset(body, 0, 9), 24);
        assert_eq!(&body[24..25], b"z");
    }
}
