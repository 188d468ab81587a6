//! What the connkit API clients share, so that the ISC client (`connkit-connectors`)
//! and the ConductorOne client (`connkit-c1`) are one design with two vocabularies:
//!
//! - [`Operation`]: the sans-IO shape of every operation (request out, response in).
//! - [`Call`] over an [`Execute`]: the one fluent call type of both clients (time
//!   limits, `send` and `.await`, `into_paginator` for a [`Listing`]); each API crate
//!   adds its operations' setters as extension traits ([`call_setters!`]).
//! - [`RequestSpec`], [`PathBuilder`], [`Query`], [`path_segment`]: the one place a
//!   request is assembled and a path or query is percent-encoded; an empty id is
//!   refused ([`InvalidRequest`]) before anything is sent.
//! - [`Paginator`] over a [`PageSource`]: one pagination engine for offset cursors
//!   ([`Offset`]) and page tokens ([`Token`]), with the item cap, the listing deadline,
//!   prefetching, loop protection and `Unpin` [`ListStream`]s; [`Page`] for offset
//!   pages.
//! - [`ErrorKind`] and [`ErrorMetadata`]: one classification of both clients' errors
//!   (for exit codes) and the skeleton they share (operation, status, raw body, request
//!   id, `is_retryable`).
//! - [`Reconciliation`] over a [`Lookup`]: what a create whose answer was lost found when
//!   its client looked for it, one contract in each API's words, and [`reconciled`],
//!   the one step that makes it.
//! - [`decode_answer`]: the lenient decoding of a JSON answer, each repaired member
//!   noted under the `tracing` target [`REPAIR_TARGET`]; [`DecodeFailure`] when a body
//!   cannot be read at all.
//! - [`DefaultSources`]: the environment, the active profile and the config-file chain
//!   each API's `Client::try_default()` builds its client from.
//! - [`TransportChoice`]: the standard transport stack, a backend under it, or a
//!   transport as is, as each `ClientBuilder` offers it.
//!
//! It holds no API's paths, names or environment variables: those stay in the API
//! crates.
//!
//! # Features
//!
//! - `default-transport` (default): the reqwest backend of `connkit-transport`, used
//!   when a [`TransportChoice`] is left at its default.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod call;
mod decode;
mod defaults;
mod encode;
mod kind;
mod metadata;
mod operation;
mod page;
mod paginate;
mod reconcile;
mod request;
mod stack;
mod stream;

pub use call::{Call, Execute, Listing};
pub use decode::{decode_answer, DecodeFailure, REPAIR_TARGET};
pub use defaults::{DefaultSources, Defaults, ENV_RATE_LIMIT, ENV_TOKEN};
pub use encode::{path_segment, PathBuilder, Query};
pub use kind::ErrorKind;
pub use metadata::{transport_is_retryable, Answer, ErrorMetadata};
pub use operation::Operation;
pub use page::Page;
pub use paginate::{
    Cursor, Offset, PageMeta, PageRequest, PageSource, PaginationError, Paginator, Sending, Token,
};
pub use reconcile::{reconciled, Lookup, LookupResult, Reconciliation, Unreconciled};
pub use request::{InvalidRequest, RequestSpec};
pub use stack::{ConfigureStack, StackError, TransportChoice};
pub use stream::ListStream;

/// For [`transport_choice_setters!`]: the transport crate, whatever the caller names it.
#[doc(hidden)]
pub use connkit_transport as __transport;
