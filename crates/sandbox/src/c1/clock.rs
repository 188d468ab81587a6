//! Wall-clock timestamps in the RFC 3339 form ConductorOne writes (UTC, nanoseconds).

use std::time::SystemTime;

use connkit_models::Timestamp;

/// Now, as a [`Timestamp`].
pub(crate) fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}
