//! The 17 ConnectorService operations as sans-IO values (see [`Route`] and
//! [`Operation`](crate::Operation)).
//!
//! Field names follow the path and body names of the spec; construct them with `new`
//! and the public fields, or through the fluent [`Client`](crate::Client) methods.

use bytes::Bytes;
use connkit_models::c1::{
    Connector, ConnectorExpandMask, ConnectorScheduleCron, ConnectorServiceCreateDelegatedRequest,
    ConnectorServiceCreateRequest, ConnectorServiceCreateResponse,
    ConnectorServiceGetCredentialsResponse, ConnectorServiceGetResponse,
    ConnectorServiceListResponse, ConnectorServiceRotateCredentialRequest,
    ConnectorServiceRotateCredentialResponse, ConnectorServiceUpdateRequest,
    ConnectorServiceUpdateResponse, EditorValidateRequest, EditorValidateResponse, Empty,
    GetConnectorSyncDownloadURLResponse, UpdateConnectorScheduleRequest, UpdateMask,
};
use http::Method;

use crate::error::Result;
use connkit_client::PathBuilder;

use crate::operation::{c1_operations, json_body, Route};

/// The smallest, default and largest `page_size` the service accepts (it clamps).
pub const PAGE_SIZE_RANGE: (u32, u32, u32) = (10, 25, 100);

/// An app and one of its connectors: the path prefix of most operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorRef {
    /// The app id.
    pub app_id: String,
    /// The connector id.
    pub connector_id: String,
}

impl ConnectorRef {
    /// The connector `connector_id` of app `app_id`.
    pub fn new(app_id: impl Into<String>, connector_id: impl Into<String>) -> Self {
        ConnectorRef {
            app_id: app_id.into(),
            connector_id: connector_id.into(),
        }
    }

    /// `/apps/{app_id}/connectors/{connector_id}`.
    fn path(&self) -> Result<PathBuilder> {
        Ok(app_path(&self.app_id)?
            .lit("connectors")
            .id("connector id", &self.connector_id)?)
    }
}

fn app_path(app_id: &str) -> Result<PathBuilder> {
    Ok(PathBuilder::new("/apps").id("app id", app_id)?)
}

fn empty_body() -> Result<Option<Bytes>> {
    json_body(&Empty {})
}

/// `List`: `GET /apps/{app_id}/connectors`, one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListConnectors {
    /// The app id.
    pub app_id: String,
    /// Items per page (the service clamps to 10..=100; default 25).
    pub page_size: Option<u32>,
    /// The `nextPageToken` of the previous page.
    pub page_token: Option<String>,
}

impl ListConnectors {
    /// The first page of app `app_id`'s connectors.
    pub fn new(app_id: impl Into<String>) -> Self {
        ListConnectors {
            app_id: app_id.into(),
            page_size: None,
            page_token: None,
        }
    }
}

impl Route for ListConnectors {
    type Output = ConnectorServiceListResponse;
    fn name(&self) -> &'static str {
        "List"
    }
    fn method(&self) -> Method {
        Method::GET
    }
    fn path(&self) -> Result<String> {
        Ok(app_path(&self.app_id)?.lit("connectors").done())
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(size) = self.page_size {
            query.push(("page_size", size.to_string()));
        }
        if let Some(token) = self.page_token.as_ref().filter(|t| !t.is_empty()) {
            query.push(("page_token", token.clone()));
        }
        query
    }
}

/// `Get`: `GET /apps/{app_id}/connectors/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetConnector(pub ConnectorRef);

impl GetConnector {
    /// Connector `id` of app `app_id`.
    pub fn new(app_id: impl Into<String>, id: impl Into<String>) -> Self {
        GetConnector(ConnectorRef::new(app_id, id))
    }
}

impl Route for GetConnector {
    type Output = ConnectorServiceGetResponse;
    fn name(&self) -> &'static str {
        "Get"
    }
    fn method(&self) -> Method {
        Method::GET
    }
    fn path(&self) -> Result<String> {
        Ok(self.0.path()?.done())
    }
}

/// `Delete`: `DELETE /apps/{app_id}/connectors/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteConnector(pub ConnectorRef);

impl DeleteConnector {
    /// Connector `id` of app `app_id`.
    pub fn new(app_id: impl Into<String>, id: impl Into<String>) -> Self {
        DeleteConnector(ConnectorRef::new(app_id, id))
    }
}

impl Route for DeleteConnector {
    type Output = Empty;
    fn name(&self) -> &'static str {
        "Delete"
    }
    fn method(&self) -> Method {
        Method::DELETE
    }
    fn path(&self) -> Result<String> {
        Ok(self.0.path()?.done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        empty_body()
    }
}

/// What identifies the connector a create makes, as far as ConductorOne keeps it as
/// sent: its app, its catalog entry, and its display name when the create gives one
/// (ConductorOne keeps no name unique, so this can rule a connector out, never prove
/// that a request made it).
///
/// A create's [`Route::created`] says it; the request carries it (as an `http`
/// extension), and the [`Client`](crate::Client) looks for matching connectors when the
/// create's answer is lost (see [`Reconciliation`](crate::Reconciliation)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedConnector {
    app_id: String,
    catalog_id: Option<String>,
    display_name: Option<String>,
}

