//! Rendering: the canonical text of a filter, which parses back to the same tree.
//!
//! Canonical means: single spaces between tokens, lowercase operators, strings in double quotes
//! with `"` and `\` escaped as `\"` and `\\` (every other character, including newlines and
//! non-ASCII, is written as is), and parentheses only where the tree needs them (an `or` inside
//! an `and`, a chain inside `not`, or a chain nested in a chain of the same kind).

use std::fmt::{self, Write as _};

use super::ast::{Filter, Literal};

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_filter(f, self, Context::Top)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write_quoted(f, s),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// Where a sub-filter is written, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    OrOperand,
    AndOperand,
    NotOperand,
}

/// A chain with a single operand means that operand; unwrap such wrappers before deciding on
/// parentheses so that they never change the text.
fn effective(mut filter: &Filter) -> &Filter {
    while let Filter::And(operands) | Filter::Or(operands) = filter {
        match operands.as_slice() {
            [only] => filter = only,
            _ => break,
        }
    }
    filter
}

fn needs_parentheses(filter: &Filter, context: Context) -> bool {
    match filter {
        Filter::Or(_) => context != Context::Top,
        Filter::And(_) => matches!(context, Context::AndOperand | Context::NotOperand),
        _ => false,
    }
}

fn write_filter(f: &mut fmt::Formatter<'_>, filter: &Filter, context: Context) -> fmt::Result {
    let filter = effective(filter);
    if needs_parentheses(filter, context) {
        f.write_char('(')?;
        write_filter(f, filter, Context::Top)?;
        return f.write_char(')');
    }
    match filter {
        Filter::Compare { field, op, value } => write!(f, "{field} {op} {value}"),
        Filter::In { field, values } => {
            write!(f, "{field} in ")?;
            write_list(f, values)
        }
        Filter::ContainsAll { field, values } => {
            write!(f, "{field} ca ")?;
            write_list(f, values)
        }
        Filter::Present { field } => write!(f, "pr {field}"),
        Filter::IsNull { field } => write!(f, "{field} isnull"),
        Filter::Not(inner) => {
            f.write_str("not ")?;
            write_filter(f, inner, Context::NotOperand)
        }
        Filter::And(operands) => write_chain(f, operands, " and ", Context::AndOperand),
        Filter::Or(operands) => write_chain(f, operands, " or ", Context::OrOperand),
    }
}

fn write_chain(
    f: &mut fmt::Formatter<'_>,
    operands: &[Filter],
    separator: &str,
    context: Context,
) -> fmt::Result {
    if operands.is_empty() {
        // Breaks the two-operand invariant; "()" fails to parse with a clear message.
        return f.write_str("()");
    }
    for (i, operand) in operands.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        write_filter(f, operand, context)?;
    }
    Ok(())
}

fn write_list(f: &mut fmt::Formatter<'_>, values: &[Literal]) -> fmt::Result {
    f.write_char('(')?;
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{value}")?;
    }
    f.write_char(')')
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        if c == '"' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::super::builder::field;
    use super::*;

    fn leaf(name: &str) -> Filter {
        field(name).eq(1)
    }

    #[test]
    fn strings_escape_quotes_and_backslashes_only() {
        let lit = Literal::from("a\"b\\c\nd é");
        assert_eq!(lit.to_string(), "\"a\\\"b\\\\c\nd é\"");
        assert_eq!(Literal::from("").to_string(), "\"\"");
    }

    #[test]
    fn scalars_render_bare() {
        assert_eq!(Literal::Bool(false).to_string(), "false");
        assert_eq!(Literal::Null.to_string(), "null");
        assert_eq!(Literal::from(-42).to_string(), "-42");
        let half = serde_json::Number::from_f64(0.5).map(Literal::Number);
        assert_eq!(half.map(|l| l.to_string()), Some("0.5".to_owned()));
    }

    #[test]
    fn parentheses_only_where_the_tree_needs_them() {
        let f = leaf("a").or(leaf("b").and(leaf("c").not()));
        assert_eq!(f.to_string(), "a eq 1 or b eq 1 and not c eq 1");

        let g = leaf("a").or(leaf("b")).and(leaf("c"));
        assert_eq!(g.to_string(), "(a eq 1 or b eq 1) and c eq 1");

        let h = leaf("a").and(leaf("b")).not();
        assert_eq!(h.to_string(), "not (a eq 1 and b eq 1)");

        let nested_same_kind =
            Filter::And(vec![Filter::And(vec![leaf("a"), leaf("b")]), leaf("c")]);
        assert_eq!(
            nested_same_kind.to_string(),
            "(a eq 1 and b eq 1) and c eq 1"
        );
    }

    #[test]
    fn every_operator_renders_its_word() {
        let f = Filter::all_of([
            field("a").in_(["x", "y"]),
            field("b").ca([true]),
            field("c").pr(),
            field("d").is_null(),
            field("e").ne(Literal::Null),
            field("f").gt(1).or(field("g").ge(2)),
            field("h").lt(3).or(field("i").le(4)),
            field("j").co("k").or(field("l").sw("m")),
        ]);
        assert_eq!(
            f.map(|f| f.to_string()).as_deref(),
            Some(
                "a in (\"x\", \"y\") and b ca (true) and pr c and d isnull and e ne null \
                 and (f gt 1 or g ge 2) and (h lt 3 or i le 4) and (j co \"k\" or l sw \"m\")"
            )
        );
    }

    #[test]
    fn degenerate_chains_render_their_content() {
        let single = Filter::And(vec![leaf("a").or(leaf("b"))]);
        let outer = Filter::And(vec![single, leaf("c")]);
        assert_eq!(outer.to_string(), "(a eq 1 or b eq 1) and c eq 1");
        assert_eq!(Filter::Or(vec![]).to_string(), "()");
    }
}
