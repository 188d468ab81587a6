//! Writing results to stdout as an aligned table, one JSON document, NDJSON, or YAML.
//!
//! Lists are written page by page as they arrive: JSON as a streamed array (`[`, one
//! item per line, `]`), NDJSON as one item per line. Neither keeps items after writing
//! them, so memory stays flat however many pages there are. Only the table collects
//! its rows, because column widths depend on every row. YAML is the JSON a command
//! writes, re-encoded once it is complete ([`Requested::Yaml`]), so it is held whole.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use serde::Serialize;
use serde_json::Value;

use crate::exit::Failure;
use crate::style::{self, Kind, Stream};
use crate::untrusted;

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// One JSON value per line, streamed.
    Ndjson,
}

/// What `-o` asks for: a format commands write, or YAML, which is the JSON they write
/// re-encoded (so every command that prints JSON prints YAML, one code path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Requested {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// One JSON value per line, streamed.
    Ndjson,
    /// YAML: the JSON output re-encoded, held whole until the command is done.
    Yaml,
}

impl Requested {
    /// The format commands write for this request: YAML is written as JSON first.
    pub fn written(self) -> OutputFormat {
        match self {
            Requested::Table => OutputFormat::Table,
            Requested::Json | Requested::Yaml => OutputFormat::Json,
            Requested::Ndjson => OutputFormat::Ndjson,
        }
    }
}

/// Re-encodes what a command wrote as JSON into YAML on `out`: each JSON document one
/// YAML document (`---` between them). Output that is not JSON (an XML document printed
/// verbatim) is written unchanged. Strings are never folded or shortened: a secret shown
/// once stays on one line, whole.
pub fn json_to_yaml(json: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let documents: Result<Vec<Value>, _> = serde_json::Deserializer::from_slice(json)
        .into_iter()
        .collect();
    let Ok(documents) = documents else {
        return write_verbatim(out, json);
    };
    for (i, document) in documents.iter().enumerate() {
        if i > 0 {
            out.write_all(b"---\n")?;
        }
        serde_norway::to_writer(&mut *out, document).map_err(io::Error::other)?;
    }
    out.flush()
}

/// Where every command's results go and how they look: stdout, the format, and
/// whether notes on stderr are wanted. One for every command family.
pub struct Sink<'a> {
    /// stdout (buffered; lists flush once per page).
    pub out: &'a mut dyn Write,
    /// The output format.
    pub format: OutputFormat,
    /// `-q`: no progress, no notes on stderr.
    pub quiet: bool,
}

impl Sink<'_> {
    /// Writes one object in the sink's format.
    pub fn object<T: Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        write_object(self.out, self.format, value).map_err(Failure::write_failed)
    }

    /// Writes a whole list (one page) in the sink's format.
    pub fn list<T: Serialize + Row>(&mut self, items: &[T]) -> Result<(), Failure> {
        let mut writer = ListWriter::new(&mut *self.out, self.format);
        writer.page(items).map_err(Failure::write_failed)?;
        writer.finish(None).map_err(Failure::write_failed)
    }

    /// A line for people on stderr (what was done, where), unless `-q`; escaped, as it
    /// may quote a server's text.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{}", untrusted::escape(message));
        }
    }
}

/// The key of a profile in `profiles.toml` that holds the command line's default output
/// format: the command line's own, among the keys the transport leaves to the
/// applications that share the file (`Profile::extra`).
pub const PROFILE_KEY: &str = "output";

/// The format to use: the one asked for, else a table on a terminal and JSON otherwise.
pub fn resolve_format(requested: Option<Requested>) -> Requested {
    requested.unwrap_or(if io::stdout().is_terminal() {
        Requested::Table
    } else {
        Requested::Json
    })
}

/// A value that has a row in a table.
pub trait Row {
    /// Column headings, in order.
    const HEADERS: &'static [&'static str];
    /// This value's cells, one per heading.
    fn cells(&self) -> Vec<String>;
}

/// Writes one object: pretty JSON, one NDJSON line, or a two-column `field  value` table.
pub fn write_object<T: Serialize>(
    out: &mut dyn Write,
    format: OutputFormat,
    value: &T,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
            writeln!(out)
        }
        OutputFormat::Ndjson => write_line(out, value),
        OutputFormat::Table => {
            let value = serde_json::to_value(value).map_err(io::Error::from)?;
            let mut rows = Vec::new();
            field_rows("", value, &mut rows);
            write_table(out, &["FIELD", "VALUE"], &rows)
        }
    }
}

