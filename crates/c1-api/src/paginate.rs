//! [`Paginator`]: every connector of an app, following `nextPageToken`.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use connkit_models::c1::{Connector, ConnectorServiceListResponse};
use futures::stream::{self, Stream};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation as _;
use crate::ops::ListConnectors;

type PageFuture = Pin<Box<dyn Future<Output = Result<ConnectorServiceListResponse>> + Send>>;

/// Pages through `List`, from the list call's `page_token` on.
///
/// - It stops when a page's `nextPageToken` is `""` or absent, or at the item cap.
/// - A token the service already sent is an [`Error::RepeatedPageToken`], not a loop.
/// - Inside a Tokio runtime the next page is requested (on a spawned task) as soon as
///   the current one is decoded, so it travels while the caller works through the
///   current one; at most two pages are in memory.
/// - The first error ends pagination and is returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_c1::Error> {
/// use std::sync::Arc;
/// use connkit_sandbox::Sandbox;
///
/// let sandbox = Sandbox::builder().build().unwrap();
/// let app = sandbox.c1().demo_app_ids()[0].clone();
/// let client = connkit_c1::Client::new("http://127.0.0.1:1", Arc::new(sandbox))?;
/// let all = client.list_connectors(&app).page_size(10).into_paginator().try_collect().await?;
/// assert!(!all.is_empty());
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until polled"]
pub struct Paginator {
    client: Client,
    /// The list request; each page sends it with its own `page_token`.
    template: ListConnectors,
    state: State,
    seen: HashSet<String>,
    buffer: VecDeque<Connector>,
    cap: Option<u64>,
    delivered: u64,
}

enum State {
    NotStarted,
    InFlight(PageFuture),
    /// The next page's token is known; nothing was sent yet (the cap was near).
    Ready(String),
    /// The next call returns this error (a repeated token, found after the page that
    /// carried it was delivered).
    Failed(Error),
    Done,
}

impl std::fmt::Debug for Paginator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("template", &self.template)
            .field("cap", &self.cap)
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

impl Paginator {
    pub(crate) fn new(client: Client, template: ListConnectors) -> Self {
        let seen = template.page_token.iter().cloned().collect();
        Paginator {
            client,
            template,
            state: State::NotStarted,
            seen,
            buffer: VecDeque::new(),
            cap: None,
            delivered: 0,
        }
    }

    /// Stops after this many connectors.
    pub fn max_items(mut self, cap: u64) -> Self {
        self.cap = Some(cap);
        self
    }

    /// Items per page (the service clamps to 10..=100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.template.page_size = Some(size);
        self
    }

    /// Sends the list request for `token` (the template's own for `None`).
    fn start(&self, token: Option<String>) -> PageFuture {
        let mut op = self.template.clone();
        if token.is_some() {
            op.page_token = token;
        }
        let client = self.client.clone();
        let fetch = async move { client.execute(&op).await };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let task = runtime.spawn(fetch);
                Box::pin(async move {
                    task.await.unwrap_or_else(|e| {
                        Err(Error::invalid_input(format!("the page task failed: {e}")))
                    })
                })
            }
            Err(_) => Box::pin(fetch),
        }
    }

    /// The next whole page (views and `expanded` included), or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<ConnectorServiceListResponse>> {
        let pending = match std::mem::replace(&mut self.state, State::Done) {
            State::NotStarted => self.start(None),
            State::InFlight(pending) => pending,
            State::Ready(token) => self.start(Some(token)),
            State::Failed(e) => return Err(e),
            State::Done => return Ok(None),
        };
        let page = pending.await?;
        self.state = match page.next_page_token() {
            None => State::Done,
            Some(token) if !self.seen.insert(token.to_owned()) => {
                State::Failed(Error::RepeatedPageToken {
                    operation: self.template.operation_id(),
                    token: token.to_owned(),
                })
            }
            Some(token) => {
                let reached = self.delivered + self.buffer.len() as u64 + count(&page);
                if self.cap.is_none_or(|cap| reached < cap) {
                    State::InFlight(self.start(Some(token.to_owned())))
                } else {
                    State::Ready(token.to_owned())
                }
            }
        };
        Ok(Some(page))
    }

    /// The next connector, or `None` after the last.
    pub async fn try_next(&mut self) -> Result<Option<Connector>> {
        loop {
            if self.cap.is_some_and(|cap| self.delivered >= cap) {
                self.state = State::Done;
                return Ok(None);
            }
            if let Some(item) = self.buffer.pop_front() {
                self.delivered += 1;
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(page.connectors().cloned()),
                None => return Ok(None),
            }
        }
    }

    /// Every remaining connector.
    pub async fn try_collect(mut self) -> Result<Vec<Connector>> {
        let mut all = Vec::new();
        while let Some(item) = self.try_next().await? {
            all.push(item);
        }
        Ok(all)
    }

    /// The remaining connectors as a `Stream`; it ends after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Connector>> + Send {
        stream::unfold(Some(self), |state| async move {
            let mut paginator = state?;
            match paginator.try_next().await {
                Ok(Some(item)) => Some((Ok(item), Some(paginator))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

fn count(page: &ConnectorServiceListResponse) -> u64 {
    page.connectors().count() as u64
}
