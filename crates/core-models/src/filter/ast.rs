//! The filter syntax tree: what a filter *means*, independent of how it is spelled.

use std::fmt;

/// A parsed or built ISC filter expression.
///
/// Produce one with the [builder](super::field), by parsing text (`"name sw \"Act\"".parse()`),
/// or by writing the variants directly. Render it with `to_string()`.
///
/// Invariants kept by the parser and the builder (and expected by the renderer): [`And`](Filter::And)
/// and [`Or`](Filter::Or) hold two or more operands, [`In`](Filter::In) and
/// [`ContainsAll`](Filter::ContainsAll) hold one or more values, and field names satisfy
/// [`is_field_name`](super::is_field_name). A tree that breaks them still renders, but its text
/// may not parse back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    /// `field op value`, for the eight binary comparison operators.
    Compare {
        /// The field compared, e.g. `name` or `attributes.foo`.
        field: String,
        /// The comparison.
        op: CompareOp,
        /// The right-hand side.
        value: Literal,
    },
    /// `field in (v1, v2, …)`: the field equals one of the values.
    In {
        /// The field tested.
        field: String,
        /// The candidate values (one or more).
        values: Vec<Literal>,
    },
    /// `field ca (v1, v2, …)`: the (multi-valued) field contains all the values.
    ContainsAll {
        /// The multi-valued field tested.
        field: String,
        /// The values that must all be present (one or more).
        values: Vec<Literal>,
    },
    /// `pr field`: the field is present (not null).
    Present {
        /// The field tested.
        field: String,
    },
    /// `field isnull`: the field is absent or null.
    IsNull {
        /// The field tested.
        field: String,
    },
    /// `not f`: the negation of a filter.
    Not(Box<Filter>),
    /// `f1 and f2 and …`: all operands hold (two or more operands).
    And(Vec<Filter>),
    /// `f1 or f2 or …`: at least one operand holds (two or more operands).
    Or(Vec<Filter>),
}

impl Filter {
    /// Every field/operator pair used by this filter, in text order.
    ///
    /// The logical connectives (`and`, `or`, `not`) are not listed: they combine terms and are
    /// accepted everywhere. This is what [`AllowedFilters::check`](super::AllowedFilters::check)
    /// validates.
    pub fn terms(&self) -> Vec<(&str, Operator)> {
        let mut out = Vec::new();
        self.collect_terms(&mut out);
        out
    }

    fn collect_terms<'a>(&'a self, out: &mut Vec<(&'a str, Operator)>) {
        match self {
            Filter::Compare { field, op, .. } => out.push((field, Operator::from(*op))),
            Filter::In { field, .. } => out.push((field, Operator::In)),
            Filter::ContainsAll { field, .. } => out.push((field, Operator::Ca)),
            Filter::Present { field } => out.push((field, Operator::Pr)),
            Filter::IsNull { field } => out.push((field, Operator::IsNull)),
            Filter::Not(inner) => inner.collect_terms(out),
            Filter::And(operands) | Filter::Or(operands) => {
                for operand in operands {
                    operand.collect_terms(out);
                }
            }
        }
    }
}

/// A binary comparison operator (`field op value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
    /// `co`: contains (substring).
    Co,
    /// `sw`: starts with.
    Sw,
}

impl CompareOp {
    /// Every comparison operator, in the order the ISC documentation lists them.
    pub const ALL: [CompareOp; 8] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Co,
        CompareOp::Sw,
    ];

    /// The wire word (`"eq"`, `"sw"`, …).
    pub fn as_str(self) -> &'static str {
        Operator::from(self).as_str()
    }

    /// The comparison whose wire word is exactly `word` (lowercase), if any.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == word)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any operator that applies to a field: the unit of the allowed-pairs table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
    /// `co`: contains (substring).
    Co,
    /// `sw`: starts with.
    Sw,
    /// `in (…)`: equals one of a list.
    In,
    /// `ca (…)`: contains all of a list.
    Ca,
    /// prefix `pr`: is present.
    Pr,
    /// postfix `isnull`: is absent or null.
    IsNull,
}

