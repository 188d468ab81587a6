//! [`ParseError`]: why a filter text does not parse. Its own module because both the
//! lexer and the parser report it, and the parser uses the lexer: with the error in
//! either of them the two would import each other.

/// Why a filter text does not parse, and where.
///
/// `Display` reads like `operators are lowercase: write `eq` instead of `EQ` at column 6`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message} at column {column}")]
pub struct ParseError {
    /// 1-based column, counted in characters (not bytes), of the offending token or character.
    /// For an error at the end of the input it is one past the last character.
    pub column: usize,
    /// What is wrong, without the position.
    pub message: String,
}

impl ParseError {
    pub(super) fn at(column: usize, message: impl Into<String>) -> Self {
        ParseError {
            column,
            message: message.into(),
        }
    }
}
