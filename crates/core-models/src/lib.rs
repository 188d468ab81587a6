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
//!
//! Models are lenient on input and exact on output: unknown enum values are kept,
//! absent and `null` are both accepted, unknown fields never fail a decode, and what
//! we serialize parses back to the same value.
//!
//! The `schema` feature derives [`schemars::JsonSchema`](https://docs.rs/schemars) for
//! every public model.

#[macro_use]
mod open_enum;

pub mod c1;
pub mod decode;
pub mod filter;
pub mod isc;
pub mod preflight;
mod proto_int64;
mod timestamp;

pub use proto_int64::ProtoInt64;
pub use timestamp::{Timestamp, TimestampError};