/// Writes a sequence of items page by page; see the module docs for what is kept.
pub struct ListWriter<'a, T> {
    out: &'a mut dyn Write,
    format: OutputFormat,
    written: u64,
    rows: Vec<Vec<String>>,
    _item: std::marker::PhantomData<fn(&T)>,
}

impl<'a, T: Serialize + Row> ListWriter<'a, T> {
    /// Starts a list on `out`.
    pub fn new(out: &'a mut dyn Write, format: OutputFormat) -> Self {
        Self {
            out,
            format,
            written: 0,
            rows: Vec::new(),
            _item: std::marker::PhantomData,
        }
    }

    /// Writes (or, for a table, keeps the cells of) one page of items, then flushes.
    pub fn page(&mut self, items: &[T]) -> io::Result<()> {
        for item in items {
            match self.format {
                OutputFormat::Json => {
                    self.separator()?;
                    serde_json::to_writer(&mut *self.out, item).map_err(io::Error::from)?;
                }
                OutputFormat::Ndjson => write_line(self.out, item)?,
                OutputFormat::Table => self.rows.push(item.cells()),
            }
            self.written += 1;
        }
        self.out.flush()
    }

    /// Writes one page of items given as their compact JSON, exactly as serializing
    /// each `T` prints it (a listing's raw items, checked to be so), then flushes: the
    /// same bytes as [`page`](Self::page), without decoding. A table needs the decoded
    /// items: asked for one, it fails with [`io::ErrorKind::InvalidInput`].
    pub fn encoded_page(&mut self, items: &[impl AsRef<[u8]>]) -> io::Result<()> {
        for item in items {
            match self.format {
                OutputFormat::Json => self.separator()?,
                OutputFormat::Ndjson => {}
                OutputFormat::Table => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "a table is written from decoded items, not from their JSON",
                    ))
                }
            }
            self.out.write_all(item.as_ref())?;
            if self.format == OutputFormat::Ndjson {
                self.out.write_all(b"\n")?;
            }
            self.written += 1;
        }
        self.out.flush()
    }

    /// What goes before an item of a JSON list: the opening bracket or a comma.
    fn separator(&mut self) -> io::Result<()> {
        self.out
            .write_all(if self.written == 0 { b"[\n" } else { b",\n" })
    }

    /// How many items have been written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Ends the list; a table gets a `N of TOTAL` footer when the total is known.
    pub fn finish(self, total: Option<u64>) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                self.out
                    .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            OutputFormat::Ndjson => {}
            OutputFormat::Table => {
                write_table(self.out, T::HEADERS, &self.rows)?;
                if let Some(total) = total {
                    writeln!(self.out, "{} of {total}", self.written)?;
                }
            }
        }
        self.out.flush()
    }
}

/// `1 write`, `3 writes`: a count with its noun, never `write(s)`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Writes text exactly as received (XML documents, translations).
pub fn write_verbatim(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    out.write_all(text)?;
    out.flush()
}

/// One compact JSON value and a newline.
fn write_line<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// One `FIELD  VALUE` row per leaf of `value`: a nested object's members are rows of
/// their own under dotted names (`status.status  SYNC_STATUS_DONE`), never one cell of
/// raw JSON.
fn field_rows(name: &str, value: Value, rows: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let name = if name.is_empty() {
                    key
                } else {
                    format!("{name}.{key}")
                };
                field_rows(&name, value, rows);
            }
        }
        other => {
            let name = if name.is_empty() { "value" } else { name };
            rows.push(vec![name.to_owned(), cell(&other)]);
        }
    }
}

/// A JSON value as a table cell: strings bare, absent as empty. Multi-line text (an
/// XML document) is summarised so the table stays a table; one line is never
/// shortened, however long: it may be a secret shown once (a rotated client secret)
/// or a token the user must copy whole.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    };
    if text.contains('\n') {
        let first: String = text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        format!("{first}… ({} bytes)", text.len())
    } else {
        text
    }
}

