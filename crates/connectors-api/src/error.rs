//! [`Error`]: everything an operation can fail with, and [`ErrorKind`] to classify it.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use connkit_client::{
    decode_answer, transport_is_retryable, Answer, DecodeFailure, ErrorKind, ErrorMetadata,
};
use connkit_models::filter::{FilterNotAllowed, ParseError};
use connkit_models::isc::v2024::{
    ErrorResponseDto, RateLimitError, UnauthorizedError, UpdateDetail, V3ConnectorDto,
};
use connkit_models::preflight::{BodyKind, Finding};
use connkit_transport::TransportError;
use http::StatusCode;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation failed.
///
/// Use [`kind`](Error::kind) to classify it (e.g. for a process exit code),
/// [`is_retryable`](Error::is_retryable) to decide whether trying again later may help,
/// and [`status`](Error::status) / [`tracking_id`](Error::tracking_id) for what the
/// service said. The `Display` of every variant is one line; the causes are in
/// [`std::error::Error::source`], and no message repeats its source's.
///
/// Every struct variant is `#[non_exhaustive]`: match it with `..`, so that a field can
/// be added without a breaking release. The newtype variants (`Preflight`, `Service`,
/// …) are not: each grows through the type it wraps, and a `#[non_exhaustive]` tuple
/// variant could not be matched as `Error::Service(e)` outside this crate at all.
///
/// `connkit-c1`'s error keeps the same contract: the same accessors (its request id
/// in its API's word, `trace_id`), `MaybeApplied`, `Transport { operation, .. }`, and
/// `Config` for a client that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Pre-flight validation found errors in the body; nothing was sent.
    #[error(transparent)]
    Preflight(#[from] PreflightRejected),
    /// The service answered with a non-success status.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// A PUT answered 200 with an [`UpdateDetail`] whose status is `ERROR`.
    #[error("{operation}: the service reported status ERROR for connector `{script_name}`: {}", detail.message.as_deref().unwrap_or("(no message)"))]
    #[non_exhaustive]
    UpdateFailed {
        /// The spec's operationId, e.g. `putConnectorSourceConfig`.
        operation: &'static str,
        /// The connector the update was for.
        script_name: String,
        /// The whole answer.
        detail: Box<UpdateDetail>,
    },
    /// A success response whose body is not what the spec says (the raw body kept; the
    /// JSON path of the bad field named).
    #[error(transparent)]
    Decode(DecodeFailure),
    /// A raw filter string did not parse (why and where: the `source()`).
    #[error("invalid filter")]
    InvalidFilter(#[source] ParseError),
    /// A filter uses a field or operator the connector list does not support (which:
    /// the `source()`).
    #[error("filter not supported by the connector list")]
    FilterNotAllowed(#[source] FilterNotAllowed),
    /// An argument cannot be sent as given (empty script name, bad base URL, …).
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// A file to upload could not be read.
    #[error("could not read {}", path.display())]
    #[non_exhaustive]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The client could not be configured (base URL, credentials, transport).
    #[error("invalid client configuration")]
    #[non_exhaustive]
    Config {
        /// What the transport crate refused.
        #[source]
        source: TransportError,
    },
    /// A non-idempotent request (POST, PATCH) was sent and no usable answer came back
    /// (the connection broke, a time limit ran out while it was in flight): the service
    /// may have applied it. A create is looked up by name before this is returned; see
    /// [`Reconciliation`]. [`TransportError::may_have_been_processed`] lists what proves
    /// that a request was **not** processed (those are retried, and never end here).
    #[error(
        "{operation}: no usable response, so the request may have been applied{reconciliation}"
    )]
    #[non_exhaustive]
    MaybeApplied {
        /// The spec's operationId.
        operation: &'static str,
        /// What the transport reported.
        #[source]
        source: TransportError,
        /// What a lookup after the failure found.
        reconciliation: Reconciliation,
    },
    /// A listing failed on its own account: the service repeated a cursor or answered
    /// a new offset with the page before it (it ignores `offset`), or a page task was
    /// cancelled.
    #[error(transparent)]
    Pagination(connkit_client::PaginationError),
    /// No complete response could be had (connection, timeout, auth, retries, rate limit).
    #[error("{operation}: no usable response")]
    #[non_exhaustive]
    Transport {
        /// The spec's operationId.
        operation: &'static str,
        /// What the transport reported.
        #[source]
        source: TransportError,
    },
}

