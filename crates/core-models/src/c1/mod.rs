//! ConductorOne `ConnectorService` models (`c1.api.app.v1`): the `Connector`
//! resource and every request and response body of the 17 operations, named as the
//! ConductorOne OpenAPI document names them, plus `google.rpc.Status` errors.
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
mod credential;
mod editor;
mod requests;
mod responses;
mod rpc_status;
mod schedule;
mod status;
mod update_mask;

pub use config::{Config, ConfigError};
pub use connector::{Connector, OAuth2AuthorizedAs};
pub use credential::{
    ConnectorCredential, ConnectorServiceGetCredentialsResponse,
    ConnectorServiceRotateCredentialResponse,
};
pub use editor::{EditorMarker, EditorValidateResponse, MarkerSeverity};
pub use requests::{
    AppManagedStateBindingRef, ConnectorExpandMask, ConnectorScheduleCron,
    ConnectorServiceCreateDelegatedRequest, ConnectorServiceCreateRequest,
    ConnectorServiceRotateCredentialRequest, ConnectorServiceUpdateDelegatedRequest,
    ConnectorServiceUpdateRequest, EditorValidateRequest, Empty, UpdateConnectorScheduleRequest,
};
pub use responses::{
    ConnectorServiceCreateResponse, ConnectorServiceGetResponse, ConnectorServiceListResponse,
    ConnectorServiceUpdateResponse, ConnectorView, GetConnectorSyncDownloadURLResponse,
};
pub use rpc_status::{RpcCode, RpcStatus};
pub use schedule::{ConnectorSyncCronSchedule, SyncConfig};
pub use status::{ConnectorStatus, SyncStatus};
pub use update_mask::{MaskError, UpdateMask, IDENTITY_FIELDS, READ_ONLY_FIELDS};