impl Operator {
    /// Every field operator.
    pub const ALL: [Operator; 12] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
        Operator::Co,
        Operator::Sw,
        Operator::In,
        Operator::Ca,
        Operator::Pr,
        Operator::IsNull,
    ];

    /// The wire word (`"eq"`, `"in"`, `"isnull"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Gt => "gt",
            Operator::Ge => "ge",
            Operator::Lt => "lt",
            Operator::Le => "le",
            Operator::Co => "co",
            Operator::Sw => "sw",
            Operator::In => "in",
            Operator::Ca => "ca",
            Operator::Pr => "pr",
            Operator::IsNull => "isnull",
        }
    }

    /// The operator whose wire word is exactly `word` (lowercase), if any.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == word)
    }
}

impl From<CompareOp> for Operator {
    fn from(op: CompareOp) -> Self {
        match op {
            CompareOp::Eq => Operator::Eq,
            CompareOp::Ne => Operator::Ne,
            CompareOp::Gt => Operator::Gt,
            CompareOp::Ge => Operator::Ge,
            CompareOp::Lt => Operator::Lt,
            CompareOp::Le => Operator::Le,
            CompareOp::Co => Operator::Co,
            CompareOp::Sw => Operator::Sw,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value on the right-hand side of an operator.
///
/// The parser keeps text exactly as written: `"true"` (quoted) is a [`Literal::String`], `true`
/// (bare) is a [`Literal::Bool`]. The service accepts booleans both ways, so a consumer comparing
/// against a boolean field should use [`Literal::as_bool`], which accepts both.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// A double-quoted string (`"Act"`); rendered with `\"` and `\\` escapes.
    String(String),
    /// A bare `true` or `false`.
    Bool(bool),
    /// A JSON-style number (`42`, `-1.5`, `1e3`).
    Number(serde_json::Number),
    /// A bare `null`.
    Null,
}

impl Literal {
    /// The boolean this literal stands for: a bare `true`/`false`, or the quoted strings
    /// `"true"`/`"false"` that the service also accepts. `None` for anything else.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Literal::Bool(b) => Some(*b),
            Literal::String(s) if s == "true" => Some(true),
            Literal::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The string content, if this is a [`Literal::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::String(s.to_owned())
    }
}

impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::String(s)
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<serde_json::Number> for Literal {
    fn from(n: serde_json::Number) -> Self {
        Literal::Number(n)
    }
}

macro_rules! literal_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Literal {
            fn from(n: $t) -> Self {
                Literal::Number(serde_json::Number::from(n))
            }
        }
    )*};
}

// i32 is included so that a bare integer literal (`.eq(1)`) infers without a suffix.
literal_from_integer!(i32, i64, u32, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_words_round_trip() {
        for op in Operator::ALL {
            assert_eq!(Operator::from_word(op.as_str()), Some(op));
        }
        for op in CompareOp::ALL {
            assert_eq!(CompareOp::from_word(op.as_str()), Some(op));
        }
        assert_eq!(Operator::IsNull.as_str(), "isnull");
        assert_eq!(Operator::from_word("EQ"), None);
        assert_eq!(CompareOp::from_word("in"), None);
    }

    #[test]
    fn as_bool_accepts_bare_and_quoted_booleans() {
        assert_eq!(Literal::Bool(true).as_bool(), Some(true));
        assert_eq!(Literal::from("false").as_bool(), Some(false));
        assert_eq!(Literal::from("TRUE").as_bool(), None);
        assert_eq!(Literal::Null.as_bool(), None);
    }

    #[test]
    fn terms_lists_every_pair_in_text_order() {
        let f = Filter::Or(vec![
            Filter::Not(Box::new(Filter::Present { field: "a".into() })),
            Filter::And(vec![
                Filter::IsNull { field: "b".into() },
                Filter::In {
                    field: "c".into(),
                    values: vec![Literal::Null],
                },
                Filter::ContainsAll {
                    field: "d".into(),
                    values: vec![Literal::Null],
                },
                Filter::Compare {
                    field: "e".into(),
                    op: CompareOp::Le,
                    value: Literal::from(1),
                },
            ]),
        ]);
        assert_eq!(
            f.terms(),
            vec![
                ("a", Operator::Pr),
                ("b", Operator::IsNull),
                ("c", Operator::In),
                ("d", Operator::Ca),
                ("e", Operator::Le),
            ]
        );
    }
}