impl Error {
    /// Classifies the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Preflight(_) => ErrorKind::PreflightRejected,
            Error::Service(e) => e.kind(),
            Error::InvalidFilter(_)
            | Error::FilterNotAllowed(_)
            | Error::InvalidInput { .. }
            | Error::Config { .. }
            | Error::Io { .. } => ErrorKind::InvalidInput,
            Error::MaybeApplied { reconciliation, .. } => match reconciliation {
                Reconciliation::Absent => ErrorKind::Unreachable,
                _ => ErrorKind::MaybeApplied,
            },
            Error::Transport { source, .. } => ErrorKind::of_transport(source),
            Error::UpdateFailed { .. } | Error::Decode(_) | Error::Pagination(_) => {
                ErrorKind::Other
            }
        }
    }

    /// `true` if the failure is transient, so the same request may succeed later:
    /// 408, 429, 500, 502, 503, 504, and transport failures other than bad
    /// configuration or a refused token.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => e.is_retryable(),
            Error::Transport { source, .. } => transport_is_retryable(source),
            _ => false,
        }
    }

    /// The HTTP status the service answered, if it answered.
    pub fn status(&self) -> Option<StatusCode> {
        ErrorMetadata::status(self)
    }

    /// The service's `trackingId`, to quote to support.
    pub fn tracking_id(&self) -> Option<&str> {
        self.request_id()
    }

    /// The service error, if this is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Every finding of a pre-flight rejection (empty for other errors).
    pub fn findings(&self) -> &[Finding] {
        match self {
            Error::Preflight(p) => &p.findings,
            _ => &[],
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }
}

impl ErrorMetadata for Error {
    fn kind(&self) -> ErrorKind {
        Error::kind(self)
    }

    fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Service(e) => Some(e.operation),
            Error::UpdateFailed { operation, .. }
            | Error::Decode(DecodeFailure { operation, .. })
            | Error::MaybeApplied { operation, .. }
            | Error::Transport { operation, .. } => Some(operation),
            _ => None,
        }
    }

    fn answer(&self) -> Option<Answer<'_>> {
        Some(match self {
            Error::Service(e) => Answer::new(e.status, Some(&e.body), e.tracking_id.as_deref()),
            Error::Decode(e) => Answer::new(e.status, Some(&e.body), None),
            Error::UpdateFailed { .. } => Answer::new(StatusCode::OK, None, None),
            _ => return None,
        })
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }
}

impl From<connkit_client::InvalidRequest> for Error {
    fn from(invalid: connkit_client::InvalidRequest) -> Self {
        Error::invalid_input(invalid.message())
    }
}

/// What a create whose outcome is unknown ([`Error::MaybeApplied`]) found when it looked
/// for its connector by name (names are unique per tenant):
///
/// - `NotAttempted`: nothing to look up by (an update), so nothing was checked;
/// - `Exists(connector)`: a connector with exactly this name exists now: most likely
///   this request created it (or someone else did in the meantime);
/// - `Absent`: no connector has this name: the create was not applied, and may be sent
///   again;
/// - `Failed(error)`: the lookup failed too: the outcome stays unknown.
///
/// The same contract as `connkit-c1`'s, in this API's words ([`CreateLookup`]).
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

/// How this client looks for a create whose answer was lost: by the connector's exact
/// name ([`Client::find_connector`](crate::Client::find_connector)).
#[derive(Debug)]
#[non_exhaustive]
pub struct CreateLookup;

impl connkit_client::Lookup for CreateLookup {
    type Found = Box<V3ConnectorDto>;
    type Error = Error;

    const LOOKUP: &'static str = "looking the connector up by name";
    const ABSENT: &'static str = "; a lookup by name found no such connector: the create was not applied and may be sent again";

    fn describe(found: &Box<V3ConnectorDto>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "; a connector named {:?} exists now (scriptName {}): most likely this request created it",
            found.name.as_deref().unwrap_or_default(),
            found.script_name.as_deref().unwrap_or("unknown"),
        )
    }
}

/// Pre-flight validation rejected a body: at least one finding has error severity.
///
/// `#[non_exhaustive]`: build one with [`PreflightRejected::new`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pre-flight rejected the {kind} body: {}", summary(findings))]
#[non_exhaustive]
pub struct PreflightRejected {
    /// The kind of body that was checked.
    pub kind: BodyKind,
    /// Every finding (all severities), in validator order.
    pub findings: Vec<Finding>,
}

