//! Byte offsets to the 1-based line and column a person can find in an editor, counted
//! the way the host shows them: lines split at `\n`, columns in characters (UTF-8 code
//! points), not bytes.

/// Where each line of a text starts, so that many offsets can be placed in
/// `O(log lines + line length)` each instead of rescanning the text every time.
///
/// Parsers report byte offsets; findings need a line and a column that are 1-based and
/// count characters (the host refuses a line or column of 0):
///
/// ```
/// use connkit_plugin_abi::{Finding, LineIndex};
///
/// let body = "<Form>\n  <Fïeld/>\n</Form>".as_bytes();
/// let lines = LineIndex::new(body);
/// let offset = body.windows(2).position(|w| w == b"/>").unwrap();
/// // `ï` is two bytes but one character.
/// assert_eq!(lines.line_column(offset), (2, 9));
/// let finding = Finding::error("my.rule", "no").at_offset(&lines, offset);
/// assert_eq!((finding.line, finding.column), (Some(2), Some(9)));
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset of the first byte of each line; always starts with 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` in one pass.
    pub fn new(text: &'a [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(newlines(text).map(|i| i + 1))
            .collect();
        Self { text, starts }
    }

    /// The 1-based line and column (counted in characters) of byte `offset`. Offsets
    /// past the end point just after the last character; an offset inside a multi-byte
    /// character counts that character as started.
    pub fn line_column(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        // The last line starting at or before `offset`; `starts[0] == 0` so it exists.
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        // Count characters, not bytes: UTF-8 continuation bytes do not start one.
        let column = self.text[start..offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        (saturate(line + 1), saturate(column + 1))
    }
}

fn newlines(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i)
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn counts_lines_and_characters() {
        let text = "ab\ncé<x".as_bytes();
        let line_column = |offset| LineIndex::new(text).line_column(offset);
        assert_eq!(line_column(0), (1, 1));
        assert_eq!(line_column(2), (1, 3));
        assert_eq!(line_column(3), (2, 1));
        // `é` is two bytes; `<` is the third character of line 2.
        assert_eq!(line_column(6), (2, 3));
        assert_eq!(line_column(999), (2, 5));
    }

    #[test]
    fn an_index_agrees_with_a_naive_count_everywhere() {
        let text = "\n\nfirst\r\n  sé\n\nlast".as_bytes();
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            let before = &text[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            if std::str::from_utf8(before).is_ok() {
                assert_eq!(
                    index.line_column(offset),
                    (line as u32, column as u32),
                    "at {offset}"
                );
            }
        }
    }
}
