//! Pull: a tenant's connectors into a [`Tree`]: one listing (every page), then one
//! `getConnector` per connector (its detail holds the documents). Every document is saved
//! as served, the service's defaults included: the API cannot tell a default from an
//! edited document, and saving it makes the round trip exact (see the crate docs).

use connkit_connectors::{Client, FilterArg};
use futures::{StreamExt, TryStreamExt};

use crate::error::{Error, Result};
use crate::identity::Claimed;
use crate::remote::{fetch, is_custom, list, path_safe};
use crate::tree::Tree;

/// What to pull.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// Only the connectors matching this list filter.
    pub filter: Option<FilterArg>,
    /// Built-in connectors too, not only custom ones (see [`is_custom`]).
    pub builtin: bool,
    /// Connectors read at a time (each is one request); the client's rate limiter
    /// still bounds the request rate.
    pub concurrency: usize,
}

impl Default for PullOptions {
    fn default() -> Self {
        Self {
            filter: None,
            builtin: false,
            concurrency: 4,
        }
    }
}

/// Reads the connectors `options` select, each into a folder named by its
/// `scriptName`; `progress(done, total)` is called after each connector.
pub async fn pull(
    client: &Client,
    options: &PullOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Tree> {
    let listed = list(client, options.filter.as_ref()).await?;
    let mut scripts = Vec::with_capacity(listed.len());
    let mut claimed = Claimed::default();
    for connector in listed {
        if !options.builtin && !is_custom(connector.connector_type.as_deref()) {
            continue;
        }
        let script = connector
            .script_name
            .ok_or_else(|| Error::Remote("a listed connector has no scriptName".to_owned()))?;
        path_safe("scriptName", &script)?;
        if claimed.claim(connector.name.as_deref(), &script)? {
            scripts.push(script);
        }
    }
    let total = scripts.len();
    let mut done = 0;
    let mut tree = Tree::default();
    let mut fetched = futures::stream::iter(scripts.iter().map(|s| fetch(client, s)))
        .buffer_unordered(options.concurrency.max(1));
    while let Some(remote) = fetched.try_next().await? {
        done += 1;
        progress(done, total);
        tree.connectors.insert(remote.script_name, remote.files);
    }
    Ok(tree)
}
