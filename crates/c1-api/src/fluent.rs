//! The fluent layer: [`Call`] pairs a [`Client`] with one operation; setters fill the
//! operation, [`Call::send`] runs it.

use std::time::{Duration, Instant};

use connkit_models::c1::{
    Config, Connector, ConnectorExpandMask, ConnectorScheduleCron,
    ConnectorServiceCreateDelegatedRequest, ConnectorServiceCreateRequest, UpdateMask,
};
use connkit_transport::Deadline;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::ops::{
    ConfirmSyncValid, ConnectorRef, CreateConnector, CreateDelegatedConnector, CredentialRef,
    DeleteConnector, GetConnector, GetCredential, GetSyncDownloadUrl, ListConnectors,
    RevokeCredential, RotateCredential, SyncAction, SyncControl, UpdateConnector, UpdateRoute,
    UpdateSchedule, ValidateHttpConfig,
};
use crate::paginate::{ConnectorListing, Paginator};

/// One operation, ready to send.
#[derive(Debug, Clone)]
#[must_use = "a call does nothing until `send` is awaited"]
pub struct Call<O> {
    client: Client,
    op: O,
    deadline: Option<Deadline>,
}

impl<O: Operation<Error = Error> + Sync> Call<O> {
    /// Sends the request and decodes the answer (see [`Client::execute`]: a create
    /// whose answer was lost is looked up before [`Error::MaybeApplied`] is returned).
    pub async fn send(self) -> Result<O::Output> {
        self.client.execute_until(&self.op, self.deadline).await
    }

    /// Ends the call `limit` from now, retries and rate-limiter waits included (the
    /// standard stack's layers respect the request's [`Deadline`]).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.deadline = Instant::now().checked_add(limit).map(Deadline);
        self
    }

    /// Ends the call at `at` (see [`timeout`](Call::timeout)).
    pub fn deadline(mut self, at: Instant) -> Self {
        self.deadline = Some(Deadline(at));
        self
    }

    /// The sans-IO operation, e.g. to build its request without sending it.
    pub fn operation(&self) -> &O {
        &self.op
    }
}

impl Client {
    fn call<O>(&self, op: O) -> Call<O> {
        Call {
            client: self.clone(),
            op,
            deadline: None,
        }
    }

    /// `List`: one page of an app's connectors (see [`Call::into_paginator`] for all).
    pub fn list_connectors(&self, app_id: impl Into<String>) -> Call<ListConnectors> {
        self.call(ListConnectors::new(app_id))
    }

