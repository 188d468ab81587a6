//! SailPoint Identity Security Cloud (ISC) models, one module per API version.

pub mod v2024;
