//! `google.rpc.Status`: the body of every ConductorOne error.

use serde::{Deserialize, Serialize};

use super::Config;

/// A gRPC status as JSON: what ConductorOne answers on any error, with an HTTP status
/// mapped from `code` (see [`RpcCode::http_status`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RpcStatus {
    /// The numeric gRPC code (see [`RpcCode`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// A developer-facing message; ConductorOne may end it in ` (request-id: …)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Typed details, each `{"@type": …, …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Config>>,
}

impl RpcStatus {
    /// A status with a code and a message and no details.
    pub fn new(code: RpcCode, message: impl Into<String>) -> Self {
        RpcStatus {
            code: Some(code as i32),
            message: Some(message.into()),
            details: None,
        }
    }

    /// The code, if it is one gRPC defines.
    pub fn rpc_code(&self) -> Option<RpcCode> {
        self.code.and_then(RpcCode::from_i32)
    }

    /// The request id at the end of `message` (` (request-id: …)`), if any.
    pub fn request_id(&self) -> Option<&str> {
        let message = self.message.as_deref()?;
        let start = message.rfind("(request-id: ")? + "(request-id: ".len();
        message[start..].strip_suffix(')')
    }
}

/// The canonical gRPC status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // The names are gRPC's; see `google/rpc/code.proto`.
pub enum RpcCode {
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

impl RpcCode {
    const ALL: [RpcCode; 17] = [
        RpcCode::Ok,
        RpcCode::Cancelled,
        RpcCode::Unknown,
        RpcCode::InvalidArgument,
        RpcCode::DeadlineExceeded,
        RpcCode::NotFound,
        RpcCode::AlreadyExists,
        RpcCode::PermissionDenied,
        RpcCode::ResourceExhausted,
        RpcCode::FailedPrecondition,
        RpcCode::Aborted,
        RpcCode::OutOfRange,
        RpcCode::Unimplemented,
        RpcCode::Internal,
        RpcCode::Unavailable,
        RpcCode::DataLoss,
        RpcCode::Unauthenticated,
    ];

    /// The code with this number, if gRPC defines one.
    pub fn from_i32(code: i32) -> Option<RpcCode> {
        usize::try_from(code)
            .ok()
            .and_then(|i| RpcCode::ALL.get(i).copied())
    }

    /// The HTTP status grpc-gateway answers this code with.
    pub fn http_status(self) -> u16 {
        match self {
            RpcCode::Ok => 200,
            RpcCode::Cancelled => 499,
            RpcCode::InvalidArgument | RpcCode::FailedPrecondition | RpcCode::OutOfRange => 400,
            RpcCode::DeadlineExceeded => 504,
            RpcCode::NotFound => 404,
            RpcCode::AlreadyExists | RpcCode::Aborted => 409,
            RpcCode::PermissionDenied => 403,
            RpcCode::Unauthenticated => 401,
            RpcCode::ResourceExhausted => 429,
            RpcCode::Unimplemented => 501,
            RpcCode::Unavailable => 503,
            RpcCode::Unknown | RpcCode::Internal | RpcCode::DataLoss => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_request_id_and_the_code() {
        let status: RpcStatus = serde_json::from_str(
            r#"{"code":5,"message":"connector not found (request-id: 2f0c)","details":[]}"#,
        )
        .unwrap();
        assert_eq!(status.rpc_code(), Some(RpcCode::NotFound));
        assert_eq!(status.request_id(), Some("2f0c"));
        assert_eq!(RpcCode::NotFound.http_status(), 404);
        assert_eq!(RpcCode::from_i32(17), None);
        assert_eq!(RpcCode::from_i32(-1), None);
        assert_eq!(RpcStatus::new(RpcCode::Internal, "x").request_id(), None);
    }
}
