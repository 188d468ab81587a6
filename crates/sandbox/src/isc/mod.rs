//! The SailPoint ISC v2024 Connectors API room: everything only that API needs.
//!
//! - [`routes`]: the router of the 13 operations under `/v2024` and the
//!   client-credentials token endpoint `POST /oauth/token`, with its JSON 404 and 405
//!   answers (the sandbox's answer for any path no API claims);
//! - [`gate`]: the ISC middleware over the shared [`gate`](crate::gate), answering its
//!   refusals as ISC does, and [`operation`]: which `operationId` a request is;
//! - [`store`]: the connector records keyed by `scriptName` (persisted by the shared
//!   [`state_db`](crate::state_db), exported by [`state_json`](crate::state_json)),
//!   [`seed`] (public: realistic demo connectors), [`templates`] (the documents a
//!   connector answers before anything was PUT);
//! - request helpers: [`filter_eval`] (list filters), [`patch`] (RFC 6902),
//!   [`multipart`] (uploads), [`xml_policy`] (the XML policy pre-flight applies too).
//!
//! Shared infrastructure (server, gate, auth, rate limit, faults, stats, state
//! database, the in-process transport) stays at the crate root; the ConductorOne
//! room is [`c1`](crate::c1).

pub(crate) mod filter_eval;
pub(crate) mod gate;
pub(crate) mod multipart;
pub(crate) mod operation;
pub(crate) mod patch;
pub(crate) mod routes;
pub mod seed;
pub(crate) mod store;
pub(crate) mod templates;
pub(crate) mod xml_policy;
