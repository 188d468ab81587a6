//! ISC **v2024** Connectors API models, named as `isc-v2024-connectors.yaml` names them.
//!
//! Response types make every field optional: the service omits fields freely and
//! sends `null` for others, and neither must fail a decode. Request types
//! ([`V3CreateConnectorDto`], [`JsonPatchOperation`]) require what the spec requires.

mod connector;
mod errors;
mod locale;
mod patch;
mod update;

pub use connector::{ConnectorDetail, ConnectorStatus, V3ConnectorDto, V3CreateConnectorDto};
pub use errors::{
    ErrorMessageDto, ErrorResponseDto, LocaleOrigin, RateLimitError, UnauthorizedError,
};
pub use locale::Locale;
pub use patch::{is_patchable, JsonPatchOp, JsonPatchOperation, METADATA_PATH, PATCHABLE_PATHS};
pub use update::{UpdateDetail, UpdateStatus};

/// A JSON object with arbitrary values, as the spec's `additionalProperties: true`.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;
