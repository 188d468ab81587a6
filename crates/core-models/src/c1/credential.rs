//! `ConnectorCredential`: what a connector authenticates to ConductorOne with.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A connector's credential (`c1.api.app.v1.ConnectorCredential`).
///
/// `client_secret` is present only in the answer of a rotation; the service never
/// returns it again.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorCredential {
    /// The app the connector belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The client id, `name@host/suffix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret, `secret-token:conductorone.com:v1:…` (rotation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The connector the credential belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// When it was created (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When it was revoked (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// When it expires (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_time: Option<Timestamp>,
    /// The credential id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When it was last used (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// When it last changed (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

/// Shows every field but the secret, which is `[redacted]` when present.
impl std::fmt::Debug for ConnectorCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorCredential")
            .field("app_id", &self.app_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("connector_id", &self.connector_id)
            .field("created_at", &self.created_at)
            .field("deleted_at", &self.deleted_at)
            .field("display_name", &self.display_name)
            .field("expires_time", &self.expires_time)
            .field("id", &self.id)
            .field("last_used_at", &self.last_used_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// The answer of `GetCredentials` (`c1.api.app.v1.ConnectorServiceGetCredentialsResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceGetCredentialsResponse {
    /// The credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<ConnectorCredential>,
}

/// The answer of `RotateCredential`
/// (`c1.api.app.v1.ConnectorServiceRotateCredentialResponse`).
///
/// The 2025-08 revision puts the new secret at the top level, the 2026-02 revision
/// inside `credential`; [`secret`](Self::secret) reads either.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectorServiceRotateCredentialResponse {
    /// The new secret (2025-08 revision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The credential, with its secret (2026-02 revision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<ConnectorCredential>,
}

impl ConnectorServiceRotateCredentialResponse {
    /// The new client secret, wherever the revision put it.
    pub fn secret(&self) -> Option<&str> {
        self.credential
            .as_ref()
            .and_then(|c| c.client_secret.as_deref())
            .or(self.client_secret.as_deref())
    }
}

/// Redacts the secret.
impl std::fmt::Debug for ConnectorServiceRotateCredentialResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorServiceRotateCredentialResponse")
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("credential", &self.credential)
            .finish()
    }
}
