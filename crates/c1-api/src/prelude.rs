//! The operations' setters, as extension traits of [`Call`](crate::Call):
//! `use connkit_c1::prelude::*;` brings them all into scope.
//!
//! They are traits because the call type is shared with `connkit-connectors` and
//! defined in `connkit-client` (see [`connkit_client::Call`]); nothing else is in here,
//! so the glob import cannot shadow a name of yours.

pub use crate::fluent::{
    CreateCall, CreateConnectorCall, CreateDelegatedCall, ListConnectorsCall, UpdateConnectorCall,
    UpdateScheduleCall,
};
