//! The connector-list table of allowed field/operator pairs, and the errors that name them.

use connkit_models::filter::{Filter, FilterNotAllowed, Operator, CONNECTOR_LIST};

fn check(text: &str) -> Result<(), FilterNotAllowed> {
    let filter: Filter = text
        .parse()
        .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
    CONNECTOR_LIST.check(&filter)
}

#[test]
fn name_eq_is_refused_naming_field_operator_and_alternatives() {
    let err = check(r#"name eq "Act""#).unwrap_err();
    assert_eq!(
        err,
        FilterNotAllowed::OperatorNotAllowed {
            field: "name".into(),
            operator: Operator::Eq,
            allowed: &[Operator::Sw, Operator::Co],
        }
    );
    assert_eq!(
        err.to_string(),
        "operator `eq` is not allowed on field `name` (allowed: sw, co)"
    );
    assert_eq!((err.field(), err.operator()), ("name", Operator::Eq));
}

#[test]
fn unknown_field_is_distinguished_from_a_bad_operator() {
    let err = check("foo eq 1").unwrap_err();
    assert_eq!(
        err,
        FilterNotAllowed::UnknownField {
            field: "foo".into(),
            operator: Operator::Eq,
            allowed_fields: vec![
                "name",
                "type",
                "directConnect",
                "category",
                "features",
                "labels"
            ],
        }
    );
    assert_eq!(
        err.to_string(),
        "field `foo` cannot be filtered on (used with `eq`); filterable fields: name, type, \
         directConnect, category, features, labels"
    );
    assert!(matches!(
        check(r#"Name sw "a""#),
        Err(FilterNotAllowed::UnknownField { .. })
    ));
}

#[test]
fn every_pair_is_allowed_exactly_as_the_table_says() {
    let allowed: &[(&str, &[Operator])] = &[
        ("name", &[Operator::Sw, Operator::Co]),
        ("type", &[Operator::Sw, Operator::Co, Operator::Eq]),
        ("directConnect", &[Operator::Eq]),
        ("category", &[Operator::Eq]),
        ("features", &[Operator::Ca]),
        ("labels", &[Operator::Ca]),
    ];
    for (field, ops) in allowed {
        for op in Operator::ALL {
            let text = match op {
                Operator::In | Operator::Ca => format!(r#"{field} {op} ("x")"#),
                Operator::Pr => format!("pr {field}"),
                Operator::IsNull => format!("{field} isnull"),
                _ => format!(r#"{field} {op} "x""#),
            };
            let result = check(&text);
            if ops.contains(&op) {
                assert_eq!(result, Ok(()), "{text}");
            } else {
                assert_eq!(
                    result,
                    Err(FilterNotAllowed::OperatorNotAllowed {
                        field: (*field).to_owned(),
                        operator: op,
                        allowed: ops,
                    }),
                    "{text}"
                );
            }
        }
    }
}

#[test]
fn nested_terms_are_checked_and_quoted_booleans_pass_the_table() {
    assert_eq!(
        check(r#"directConnect eq "true" and not (type sw "J" or labels ca ("a"))"#),
        Ok(())
    );
    let err = check(r#"type eq "x" and (name co "a" or not category ne "b")"#).unwrap_err();
    assert_eq!((err.field(), err.operator()), ("category", Operator::Ne));
    assert_eq!(
        err.to_string(),
        "operator `ne` is not allowed on field `category` (allowed: eq)"
    );
}