impl CreatedConnector {
    /// The connector a create of `catalog_id` in app `app_id` makes, with
    /// `display_name` if it gives one.
    pub fn new(
        app_id: impl Into<String>,
        catalog_id: Option<String>,
        display_name: Option<String>,
    ) -> Self {
        CreatedConnector {
            app_id: app_id.into(),
            catalog_id,
            display_name,
        }
    }

    /// The app the connector is made in.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// `true` if `connector` could be the one the create made: same catalog entry, and
    /// the same display name when the create gave one.
    pub fn matches(&self, connector: &Connector) -> bool {
        connector.catalog_id == self.catalog_id
            && (self.display_name.is_none() || connector.display_name == self.display_name)
    }
}

/// `Create`: `POST /apps/{app_id}/connectors/create`, a configured connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateConnector {
    /// The app id.
    pub app_id: String,
    /// The body.
    pub body: ConnectorServiceCreateRequest,
}

impl Route for CreateConnector {
    type Output = ConnectorServiceCreateResponse;
    fn name(&self) -> &'static str {
        "Create"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        Ok(app_path(&self.app_id)?
            .lit("connectors")
            .lit("create")
            .done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&self.body)
    }
    fn created(&self) -> Option<CreatedConnector> {
        Some(CreatedConnector::new(
            &self.app_id,
            self.body.catalog_id.clone(),
            None,
        ))
    }
}

/// `CreateDelegated`: `POST /apps/{app_id}/connectors`, a connector waiting for its
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDelegatedConnector {
    /// The app id.
    pub app_id: String,
    /// The body.
    pub body: ConnectorServiceCreateDelegatedRequest,
}

impl Route for CreateDelegatedConnector {
    type Output = ConnectorServiceCreateResponse;
    fn name(&self) -> &'static str {
        "CreateDelegated"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        Ok(app_path(&self.app_id)?.lit("connectors").done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&self.body)
    }
    fn created(&self) -> Option<CreatedConnector> {
        Some(CreatedConnector::new(
            &self.app_id,
            self.body.catalog_id.clone(),
            self.body.display_name.clone(),
        ))
    }
}

/// Which update route: the plain one or the delegated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateRoute {
    /// `Update`: `POST /apps/{app_id}/connectors/{id}`.
    Plain,
    /// `UpdateDelegated`: `POST /apps/{app_id}/connectors/{id}/delegated`.
    Delegated,
}

/// `Update` or `UpdateDelegated`: applies the fields named by the mask.
///
/// Without an explicit mask the body's mask is computed from the fields the connector
/// sets ([`UpdateMask::of_set_fields`]); read-only and identity fields are never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateConnector {
    /// The connector to update.
    pub target: ConnectorRef,
    /// Plain or delegated.
    pub route: UpdateRoute,
    /// The new values.
    pub connector: Connector,
    /// Which fields to apply; `None` means "the fields `connector` sets".
    pub update_mask: Option<UpdateMask>,
    /// What to expand in the answer.
    pub expand_mask: Option<ConnectorExpandMask>,
}

impl UpdateConnector {
    /// The request body: the masked writable fields and the mask.
    pub fn request(&self) -> ConnectorServiceUpdateRequest {
        let mask = self
            .update_mask
            .clone()
            .unwrap_or_else(|| UpdateMask::of_set_fields(&self.connector));
        let mut sent = Connector::default();
        // Copying through the mask drops read-only fields and fields the mask does
        // not name; an unknown path is left for the service to refuse.
        let _ = mask.apply(&mut sent, &self.connector);
        ConnectorServiceUpdateRequest {
            connector: Some(sent),
            expand_mask: self.expand_mask.clone(),
            update_mask: Some(mask),
        }
    }
}

impl Route for UpdateConnector {
    type Output = ConnectorServiceUpdateResponse;
    fn name(&self) -> &'static str {
        match self.route {
            UpdateRoute::Plain => "Update",
            UpdateRoute::Delegated => "UpdateDelegated",
        }
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        let path = self.target.path()?;
        match self.route {
            UpdateRoute::Plain => Ok(path.done()),
            UpdateRoute::Delegated => Ok(path.lit("delegated").done()),
        }
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&self.request())
    }
}

/// What [`SyncControl`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncAction {
    /// `ForceSync`: queue a sync now.
    ForceSync,
    /// `PauseSync`: stop syncing.
    Pause,
    /// `ResumeSync`: start syncing again.
    Resume,
}

/// `ForceSync`, `PauseSync` or `ResumeSync`: `POST /apps/{app_id}/connectors/{id}/
/// force_sync|pause|resume` with `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncControl {
    /// The connector.
    pub target: ConnectorRef,
    /// What to do.
    pub action: SyncAction,
}

impl Route for SyncControl {
    type Output = Empty;
    fn name(&self) -> &'static str {
        match self.action {
            SyncAction::ForceSync => "ForceSync",
            SyncAction::Pause => "PauseSync",
            SyncAction::Resume => "ResumeSync",
        }
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        let suffix = match self.action {
            SyncAction::ForceSync => "force_sync",
            SyncAction::Pause => "pause",
            SyncAction::Resume => "resume",
        };
        Ok(self.target.path()?.lit(suffix).done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        empty_body()
    }
}

