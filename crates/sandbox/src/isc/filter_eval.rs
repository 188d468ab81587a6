//! Evaluation of a parsed list filter against a stored connector.
//!
//! Semantics (documented in the crate root):
//! - strings: `eq`/`ne`/`in` compare exactly; `sw` and `co` ignore case, as ISC does;
//!   `gt`/`ge`/`lt`/`le` compare lexically (by Unicode scalar value);
//! - booleans (`directConnect`): `true`/`false` bare or quoted (`"true"`, any case);
//! - lists (`features`, `labels`): `ca` holds when every value is an element (exactly);
//!   a comparison or `in` holds when it holds for some element;
//! - `pr f` holds when the field has a value (for lists: at least one element), and
//!   `f isnull` is its negation;
//! - a value of the wrong type (a number against a name, say) never matches.

use std::cmp::Ordering;

use connkit_models::filter::{CompareOp, Filter, Literal};

use crate::isc::store::{Record, Text};

/// A field's value on one connector.
enum FieldValue<'a> {
    Text(&'a str),
    Bool(bool),
    List(&'a [Text]),
    Absent,
}

fn field<'a>(record: &'a Record, name: &str) -> FieldValue<'a> {
    match name {
        "name" => FieldValue::Text(&record.name),
        "type" => FieldValue::Text(&record.connector_type),
        "className" => FieldValue::Text(&record.class_name),
        "scriptName" => FieldValue::Text(&record.script_name),
        "category" => FieldValue::Text(&record.category),
        "status" => FieldValue::Text(record.status.as_str()),
        "directConnect" => FieldValue::Bool(record.direct_connect),
        "features" => FieldValue::List(&record.features),
        "labels" => FieldValue::List(&record.labels),
        _ => FieldValue::Absent,
    }
}

/// `true` when `record` satisfies `filter`.
pub(crate) fn matches(filter: &Filter, record: &Record) -> bool {
    match filter {
        Filter::Compare {
            field: f,
            op,
            value,
        } => match field(record, f) {
            FieldValue::Text(text) => compare_text(text, *op, value),
            FieldValue::Bool(b) => compare_bool(b, *op, value),
            FieldValue::List(items) => items.iter().any(|item| compare_text(item, *op, value)),
            FieldValue::Absent => match (op, value) {
                (CompareOp::Eq, Literal::Null) => true,
                (CompareOp::Ne, Literal::Null) => false,
                (CompareOp::Ne, _) => true,
                _ => false,
            },
        },
        Filter::In { field: f, values } => values.iter().any(|value| {
            matches(
                &Filter::Compare {
                    field: f.clone(),
                    op: CompareOp::Eq,
                    value: value.clone(),
                },
                record,
            )
        }),
        Filter::ContainsAll { field: f, values } => match field(record, f) {
            FieldValue::List(items) => values.iter().all(|value| match value {
                Literal::String(s) => items.iter().any(|item| item == s),
                _ => false,
            }),
            FieldValue::Text(text) => values
                .iter()
                .all(|value| matches!(value, Literal::String(s) if s == text)),
            FieldValue::Bool(_) | FieldValue::Absent => false,
        },
        Filter::Present { field: f } => is_present(record, f),
        Filter::IsNull { field: f } => !is_present(record, f),
        Filter::Not(inner) => !matches(inner, record),
        Filter::And(all) => all.iter().all(|f| matches(f, record)),
        Filter::Or(any) => any.iter().any(|f| matches(f, record)),
    }
}

fn is_present(record: &Record, name: &str) -> bool {
    match field(record, name) {
        FieldValue::Text(_) | FieldValue::Bool(_) => true,
        FieldValue::List(items) => !items.is_empty(),
        FieldValue::Absent => false,
    }
}

fn compare_text(text: &str, op: CompareOp, value: &Literal) -> bool {
    let Literal::String(wanted) = value else {
        // `ne` against a non-string (number, boolean, null) holds: they are never equal.
        return matches!(op, CompareOp::Ne);
    };
    match op {
        CompareOp::Eq => text == wanted,
        CompareOp::Ne => text != wanted,
        CompareOp::Co => text.to_lowercase().contains(&wanted.to_lowercase()),
        CompareOp::Sw => text.to_lowercase().starts_with(&wanted.to_lowercase()),
        CompareOp::Gt => text.cmp(wanted) == Ordering::Greater,
        CompareOp::Ge => text.cmp(wanted) != Ordering::Less,
        CompareOp::Lt => text.cmp(wanted) == Ordering::Less,
        CompareOp::Le => text.cmp(wanted) != Ordering::Greater,
    }
}

fn compare_bool(actual: bool, op: CompareOp, value: &Literal) -> bool {
    let wanted = match value {
        Literal::Bool(b) => Some(*b),
        Literal::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Literal::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    };
    match (op, wanted) {
        (CompareOp::Eq, Some(wanted)) => actual == wanted,
        (CompareOp::Ne, Some(wanted)) => actual != wanted,
        (CompareOp::Ne, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::seed::seed;

    fn hits(filter: &str, records: &[Record]) -> Vec<String> {
        let filter: Filter = filter.parse().expect("test filters parse");
        records
            .iter()
            .filter(|r| matches(&filter, r))
            .map(|r| r.name.clone())
            .collect()
    }

    fn records() -> Vec<Record> {
        seed(24).collect()
    }

    #[test]
    fn sw_and_co_ignore_case_eq_does_not() {
        let r = records();
        assert_eq!(hits(r#"name sw "active""#, &r), ["Active Directory"]);
        assert_eq!(
            hits(r#"name co "DIRECTORY""#, &r),
            ["Active Directory", "Azure Active Directory"]
        );
        assert_eq!(hits(r#"type eq "ServiceNow""#, &r), ["ServiceNow"]);
        assert!(hits(r#"type eq "servicenow""#, &r).is_empty());
    }

    #[test]
    fn booleans_bare_or_quoted() {
        let r = records();
        assert_eq!(hits("directConnect eq false", &r), ["Delimited File"]);
        assert_eq!(hits(r#"directConnect eq "FALSE""#, &r), ["Delimited File"]);
        assert_eq!(
            hits(r#"directConnect eq "maybe""#, &r),
            Vec::<String>::new()
        );
    }

    #[test]
    fn ca_needs_every_value() {
        let r = records();
        assert_eq!(
            hits(r#"labels ca ("authoritative", "popular")"#, &r),
            ["Workday"]
        );
        assert_eq!(
            hits(r#"features ca ("UNLOCK") and category eq "database""#, &r),
            ["JDBC", "Microsoft SQL Server", "Oracle Database"]
        );
    }

    #[test]
    fn boolean_logic_and_presence() {
        let r = records();
        assert_eq!(
            hits(r#"category eq "hr" and not name sw "work""#, &r),
            ["SuccessFactors", "BambooHR"]
        );
        assert_eq!(
            hits(r#"name eq "Slack" or name eq "Zoom""#, &r),
            ["Slack", "Zoom"]
        );
        assert_eq!(hits("pr labels", &r).len(), 24);
        assert!(hits("nothing isnull", &r).len() == 24);
        assert_eq!(hits(r#"name in ("Box", "GitHub")"#, &r), ["GitHub", "Box"]);
    }
}
