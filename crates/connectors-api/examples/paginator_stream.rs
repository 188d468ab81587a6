//! Every connector of a list as a stream, page by page, several pages at a time.
//!
//! `cargo run -p connkit-connectors --example paginator_stream`
//!
//! The stream is `Unpin`: `.next().await` works on it as it is, no `pin!` needed.

use connkit_connectors::prelude::*;
use std::time::Duration;

use connkit_connectors::Client;
use connkit_models::filter;
use connkit_sandbox::Sandbox;
use futures::StreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_transport(Sandbox::builder().seed(600).build()?)?;

    // Every connector, 100 per request, up to 4 requests in flight, 30 s for it all.
    let mut connectors = client
        .list_connectors()
        .into_paginator()
        .page_size(100)
        .concurrency(4)
        .timeout(Duration::from_secs(30))
        .into_stream();
    let mut count = 0;
    let mut direct = 0;
    while let Some(connector) = connectors.next().await {
        let connector = connector?;
        count += 1;
        direct += usize::from(connector.direct_connect == Some(true));
    }
    println!("{count} connectors, {direct} of them direct-connect");

    // A filtered listing, page by page.
    let mut pages = client
        .list_connectors()
        .filter(filter::field("name").sw("Active"))
        .into_paginator()
        .page_size(25)
        .into_page_stream();
    while let Some(page) = pages.next().await {
        let page = page?;
        println!(
            "page at offset {}: {} connectors (total {:?})",
            page.offset,
            page.len(),
            page.total
        );
    }
    Ok(())
}
