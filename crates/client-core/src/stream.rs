//! [`ListStream`]: what a [`Paginator`](crate::Paginator)'s `into_stream` and
//! `into_page_stream` return.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{BoxStream, Stream};

/// A stream of list results that ends after the first error.
///
/// It is a named, [`Unpin`] type (the state lives in a box) so that
/// `stream.next().await` works as it is, with no `pin!` first and no unnameable type in
/// a compiler error; the box costs one allocation per listing, not per item.
#[must_use = "a stream does nothing unless polled"]
pub struct ListStream<T, E> {
    inner: BoxStream<'static, Result<T, E>>,
}

impl<T, E> ListStream<T, E> {
    /// Boxes `inner`.
    pub fn new(inner: impl Stream<Item = Result<T, E>> + Send + 'static) -> Self {
        ListStream {
            inner: Box::pin(inner),
        }
    }
}

impl<T, E> Stream for ListStream<T, E> {
    type Item = Result<T, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T, E> fmt::Debug for ListStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListStream").finish_non_exhaustive()
    }
}
