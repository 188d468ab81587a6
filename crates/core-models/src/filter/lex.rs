//! The tokenizer: turns filter text into tokens that know their column.

use super::error::ParseError;

/// One token and the 1-based column (in characters) where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    LParen,
    RParen,
    Comma,
    /// A double-quoted string, unescaped.
    String(String),
    Number(serde_json::Number),
    /// An identifier, possibly dotted: a field name, an operator or a keyword.
    Word(String),
    End,
}

impl TokenKind {
    /// How the token is named in an error message.
    pub(super) fn describe(&self) -> String {
        match self {
            TokenKind::LParen => "`(`".to_owned(),
            TokenKind::RParen => "`)`".to_owned(),
            TokenKind::Comma => "`,`".to_owned(),
            TokenKind::String(_) => "a string".to_owned(),
            TokenKind::Number(n) => format!("the number {n}"),
            TokenKind::Word(w) => format!("`{w}`"),
            TokenKind::End => "the end of the filter".to_owned(),
        }
    }
}

/// A lazy tokenizer, so that the first error in text order is the one reported.
pub(super) struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

/// Can `c` start an identifier segment?
pub(super) fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// Can `c` continue an identifier segment?
pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer {
    pub(super) fn new(input: &str) -> Self {
        Lexer {
            chars: input.chars().collect(),
            pos: 0,
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn column(&self) -> usize {
        self.pos + 1
    }

    pub(super) fn next_token(&mut self) -> Result<Token, ParseError> {
        while self.peek_char().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        let column = self.column();
        let Some(c) = self.peek_char() else {
            return Ok(Token {
                kind: TokenKind::End,
                column,
            });
        };
        let kind = match c {
            '(' => self.single(TokenKind::LParen),
            ')' => self.single(TokenKind::RParen),
            ',' => self.single(TokenKind::Comma),
            '"' => self.string()?,
            '-' | '0'..='9' => self.number()?,
            c if is_word_start(c) => self.word()?,
            '\'' => {
                return Err(ParseError::at(
                    column,
                    "unexpected character `'`: strings are written in double quotes",
                ))
            }
            '=' | '!' | '<' | '>' => {
                return Err(ParseError::at(
                    column,
                    format!(
                        "unexpected character `{c}`: comparisons are written as words \
                         (eq, ne, gt, ge, lt, le)"
                    ),
                ))
            }
            c => {
                return Err(ParseError::at(
                    column,
                    format!("unexpected character `{}`", Visible(c)),
                ))
            }
        };
        Ok(Token { kind, column })
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    fn string(&mut self) -> Result<TokenKind, ParseError> {
        let open = self.column();
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return Err(ParseError::at(
                    open,
                    "unterminated string: the `\"` opened here is never closed",
                ));
            };
            self.pos += 1;
            match c {
                '"' => return Ok(TokenKind::String(out)),
                '\\' => match self.peek_char() {
                    Some(escaped @ ('"' | '\\')) => {
                        self.pos += 1;
                        out.push(escaped);
                    }
                    Some(other) => {
                        return Err(ParseError::at(
                            self.pos, // the backslash's column: pos already moved past it
                            format!(
                                "invalid escape `\\{}` in a string: only `\\\"` and `\\\\` are allowed",
                                Visible(other)
                            ),
                        ));
                    }
                    None => {
                        return Err(ParseError::at(
                            open,
                            "unterminated string: the `\"` opened here is never closed",
                        ))
                    }
                },
                c => out.push(c),
            }
        }
    }

    /// Numbers follow the JSON grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        // Take the whole run that could belong to the number so that `12abc` or `1.2.3` is
        // reported as one malformed number rather than as two confusing tokens.
        while self
            .peek_char()
            .is_some_and(|c| is_word_char(c) || matches!(c, '.' | '+' | '-'))
        {
            self.pos += 1;
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect();
        let column = start + 1;
        if !is_json_number(&text) {
            return Err(ParseError::at(column, format!("malformed number `{text}`")));
        }
        number_value(&text)
            .map(TokenKind::Number)
            .ok_or_else(|| ParseError::at(column, format!("number `{text}` is out of range")))
    }

    fn word(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        loop {
            while self.peek_char().is_some_and(is_word_char) {
                self.pos += 1;
            }
            if self.peek_char() != Some('.') {
                break;
            }
            self.pos += 1;
            if !self.peek_char().is_some_and(is_word_start) {
                return Err(ParseError::at(
                    self.column(),
                    "expected a name after `.` in a field name",
                ));
            }
        }
        let text = self.chars.get(start..self.pos).unwrap_or_default();
        Ok(TokenKind::Word(text.iter().collect()))
    }
}

/// A character as shown in an error: itself, or an escape when it would be invisible.
struct Visible(char);

impl std::fmt::Display for Visible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_control() {
            write!(f, "{}", self.0.escape_debug())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn is_json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits_from(i),
        _ => return false,
    }
    if bytes.get(i) == Some(&b'.') {
        let end = digits_from(i + 1);
        if end == i + 1 {
            return false;
        }
        i = end;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits_from(i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == bytes.len()
}

/// The value of a JSON number: an integer when it is written as one and fits 64 bits, otherwise
/// the nearest `f64` (correctly rounded by the standard library). `None` when it overflows `f64`.
fn number_value(text: &str) -> Option<serde_json::Number> {
    let is_integer = !text.contains(['.', 'e', 'E']);
    if is_integer {
        if let Ok(n) = text.parse::<u64>() {
            return Some(n.into());
        }
        if let Ok(n) = text.parse::<i64>() {
            return Some(n.into());
        }
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(serde_json::Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: &str) -> Result<Vec<(TokenKind, usize)>, ParseError> {
        let mut lexer = Lexer::new(input);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token()?;
            let end = token.kind == TokenKind::End;
            out.push((token.kind, token.column));
            if end {
                return Ok(out);
            }
        }
    }

    #[test]
    fn tokens_carry_their_columns() {
        let got = tokens(r#" attributes.foo in ("a\"b", -1.5e3,true)"#);
        assert_eq!(
            got,
            Ok(vec![
                (TokenKind::Word("attributes.foo".into()), 2),
                (TokenKind::Word("in".into()), 17),
                (TokenKind::LParen, 20),
                (TokenKind::String("a\"b".into()), 21),
                (TokenKind::Comma, 27),
                (
                    TokenKind::Number(
                        serde_json::Number::from_f64(-1500.0).unwrap_or_else(|| 0.into())
                    ),
                    29
                ),
                (TokenKind::Comma, 35),
                (TokenKind::Word("true".into()), 36),
                (TokenKind::RParen, 40),
                (TokenKind::End, 41),
            ])
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let got = tokens("\"éé\" x");
        assert_eq!(got.map(|t| t[1].1), Ok(6));
    }

    #[test]
    fn json_number_grammar() {
        for ok in ["0", "-0", "12", "1.5", "1e5", "1E+5", "-2.5e-3"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "12abc", "1-2",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn integers_stay_integers_and_big_ones_become_floats() {
        assert_eq!(number_value("-7"), Some((-7).into()));
        assert_eq!(number_value("18446744073709551615"), Some(u64::MAX.into()));
        assert_eq!(number_value("1.0").map(|n| n.is_f64()), Some(true));
        assert_eq!(
            number_value("99999999999999999999").and_then(|n| n.as_f64()),
            Some(1e20)
        );
        assert_eq!(number_value("1e400"), None);
    }
}
