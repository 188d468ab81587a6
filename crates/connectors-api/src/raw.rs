//! [`RawPaginator`]: every connector of a list as the compact JSON of its
//! `V3ConnectorDto`, for callers that only pass items on (print them, store them).
//!
//! Each item is exactly what serializing the decoded
//! [`V3ConnectorDto`](connkit_models::isc::v2024::V3ConnectorDto) with
//! `serde_json::to_vec` gives, so the output is the same byte for byte as through the
//! typed [`Paginator`]. When a page already is in that form (the
//! common case: checked in one pass by
//! [`connkit_models::canonical::array_items`]), its items are slices of the body as
//! received, neither decoded nor re-encoded. A page that is not (unknown members,
//! `null`s, other escapes, whitespace, a member that needs repairing, …) is decoded
//! the typed way, repairs and all, and its items re-encoded.

use bytes::Bytes;
use connkit_client::{Offset, Page, PageMeta, PageRequest, PageSource, Sending};
use connkit_models::canonical::{array_items, Shape};

use crate::error::Error;
use crate::ops::total_count;
use crate::paginate::{ConnectorListing, Paginator};

/// The canonical JSON shape of a
/// [`V3ConnectorDto`](connkit_models::isc::v2024::V3ConnectorDto): its members in
/// declaration order.
/// A test checks it against what the model serializes.
pub const V3_CONNECTOR_DTO: Shape = Shape::Struct(&[
    ("name", Shape::Str),
    ("type", Shape::Str),
    ("scriptName", Shape::Str),
    ("className", Shape::Str),
    ("features", Shape::StrArray),
    ("directConnect", Shape::Bool),
    ("connectorMetadata", Shape::AnyObject),
    ("status", Shape::Str),
]);

/// The typed paginator's listing, handing out each item as its JSON; see the module
/// docs. Made by [`raw`].
pub type RawPaginator = connkit_client::Paginator<RawConnectorListing>;

/// The listing behind [`RawPaginator`]: the same requests as [`ConnectorListing`],
/// pages kept as JSON.
#[derive(Debug, Clone)]
pub struct RawConnectorListing(ConnectorListing);

/// The listing of `pages` (with its filter, page size, cap, concurrency and deadline),
/// its items as JSON: call it before fetching the first page.
pub fn raw(pages: Paginator) -> RawPaginator {
    pages.map_source(RawConnectorListing)
}

impl PageSource for RawConnectorListing {
    type Cursor = Offset;
    type Page = Page<Bytes>;
    type Item = Bytes;
    type Error = Error;

