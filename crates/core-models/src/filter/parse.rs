//! The parser: filter text to [`Filter`], with errors that point at a column.
//!
//! Grammar (operators and keywords are lowercase only):
//!
//! ```text
//! filter  := or END
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" or ")" | "pr" FIELD | FIELD postfix
//! postfix := ("eq"|"ne"|"gt"|"ge"|"lt"|"le"|"co"|"sw") value
//!          | ("in"|"ca") "(" value ("," value)* ")"
//!          | "isnull"
//! value   := STRING | NUMBER | "true" | "false" | "null"
//! ```

use std::str::FromStr;

use super::ast::{CompareOp, Filter, Literal, Operator};
use super::error::ParseError;
use super::lex::{Lexer, Token, TokenKind};
use super::{is_keyword, MAX_DEPTH};

impl FromStr for Filter {
    type Err = ParseError;

    /// Parse filter text. Parenthesised chains are kept as written (`(a and b) and c` is an `and`
    /// whose first operand is an `and`), so that rendering gives the same tree back.
    fn from_str(input: &str) -> Result<Self, ParseError> {
        Parser::new(input).parse()
    }
}

struct Parser {
    lexer: Lexer,
    /// The next, not yet consumed token. A lexing error is held here until the parser looks at
    /// the token, so that an earlier syntax error is reported first (errors in text order).
    current: Result<Token, ParseError>,
}

fn error<T>(column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError::at(column, message))
}

/// If `word` is a keyword written in the wrong letter case, its lowercase spelling.
fn miscased_keyword(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    (lower != word && is_keyword(&lower)).then_some(lower)
}

fn lowercase_error<T>(column: usize, word: &str, lower: &str) -> Result<T, ParseError> {
    error(
        column,
        format!("operators are lowercase: write `{lower}` instead of `{word}`"),
    )
}

impl Parser {
    fn new(input: &str) -> Self {
        let mut lexer = Lexer::new(input);
        let current = lexer.next_token();
        Parser { lexer, current }
    }

    /// The next token, without consuming it.
    fn peek(&self) -> Result<&Token, ParseError> {
        self.current.as_ref().map_err(Clone::clone)
    }

    /// Consume the next token.
    fn advance(&mut self) -> Result<Token, ParseError> {
        self.peek()?;
        let next = self.lexer.next_token();
        std::mem::replace(&mut self.current, next)
    }

    /// The next token if it is a word (`None` for a lexing error, which surfaces when the
    /// token is consumed or inspected).
    fn current_word(&self) -> Option<(&str, usize)> {
        match &self.current {
            Ok(Token {
                kind: TokenKind::Word(w),
                column,
            }) => Some((w, *column)),
            _ => None,
        }
    }

    fn current_word_is(&self, keyword: &str) -> bool {
        self.current_word().is_some_and(|(w, _)| w == keyword)
    }

    fn parse(mut self) -> Result<Filter, ParseError> {
        let first = self.peek()?;
        if first.kind == TokenKind::End {
            return error(first.column, "empty filter");
        }
        let filter = self.or(0)?;
        let token = self.peek()?;
        match &token.kind {
            TokenKind::End => Ok(filter),
            TokenKind::RParen => error(token.column, "unmatched `)`: there is no `(` to close"),
            other => error(
                token.column,
                format!(
                    "expected `and`, `or` or the end of the filter, found {}",
                    other.describe()
                ),
            ),
        }
    }

    /// Refuse `AND`/`Or`/… where a connective may stand, before the caller reports a vaguer error.
    fn reject_miscased_connective(&self) -> Result<(), ParseError> {
        if let Some((word, column)) = self.current_word() {
            if let Some(lower) = miscased_keyword(word) {
                if lower == "and" || lower == "or" {
                    return lowercase_error(column, word, &lower);
                }
            }
        }
        Ok(())
    }

    fn or(&mut self, depth: usize) -> Result<Filter, ParseError> {
        let mut operands = vec![self.and(depth)?];
        while self.current_word_is("or") {
            self.advance()?;
            operands.push(self.and(depth)?);
        }
        Ok(chain(operands, Filter::Or))
    }

    fn and(&mut self, depth: usize) -> Result<Filter, ParseError> {
        let mut operands = vec![self.unary(depth)?];
        loop {
            self.reject_miscased_connective()?;
            if !self.current_word_is("and") {
                break;
            }
            self.advance()?;
            operands.push(self.unary(depth)?);
        }
        Ok(chain(operands, Filter::And))
    }