    /// `Get`.
    pub fn get_connector(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<GetConnector> {
        self.call(GetConnector::new(app_id, id))
    }

    /// `Delete`.
    pub fn delete_connector(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<DeleteConnector> {
        self.call(DeleteConnector::new(app_id, id))
    }

    /// `Create`: a configured connector of catalog entry `catalog_id`.
    pub fn create_connector(
        &self,
        app_id: impl Into<String>,
        catalog_id: impl Into<String>,
    ) -> Call<CreateConnector> {
        self.call(CreateConnector {
            app_id: app_id.into(),
            body: ConnectorServiceCreateRequest {
                catalog_id: Some(catalog_id.into()),
                ..Default::default()
            },
        })
    }

    /// `CreateDelegated`: a connector of catalog entry `catalog_id` that waits for its
    /// configuration.
    pub fn create_delegated_connector(
        &self,
        app_id: impl Into<String>,
        catalog_id: impl Into<String>,
    ) -> Call<CreateDelegatedConnector> {
        self.call(CreateDelegatedConnector {
            app_id: app_id.into(),
            body: ConnectorServiceCreateDelegatedRequest {
                catalog_id: Some(catalog_id.into()),
                ..Default::default()
            },
        })
    }

    /// `Update`: set fields with the setters of `Call<UpdateConnector>`; the mask is
    /// the fields set unless [`update_mask`](Call::update_mask) names it.
    pub fn update_connector(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<UpdateConnector> {
        self.call(UpdateConnector {
            target: ConnectorRef::new(app_id, id),
            route: UpdateRoute::Plain,
            connector: Connector::default(),
            update_mask: None,
            expand_mask: None,
        })
    }

    /// `UpdateDelegated`: like [`update_connector`](Client::update_connector).
    pub fn update_delegated_connector(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<UpdateConnector> {
        let mut call = self.update_connector(app_id, id);
        call.op.route = UpdateRoute::Delegated;
        call
    }

    fn sync_control(&self, target: ConnectorRef, action: SyncAction) -> Call<SyncControl> {
        self.call(SyncControl { target, action })
    }

    /// `ForceSync`.
    pub fn force_sync(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<SyncControl> {
        self.sync_control(ConnectorRef::new(app_id, id), SyncAction::ForceSync)
    }

    /// `PauseSync`.
    pub fn pause_sync(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<SyncControl> {
        self.sync_control(ConnectorRef::new(app_id, id), SyncAction::Pause)
    }

    /// `ResumeSync`.
    pub fn resume_sync(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<SyncControl> {
        self.sync_control(ConnectorRef::new(app_id, id), SyncAction::Resume)
    }

    /// `UpdateConnectorSchedule`: a cron schedule.
    pub fn update_schedule(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
        cron_spec: impl Into<String>,
    ) -> Call<UpdateSchedule> {
        self.call(UpdateSchedule {
            target: ConnectorRef::new(app_id, id),
            cron: ConnectorScheduleCron {
                cron_spec: Some(cron_spec.into()),
                timezone: None,
            },
        })
    }

    /// `GetConnectorSyncDownloadURL`.
    pub fn sync_download_url(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
        sync_id: impl Into<String>,
    ) -> Call<GetSyncDownloadUrl> {
        self.call(GetSyncDownloadUrl {
            target: ConnectorRef::new(app_id, id),
            sync_id: sync_id.into(),
        })
    }

    /// `ConfirmSyncValid`.
    pub fn confirm_sync_valid(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
        sync_lifecycle_id: impl Into<String>,
    ) -> Call<ConfirmSyncValid> {
        self.call(ConfirmSyncValid {
            target: ConnectorRef::new(app_id, id),
            sync_lifecycle_id: sync_lifecycle_id.into(),
        })
    }

    /// `RotateCredential`: a new credential; its secret is in the answer, once.
    pub fn rotate_credential(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
    ) -> Call<RotateCredential> {
        self.call(RotateCredential(ConnectorRef::new(app_id, id)))
    }

    /// `GetCredentials`: the credential without its secret.
    pub fn get_credential(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
        credential_id: impl Into<String>,
    ) -> Call<GetCredential> {
        self.call(GetCredential(CredentialRef {
            target: ConnectorRef::new(app_id, id),
            credential_id: credential_id.into(),
        }))
    }

    /// `RevokeCredential`: its client id gets no more tokens.
    pub fn revoke_credential(
        &self,
        app_id: impl Into<String>,
        id: impl Into<String>,
        credential_id: impl Into<String>,
    ) -> Call<RevokeCredential> {
        self.call(RevokeCredential(CredentialRef {
            target: ConnectorRef::new(app_id, id),
            credential_id: credential_id.into(),
        }))
    }

    /// `ValidateHTTPConnectorConfig`: markers for what is wrong in `text`.
    pub fn validate_http_config(&self, text: impl Into<String>) -> Call<ValidateHttpConfig> {
        self.call(ValidateHttpConfig { text: text.into() })
    }
}

impl Call<ListConnectors> {
    /// Items per page (the service clamps to 10..=100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.op.page_size = Some(size);
        self
    }

    /// Starts at this page token.
    pub fn page_token(mut self, token: impl Into<String>) -> Self {
        self.op.page_token = Some(token.into());
        self
    }

    /// Every page from here on, following `nextPageToken`.
    pub fn into_paginator(self) -> Paginator {
        let pages = ConnectorListing::paginator(self.client, self.op);
        match self.deadline {
            Some(Deadline(at)) => pages.deadline(at),
            None => pages,
        }
    }
}

/// Setters shared by the create and create-delegated bodies.
macro_rules! create_setters {
    ($op:ty) => {
        impl Call<$op> {
            /// The description.
            pub fn description(mut self, text: impl Into<String>) -> Self {
                self.op.body.description = Some(text.into());
                self
            }

            /// The integration owners.
            pub fn user_ids(mut self, ids: Vec<String>) -> Self {
                self.op.body.user_ids = Some(ids);
                self
            }

            /// What to expand in the answer (`app_id` or `*`).
            pub fn expand(mut self, paths: Vec<String>) -> Self {
                self.op.body.expand_mask = Some(ConnectorExpandMask { paths: Some(paths) });
                self
            }
        }
    };
}
create_setters!(CreateConnector);
create_setters!(CreateDelegatedConnector);

impl Call<CreateConnector> {
    /// The configuration, `{"@type": …, …}`.
    pub fn config(mut self, config: Config) -> Self {
        self.op.body.config = Some(config);
        self
    }
}

impl Call<CreateDelegatedConnector> {
    /// The display name.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.op.body.display_name = Some(name.into());
        self
    }
}

impl Call<UpdateConnector> {
    /// The display name.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.op.connector.display_name = Some(name.into());
        self
    }

    /// The description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.op.connector.description = Some(text.into());
        self
    }

    /// The integration owners.
    pub fn user_ids(mut self, ids: Vec<String>) -> Self {
        self.op.connector.user_ids = Some(ids);
        self
    }

    /// The configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.op.connector.config = Some(config);
        self
    }

    /// Any writable fields at once, from a whole connector (read-only fields are
    /// dropped); later setters override.
    pub fn connector(mut self, connector: Connector) -> Self {
        self.op.connector = connector;
        self
    }

    /// Names the mask explicitly: fields it names that the connector leaves unset are
    /// cleared by the service.
    pub fn update_mask(mut self, mask: UpdateMask) -> Self {
        self.op.update_mask = Some(mask);
        self
    }
}

impl Call<UpdateSchedule> {
    /// The IANA time zone the cron expression is read in.
    pub fn timezone(mut self, zone: impl Into<String>) -> Self {
        self.op.cron.timezone = Some(zone.into());
        self
    }
}
