//! ConductorOne `Connector` models (`c1.api.app.v1`), named as the ConductorOne
//! OpenAPI document names them.
//!
//! Covers the seed revision of the spec and the newer fields (`canResumeSync`,
//! `syncConfig`, `connectorSyncCronSchedule`, `configUpdatedAt`,
//! `connectorApiVersion`, `parallelSyncWorkerCount`). Every field is optional and
//! accepts `null`; timestamps are [`Timestamp`](crate::Timestamp)s that keep their
//! text (up to nanoseconds); proto3 `int64` fields are
//! [`ProtoInt64`](crate::ProtoInt64)s (string on the wire, number accepted);
//! [`Config`] keeps its JSON verbatim; [`SyncStatus`] is open.

mod config;
mod connector;
mod responses;
mod schedule;
mod status;

pub use config::{Config, ConfigError};
pub use connector::{Connector, OAuth2AuthorizedAs};
pub use responses::{ConnectorServiceGetResponse, ConnectorServiceListResponse, ConnectorView};
pub use schedule::{ConnectorSyncCronSchedule, SyncConfig};
pub use status::{ConnectorStatus, SyncStatus};
