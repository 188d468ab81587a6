//! A client for the ConductorOne **ConnectorService** (`c1.api.app.v1`): all 17
//! operations, page-token pagination, `google.rpc.Status` errors and the Ed25519
//! signed-assertion auth.
//!
//! - Sans-IO core: every operation in [`ops`] is a [`Route`] (name, method, path,
//!   query, JSON body) and thereby the shared [`Operation`]: it builds an
//!   `http::Request<Bytes>` and decodes an `http::Response<Bytes>`; the [`Client`]'s
//!   fluent methods return a [`Call`] (the shared [`connkit_client::Call`]: `send`,
//!   `.await`, `timeout`, `deadline`, `into_paginator`), a thin layer on top whose
//!   setters are extension traits (`use connkit_c1::prelude::*;`).
//! - Paths are `{base}/api/v1/…`; every id is percent-encoded as one segment and an
//!   empty id is refused before anything is sent (the API would redirect
//!   `/connectors/` to the list and answer the wrong question).
//! - Updates send an `updateMask` computed from the fields set; read-only fields are
//!   never sent.
//! - [`Paginator`] follows `nextPageToken`, refuses a repeated token, prefetches.
//! - [`Error::Service`] keeps the parsed `google.rpc.Status`, the raw body and
//!   `c1-trace-id`.
//! - Retries (the default transport): 429 for every method, 5xx and connection errors
//!   for idempotent methods only, `Retry-After` honoured, exponential backoff from
//!   500 ms with jitter — as ConductorOne's own CLI does.
//! - Auth: a static token, or client credentials
//!   ([`ClientBuilder::client_credentials`]): tokens bought with an EdDSA-signed
//!   assertion from the tenant's `/auth/v1/token` and sent to the tenant only, by the
//!   transport's auth layer as for ISC (refresh, single flight, one replay on a 401,
//!   and a token cache shared across processes with [`ClientBuilder::token_cache`]).
//!   Configuration from `CONDUCTORONE_*` and `c1` profiles: [`SETTINGS`] for
//!   `connkit_transport::ConfigSources`, then [`ClientBuilder::config`]; or all at
//!   once, as the `connkit` command line does, with [`Client::try_default`].
//! - Errors: the same contract as `connkit-connectors` ([`Error`], [`ErrorKind`]); a
//!   POST whose answer was lost is [`Error::MaybeApplied`], and a create is first
//!   looked for ([`Reconciliation`]: on app, catalog entry and display name, as
//!   ConductorOne keeps no name unique).
//! - Shared with the ISC client (`connkit-client`): request assembly and path encoding,
//!   the paginator engine, the transport choice of the builder, [`IN_PROCESS_BASE_URL`].
//! - Runtime: await the calls inside a Tokio runtime with I/O and timers enabled
//!   (`#[tokio::main]`, or `tokio::runtime::Builder` with `enable_all()`), which the
//!   standard transport's HTTP backend, timeouts and retries run on. Outside any Tokio
//!   runtime a call fails with an [`Error::Transport`] holding
//!   [`TransportError::NoRuntime`](connkit_transport::TransportError::NoRuntime), not a
//!   panic.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), connkit_c1::Error> {
//! use connkit_c1::prelude::*; // the operations' setters
//! use connkit_c1::Client;
//! use connkit_models::c1::SyncStatus;
//! use connkit_sandbox::Sandbox;
//!
//! let sandbox = Sandbox::builder().build().unwrap(); // in-process; seeds demo apps
//! let app = sandbox.c1().demo_app_ids()[0].clone();
//! // Any `Transport` will do; here the sandbox, in-process. Against a tenant:
//! // `Client::builder().client_credentials(id, secret).build()?`.
//! let client = Client::from_transport(sandbox)?;
//!
//! let created = client.create_delegated_connector(&app, "catalog-okta")
//!     .display_name("Okta")
//!     .send().await?;
//! let id = created.connector_view.and_then(|v| v.connector).and_then(|c| c.id).unwrap();
//! client.update_connector(&app, &id).description("prod tenant").send().await?;
//! client.pause_sync(&app, &id).send().await?;
//! let got = client.get_connector(&app, &id).send().await?;
//! let connector = got.connector_view.and_then(|v| v.connector).unwrap();
//! assert_eq!(connector.description.as_deref(), Some("prod tenant"));
//! assert_eq!(connector.status.and_then(|s| s.status), Some(SyncStatus::Disabled));
//! # Ok(()) }
//! ```
//!
//! # Examples
//!
//! Runnable against the in-process sandbox, no network:
//! `cargo run -p connkit-c1 --example c1_in_process_sandbox` (a connector's whole life),
//! `--example c1_paginate` (every connector of an app, page by page and as a stream),
//! `--example c1_error_handling` (telling failures apart, printing the cause chain).

mod assertion;
mod auth;
mod client;
mod config;
mod credentials;
mod error;
mod fluent;
mod operation;
pub mod ops;
mod paginate;
pub mod prelude;

pub use client::{default_retry_policy, Client, ClientBuilder};
pub use config::{ENV_ACCESS_TOKEN, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_SERVER_URL, SETTINGS};
pub use connkit_client::{
    DecodeFailure, DefaultSources, ErrorKind, ErrorMetadata, PaginationError,
};
pub use credentials::TOKEN_PATH;
pub use error::{CreateLookup, Error, Reconciliation, Result, ServiceError, TRACE_ID_HEADER};
pub use fluent::Call;
pub use operation::{Operation, Route, API_PREFIX};
pub use paginate::{ConnectorListing, Paginator};

/// Where a client of an in-process transport is addressed when given no base URL (one
/// value for both API clients; see [`Client::from_transport`]).
pub use connkit_transport::IN_PROCESS_BASE_URL;

/// The transport crate, re-exported so that one dependency is enough for a client:
/// `connkit_c1::transport::{RetryPolicy, TransportStackBuilder, …}`.
pub use connkit_transport as transport;