    fn unary(&mut self, depth: usize) -> Result<Filter, ParseError> {
        if let Some(("not", column)) = self.current_word() {
            let depth = enter(depth, column)?;
            self.advance()?;
            return Ok(self.unary(depth)?.not());
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Filter, ParseError> {
        let token = self.advance()?;
        match token.kind {
            TokenKind::LParen => {
                let inner_depth = enter(depth, token.column)?;
                let inner = self.or(inner_depth)?;
                let close = self.peek()?;
                if close.kind != TokenKind::RParen {
                    return error(
                        close.column,
                        format!(
                            "expected `)` to close the `(` at column {}, found {}",
                            token.column,
                            close.kind.describe()
                        ),
                    );
                }
                self.advance()?;
                Ok(inner)
            }
            TokenKind::Word(word) if word == "pr" => {
                let field = self.advance()?;
                match field.kind {
                    TokenKind::Word(name) if !is_keyword_any_case(&name) => {
                        Ok(Filter::Present { field: name })
                    }
                    other => error(
                        field.column,
                        format!(
                            "expected a field name after `pr`, found {}",
                            other.describe()
                        ),
                    ),
                }
            }
            TokenKind::Word(word) => {
                if let Some(lower) = miscased_keyword(&word) {
                    if lower == "not" || lower == "pr" {
                        return lowercase_error(token.column, &word, &lower);
                    }
                }
                if word == "isnull" {
                    return error(
                        token.column,
                        "`isnull` is a postfix operator: write `field isnull`",
                    );
                }
                if is_keyword_any_case(&word) {
                    return error(
                        token.column,
                        format!("expected a field name, found the keyword `{word}`"),
                    );
                }
                self.postfix(word)
            }
            other => error(
                token.column,
                format!(
                    "expected a field name, `pr`, `not` or `(`, found {}",
                    other.describe()
                ),
            ),
        }
    }

    fn postfix(&mut self, field: String) -> Result<Filter, ParseError> {
        let token = self.advance()?;
        let word = match token.kind {
            TokenKind::Word(word) => word,
            other => {
                return error(
                    token.column,
                    format!(
                        "expected an operator (eq, ne, gt, ge, lt, le, co, sw, in, ca or isnull) \
                         after `{field}`, found {}",
                        other.describe()
                    ),
                )
            }
        };
        if let Some(op) = CompareOp::from_word(&word) {
            let value = self.value(&format!("after `{word}`"))?;
            return Ok(Filter::Compare { field, op, value });
        }
        match Operator::from_word(&word) {
            Some(Operator::In) => {
                let values = self.list("in")?;
                Ok(Filter::In { field, values })
            }
            Some(Operator::Ca) => {
                let values = self.list("ca")?;
                Ok(Filter::ContainsAll { field, values })
            }
            Some(Operator::IsNull) => Ok(Filter::IsNull { field }),
            Some(Operator::Pr) => error(
                token.column,
                format!("`pr` is a prefix operator: write `pr {field}`"),
            ),
            _ => match miscased_keyword(&word) {
                Some(lower) => lowercase_error(token.column, &word, &lower),
                None => error(
                    token.column,
                    format!(
                        "expected an operator (eq, ne, gt, ge, lt, le, co, sw, in, ca or isnull) \
                         after `{field}`, found `{word}`"
                    ),
                ),
            },
        }
    }

    /// A literal; `place` says where it was expected, e.g. "after `eq`".
    fn value(&mut self, place: &str) -> Result<Literal, ParseError> {
        let token = self.advance()?;
        match token.kind {
            TokenKind::String(s) => Ok(Literal::String(s)),
            TokenKind::Number(n) => Ok(Literal::Number(n)),
            TokenKind::Word(word) => match word.as_str() {
                "true" => Ok(Literal::Bool(true)),
                "false" => Ok(Literal::Bool(false)),
                "null" => Ok(Literal::Null),
                _ => {
                    let lower = word.to_ascii_lowercase();
                    let hint = if matches!(lower.as_str(), "true" | "false" | "null") {
                        format!(" (`true`, `false` and `null` are lowercase: write `{lower}`)")
                    } else if is_keyword(&lower) {
                        String::new()
                    } else {
                        " (strings must be double-quoted)".to_owned()
                    };
                    error(
                        token.column,
                        format!("expected a value {place}, found `{word}`{hint}"),
                    )
                }
            },
            other => error(
                token.column,
                format!(
                    "expected a value {place} (a double-quoted string, a number, true, false \
                     or null), found {}",
                    other.describe()
                ),
            ),
        }
    }

    /// `( value, value, … )` after `in` or `ca`.
    fn list(&mut self, op: &str) -> Result<Vec<Literal>, ParseError> {
        let open = self.advance()?;
        if open.kind != TokenKind::LParen {
            return error(
                open.column,
                format!(
                    "expected `(` after `{op}` to start its list of values, found {}",
                    open.kind.describe()
                ),
            );
        }
        let first = self.peek()?;
        if first.kind == TokenKind::RParen {
            return error(
                first.column,
                format!("empty list after `{op}`: give at least one value"),
            );
        }
        let place = format!("in the `{op}` list");
        let mut values = Vec::new();
        loop {
            values.push(self.value(&place)?);
            let separator = self.advance()?;
            match separator.kind {
                TokenKind::Comma => {}
                TokenKind::RParen => return Ok(values),
                other => {
                    return error(
                        separator.column,
                        format!(
                            "expected `,` or `)` {place} opened at column {}, found {}",
                            open.column,
                            other.describe()
                        ),
                    )
                }
            }
        }
    }
}

/// One level deeper into `(` or `not`, refused past [`MAX_DEPTH`] so that hostile input cannot
/// exhaust the stack; `column` is that of the token that would go too deep.
fn enter(depth: usize, column: usize) -> Result<usize, ParseError> {
    if depth >= MAX_DEPTH {
        return error(
            column,
            format!("filter is nested too deeply (more than {MAX_DEPTH} levels of `(` and `not`)"),
        );
    }
    Ok(depth + 1)
}

fn is_keyword_any_case(word: &str) -> bool {
    is_keyword(&word.to_ascii_lowercase())
}

/// One operand stands for itself; several make a chain.
fn chain(mut operands: Vec<Filter>, make: fn(Vec<Filter>) -> Filter) -> Filter {
    if operands.len() == 1 {
        if let Some(only) = operands.pop() {
            return only;
        }
    }
    make(operands)
}