/// Writes aligned columns: every column as wide as its widest cell, two spaces apart,
/// no trailing spaces.
fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    // Cells hold servers' text: escaped, so a name cannot steer the terminal.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| untrusted::escape(c).into_owned())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for (n, row) in std::iter::once(&headers).chain(&rows).enumerate() {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        let line = line.trim_end();
        // The header line is bold when stdout gets colour; cells never are.
        match n {
            0 => writeln!(out, "{}", style::paint(Stream::Stdout, Kind::Header, line))?,
            _ => writeln!(out, "{line}")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: &'static str,
        n: u32,
    }

    impl Row for Item {
        const HEADERS: &'static [&'static str] = &["NAME", "N"];
        fn cells(&self) -> Vec<String> {
            vec![self.name.to_owned(), self.n.to_string()]
        }
    }

    fn list(format: OutputFormat, pages: &[&[Item]], total: Option<u64>) -> String {
        let mut out = Vec::new();
        let mut writer = ListWriter::new(&mut out, format);
        for page in pages {
            writer.page(page).unwrap();
        }
        writer.finish(total).unwrap();
        String::from_utf8(out).unwrap()
    }

    const A: Item = Item {
        name: "alpha",
        n: 1,
    };
    const B: Item = Item { name: "b", n: 1000 };

    #[test]
    fn json_list_is_one_document_across_pages() {
        let text = list(OutputFormat::Json, &[&[A], &[B]], None);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!([{"name": "alpha", "n": 1}, {"name": "b", "n": 1000}])
        );
        let empty: Value = serde_json::from_str(&list(OutputFormat::Json, &[], None)).unwrap();
        assert_eq!(empty, serde_json::json!([]));
    }

    #[test]
    fn ndjson_list_is_one_item_per_line() {
        let text = list(OutputFormat::Ndjson, &[&[A, B]], Some(2));
        assert_eq!(
            text,
            "{\"name\":\"alpha\",\"n\":1}\n{\"name\":\"b\",\"n\":1000}\n"
        );
    }

    #[test]
    fn table_aligns_columns_and_counts() {
        let text = list(OutputFormat::Table, &[&[A], &[B]], Some(7));
        assert_eq!(text, "NAME   N\nalpha  1\nb      1000\n2 of 7\n");
    }

    #[test]
    fn table_cells_cannot_steer_the_terminal() {
        let evil = Item {
            name: "a\x1b[2J\rerror: fake",
            n: 1,
        };
        let text = list(OutputFormat::Table, &[&[evil]], None);
        assert_eq!(
            text,
            "NAME                     N\na\\u{1b}[2J\\rerror: fake  1\n"
        );
    }

    #[test]
    fn object_table_shows_one_line_whole_and_nested_fields_as_rows() {
        let secret = format!("secret-token:conductorone.com:v1:{}", "e".repeat(180));
        let value = serde_json::json!({
            "clientSecret": secret,
            "status": {"status": "SYNC_STATUS_DONE", "completedAt": "2026-01-05T09:30:00Z"},
            "empty": {},
        });
        let mut out = Vec::new();
        write_object(&mut out, OutputFormat::Table, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert!(
            rows.contains(&vec!["clientSecret", secret.as_str()]),
            "{text}"
        );
        assert!(
            rows.contains(&vec!["status.status", "SYNC_STATUS_DONE"]),
            "{text}"
        );
        assert!(
            rows.contains(&vec!["status.completedAt", "2026-01-05T09:30:00Z"]),
            "{text}"
        );
        assert!(!text.contains("{\""), "no raw JSON object: {text}");
    }

    fn yaml(json: &str) -> String {
        let mut out = Vec::new();
        json_to_yaml(json.as_bytes(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn yaml_keeps_long_strings_whole_and_separates_documents() {
        let secret = format!("secret-token:{}", "e".repeat(300));
        let text = yaml(&format!(r#"{{"clientSecret": "{secret}", "n": [1, "2"]}}"#));
        assert_eq!(text, format!("clientSecret: {secret}\nn:\n- 1\n- '2'\n"));
        assert_eq!(yaml("1\n{\"a\": null}"), "1\n---\na: null\n");
        let parsed: Value = serde_norway::from_str(&yaml(r#"{"x": "a\nb: c"}"#)).unwrap();
        assert_eq!(parsed, serde_json::json!({"x": "a\nb: c"}));
    }

    #[test]
    fn yaml_writes_what_is_not_json_unchanged() {
        assert_eq!(yaml("<a/>\n"), "<a/>\n");
        assert_eq!(yaml(""), "");
    }

    #[test]
    fn object_table_summarises_long_text() {
        let mut out = Vec::new();
        let value = serde_json::json!({"name": "x", "tags": ["p", "q"], "xml": "<a>\n</a>"});
        write_object(&mut out, OutputFormat::Table, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "FIELD  VALUE\nname   x\ntags   p,q\nxml    <a>… (8 bytes)\n"
        );
    }
}
