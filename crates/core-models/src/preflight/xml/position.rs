//! Byte offsets to the 1-based line and column an editor shows.

use std::cell::Cell;

/// The 1-based line and column of byte `offset` in `bytes`. Columns count characters
/// (UTF-8 continuation bytes are not counted), so they match what an editor shows; a
/// CR of a CRLF line end belongs to the line it ends. (`connkit-plugin-abi` has its
/// own `LineIndex` for plugin authors: neither crate may depend on the other.)
pub fn line_column(bytes: &[u8], offset: usize) -> (u32, u32) {
    LineIndex::new(bytes).locate(offset)
}

/// Line starts of a text, computed once, so that locating many findings in a large
/// document stays linear in its size: a binary search finds the line, and the column
/// is counted on from the previous answer when it lies earlier on the same line
/// (findings come in document order), so even a one-line document of many findings is
/// scanned once.
pub(crate) struct LineIndex<'t> {
    bytes: &'t [u8],
    starts: Vec<usize>,
    /// The last answer: offset, line (1-based) and column.
    last: Cell<(usize, usize, u32)>,
}

impl<'t> LineIndex<'t> {
    pub(crate) fn new(bytes: &'t [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Self {
            bytes,
            starts,
            last: Cell::new((0, 1, 1)),
        }
    }

    /// The 1-based line and column of byte `offset`.
    pub(crate) fn locate(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.bytes.len());
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        let (last_offset, last_line, last_column) = self.last.get();
        let column = if last_line == line && (start..=offset).contains(&last_offset) {
            last_column + column(&self.bytes[last_offset..offset]) - 1
        } else {
            column(&self.bytes[start..offset])
        };
        self.last.set((offset, line, column));
        (saturate(line), column)
    }
}

/// 1 + the characters in `line_prefix`.
fn column(line_prefix: &[u8]) -> u32 {
    let characters = line_prefix
        .iter()
        .filter(|b| (**b & 0b1100_0000) != 0b1000_0000)
        .count();
    saturate(characters + 1)
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters() {
        let text = "ab\ncé€d\n".as_bytes();
        let index = LineIndex::new(text);
        for (offset, expected) in [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (9, (2, 4)),
            (1000, (3, 1)),
        ] {
            assert_eq!(line_column(text, offset), expected, "offset {offset}");
            assert_eq!(index.locate(offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn answers_do_not_depend_on_the_order_of_questions() {
        let text = "é<a>&x;&y;\n  <b>€</b>\n".as_bytes();
        let index = LineIndex::new(text);
        let offsets = [0, 2, 5, 9, 1, 12, 3, 16, 16, 14, 30, 0];
        for offset in offsets {
            assert_eq!(
                index.locate(offset),
                line_column_by_scan(text, offset),
                "{offset}"
            );
        }
    }

    /// The definition: count newlines and characters from the start.
    fn line_column_by_scan(text: &[u8], offset: usize) -> (u32, u32) {
        let before = &text[..offset.min(text.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        (saturate(line), column(&before[start..]))
    }

    #[test]
    fn crlf_line_ends_count_once() {
        let text = b"<a>\r\n  <b/>\r\n</a>";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(7), (2, 3));
        assert_eq!(index.locate(13), (3, 1));
    }
}
