//! The typed builder: `field("name").sw("Act").and(field("type").eq("JDBC"))`.

use super::ast::{CompareOp, Filter, Literal};

/// Start a term on `name` (e.g. `"name"`, `"directConnect"`, `"attributes.foo"`).
///
/// ```
/// use connkit_models::filter::field;
///
/// let f = field("name").sw("Act").and(field("directConnect").eq(true));
/// assert_eq!(f.to_string(), r#"name sw "Act" and directConnect eq true"#);
/// ```
pub fn field(name: impl Into<String>) -> Field {
    Field { name: name.into() }
}

/// A field awaiting its operator; made by [`field`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[must_use = "a field alone is not a filter: apply an operator such as `.eq(..)`"]
pub struct Field {
    name: String,
}

/// One shorthand method per comparison operator, each a call to [`Field::compare`].
macro_rules! comparisons {
    ($($(#[$doc:meta])* $method:ident => $op:ident,)*) => {$(
        $(#[$doc])*
        pub fn $method(self, value: impl Into<Literal>) -> Filter {
            self.compare(CompareOp::$op, value)
        }
    )*};
}

impl Field {
    /// The field name given to [`field`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `field op value` for any comparison operator.
    pub fn compare(self, op: CompareOp, value: impl Into<Literal>) -> Filter {
        Filter::Compare {
            field: self.name,
            op,
            value: value.into(),
        }
    }

    comparisons! {
        /// `field eq value`.
        eq => Eq,
        /// `field ne value`.
        ne => Ne,
        /// `field gt value`.
        gt => Gt,
        /// `field ge value`.
        ge => Ge,
        /// `field lt value`.
        lt => Lt,
        /// `field le value`.
        le => Le,
        /// `field co value` (contains).
        co => Co,
        /// `field sw value` (starts with).
        sw => Sw,
    }

    /// `field in (v1, v2, …)`. The list should not be empty: `in ()` does not parse and the
    /// service rejects it.
    pub fn in_<V: Into<Literal>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        Filter::In {
            field: self.name,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `field ca (v1, v2, …)` (contains all). The list should not be empty, as for [`Field::in_`].
    pub fn ca<V: Into<Literal>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        Filter::ContainsAll {
            field: self.name,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `pr field` (is present).
    pub fn pr(self) -> Filter {
        Filter::Present { field: self.name }
    }

    /// `field isnull`.
    pub fn is_null(self) -> Filter {
        Filter::IsNull { field: self.name }
    }
}

impl Filter {
    /// `self and other`; operands that are already `and` chains are merged into one chain.
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        Filter::And(join(self, other, Filter::into_and_operands))
    }

    /// `self or other`; operands that are already `or` chains are merged into one chain.
    #[must_use]
    pub fn or(self, other: Filter) -> Filter {
        Filter::Or(join(self, other, Filter::into_or_operands))
    }

    /// `not self`.
    #[must_use]
    // An inherent method so that `f.not()` works without importing `std::ops::Not`; the trait
    // is implemented too (`!f`).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter::Not(Box::new(self))
    }

    /// All of `filters` joined with `and`: `None` when empty, the filter itself when there is
    /// one. Handy for combining optional conditions.
    pub fn all_of(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Any of `filters` joined with `or`: `None` when empty, the filter itself when there is one.
    pub fn any_of(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::or)
    }

    fn into_and_operands(self) -> Vec<Filter> {
        match self {
            Filter::And(operands) => operands,
            other => vec![other],
        }
    }

    fn into_or_operands(self) -> Vec<Filter> {
        match self {
            Filter::Or(operands) => operands,
            other => vec![other],
        }
    }
}

fn join(left: Filter, right: Filter, operands: fn(Filter) -> Vec<Filter>) -> Vec<Filter> {
    let mut all = operands(left);
    all.extend(operands(right));
    all
}

impl std::ops::Not for Filter {
    type Output = Filter;

    fn not(self) -> Filter {
        Filter::not(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str) -> Filter {
        field(name).eq(1)
    }

    #[test]
    fn and_or_flatten_chains_of_their_own_kind_only() {
        let f = leaf("a").and(leaf("b")).and(leaf("c").and(leaf("d")));
        assert_eq!(
            f,
            Filter::And(vec![leaf("a"), leaf("b"), leaf("c"), leaf("d")])
        );

        let g = leaf("a").or(leaf("b")).and(leaf("c"));
        assert_eq!(
            g,
            Filter::And(vec![Filter::Or(vec![leaf("a"), leaf("b")]), leaf("c")])
        );
    }

    #[test]
    fn not_method_and_operator_agree() {
        assert_eq!(!leaf("a"), leaf("a").not());
        assert_eq!(leaf("a").not(), Filter::Not(Box::new(leaf("a"))));
    }

    #[test]
    fn all_of_and_any_of_handle_zero_and_one() {
        assert_eq!(Filter::all_of([]), None);
        assert_eq!(Filter::any_of([leaf("a")]), Some(leaf("a")));
        assert_eq!(
            Filter::any_of([leaf("a"), leaf("b"), leaf("c")]),
            Some(Filter::Or(vec![leaf("a"), leaf("b"), leaf("c")]))
        );
    }

    #[test]
    fn builder_produces_every_variant() {
        assert_eq!(
            field("features").ca(["A", "B"]),
            Filter::ContainsAll {
                field: "features".into(),
                values: vec![Literal::from("A"), Literal::from("B")],
            }
        );
        assert_eq!(
            field("n").in_([1, 2]),
            Filter::In {
                field: "n".into(),
                values: vec![Literal::from(1), Literal::from(2)],
            }
        );
        assert_eq!(field("x").pr(), Filter::Present { field: "x".into() });
        assert_eq!(field("x").is_null(), Filter::IsNull { field: "x".into() });
        assert_eq!(field("x").name(), "x");
    }
}
