//! Which field/operator pairs an endpoint accepts, so a client can refuse a filter before
//! sending it and an emulator can answer 400 exactly where the service would.

use std::fmt;

use super::ast::{Filter, Operator};

/// The field/operator pairs one endpoint accepts in its `filters` parameter.
///
/// ```
/// use connkit_models::filter::{field, CONNECTOR_LIST};
///
/// assert!(CONNECTOR_LIST.check(&field("name").sw("Act")).is_ok());
/// let err = CONNECTOR_LIST.check(&field("name").eq("Act")).unwrap_err();
/// assert_eq!(err.to_string(), "operator `eq` is not allowed on field `name` (allowed: sw, co)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedFilters {
    fields: &'static [(&'static str, &'static [Operator])],
}

/// The filters accepted by `GET /connectors` (getConnectorList).
pub const CONNECTOR_LIST: AllowedFilters = AllowedFilters::new(&[
    ("name", &[Operator::Sw, Operator::Co]),
    ("type", &[Operator::Sw, Operator::Co, Operator::Eq]),
    ("directConnect", &[Operator::Eq]),
    ("category", &[Operator::Eq]),
    ("features", &[Operator::Ca]),
    ("labels", &[Operator::Ca]),
]);

impl AllowedFilters {
    /// A table of fields (matched case-sensitively, as the service does) and the operators
    /// each accepts.
    pub const fn new(fields: &'static [(&'static str, &'static [Operator])]) -> Self {
        AllowedFilters { fields }
    }

    /// The filterable fields, in table order.
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|(name, _)| *name)
    }

    /// The operators `field` accepts, or `None` when the field cannot be filtered on.
    pub fn operators(&self, field: &str) -> Option<&'static [Operator]> {
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, ops)| *ops)
    }

    /// Whether `field op …` is accepted.
    pub fn allows(&self, field: &str, op: Operator) -> bool {
        self.operators(field).is_some_and(|ops| ops.contains(&op))
    }

    /// Check every term of `filter` (see [`Filter::terms`]); the first term not allowed, in text
    /// order, is the error. `and`, `or` and `not` are always accepted.
    pub fn check(&self, filter: &Filter) -> Result<(), FilterNotAllowed> {
        for (field, operator) in filter.terms() {
            match self.operators(field) {
                None => {
                    return Err(FilterNotAllowed::UnknownField {
                        field: field.to_owned(),
                        operator,
                        allowed_fields: self.fields().collect(),
                    })
                }
                Some(allowed) if !allowed.contains(&operator) => {
                    return Err(FilterNotAllowed::OperatorNotAllowed {
                        field: field.to_owned(),
                        operator,
                        allowed,
                    })
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A term of a filter that the endpoint does not accept (the service would answer 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterNotAllowed {
    /// The field cannot be filtered on at all.
    #[error(
        "field `{field}` cannot be filtered on (used with `{operator}`); filterable fields: {}",
        allowed_fields.join(", ")
    )]
    UnknownField {
        /// The field as written in the filter.
        field: String,
        /// The operator it was used with.
        operator: Operator,
        /// Every field the endpoint accepts.
        allowed_fields: Vec<&'static str>,
    },
    /// The field is filterable, but not with this operator.
    #[error(
        "operator `{operator}` is not allowed on field `{field}` (allowed: {})",
        OperatorList(allowed)
    )]
    OperatorNotAllowed {
        /// The field as written in the filter.
        field: String,
        /// The operator that is not accepted on it.
        operator: Operator,
        /// The operators the field accepts.
        allowed: &'static [Operator],
    },
}

impl FilterNotAllowed {
    /// The field of the refused term.
    pub fn field(&self) -> &str {
        match self {
            FilterNotAllowed::UnknownField { field, .. }
            | FilterNotAllowed::OperatorNotAllowed { field, .. } => field,
        }
    }

    /// The operator of the refused term.
    pub fn operator(&self) -> Operator {
        match self {
            FilterNotAllowed::UnknownField { operator, .. }
            | FilterNotAllowed::OperatorNotAllowed { operator, .. } => *operator,
        }
    }
}

/// `sw, co` for an error message.
struct OperatorList<'a>(&'a [Operator]);

impl fmt::Display for OperatorList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, op) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(op.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::builder::field;
    use super::*;

    #[test]
    fn field_names_match_case_sensitively() {
        assert!(CONNECTOR_LIST.allows("name", Operator::Sw));
        assert!(!CONNECTOR_LIST.allows("Name", Operator::Sw));
        assert_eq!(CONNECTOR_LIST.operators("NAME"), None);
    }

    #[test]
    fn first_offending_term_in_text_order_is_reported() {
        let f = field("type")
            .eq("JDBC")
            .and(field("labels").eq("x").or(field("bogus").pr()));
        let err = CONNECTOR_LIST.check(&f).unwrap_err();
        assert_eq!((err.field(), err.operator()), ("labels", Operator::Eq));
    }

    #[test]
    fn connectives_are_always_allowed() {
        let f = field("name")
            .co("a")
            .not()
            .or(field("features").ca(["X"]).and(field("category").eq("c")));
        assert_eq!(CONNECTOR_LIST.check(&f), Ok(()));
    }
}
