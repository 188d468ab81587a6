//! [`Error`]: everything a ConductorOne call can fail with, and [`Reconciliation`]: what
//! a create whose answer was lost found.

use std::fmt;

use bytes::Bytes;
use connkit_client::{
    decode_answer, transport_is_retryable, Answer, DecodeFailure, ErrorKind, ErrorMetadata,
};
use connkit_models::c1::{Connector, RpcCode, RpcStatus};
use connkit_transport::TransportError;
use http::StatusCode;

/// The response header that carries ConductorOne's request id.
pub const TRACE_ID_HEADER: &str = "c1-trace-id";

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong with a ConductorOne call.
///
/// The same contract as `connkit-connectors`' error: [`kind`](Error::kind) classifies it
/// (for exit codes), [`is_retryable`](Error::is_retryable) says whether trying again
/// later may help, [`as_service`](Error::as_service) / [`status`](Error::status) /
/// [`trace_id`](Error::trace_id) tell what the service said; a write whose answer was
/// lost is [`Error::MaybeApplied`], decided here, not by the caller. The `Display` of
/// every variant is one line; the causes are in [`std::error::Error::source`].
///
/// The enum and every struct variant are `#[non_exhaustive]`: match with `..`, so that
/// a variant or a field can be added without a breaking release. The newtype variants
/// (`Service`, `Decode`, `Pagination`) are not: each wraps a `#[non_exhaustive]` type,
/// which is where they grow, and a `#[non_exhaustive]` tuple variant could not be
/// matched as `Error::Service(e)` outside this crate at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input cannot make a request (an empty id, a bad argument); nothing was sent.
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// The client could not be configured (base URL, credentials, transport stack).
    #[error("invalid client configuration")]
    #[non_exhaustive]
    Config {
        /// What the transport crate refused.
        #[source]
        source: TransportError,
    },
    /// The service answered with an error status.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// A success answer did not decode (the raw body kept; the JSON path of the bad
    /// field named).
    #[error(transparent)]
    Decode(DecodeFailure),
    /// A page answered with a `nextPageToken` already seen: following it would loop.
    #[error("{operation}: the service sent page token {token:?} a second time; stopping instead of looping")]
    #[non_exhaustive]
    RepeatedPageToken {
        /// The list operation.
        operation: &'static str,
        /// The repeated token.
        token: String,
    },
    /// A listing failed on its own account (its page task was cancelled).
    #[error(transparent)]
    Pagination(connkit_client::PaginationError),
    /// A POST was sent and no usable answer came back (the connection broke, a time
    /// limit ran out while it was in flight): the service may have applied it. A create
    /// is first looked up (see [`Reconciliation`]). What proves that a request was
    /// **not** processed (a refused connection, a 429) is retried by the standard stack
    /// and never ends here; see [`TransportError::may_have_been_processed`].
    #[error(
        "{operation}: no usable response, so the request may have been applied{reconciliation}"
    )]
    #[non_exhaustive]
    MaybeApplied {
        /// The operation, e.g. `CreateDelegated`.
        operation: &'static str,
        /// What the transport reported.
        #[source]
        source: TransportError,
        /// What a lookup after the failure found.
        reconciliation: Reconciliation,
    },
    /// No complete answer was had (connection, timeout, auth, retries exhausted).
    #[error("{operation}: no usable response")]
    #[non_exhaustive]
    Transport {
        /// The operation, e.g. `List`.
        operation: &'static str,
        /// What the transport reported.
        #[source]
        source: TransportError,
    },
}

impl From<connkit_client::InvalidRequest> for Error {
    fn from(invalid: connkit_client::InvalidRequest) -> Self {
        Error::invalid_input(invalid.message())
    }
}

impl Error {
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn config(source: TransportError) -> Self {
        Error::Config { source }
    }

