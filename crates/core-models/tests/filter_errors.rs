//! Every malformed filter gets a precise message and column, and nothing panics or overflows.

use connkit_models::filter::{Filter, ParseError, MAX_DEPTH};

/// The error for `input` as (column, message); fails the test if it parses.
fn error(input: &str) -> (usize, String) {
    match input.parse::<Filter>() {
        Ok(f) => panic!("{input:?} parsed as {f:?}, expected an error"),
        Err(ParseError { column, message }) => (column, message),
    }
}

fn assert_error(input: &str, column: usize, message: &str) {
    assert_eq!(
        error(input),
        (column, message.to_owned()),
        "input: {input:?}"
    );
}

#[test]
fn display_names_the_column() {
    let err = "name EQ \"Act\"".parse::<Filter>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "operators are lowercase: write `eq` instead of `EQ` at column 6"
    );
}

#[test]
fn the_first_error_in_text_order_wins() {
    let lower = "operators are lowercase: write `eq` instead of `EQ`";
    assert_error(r#"name EQ "unterminated"#, 6, lower);
    assert_error(r#"name EQ "bad\escape""#, 6, lower);
    assert_error("name EQ 01", 6, lower);
    assert_error(
        "(a eq 1 b eq \"",
        9,
        "expected `)` to close the `(` at column 1, found `b`",
    );
}

#[test]
fn empty_input() {
    assert_error("", 1, "empty filter");
    assert_error("   ", 4, "empty filter");
}

#[test]
fn unbalanced_quotes() {
    let unterminated = "unterminated string: the `\"` opened here is never closed";
    assert_error(r#"name eq "Act"#, 9, unterminated);
    assert_error(r#"name eq "Act\""#, 9, unterminated);
    assert_error(r#"name eq "Act\"#, 9, unterminated);
    assert_error(r#"name in ("a", "b)"#, 15, unterminated);
    assert_error(
        "name eq 'Act'",
        9,
        "unexpected character `'`: strings are written in double quotes",
    );
}

#[test]
fn bad_escapes() {
    let message =
        |c: &str| format!("invalid escape `\\{c}` in a string: only `\\\"` and `\\\\` are allowed");
    assert_error(r#"name eq "a\nb""#, 11, &message("n"));
    assert_error(r#"name eq "a\'b""#, 11, &message("'"));
    assert_error(r#"name eq "é\ é""#, 11, &message(" "));
    assert_error("name eq \"a\\\tb\"", 11, &message("\\t"));
}

#[test]
fn unbalanced_parentheses() {
    assert_error(
        r#"(name eq "a""#,
        13,
        "expected `)` to close the `(` at column 1, found the end of the filter",
    );
    assert_error(
        "((a eq 1) or b pr",
        16,
        "`pr` is a prefix operator: write `pr b`",
    );
    assert_error(
        "((a eq 1) or pr b",
        18,
        "expected `)` to close the `(` at column 1, found the end of the filter",
    );
    assert_error(
        "(a eq 1 b eq 2)",
        9,
        "expected `)` to close the `(` at column 1, found `b`",
    );
    assert_error(
        r#"name eq "a")"#,
        12,
        "unmatched `)`: there is no `(` to close",
    );
    assert_error("(a eq 1))", 9, "unmatched `)`: there is no `(` to close");
    assert_error(
        "()",
        2,
        "expected a field name, `pr`, `not` or `(`, found `)`",
    );
}

#[test]
fn uppercase_operators() {
    let lower = |w: &str, l: &str| format!("operators are lowercase: write `{l}` instead of `{w}`");
    assert_error(r#"name EQ "a""#, 6, &lower("EQ", "eq"));
    assert_error(r#"name Sw "a""#, 6, &lower("Sw", "sw"));
    assert_error("a eq 1 AND b eq 2", 8, &lower("AND", "and"));
    assert_error("a eq 1 Or b eq 2", 8, &lower("Or", "or"));
    assert_error("(a eq 1 OR b eq 2)", 9, &lower("OR", "or"));
    assert_error("NOT a eq 1", 1, &lower("NOT", "not"));
    assert_error("PR a", 1, &lower("PR", "pr"));
    assert_error("a IN (1)", 3, &lower("IN", "in"));
    assert_error(r#"features CA ("x")"#, 10, &lower("CA", "ca"));
    assert_error("a ISNULL", 3, &lower("ISNULL", "isnull"));
    assert_error(
        "a eq TRUE",
        6,
        "expected a value after `eq`, found `TRUE` (`true`, `false` and `null` are lowercase: \
         write `true`)",
    );
}

#[test]
fn missing_values() {
    assert_error(
        "name eq",
        8,
        "expected a value after `eq` (a double-quoted string, a number, true, false or null), \
         found the end of the filter",
    );
    assert_error(
        "name sw and b eq 1",
        9,
        "expected a value after `sw`, found `and`",
    );
    assert_error(
        "name eq Act",
        9,
        "expected a value after `eq`, found `Act` (strings must be double-quoted)",
    );
    assert_error(
        "a in (1,)",
        9,
        "expected a value in the `in` list (a double-quoted string, a number, true, false or \
         null), found `)`",
    );
    assert_error(
        "a in (1 2)",
        9,
        "expected `,` or `)` in the `in` list opened at column 6, found the number 2",
    );
    assert_error(
        "a ca (1",
        8,
        "expected `,` or `)` in the `ca` list opened at column 6, found the end of the filter",
    );
    assert_error(
        "a in 1",
        6,
        "expected `(` after `in` to start its list of values, found the number 1",
    );
}

#[test]
fn empty_lists() {
    assert_error(
        "type in ()",
        10,
        "empty list after `in`: give at least one value",
    );
    assert_error(
        "features ca ( )",
        15,
        "empty list after `ca`: give at least one value",
    );
}

#[test]
fn missing_operators_and_operands() {
    let expected_operator = |found: &str| {
        format!(
            "expected an operator (eq, ne, gt, ge, lt, le, co, sw, in, ca or isnull) after \
             `name`, found {found}"
        )
    };
    assert_error("name", 5, &expected_operator("the end of the filter"));
    assert_error(r#"name "a""#, 6, &expected_operator("a string"));
    assert_error("name is 1", 6, &expected_operator("`is`"));
    assert_error("name (", 6, &expected_operator("`(`"));
    assert_error(
        "a eq 1 and",
        11,
        "expected a field name, `pr`, `not` or `(`, found the end of the filter",
    );
    assert_error(
        "a eq 1 and and",
        12,
        "expected a field name, found the keyword `and`",
    );
    assert_error(
        "not",
        4,
        "expected a field name, `pr`, `not` or `(`, found the end of the filter",
    );
    assert_error(
        "pr",
        3,
        "expected a field name after `pr`, found the end of the filter",
    );
    assert_error("pr eq", 4, "expected a field name after `pr`, found `eq`");
    assert_error(
        "isnull name",
        1,
        "`isnull` is a postfix operator: write `field isnull`",
    );
    assert_error("name pr", 6, "`pr` is a prefix operator: write `pr name`");
    assert_error(
        "1 eq 1",
        1,
        "expected a field name, `pr`, `not` or `(`, found the number 1",
    );
}

#[test]
fn trailing_tokens() {
    assert_error(
        r#"name eq "a" type eq "b""#,
        13,
        "expected `and`, `or` or the end of the filter, found `type`",
    );
    assert_error(
        "a eq 1 2",
        8,
        "expected `and`, `or` or the end of the filter, found the number 2",
    );
    assert_error(
        "pr a, pr b",
        5,
        "expected `and`, `or` or the end of the filter, found `,`",
    );
}

#[test]
fn bad_characters_and_numbers() {
    assert_error(
        r#"name = "a""#,
        6,
        "unexpected character `=`: comparisons are written as words (eq, ne, gt, ge, lt, le)",
    );
    assert_error("näme eq 1", 2, "unexpected character `ä`");
    assert_error("a eq 1;", 7, "unexpected character `;`");
    assert_error("a eq 1\u{7}", 7, "unexpected character `\\u{7}`");
    assert_error("a eq 01", 6, "malformed number `01`");
    assert_error("a eq 1.", 6, "malformed number `1.`");
    assert_error("a eq 12abc", 6, "malformed number `12abc`");
    assert_error("a eq -", 6, "malformed number `-`");
    assert_error("a eq 1e999", 6, "number `1e999` is out of range");
    assert_error("a. eq 1", 3, "expected a name after `.` in a field name");
    assert_error("a..b eq 1", 3, "expected a name after `.` in a field name");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let message = "filter is nested too deeply (more than 100 levels of `(` and `not`)";
    assert_eq!(MAX_DEPTH, 100);
    assert_error(&"(".repeat(10_000), MAX_DEPTH + 1, message);
    assert_error(&"not ".repeat(10_000), 4 * MAX_DEPTH + 1, message);
    let mixed = format!("{}{}a pr", "not (".repeat(MAX_DEPTH / 2), "(");
    assert_error(&mixed, 5 * (MAX_DEPTH / 2) + 1, message);

    let deepest = format!("{}a isnull{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(
        deepest.parse::<Filter>(),
        Ok(Filter::IsNull { field: "a".into() })
    );
    let nots = format!("{}pr a", "not ".repeat(MAX_DEPTH));
    let parsed = nots.parse::<Filter>();
    assert!(parsed.is_ok(), "{parsed:?}");
}
