//! [`Page`]: one page of a list answer, as the offset-paged API (ISC) returns it.

/// One page of a list: its items, where it starts, and the collection's total when the
/// service said (ISC: `count=true` → `X-Total-Count`).
///
/// `#[non_exhaustive]` so that a field can be added without a breaking release;
/// [`Page::new`] builds one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items, in service order.
    pub items: Vec<T>,
    /// The offset of the first item in the whole collection.
    pub offset: u64,
    /// The size of the whole collection, if the service reported it.
    pub total: Option<u64>,
    /// Items the service sent on this page that could not be decoded at all (each
    /// noted as a repair): they still count toward the page's length for paging, so a
    /// full page with one unreadable item is not taken for the last.
    pub dropped: usize,
}

impl<T> Page<T> {
    /// A page of `items` starting at `offset` of a collection of `total` items (if
    /// known): for transports and tests that answer lists themselves.
    pub fn new(items: Vec<T>, offset: u64, total: Option<u64>) -> Self {
        Page {
            items,
            offset,
            total,
            dropped: 0,
        }
    }

    /// The same page, noting that the service sent `dropped` more items than it holds.
    pub fn with_dropped(mut self, dropped: usize) -> Self {
        self.dropped = dropped;
        self
    }

    /// How many items the service sent on this page: those it holds and those dropped.
    pub fn received(&self) -> usize {
        self.items.len() + self.dropped
    }

    /// The number of items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `true` when the page holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The offset just past this page (dropped items included).
    pub fn next_offset(&self) -> u64 {
        self.offset + self.received() as u64
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