    /// Classifies the error (the same kinds as the ISC client's, for exit codes).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } | Error::Config { .. } => ErrorKind::InvalidInput,
            Error::Service(e) => e.kind(),
            Error::MaybeApplied {
                reconciliation: Reconciliation::Absent,
                ..
            } => ErrorKind::Unreachable,
            Error::MaybeApplied { .. } => ErrorKind::MaybeApplied,
            Error::Transport { source, .. } => ErrorKind::of_transport(source),
            Error::Decode(_) | Error::RepeatedPageToken { .. } | Error::Pagination(_) => {
                ErrorKind::Other
            }
        }
    }

    /// The service's error, if the service answered with one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        ErrorMetadata::status(self)
    }

    /// ConductorOne's request id (`c1-trace-id`), if the service answered: what
    /// `connkit-connectors` calls `tracking_id`, each in its API's words (both are
    /// [`ErrorMetadata::request_id`]).
    pub fn trace_id(&self) -> Option<&str> {
        self.request_id()
    }

    /// `true` if trying again later may succeed (429, 503, 504; transport failures as
    /// [`transport_is_retryable`] says). Never for [`Error::MaybeApplied`]: sending the
    /// write again may apply it twice.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => e.is_retryable(),
            Error::Transport { source, .. } => transport_is_retryable(source),
            _ => false,
        }
    }
}

impl ErrorMetadata for Error {
    fn answer(&self) -> Option<Answer<'_>> {
        match self {
            Error::Service(e) => Some(Answer::new(e.status, Some(&e.body), e.trace_id())),
            Error::Decode(e) => Some(Answer::new(e.status, Some(&e.body), None)),
            _ => None,
        }
    }

    fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Service(e) => Some(e.operation),
            Error::Decode(DecodeFailure { operation, .. })
            | Error::RepeatedPageToken { operation, .. }
            | Error::MaybeApplied { operation, .. }
            | Error::Transport { operation, .. } => Some(operation),
            _ => None,
        }
    }

    fn kind(&self) -> ErrorKind {
        Error::kind(self)
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }
}

/// What a create whose outcome is unknown ([`Error::MaybeApplied`]) found when it looked
/// for the connector it would have made.
///
/// ConductorOne keeps no name unique, so the lookup cannot prove which connector a lost
/// create made. It reconciles on what the service keeps as sent: the app, the catalog
/// entry, and the display name when the create gave one
/// ([`CreatedConnector`](crate::ops::CreatedConnector)):
///
/// - `NotAttempted`: not a create, so nothing was looked up;
/// - `Exists(connectors)`: every connector of the app that matches what the create sent:
///   it may have made one of them, or all may have existed before; check before creating
///   again;
/// - `Absent`: no connector of the app matches: the create was not applied, and may be
///   sent again;
/// - `Failed(error)`: the lookup failed too: the outcome stays unknown.
///
/// The same contract as `connkit-connectors`' (which looks up a unique name), in this
/// API's words ([`CreateLookup`]).
pub type Reconciliation = connkit_client::Reconciliation<CreateLookup>;

impl connkit_client::Unreconciled for Error {
    type Lookup = CreateLookup;

    fn unreconciled(&mut self) -> Option<&mut Reconciliation> {
        match self {
            Error::MaybeApplied {
                reconciliation: reconciliation @ Reconciliation::NotAttempted,
                ..
            } => Some(reconciliation),
            _ => None,
        }
    }
}

/// How this client looks for a create whose answer was lost: it lists the app's
/// connectors and keeps those that match what the create sent.
#[derive(Debug)]
#[non_exhaustive]
pub struct CreateLookup;

impl connkit_client::Lookup for CreateLookup {
    type Found = Vec<Connector>;
    type Error = Error;

    const LOOKUP: &'static str = "looking for matching connectors";
    const ABSENT: &'static str = "; no connector of the app matches what it sent: the create was not applied and may be sent again";

    fn describe(found: &Vec<Connector>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = found.iter().filter_map(|c| c.id.as_deref()).collect();
        write!(
            f,
            "; {} connector(s) of the app match what it sent (id {}): it may have made one of \
             them, or they existed before (ConductorOne names are not unique), so check before \
             creating again",
            found.len(),
            ids.join(", ")
        )
    }
}

/// An error answer: its status, the `google.rpc.Status` it carried (best effort) and
/// the raw body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The decoded `google.rpc.Status`, when the body was one.
    pub rpc: Option<RpcStatus>,
    /// The `c1-trace-id` header, else the request id at the end of the message.
    pub trace_id: Option<String>,
    /// The body as received.
    pub body: Bytes,
    /// How many attempts were made, when retries ran out on this answer.
    pub attempts: Option<u32>,
}

