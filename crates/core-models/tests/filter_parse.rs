//! What valid filter text means: precedence, every operator and value form, and canonical text.

use connkit_models::filter::{field, CompareOp, Filter, Literal};

fn parse(input: &str) -> Filter {
    match input.parse() {
        Ok(f) => f,
        Err(e) => panic!("{input:?} should parse: {e}"),
    }
}

fn leaf(name: &str, n: i64) -> Filter {
    field(name).eq(n)
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    assert_eq!(
        parse("a eq 1 or b eq 2 and not c eq 3"),
        Filter::Or(vec![
            leaf("a", 1),
            Filter::And(vec![leaf("b", 2), Filter::Not(Box::new(leaf("c", 3)))]),
        ])
    );
    assert_eq!(
        parse("not a eq 1 and b eq 2"),
        Filter::And(vec![leaf("a", 1).not(), leaf("b", 2)])
    );
    assert_eq!(
        parse("a eq 1 and b eq 2 or c eq 3 and d eq 4"),
        Filter::Or(vec![
            Filter::And(vec![leaf("a", 1), leaf("b", 2)]),
            Filter::And(vec![leaf("c", 3), leaf("d", 4)]),
        ])
    );
}

#[test]
fn parentheses_override_precedence() {
    assert_eq!(
        parse("(a eq 1 or b eq 2) and c eq 3"),
        Filter::And(vec![
            Filter::Or(vec![leaf("a", 1), leaf("b", 2)]),
            leaf("c", 3)
        ])
    );
    assert_eq!(
        parse("not (a eq 1 or b eq 2)"),
        Filter::Not(Box::new(Filter::Or(vec![leaf("a", 1), leaf("b", 2)])))
    );
    assert_eq!(parse("((a eq 1))"), leaf("a", 1));
}

#[test]
fn chains_are_flat_and_groups_are_kept() {
    assert_eq!(
        parse("a eq 1 or b eq 2 or c eq 3"),
        Filter::Or(vec![leaf("a", 1), leaf("b", 2), leaf("c", 3)])
    );
    assert_eq!(
        parse("(a eq 1 and b eq 2) and c eq 3"),
        Filter::And(vec![
            Filter::And(vec![leaf("a", 1), leaf("b", 2)]),
            leaf("c", 3)
        ])
    );
    assert_eq!(
        parse("not not pr a"),
        Filter::Not(Box::new(Filter::Not(Box::new(field("a").pr()))))
    );
}

#[test]
fn every_comparison_operator() {
    for op in CompareOp::ALL {
        let text = format!(r#"name {op} "v""#);
        assert_eq!(parse(&text), field("name").compare(op, "v"), "{text}");
        assert_eq!(parse(&text).to_string(), text);
    }
}

#[test]
fn list_presence_and_null_operators() {
    assert_eq!(
        parse(r#"type in ("DelimitedFile", "JDBC")"#),
        field("type").in_(["DelimitedFile", "JDBC"])
    );
    assert_eq!(
        parse(r#"features ca ("AUTHENTICATE","PROVISIONING")"#),
        field("features").ca(["AUTHENTICATE", "PROVISIONING"])
    );
    assert_eq!(parse("pr category"), field("category").pr());
    assert_eq!(parse("category isnull"), field("category").is_null());
    assert_eq!(
        parse("id in (1, true, null, \"x\")"),
        field("id").in_([
            Literal::from(1),
            Literal::Bool(true),
            Literal::Null,
            Literal::from("x")
        ])
    );
}

#[test]
fn values() {
    let value = |text: &str| match parse(&format!("x eq {text}")) {
        Filter::Compare { value, .. } => value,
        other => panic!("{other:?}"),
    };
    assert_eq!(value("true"), Literal::Bool(true));
    assert_eq!(value("false"), Literal::Bool(false));
    assert_eq!(value("null"), Literal::Null);
    assert_eq!(value("-12"), Literal::from(-12));
    assert_eq!(value("0"), Literal::from(0));
    assert_eq!(
        value("-1.5e3"),
        Literal::Number(serde_json::Number::from_f64(-1500.0).expect("finite"))
    );
    assert_eq!(value(r#""a\"b\\c""#), Literal::from("a\"b\\c"));
    assert_eq!(
        value("\"line\nbreak\ttab é 😀\""),
        Literal::from("line\nbreak\ttab é 😀")
    );
    assert_eq!(value(r#""""#), Literal::from(""));
}

#[test]
fn quoted_booleans_stay_strings_and_coerce_on_request() {
    let quoted = parse(r#"directConnect eq "true""#);
    assert_eq!(quoted, field("directConnect").eq("true"));
    let bare = parse("directConnect eq true");
    assert_eq!(bare, field("directConnect").eq(true));
    for f in [quoted, bare] {
        match f {
            Filter::Compare { value, .. } => assert_eq!(value.as_bool(), Some(true)),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn whitespace_and_field_names() {
    let messy = "\t( attributes.foo   sw \"x\"\n)and(not type eq\"y\")  ";
    let f = parse(messy);
    assert_eq!(
        f,
        field("attributes.foo")
            .sw("x")
            .and(field("type").eq("y").not())
    );
    assert_eq!(
        f.to_string(),
        r#"attributes.foo sw "x" and not type eq "y""#
    );
    assert_eq!(parse("a.and.or eq 1"), leaf("a.and.or", 1));
    assert_eq!(parse("_x1 eq 1"), leaf("_x1", 1));
    assert_eq!(parse("Type eq 1"), leaf("Type", 1));
}

#[test]
fn real_world_filters_round_trip() {
    for text in [
        r#"name sw "Active Directory""#,
        r#"type co "JDBC" and directConnect eq true"#,
        r#"category eq "other" or features ca ("AUTHENTICATE", "PROVISIONING")"#,
        r#"labels ca ("supported") and not name co "legacy""#,
        r#"(name sw "A" or name sw "B") and type eq "JDBC""#,
    ] {
        assert_eq!(parse(text).to_string(), text);
    }
}
