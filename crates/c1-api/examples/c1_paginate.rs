//! Every connector of an app, following `nextPageToken`: page by page, as a stream of
//! connectors, or collected, with a cap and a time limit.
//!
//! `cargo run -p connkit-c1 --example c1_paginate`
//!
//! The next page is requested while the current one is used; a token the service sends
//! twice ends the listing with an error instead of a loop. The stream is `Unpin`:
//! `.next().await` works on it as it is.

use connkit_c1::prelude::*;
use std::time::Duration;

use connkit_c1::Client;
use connkit_sandbox::Sandbox;
use futures::StreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().build()?;
    let app = sandbox.c1().demo_app_ids().remove(0);
    let client = Client::from_transport(sandbox)?;
    for n in 1..=40 {
        client
            .create_delegated_connector(&app, "catalog-example")
            .display_name(format!("Example {n}"))
            .send()
            .await?;
    }

    // Page by page, 10 connectors a page (the service takes 10 to 100).
    let mut pages = client
        .list_connectors(&app)
        .page_size(10)
        .into_paginator()
        .timeout(Duration::from_secs(30));
    let mut seen = 0;
    while let Some(page) = pages.next_page().await? {
        seen += page.connectors().count();
        println!(
            "a page of {}, next token {:?}",
            page.connectors().count(),
            page.next_page_token()
        );
    }

    // The same listing as a stream of connectors, the first 15 only.
    let mut connectors = client
        .list_connectors(&app)
        .page_size(10)
        .into_paginator()
        .max_items(15)
        .into_stream();
    let mut streamed = 0;
    while let Some(connector) = connectors.next().await {
        let connector = connector?;
        streamed += 1;
        println!(
            "{streamed:2}. {}",
            connector.display_name.unwrap_or_default()
        );
    }
    assert_eq!(streamed, 15);

    // Or all at once.
    let all = client
        .list_connectors(&app)
        .into_paginator()
        .try_collect()
        .await?;
    assert_eq!(all.len(), seen);
    println!("{seen} connectors in app {app}");
    Ok(())
}