impl ServiceError {
    /// Reads an error answer.
    pub fn from_response(operation: &'static str, response: &http::Response<Bytes>) -> Self {
        // Read leniently, like success answers: `"code": "5"` must not hide the message.
        let rpc = decode_answer::<RpcStatus>(operation, response.status(), response.body().clone())
            .ok()
            .map(|decoded| decoded.value);
        let trace_id = response
            .headers()
            .get(TRACE_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| rpc.as_ref().and_then(|s| s.request_id()).map(str::to_owned));
        ServiceError {
            operation,
            status: response.status(),
            rpc,
            trace_id,
            body: response.body().clone(),
            attempts: None,
        }
    }

    /// Classifies by status.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of_status(self.status, self.attempts.is_some())
    }

    /// The gRPC code, from the body or else from the HTTP status.
    pub fn code(&self) -> Option<RpcCode> {
        self.rpc.as_ref().and_then(RpcStatus::rpc_code)
    }

    /// The service's message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.rpc.as_ref().and_then(|s| s.message.as_deref())
    }

    /// The request id.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// `true` for 429, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status.as_u16(), 429 | 503 | 504)
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: the service answered {}",
            self.operation, self.status
        )?;
        if let Some(code) = self.code() {
            write!(f, " ({code:?})")?;
        }
        match self.message() {
            Some(message) => write!(f, ": {message}")?,
            None if !self.body.is_empty() => {
                let text = String::from_utf8_lossy(&self.body[..self.body.len().min(200)]);
                write!(f, ": {}", text.trim())?;
            }
            None => {}
        }
        // ConductorOne ends its messages with `(request-id: …)`, the same id as the
        // header: say it once.
        let said = self.message().unwrap_or_default();
        if let Some(id) = self
            .trace_id
            .as_ref()
            .filter(|id| !said.contains(id.as_str()))
        {
            write!(f, " [c1-trace-id {id}]")?;
        }
        if let Some(n) = self.attempts {
            write!(f, " after {n} attempt{}", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_body_and_the_trace_id_make_the_message() {
        let response = http::Response::builder()
            .status(404)
            .header(TRACE_ID_HEADER, "t-1")
            .body(Bytes::from_static(
                br#"{"code":5,"message":"connector not found (request-id: r-9)","details":[]}"#,
            ))
            .unwrap();
        let err = ServiceError::from_response("c1.api.app.v1.ConnectorService.Get", &response);
        assert_eq!(err.code(), Some(RpcCode::NotFound));
        assert_eq!(
            err.to_string(),
            "c1.api.app.v1.ConnectorService.Get: the service answered 404 Not Found (NotFound): connector not found (request-id: r-9) [c1-trace-id t-1]"
        );
        let html = http::Response::builder()
            .status(502)
            .body(Bytes::from_static(b"<html>bad gateway</html>"))
            .unwrap();
        let err = ServiceError::from_response("op", &html);
        assert!(err.rpc.is_none());
        assert_eq!(
            err.to_string(),
            "op: the service answered 502 Bad Gateway: <html>bad gateway</html>"
        );
        let no_header = http::Response::builder()
            .status(500)
            .body(Bytes::from_static(
                br#"{"code":13,"message":"boom (request-id: r-2)"}"#,
            ))
            .unwrap();
        assert_eq!(
            ServiceError::from_response("op", &no_header).trace_id(),
            Some("r-2")
        );
    }

    #[test]
    fn a_status_with_a_code_as_text_still_names_the_code() {
        let response = http::Response::builder()
            .status(404)
            .body(Bytes::from_static(
                br#"{"code":"5","message":"connector not found (request-id: r-3)","details":{"@type":"t/x"}}"#,
            ))
            .unwrap();
        let err = ServiceError::from_response("op", &response);
        assert_eq!(err.code(), Some(RpcCode::NotFound));
        assert_eq!(err.trace_id(), Some("r-3"));
        assert_eq!(err.rpc.and_then(|s| s.details), None);
    }
}
