//! Error bodies: `ErrorResponseDto` (400/403/404/500), `{error}` (401), `{message}` (429).

use serde::{Deserialize, Serialize};

open_enum! {
    /// How the locale of an error message was chosen. The field itself may be `null`.
    pub enum LocaleOrigin {
        /// The system default locale.
        Default => "DEFAULT",
        /// Chosen from the request (`Accept-Language`).
        Request => "REQUEST",
    }
}

/// One localized message of an error (`ErrorMessageDto`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorMessageDto {
    /// BCP 47 tag of `text`, e.g. `en-US`; may be `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How `locale` was chosen; may be `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale_origin: Option<LocaleOrigin>,
    /// The message text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The error body of 400, 403, 404 and 500 answers (`ErrorResponseDto`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponseDto {
    /// Fine-grained code, e.g. `400.1 Bad Request Content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_code: Option<String>,
    /// Id to quote to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_id: Option<String>,
    /// Localized reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ErrorMessageDto>>,
    /// Plain-text detail beyond `messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causes: Option<Vec<ErrorMessageDto>>,
}

impl ErrorResponseDto {
    /// The text of the first message, if any.
    pub fn first_message(&self) -> Option<&str> {
        self.messages
            .as_deref()
            .and_then(|m| m.iter().find_map(|m| m.text.as_deref()))
    }
}

/// The body of a 401 answer: `{"error": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnauthorizedError {
    /// What was wrong with the credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The body of a 429 answer: `{"message": "…"}` (the wait is in `Retry-After`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateLimitError {
    /// Usually ` Rate Limit Exceeded `.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
