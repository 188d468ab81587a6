//! Client for the SailPoint Identity Security Cloud **v2024 Connectors API**: all 13
//! operations, pagination, multipart uploads, JSON Patch, typed errors and pre-flight
//! validation of every body before it leaves.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), connkit_connectors::Error> {
//! use connkit_connectors::prelude::*; // the operations' setters
//! use connkit_connectors::{Client, ErrorKind};
//! use connkit_models::isc::v2024::{Locale, V3CreateConnectorDto};
//! use connkit_sandbox::Sandbox;
//!
//! // Any `Transport` will do; here the sandbox, in-process. Against a tenant:
//! // `Client::builder().base_url(url).client_credentials(id, secret).build()?`.
//! let sandbox = Sandbox::builder().seed(10).build().unwrap();
//! let client = Client::from_transport(sandbox)?;
//!
//! let created = client
//!     .create_connector(&V3CreateConnectorDto::new(
//!         "My connector",
//!         "sailpoint.connector.OpenConnectorAdapter",
//!     ))
//!     .send()
//!     .await?;
//! let script = created.script_name.unwrap();
//!
//! client
//!     .put_source_config(&script)
//!     .xml("<sourceConfig version='1'/>")
//!     .send()
//!     .await?;
//! let xml = client.get_source_config(&script).send().await?;
//! assert_eq!(&xml[..], b"<sourceConfig version='1'/>");
//!
//! let detail = client
//!     .update_connector(&script)
//!     .set_metadata("supportsDelta", true)
//!     .send()
//!     .await?;
//! assert_eq!(detail.connector_metadata.unwrap()["supportsDelta"], true);
//!
//! // Pre-flight: a malformed body never leaves.
//! let err = client
//!     .put_source_config(&script)
//!     .xml("<sourceConfig>")
//!     .send()
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::PreflightRejected);
//!
//! client.delete_connector(&script).send().await?;
//! let err = client.get_connector(&script).locale(Locale::De).send().await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::NotFound);
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`ops`]: each operation as a sans-IO [`Operation`] (typed input →
//!   `http::Request<Bytes>`, `http::Response<Bytes>` → typed output or [`Error`]).
//! - [`Client`] / [`ClientBuilder`]: base URL, credentials, transport, validators
//!   ([`Client::try_default`]: all from the environment, the profile and
//!   `./config.json`); the fluent [`Call`] per operation — the shared
//!   [`connkit_client::Call`], with each operation's setters in an extension trait
//!   (`use connkit_connectors::prelude::*;`; each optional setter has a
//!   `set_*(Option<T>)` twin). [`Client::from_transport`] for an in-process transport
//!   such as the sandbox; [`ClientBuilder::backend_with_stack`] /
//!   [`ClientBuilder::transport_as_is`] for any other.
//! - [`Paginator`] / [`Page`]: every connector, page by page, optionally concurrently;
//!   [`ListStream`] is `Unpin`, so `.next().await` needs no `pin!`.
//! - [`transport`]: `connkit-transport`, re-exported (retry policy, stack builder,
//!   `Transport`), so one dependency is enough.
//! - [`preflight`]: the built-in validators.
//! - [`Error`] / [`ErrorKind`]: one error type, classified for exit codes.
//!
//! # Operations
//!
//! | operationId | fluent call | output |
//! |---|---|---|
//! | `getConnectorList` | `client.list_connectors().filter(..).limit(..).offset(..).count(..).locale(..)` | [`Page`]`<V3ConnectorDto>` |
//! | `createCustomConnector` | `client.create_connector(&dto)` / `create_connector_json(bytes)` | `V3ConnectorDto` |
//! | `getConnector` | `client.get_connector(s).locale(..)` | `ConnectorDetail` |
//! | `deleteCustomConnector` | `client.delete_connector(s)` | `()` |
//! | `updateConnector` | `client.update_connector(s).replace_source_config_xml(..).set_metadata(k, v)` / `update_connector_json(s, bytes)` | `ConnectorDetail` |
//! | `get…SourceConfig` / `…SourceTemplate` / `…CorrelationConfig` | `client.get_source_config(s)` (…) | `Bytes`, verbatim |
//! | `put…SourceConfig` / `…SourceTemplate` / `…CorrelationConfig` | `client.put_source_config(s).xml(..)` / `.file(path)` | `UpdateDetail` |
//! | `getConnectorTranslations` | `client.get_translations(s, locale)` | `String`, verbatim |
//! | `putConnectorTranslations` | `client.put_translations(s, locale).text(..)` (optional) | `UpdateDetail` |
//!
//! An `UpdateDetail` whose status is `ERROR` comes back as [`Error::UpdateFailed`].
//!
//! # Writes with an unknown outcome
//!
//! A POST or PATCH that was sent but got no usable answer (the connection broke, a time
//! limit ran out while it was in flight) fails with [`Error::MaybeApplied`]: the service
//! may have applied it. A create is first looked up by its exact name, and the error
//! says what was found ([`Reconciliation`]). What proves that a request was **not**
//! processed (a refused connection, a 429) is retried by the standard stack instead,
//! for every method; see [`TransportError::may_have_been_processed`](connkit_transport::TransportError::may_have_been_processed).
//!
//! # Deadlines
//!
//! [`Paginator::timeout`] bounds a whole listing and [`Call::deadline`] (or
//! [`Call::timeout`]) one
//! operation (a create's lookup included): each request carries the
//! [`Deadline`](connkit_transport::Deadline), which the standard stack's timeout, retry
//! and rate-limit layers respect.
//!
//! # Runtime
//!
//! Await the client's calls inside a Tokio runtime with I/O and timers enabled
//! (`#[tokio::main]`, or `tokio::runtime::Builder` with `enable_all()`): the standard
//! transport's HTTP backend, timeouts, retries and rate limiter run on them. Outside any
//! Tokio runtime a call fails with an [`Error::Transport`] whose source is
//! [`TransportError::NoRuntime`](connkit_transport::TransportError::NoRuntime), not a
//! panic. A transport given as is needs what it needs: the in-process sandbox needs no
//! runtime, and the [`Paginator`] then decodes its pages on the polling thread.
//!
//! # Examples
//!
//! Runnable against the in-process sandbox, no network:
//! `cargo run -p connkit-connectors --example in_process_sandbox` (a connector's whole
//! life), `--example paginator_stream` (listing as a stream), `--example error_handling`
//! (telling failures apart, printing the cause chain).
//!
//! # Features
//!
//! - `default-transport` (default): the reqwest backend of `connkit-transport`, used by
//!   [`ClientBuilder`] when no transport is given.

mod client;
mod error;
mod filter;
mod fluent;
mod multipart;
mod operation;
pub mod ops;
mod paginate;
pub mod preflight;
pub mod prelude;
mod settings;

pub use client::{Client, ClientBuilder};
pub use connkit_client::{DecodeFailure, ErrorKind, ErrorMetadata, PaginationError};
pub use connkit_client::{DefaultSources, Page};
pub use error::{
    CreateLookup, Error, PreflightRejected, Reconciliation, Result, RetryAfter, ServiceError,
};
pub use filter::FilterArg;
pub use fluent::Call;
pub use multipart::FilePart;
pub use operation::Operation;
pub use paginate::{ConnectorListing, Paginator};
pub use settings::{
    API_VERSION_PREFIX, DEFAULT_CONFIG_FILE, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
    SETTINGS,
};

/// A stream of list results that ends after the first error; [`Unpin`], so
/// `.next().await` needs no `pin!` (see [`connkit_client::ListStream`]).
pub type ListStream<T> = connkit_client::ListStream<T, Error>;

/// Where a client of an in-process transport is addressed when given no base URL (one
/// value for both API clients; see [`Client::from_transport`]).
pub use connkit_transport::IN_PROCESS_BASE_URL;

/// The transport crate, re-exported so that one dependency is enough for a client:
/// `connkit_connectors::transport::{RetryPolicy, TransportStackBuilder, …}`.
pub use connkit_transport as transport;
