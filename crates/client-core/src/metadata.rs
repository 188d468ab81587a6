//! [`ErrorMetadata`]: what any API client's error can tell about the failed call,
//! whichever API it came from (as smithy's `ProvideErrorMetadata` does), and the one
//! rule for when a transport failure is worth retrying.

use bytes::Bytes;
use connkit_transport::TransportError;
use http::StatusCode;

use crate::ErrorKind;

/// The common skeleton of both clients' errors: how to classify it, which operation
/// failed, the service's answer (status, raw body, request id to quote to support), and
/// whether trying again may help.
pub trait ErrorMetadata: std::error::Error {
    /// What kind of failure it is (for exit codes).
    fn kind(&self) -> ErrorKind;

    /// The operation that failed, when a request was being made.
    fn operation(&self) -> Option<&'static str>;

    /// The service's answer, when the failure is about one.
    fn answer(&self) -> Option<Answer<'_>>;

    /// `true` if trying the same request again later may succeed.
    fn is_retryable(&self) -> bool;

    /// The HTTP status the service answered with, if it answered.
    fn status(&self) -> Option<StatusCode> {
        self.answer().map(|answer| answer.status)
    }

    /// The service's id for the request (ISC's `trackingId`, ConductorOne's
    /// `c1-trace-id`), if it gave one.
    fn request_id(&self) -> Option<&str> {
        self.answer().and_then(|answer| answer.request_id)
    }

    /// The service's answer as received.
    fn raw_body(&self) -> Option<&Bytes> {
        self.answer().and_then(|answer| answer.body)
    }
}

/// What a service answered, as an error reports it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body as received, when the error kept it.
    pub body: Option<&'a Bytes>,
    /// The service's request id, if it gave one.
    pub request_id: Option<&'a str>,
}

impl<'a> Answer<'a> {
    /// An answer with `status`, `body` and `request_id`.
    pub fn new(status: StatusCode, body: Option<&'a Bytes>, request_id: Option<&'a str>) -> Self {
        Answer {
            status,
            body,
            request_id,
        }
    }
}

/// `true` if a request that failed in the transport this way may succeed later: no
/// connection, a lost exchange, a timeout, a rate limit (also at the token endpoint),
/// or retries that ran out; not a refused setting or a refused credential.
pub fn transport_is_retryable(error: &TransportError) -> bool {
    match error {
        TransportError::Connect { .. }
        | TransportError::Network { .. }
        | TransportError::Timeout { .. }
        | TransportError::RateLimited { .. }
        | TransportError::RetriesExhausted { .. } => true,
        TransportError::Auth { .. } => error.is_rate_limited(),
        _ => false,
    }
}