impl PreflightRejected {
    /// A rejection of a `kind` body with these findings (every severity, in validator
    /// order), e.g. for a validator host that runs its own checks.
    pub fn new(kind: BodyKind, findings: Vec<Finding>) -> Self {
        PreflightRejected { kind, findings }
    }
}

fn summary(findings: &[Finding]) -> String {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.is_error()).collect();
    match errors.as_slice() {
        [] => "no error findings".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// The service answered with an error status.
///
/// Decoded from whichever body shape the status uses: `ErrorResponseDto` (400, 403, 404,
/// 500), `{error}` (401) or `{message}` (429); the raw body is kept either way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The spec's operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The connector the route addressed, for per-connector operations.
    pub script_name: Option<String>,
    /// `detailCode`, e.g. `404.0 Object Not Found`.
    pub detail_code: Option<String>,
    /// `trackingId`.
    pub tracking_id: Option<String>,
    /// The texts of `messages` (or the `error` / `message` of 401 / 429 bodies).
    pub messages: Vec<String>,
    /// The texts of `causes`.
    pub causes: Vec<String>,
    /// The `Retry-After` header, parsed.
    pub retry_after: Option<RetryAfter>,
    /// How many attempts the retry layer made before giving up, if it did.
    pub attempts: Option<u32>,
    /// The body exactly as received.
    pub body: Bytes,
}

impl ServiceError {
    /// Decodes an error response. Never fails: an unrecognised body is kept raw.
    pub fn from_response(
        operation: &'static str,
        script_name: Option<&str>,
        response: &http::Response<Bytes>,
    ) -> Self {
        let status = response.status();
        let body = response.body().clone();
        let mut error = ServiceError {
            operation,
            status,
            script_name: script_name.map(str::to_owned),
            detail_code: None,
            tracking_id: None,
            messages: Vec::new(),
            causes: Vec::new(),
            retry_after: response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(RetryAfter::parse),
            attempts: None,
            body,
        };
        error.decode_body();
        error
    }

    fn decode_body(&mut self) {
        let texts = |list: Option<Vec<connkit_models::isc::v2024::ErrorMessageDto>>| {
            list.unwrap_or_default()
                .into_iter()
                .filter_map(|m| m.text)
                .collect::<Vec<_>>()
        };
        if let Some(dto) = self.decode_lenient::<ErrorResponseDto>() {
            if dto.detail_code.is_some() || dto.tracking_id.is_some() || dto.messages.is_some() {
                self.detail_code = dto.detail_code;
                self.tracking_id = dto.tracking_id;
                self.messages = texts(dto.messages);
                self.causes = texts(dto.causes);
                return;
            }
        }
        if let Some(UnauthorizedError { error: Some(e) }) = self.decode_lenient() {
            self.messages.push(e);
            return;
        }
        if let Some(RateLimitError { message: Some(m) }) = self.decode_lenient() {
            self.messages.push(m.trim().to_owned());
        }
    }

    /// The body as `T`, read leniently like a success answer: one member in an odd
    /// shape must not hide the detail code and tracking id of the rest.
    fn decode_lenient<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        decode_answer(self.operation, self.status, self.body.clone())
            .ok()
            .map(|decoded| decoded.value)
    }

    /// Classifies by status.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of_status(self.status, self.attempts.is_some())
    }

    /// `true` for 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
    }

    /// The first message, if any.
    pub fn first_message(&self) -> Option<&str> {
        self.messages.first().map(String::as_str)
    }
}

