//! Property tests: render → parse is the identity on any tree, any string survives escaping,
//! and no input makes the parser panic.

use connkit_models::filter::{is_field_name, CompareOp, Filter, Literal};
use proptest::prelude::*;

fn arb_field() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}(\\.[a-zA-Z_][a-zA-Z0-9_]{0,6}){0,2}"
        .prop_filter("keywords are not field names", |s| is_field_name(s))
}

/// Strings biased towards what escaping must handle, plus fully arbitrary Unicode.
fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\ a()é😀\t\n,]{0,12}",
        Just(String::new()),
        Just("\\".to_owned()),
        Just("\"".to_owned()),
    ]
}

fn arb_literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        3 => arb_string().prop_map(Literal::String),
        1 => any::<bool>().prop_map(Literal::Bool),
        1 => Just(Literal::Null),
        1 => any::<i64>().prop_map(Literal::from),
        1 => any::<u64>().prop_map(Literal::from),
        1 => any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Literal::Number)),
    ]
}

fn arb_compare_op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(CompareOp::ALL.to_vec())
}

fn arb_leaf() -> impl Strategy<Value = Filter> {
    prop_oneof![
        (arb_field(), arb_compare_op(), arb_literal())
            .prop_map(|(field, op, value)| Filter::Compare { field, op, value }),
        (arb_field(), prop::collection::vec(arb_literal(), 1..4))
            .prop_map(|(field, values)| Filter::In { field, values }),
        (arb_field(), prop::collection::vec(arb_literal(), 1..4))
            .prop_map(|(field, values)| Filter::ContainsAll { field, values }),
        arb_field().prop_map(|field| Filter::Present { field }),
        arb_field().prop_map(|field| Filter::IsNull { field }),
    ]
}

/// Any tree that keeps the documented invariants (chains of two or more, non-empty lists),
/// including chains nested directly in chains of the same kind.
fn arb_filter() -> impl Strategy<Value = Filter> {
    arb_leaf().prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| Filter::Not(Box::new(f))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Filter::And),
            prop::collection::vec(inner, 2..5).prop_map(Filter::Or),
        ]
    })
}

/// Fragments that reach deep into the parser when glued together at random.
fn arb_token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "(", ")", ",", "and", "or", "not", "pr", "isnull", "eq", "sw", "in", "ca", "a", "b.c",
        "\"x\"", "\"", "\\", "1", "-2.5e3", "true", "null", "AND", "EQ", "Not", "é", " ", "\n",
    ];
    prop::collection::vec(proptest::sample::select(tokens), 0..24).prop_map(|parts| parts.join(" "))
}

/// Parsing `text` never panics; an error points inside the text (or just past its end), and a
/// success renders to text that parses to the same tree.
fn check_total(text: &str) -> Result<(), TestCaseError> {
    match text.parse::<Filter>() {
        Ok(filter) => {
            let rendered = filter.to_string();
            prop_assert_eq!(rendered.parse::<Filter>(), Ok(filter));
        }
        Err(err) => {
            let end = text.chars().count() + 1;
            prop_assert!(
                (1..=end).contains(&err.column),
                "column {} outside 1..={} for {:?}",
                err.column,
                end,
                text
            );
            prop_assert!(!err.message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn render_then_parse_is_identity(filter in arb_filter()) {
        let text = filter.to_string();
        prop_assert_eq!(text.parse::<Filter>(), Ok(filter), "text: {}", text);
    }

    #[test]
    fn any_string_survives_escaping(s in arb_string()) {
        let rendered = Literal::String(s.clone()).to_string();
        // Shape: quoted, and inside every `"` or `\` is escaped and every `\` escapes one of them.
        let inner = rendered
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'));
        prop_assert!(inner.is_some(), "not quoted: {}", rendered);
        let mut chars = inner.unwrap_or_default().chars();
        let mut unescaped = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let escaped = chars.next();
                    prop_assert!(matches!(escaped, Some('"' | '\\')), "bad escape in {}", rendered);
                    unescaped.extend(escaped);
                }
                '"' => prop_assert!(false, "bare quote in {}", rendered),
                c => unescaped.push(c),
            }
        }
        prop_assert_eq!(&unescaped, &s);
        let parsed = format!("f eq {rendered}").parse::<Filter>();
        prop_assert_eq!(parsed, Ok(Filter::Compare { field: "f".into(), op: CompareOp::Eq, value: Literal::String(s) }));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_total(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in arb_token_soup()) {
        check_total(&text)?;
    }

    #[test]
    fn mangled_valid_filters_never_panic(filter in arb_filter(), cut in any::<prop::sample::Index>(), insert in "[()\"\\\\, a-zA-Z0-9]{0,3}") {
        // Damage a valid filter at a random character boundary.
        let text = filter.to_string();
        let chars: Vec<char> = text.chars().collect();
        let at = cut.index(chars.len() + 1);
        let mangled: String = chars[..at].iter().copied().chain(insert.chars()).chain(chars[at..].iter().copied()).collect();
        check_total(&mangled)?;
        let truncated: String = chars[..at].iter().collect();
        check_total(&truncated)?;
    }
}