    fn operation_id(&self) -> &'static str {
        self.0.operation_id()
    }

    fn send(&self, request: PageRequest<'_, Offset>) -> Sending<Error> {
        self.0.send(request)
    }

    fn decode(&self, at: &Offset, response: http::Response<Bytes>) -> Result<Page<Bytes>, Error> {
        if response.status().is_success() {
            if let Some(items) = array_items(response.body(), &V3_CONNECTOR_DTO) {
                let total = total_count(&response)?;
                let body = response.body();
                let items = items.into_iter().map(|range| body.slice(range)).collect();
                return Ok(Page::new(items, at.0, total));
            }
        }
        let page = self.0.decode(at, response)?;
        let items = page
            .items
            .iter()
            // Serializing our own model cannot fail (string keys, no non-finite floats).
            .map(|item| Bytes::from(serde_json::to_vec(item).unwrap_or_default()))
            .collect();
        Ok(Page::new(items, page.offset, page.total).with_dropped(page.dropped))
    }

    fn meta(page: &Page<Bytes>) -> PageMeta<'_> {
        PageMeta::new(page.received()).total(page.total)
    }

    fn truncate(page: &mut Page<Bytes>, len: usize) {
        page.items.truncate(len);
    }

    fn into_items(page: Page<Bytes>) -> Vec<Bytes> {
        page.items
    }

    fn is_timeout(error: &Error) -> bool {
        ConnectorListing::is_timeout(error)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use connkit_models::isc::v2024::{ConnectorStatus, JsonObject, V3ConnectorDto};
    use connkit_sandbox::Sandbox;
    use connkit_transport::{BaseUrl, Transport, TransportError};

    use super::*;
    use crate::ops::ListConnectors;
    use crate::{Client, Operation};

    /// The sandbox, with `edit` applied to the items of every list page.
    struct Edited(Sandbox, fn(&mut Vec<serde_json::Value>));

    #[async_trait::async_trait]
    impl Transport for Edited {
        async fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, TransportError> {
            let mut response = self.0.send(request).await?;
            let mut items: Vec<serde_json::Value> =
                serde_json::from_slice(response.body()).expect("a list");
            (self.1)(&mut items);
            *response.body_mut() = Bytes::from(serde_json::to_vec(&items).expect("encodes"));
            Ok(response)
        }
    }

    /// Every item of the listing through `client`, typed and re-encoded, and raw.
    async fn both(client: &Client) -> (Vec<Vec<u8>>, Vec<Bytes>) {
        let pages = || {
            client
                .list_connectors()
                .into_paginator()
                .page_size(40)
                .concurrency(3)
        };
        let typed = pages().try_collect().await.expect("typed listing");
        let typed = typed
            .iter()
            .map(|c| serde_json::to_vec(c).unwrap())
            .collect();
        let raw = raw(pages()).try_collect().await.expect("raw listing");
        (typed, raw)
    }

    #[test]
    fn the_shape_is_what_the_model_serializes() {
        let mut metadata = JsonObject::new();
        metadata.insert("z".into(), serde_json::json!({"b": [1, "x"], "a": null}));
        let full = V3ConnectorDto {
            name: Some("n".into()),
            connector_type: Some("t".into()),
            script_name: Some("s".into()),
            class_name: Some("c".into()),
            features: Some(vec!["F".into()]),
            direct_connect: Some(false),
            connector_metadata: Some(metadata),
            status: Some(ConnectorStatus::Unknown("NEW".into())),
        };
        let page = serde_json::to_vec(&[&full, &V3ConnectorDto::default()]).unwrap();
        assert_eq!(
            array_items(&page, &V3_CONNECTOR_DTO).map(|i| i.len()),
            Some(2)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sandbox_pages_pass_through_as_the_typed_listing_prints_them() {
        let sandbox = Sandbox::builder().seed(150).build().expect("sandbox");
        let request = ListConnectors::new()
            .build_request(&BaseUrl::parse("http://127.0.0.1:9").unwrap())
            .unwrap();
        let page = sandbox.send(request).await.unwrap();
        assert!(
            array_items(page.body(), &V3_CONNECTOR_DTO).is_some(),
            "the sandbox's pages are canonical: passed through"
        );
        let client = Client::from_transport(sandbox).unwrap();
        let (typed, raw) = both(&client).await;
        assert_eq!(typed.len(), 150);
        assert!(typed.iter().eq(raw.iter()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn odd_pages_are_decoded_and_print_as_the_typed_listing_prints_them() {
        let sandbox = Sandbox::builder().seed(100).build().expect("sandbox");
        let odd = Edited(sandbox, |items| {
            for (i, item) in items.iter_mut().enumerate() {
                match i % 4 {
                    0 => item["unknown"] = serde_json::json!({"é": [1.5]}),
                    1 => item["name"] = serde_json::Value::Null,
                    2 => item["features"] = serde_json::json!("[\"A\"]"),
                    _ => *item = serde_json::json!("junk"),
                }
            }
        });
        let client = Client::new("http://127.0.0.1:9", Arc::new(odd)).unwrap();
        let (typed, raw) = both(&client).await;
        assert_eq!(typed.len(), 75, "every fourth item is junk, left out");
        assert!(typed.iter().eq(raw.iter()));
    }
}