impl fmt::Display for ServiceError {
    /// `operation: status[: connector `s` not found][: detailCode]: first message
    /// (trackingId: …)[ after N attempts]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.status)?;
        let missing = match (self.status, &self.script_name) {
            (StatusCode::NOT_FOUND, Some(s)) => Some(s.as_str()),
            _ => None,
        };
        if let Some(s) = missing {
            write!(f, ": connector `{s}` not found")?;
        }
        if let Some(code) = self
            .detail_code
            .as_deref()
            .filter(|c| !restates(c, self.status))
        {
            write!(f, ": {code}")?;
        }
        // A message that names the missing connector says what was said just above.
        if let Some(message) = self
            .first_message()
            .filter(|m| missing.is_none_or(|s| !m.contains(s)))
        {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.tracking_id {
            write!(f, " (trackingId: {id})")?;
        }
        if let Some(n) = self.attempts {
            write!(f, " after {n} attempt{}", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// `true` when a `detailCode` only restates the status (`404 Not found` for 404 Not
/// Found), so printing both would say the same thing twice.
fn restates(detail_code: &str, status: StatusCode) -> bool {
    let rest = detail_code.trim();
    let Some(rest) = rest.strip_prefix(status.as_str()) else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    status
        .canonical_reason()
        .is_some_and(|reason| rest.trim().eq_ignore_ascii_case(reason))
}

/// A parsed `Retry-After` header: a delay in seconds or an HTTP date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Wait this long.
    Delay(Duration),
    /// Wait until then.
    At(SystemTime),
}

impl RetryAfter {
    /// Parses delta-seconds or an HTTP date; `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(RetryAfter::Delay(Duration::from_secs(seconds)));
        }
        httpdate::parse_http_date(value).ok().map(RetryAfter::At)
    }

    /// How long to wait from `now` (zero if the date has passed).
    pub fn delay_from(&self, now: SystemTime) -> Duration {
        match self {
            RetryAfter::Delay(d) => *d,
            RetryAfter::At(t) => t.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn error_response_dto_is_decoded_and_displayed() {
        let r = response(
            404,
            &[],
            r#"{"detailCode":"404.0 Object Not Found","trackingId":"t-1","messages":[{"locale":"en-US","localeOrigin":"DEFAULT","text":"The connector was not found."}],"causes":[]}"#,
        );
        let e = ServiceError::from_response("getConnector", Some("my-conn"), &r);
        assert_eq!(e.detail_code.as_deref(), Some("404.0 Object Not Found"));
        assert_eq!(e.tracking_id.as_deref(), Some("t-1"));
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(!e.is_retryable());
        assert_eq!(
            e.to_string(),
            "getConnector: 404 Not Found: connector `my-conn` not found: 404.0 Object Not Found: The connector was not found. (trackingId: t-1)"
        );
        let err = Error::Service(Box::new(e));
        assert_eq!(err.tracking_id(), Some("t-1"));
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn unauthorized_and_rate_limit_bodies_are_decoded() {
        let e = ServiceError::from_response(
            "getConnectorList",
            None,
            &response(401, &[], r#"{"error":"JWT validation failed"}"#),
        );
        assert_eq!(e.first_message(), Some("JWT validation failed"));
        assert_eq!(e.kind(), ErrorKind::Auth);

        let e = ServiceError::from_response(
            "getConnectorList",
            None,
            &response(
                429,
                &[("retry-after", "7")],
                r#"{"message":" Rate Limit Exceeded "}"#,
            ),
        );
        assert_eq!(e.first_message(), Some("Rate Limit Exceeded"));
        assert_eq!(
            e.retry_after,
            Some(RetryAfter::Delay(Duration::from_secs(7)))
        );
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.is_retryable());
    }

    #[test]
    fn an_error_body_with_odd_members_keeps_the_rest() {
        let r = response(
            400,
            &[],
            r#"{"detailCode":"400.1 Bad Request Content","trackingId":"t-2","messages":[{"localeOrigin":7,"text":"Bad name."}],"causes":{"text":"x"}}"#,
        );
        let e = ServiceError::from_response("createCustomConnector", None, &r);
        assert_eq!(e.detail_code.as_deref(), Some("400.1 Bad Request Content"));
        assert_eq!(e.tracking_id.as_deref(), Some("t-2"));
        assert_eq!(e.first_message(), Some("Bad name."));
        assert!(e.causes.is_empty());
    }

    #[test]
    fn unknown_bodies_are_kept_raw() {
        let e = ServiceError::from_response("getConnector", None, &response(502, &[], "<html>"));
        assert!(e.messages.is_empty());
        assert_eq!(&e.body[..], b"<html>");
        assert_eq!(e.to_string(), "getConnector: 502 Bad Gateway");
        assert!(e.is_retryable());
    }

    #[test]
    fn retry_after_accepts_an_http_date() {
        let at = RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let base = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:30 GMT").unwrap();
        assert_eq!(at.delay_from(base), Duration::from_secs(7));
        assert_eq!(RetryAfter::parse("soon"), None);
    }
}
