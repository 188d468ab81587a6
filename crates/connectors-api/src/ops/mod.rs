//! The 13 operations as sans-IO request builders, one module per family.
//!
//! | operationId | type |
//! |---|---|
//! | `getConnectorList` | [`ListConnectors`] |
//! | `createCustomConnector` | [`CreateConnector`] |
//! | `getConnector` | [`GetConnector`] |
//! | `deleteCustomConnector` | [`DeleteConnector`] |
//! | `updateConnector` | [`UpdateConnector`] |
//! | `getConnectorSourceConfig`, `getConnectorSourceTemplate`, `getConnectorCorrelationConfig` | [`GetDocument`] with a [`Document`] |
//! | `putConnectorSourceConfig`, `putConnectorSourceTemplate`, `putConnectorCorrelationConfig` | [`PutDocument`] (a [`PutFile`]) with a [`Document`] |
//! | `getConnectorTranslations` | [`GetTranslations`] |
//! | `putConnectorTranslations` | [`PutTranslations`] (a [`PutFile`]) |
//!
//! Each implements [`Operation`](crate::Operation): build the request, decode the
//! response; no I/O. The [`Client`](crate::Client) adds pre-flight and sending.

mod connector;
mod document;
mod list;
mod translations;
mod update;
mod upload;

pub use connector::{CreateConnector, DeleteConnector, GetConnector};
pub use document::{Document, GetDocument, PutDocument, XML};
pub(crate) use list::total_count;
pub use list::{ListConnectors, MAX_LIMIT};
pub use translations::{GetTranslations, PutTranslations, Translations, TEXT};
pub use update::{UpdateConnector, JSON_PATCH};
pub use upload::{PutFile, UploadTarget};
