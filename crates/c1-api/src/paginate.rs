//! [`Paginator`]: every connector of an app, following `nextPageToken` — the shared
//! [`connkit_client::Paginator`] over [`ConnectorListing`] with [`Token`] cursors.

use bytes::Bytes;
use connkit_client::{Listing, PageMeta, PageRequest, PageSource, PaginationError, Sending, Token};
use connkit_models::c1::{Connector, ConnectorServiceListResponse};
use connkit_transport::TransportError;

use crate::client::Client;
use crate::error::Error;
use crate::operation::Operation as _;
use crate::ops::{ListConnectors, PAGE_SIZE_RANGE};

/// Pages through `List`, from the list call's `page_token` on.
///
/// - It stops when a page's `nextPageToken` is `""` or absent, or at the item cap.
/// - A token the service already sent is an [`Error::RepeatedPageToken`], not a loop.
/// - Inside a Tokio runtime the next page is requested (on a spawned task) as soon as
///   the current one is decoded, so it travels while the caller works through the
///   current one; at most two pages are in memory. Dropping the paginator or its
///   stream aborts that request, also while it waits in the rate limiter.
/// - [`timeout`](connkit_client::Paginator::timeout) bounds the whole listing.
/// - The first error ends pagination and is returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_c1::Error> {
/// use std::sync::Arc;
/// use connkit_sandbox::Sandbox;
/// use futures::StreamExt;
///
/// let sandbox = Sandbox::builder().build().unwrap();
/// let app = sandbox.c1().demo_app_ids()[0].clone();
/// use connkit_c1::prelude::*;
/// let client = connkit_c1::Client::new("http://127.0.0.1:1", Arc::new(sandbox))?;
/// let all = client.list_connectors(&app).page_size(10).into_paginator().try_collect().await?;
/// assert!(!all.is_empty());
///
/// let mut stream = client.list_connectors(&app).into_paginator().max_items(1).into_stream();
/// assert!(stream.next().await.is_some());
/// assert!(stream.next().await.is_none());
/// # Ok(()) }
/// ```
pub type Paginator = connkit_client::Paginator<ConnectorListing>;

/// The listing behind [`Paginator`]: `List` of one app, sent with each page's token.
#[derive(Debug, Clone)]
pub struct ConnectorListing {
    client: Client,
    /// The list request; each page sends it with its own `page_token` and `page_size`.
    template: ListConnectors,
}

impl Listing<Client> for ListConnectors {
    type Source = ConnectorListing;

    /// The paginator of this list, from its `page_token` on.
    fn paginator(self, client: Client) -> Paginator {
        let template = self;
        let start = Token(template.page_token.clone().filter(|t| !t.is_empty()));
        let page_size = template.page_size.unwrap_or(PAGE_SIZE_RANGE.1);
        connkit_client::Paginator::new(
            ConnectorListing { client, template },
            start,
            page_size,
            PAGE_SIZE_RANGE.2,
        )
    }
}

impl PageSource for ConnectorListing {
    type Cursor = Token;
    type Page = ConnectorServiceListResponse;
    type Item = Connector;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        self.template.operation_id()
    }

    fn send(&self, request: PageRequest<'_, Token>) -> Sending<Error> {
        let mut op = self.template.clone();
        op.page_token = request.cursor.0.clone();
        op.page_size = Some(request.limit);
        let client = self.client.clone();
        let deadline = request.deadline;
        Box::pin(async move { client.fetch(&op, deadline).await })
    }

    fn decode(&self, _: &Token, response: http::Response<Bytes>) -> Result<Self::Page, Error> {
        self.template.parse_response(response)
    }

    fn meta(page: &Self::Page) -> PageMeta<'_> {
        PageMeta::new(page.connectors().count()).next_token(page.next_page_token())
    }

    fn truncate(page: &mut Self::Page, len: usize) {
        if let Some(views) = &mut page.list {
            // Keep views up to the `len`-th one that holds a connector.
            let mut seen = 0;
            let end = views
                .iter()
                .position(|view| {
                    seen += usize::from(view.connector.is_some());
                    seen > len
                })
                .unwrap_or(views.len());
            views.truncate(end);
        }
    }

    fn into_items(page: Self::Page) -> Vec<Connector> {
        page.list
            .into_iter()
            .flatten()
            .filter_map(|view| view.connector)
            .collect()
    }

    fn is_timeout(error: &Error) -> bool {
        matches!(error, Error::Transport { source, .. } if source.is_timeout())
    }
}

impl From<PaginationError> for Error {
    fn from(error: PaginationError) -> Self {
        match error {
            PaginationError::RepeatedCursor { operation, cursor } => Error::RepeatedPageToken {
                operation,
                token: cursor,
            },
            PaginationError::Expired { operation, after } => Error::Transport {
                operation,
                source: TransportError::Timeout {
                    phase: connkit_transport::TimeoutPhase::Operation,
                    after,
                },
            },
            other => Error::Pagination(other),
        }
    }
}
