//! Wire types for identity-connector APIs, with no I/O and no async.
//!
//! `connkit-models` is the client-less core of connkit: any crate can depend on it
//! without pulling in an HTTP stack.
//!
//! - [`isc::v2024`]: the SailPoint Identity Security Cloud v2024 Connectors API.
//! - [`c1`]: the ConductorOne `Connector` resource family.
//! - [`filter`]: the ISC filter language (AST, builder, renderer, parser, allowed pairs).
//! - [`preflight`]: the vocabulary shared by body validators (built-in and plugins).
//! - [`decode`]: JSON decoding whose errors name the path of the bad field.
//! - [`Timestamp`] and [`ProtoInt64`]: wire primitives that keep what they are given.
//! - `schema` (feature `schema`): the JSON Schema of every public model, by name.
//!
//! Models are lenient on input and exact on output: unknown enum values are kept,
//! absent and `null` are both accepted, unknown fields never fail a decode, and what
//! we serialize parses back to the same value and the same bytes.
//!
//! # Building models: `..Default::default()`, a semver promise
//!
//! Models have public fields, and those without required fields implement
//! [`Default`], so that a model is written as the API documents it. New optional fields arrive with new API versions, and adding
//! one is a **minor** release here, not a major one. That holds for code that builds
//! a model with its constructor (`V3CreateConnectorDto::new`, for the models with
//! required fields) or with a struct literal ending in `..Default::default()`; a
//! literal that lists every field stops compiling when a field is added, and is not
//! covered by the promise.
//!
//! ```
//! use connkit_models::isc::v2024::{V3ConnectorDto, V3CreateConnectorDto};
//!
//! let listed = V3ConnectorDto {
//!     name: Some("Acme HR".into()),
//!     script_name: Some("acme-hr".into()),
//!     ..Default::default()
//! };
//! let create = V3CreateConnectorDto::new("Acme HR", "sailpoint.connector.OpenConnectorAdapter");
//! assert_eq!(listed.name.as_deref(), Some(create.name.as_str()));
//! ```
//!
//! # Decoding a ConductorOne connector list
//!
//! ```
//! use connkit_models::c1::{ConnectorServiceListResponse, SyncStatus};
//! use connkit_models::decode::from_json;
//!
//! let body = br#"{
//!   "list": [{
//!     "connector": {
//!       "id": "2abc", "displayName": "Okta",
//!       "config": {"@type": "type.googleapis.com/c1.connector.v2.Okta", "domain": "x.okta.com"},
//!       "createdAt": "2025-08-05T12:34:56.123456789Z",
//!       "parallelSyncWorkerCount": "4",
//!       "profileAllowList": null,
//!       "status": {"status": "SYNC_STATUS_DONE"},
//!       "someFieldFromTheFuture": true
//!     }
//!   }],
//!   "nextPageToken": ""
//! }"#;
//! let page: ConnectorServiceListResponse = from_json(body)?;
//! let okta = page.connectors().next().expect("one connector");
//! assert_eq!(okta.display_name.as_deref(), Some("Okta"));
//! assert_eq!(okta.config.as_ref().and_then(|c| c.type_url()),
//!            Some("type.googleapis.com/c1.connector.v2.Okta"));
//! // Nanoseconds are kept, and the text comes back unchanged.
//! let created = okta.created_at.as_ref().expect("createdAt");
//! assert_eq!(created.nanosecond(), 123_456_789);
//! assert_eq!(created.as_str(), "2025-08-05T12:34:56.123456789Z");
//! assert_eq!(okta.parallel_sync_worker_count.map(|n| n.get()), Some(4));
//! assert_eq!(okta.profile_allow_list, None); // `null` and absent are both `None`
//! assert_eq!(okta.status.as_ref().and_then(|s| s.status.clone()), Some(SyncStatus::Done));
//! assert_eq!(page.next_page_token(), None); // "" means "last page"
//!
//! // A bad field is named by its JSON path, line and column.
//! let err = from_json::<ConnectorServiceListResponse>(
//!     br#"{"list": [{"connector": {"createdAt": "yesterday"}}]}"#,
//! ).unwrap_err();
//! assert_eq!(err.path, "list[0].connector.createdAt");
//! assert_eq!((err.line, err.column), (1, 49));
//! # Ok::<(), connkit_models::decode::DecodeError>(())
//! ```
//!
//! # Open enums
//!
//! Every wire enum keeps values it does not know, so a new status on the service
//! never fails a response, and sends them back unchanged:
//!
//! ```
//! use connkit_models::c1::SyncStatus;
//! use connkit_models::isc::v2024::Locale;
//!
//! let known: SyncStatus = serde_json::from_str(r#""SYNC_STATUS_RUNNING""#)?;
//! assert_eq!(known, SyncStatus::Running);
//!
//! let new: SyncStatus = serde_json::from_str(r#""SYNC_STATUS_PAUSED""#)?;
//! assert!(new.is_unknown());
//! assert_eq!(new, SyncStatus::Unknown("SYNC_STATUS_PAUSED".into()));
//! assert_eq!(serde_json::to_string(&new)?, r#""SYNC_STATUS_PAUSED""#);
//!
//! // `no` is Norwegian, never the YAML boolean.
//! assert_eq!("no".parse::<Locale>(), Ok(Locale::No));
//! assert_eq!(SyncStatus::KNOWN.len(), 5);
//! # Ok::<(), serde_json::Error>(())
//! ```

// docs.rs builds with `--cfg docsrs` (nightly): feature-gated items say which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod open_enum;

pub mod c1;
pub mod canonical;
pub mod decode;
pub mod filter;
pub mod isc;
pub mod json_pointer;
pub mod preflight;
mod proto_int64;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod schema;
mod timestamp;

pub use proto_int64::ProtoInt64;
pub use timestamp::{Timestamp, TimestampError};
