//! Byte offsets to the 1-based line and column an editor shows.

/// The 1-based line and column of byte `offset` in `bytes`. Columns count characters
/// (UTF-8 continuation bytes are not counted), so they match what an editor shows; a
/// CR of a CRLF line end belongs to the line it ends. (`connkit-plugin-abi` has its
/// own `LineIndex` for plugin authors: neither crate may depend on the other.)
pub fn line_column(bytes: &[u8], offset: usize) -> (u32, u32) {
    LineIndex::new(bytes).locate(offset)
}

/// Line starts of a text, computed once, so that locating many findings in a large
/// document stays linear in its size (one binary search and one line scan each).
pub(crate) struct LineIndex<'t> {
    bytes: &'t [u8],
    starts: Vec<usize>,
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
        Self { bytes, starts }
    }

    /// The 1-based line and column of byte `offset`, in one binary search and one
    /// scan of its line.
    pub(crate) fn locate(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.bytes.len());
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        (saturate(line), column(&self.bytes[start..offset]))
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
    fn crlf_line_ends_count_once() {
        let text = b"<a>\r\n  <b/>\r\n</a>";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(7), (2, 3));
        assert_eq!(index.locate(13), (3, 1));
    }
}