/// `UpdateConnectorSchedule`: `POST /apps/{app_id}/connectors/{id}/schedule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSchedule {
    /// The connector.
    pub target: ConnectorRef,
    /// The cron schedule.
    pub cron: ConnectorScheduleCron,
}

impl Route for UpdateSchedule {
    type Output = Empty;
    fn name(&self) -> &'static str {
        "UpdateConnectorSchedule"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        Ok(self.target.path()?.lit("schedule").done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&UpdateConnectorScheduleRequest {
            cron: Some(self.cron.clone()),
        })
    }
}

/// `GetConnectorSyncDownloadURL`:
/// `GET /apps/{app_id}/connectors/{id}/syncs/{sync_id}/download_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSyncDownloadUrl {
    /// The connector.
    pub target: ConnectorRef,
    /// The sync.
    pub sync_id: String,
}

impl Route for GetSyncDownloadUrl {
    type Output = GetConnectorSyncDownloadURLResponse;
    fn name(&self) -> &'static str {
        "GetConnectorSyncDownloadURL"
    }
    fn method(&self) -> Method {
        Method::GET
    }
    fn path(&self) -> Result<String> {
        Ok(self
            .target
            .path()?
            .lit("syncs")
            .id("sync id", &self.sync_id)?
            .lit("download_url")
            .done())
    }
}

/// `ConfirmSyncValid`:
/// `POST /apps/{app_id}/connectors/{id}/confirm_sync_valid/{sync_lifecycle_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmSyncValid {
    /// The connector.
    pub target: ConnectorRef,
    /// The lifecycle id of the completed sync to confirm.
    pub sync_lifecycle_id: String,
}

impl Route for ConfirmSyncValid {
    type Output = Empty;
    fn name(&self) -> &'static str {
        "ConfirmSyncValid"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        Ok(self
            .target
            .path()?
            .lit("confirm_sync_valid")
            .id("sync lifecycle id", &self.sync_lifecycle_id)?
            .done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        empty_body()
    }
}

/// `RotateCredential`: `POST /apps/connectors/credentials`; the answer carries the new
/// secret, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateCredential(pub ConnectorRef);

impl Route for RotateCredential {
    type Output = ConnectorServiceRotateCredentialResponse;
    fn name(&self) -> &'static str {
        "RotateCredential"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        // The ids travel in the body; refuse empty ones here like in a path.
        let _checked = self.0.path()?;
        Ok(PathBuilder::new("/apps/connectors/credentials").done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&ConnectorServiceRotateCredentialRequest {
            app_id: Some(self.0.app_id.clone()),
            connector_id: Some(self.0.connector_id.clone()),
        })
    }
}

/// A credential of a connector: `/apps/{app_id}/connectors/{id}/credentials/{credential_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRef {
    /// The connector.
    pub target: ConnectorRef,
    /// The credential id.
    pub credential_id: String,
}

impl CredentialRef {
    fn path(&self) -> Result<String> {
        Ok(self
            .target
            .path()?
            .lit("credentials")
            .id("credential id", &self.credential_id)?
            .done())
    }
}

/// `GetCredentials`: `GET …/credentials/{credential_id}`; never carries the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetCredential(pub CredentialRef);

impl Route for GetCredential {
    type Output = ConnectorServiceGetCredentialsResponse;
    fn name(&self) -> &'static str {
        "GetCredentials"
    }
    fn method(&self) -> Method {
        Method::GET
    }
    fn path(&self) -> Result<String> {
        self.0.path()
    }
}

/// `RevokeCredential`: `POST …/credentials/{credential_id}` with `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeCredential(pub CredentialRef);

impl Route for RevokeCredential {
    type Output = Empty;
    fn name(&self) -> &'static str {
        "RevokeCredential"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        self.0.path()
    }
    fn body(&self) -> Result<Option<Bytes>> {
        empty_body()
    }
}

/// `ValidateHTTPConnectorConfig`: `POST /apps/connectors/validate_config/http`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateHttpConfig {
    /// The configuration text.
    pub text: String,
}

impl Route for ValidateHttpConfig {
    type Output = EditorValidateResponse;
    fn name(&self) -> &'static str {
        "ValidateHTTPConnectorConfig"
    }
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Result<String> {
        Ok(PathBuilder::new("/apps/connectors/validate_config/http").done())
    }
    fn body(&self) -> Result<Option<Bytes>> {
        json_body(&EditorValidateRequest {
            text: Some(self.text.clone()),
        })
    }
}

c1_operations!(
    ListConnectors,
    GetConnector,
    DeleteConnector,
    CreateConnector,
    CreateDelegatedConnector,
    UpdateConnector,
    SyncControl,
    UpdateSchedule,
    GetSyncDownloadUrl,
    ConfirmSyncValid,
    RotateCredential,
    GetCredential,
    RevokeCredential,
    ValidateHttpConfig,
);
