//! The fluent layer: every operation method of [`Client`] returns a [`Call`] — the
//! shared [`connkit_client::Call`] (time limits, `send`, `.await`, `into_paginator`) —
//! whose setters fill the operation. Each operation's setters are an extension trait of
//! its own (see [`connkit_client::Call`] on why), all in the [`prelude`](crate::prelude);
//! each optional one has a `set_*(Option<T>)` twin that clears it with `None`.

use connkit_client::call_setters;
use connkit_models::c1::{
    Config, Connector, ConnectorExpandMask, ConnectorScheduleCron,
    ConnectorServiceCreateDelegatedRequest, ConnectorServiceCreateRequest, UpdateMask,
};

use crate::client::Client;
use crate::ops::{
    ConfirmSyncValid, ConnectorRef, CreateConnector, CreateDelegatedConnector, CredentialRef,
    DeleteConnector, GetConnector, GetCredential, GetSyncDownloadUrl, ListConnectors,
    RevokeCredential, RotateCredential, SyncAction, SyncControl, UpdateConnector, UpdateRoute,
    UpdateSchedule, ValidateHttpConfig,
};

/// One operation bound to a [`Client`], ready to [`send`](connkit_client::Call::send)
/// or `.await`. Its setters come with the [`prelude`](crate::prelude).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_c1::Error> {
/// use std::time::Duration;
/// use connkit_c1::prelude::*;
/// use connkit_c1::Client;
/// use connkit_sandbox::Sandbox;
///
/// let sandbox = Sandbox::builder().build().unwrap();
/// let app = sandbox.c1().demo_app_ids()[0].clone();
/// let client = Client::from_transport(sandbox)?;
/// let created = client
///     .create_delegated_connector(&app, "catalog-okta")
///     .display_name("Okta")
///     .set_description(None)
///     .timeout(Duration::from_secs(30))
///     .await?;
/// assert!(created.connector_view.is_some());
/// # Ok(()) }
/// ```
pub type Call<O> = connkit_client::Call<Client, O>;

impl Client {
    fn call<O>(&self, op: O) -> Call<O> {
        Call::new(self.clone(), op)
    }

    /// `List`: one page of an app's connectors (see [`into_paginator`](connkit_client::Call::into_paginator) for all).
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

    /// `Update`: set fields with the setters of [`UpdateConnectorCall`]; the mask
    /// is the fields set unless [`update_mask`](UpdateConnectorCall::update_mask) names it.
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
        self.update_connector(app_id, id)
            .map_operation(|op| UpdateConnector {
                route: UpdateRoute::Delegated,
                ..op
            })
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

call_setters! {
    /// The setters of `List` ([`Client::list_connectors`]).
    pub trait ListConnectorsCall for Call<ListConnectors> {
        /// Items per page (the service clamps to 10..=100).
        fn page_size(self, size: u32) -> Self {
            self.set_page_size(Some(size))
        }

        /// Items per page, or the service's default with `None`.
        fn set_page_size(self, size: Option<u32>) -> Self {
            self.map_operation(|op| ListConnectors { page_size: size, ..op })
        }

        /// Starts at this page token.
        fn page_token(self, token: impl Into<String>) -> Self {
            self.set_page_token(Some(token.into()))
        }

        /// Starts at this page token, or at the first page with `None`.
        fn set_page_token(self, token: Option<String>) -> Self {
            self.map_operation(|op| ListConnectors { page_token: token, ..op })
        }
    }
}

call_setters! {
    /// The setters `Create` and `CreateDelegated` share
    /// ([`Client::create_connector`], [`Client::create_delegated_connector`]).
    pub trait CreateCall for Call<CreateConnector>, Call<CreateDelegatedConnector> {
        /// The description.
        fn description(self, text: impl Into<String>) -> Self {
            self.set_description(Some(text.into()))
        }

        /// The description, or none with `None`.
        fn set_description(self, text: Option<String>) -> Self {
            self.map_operation(|mut op| {
                op.body.description = text;
                op
            })
        }

        /// The integration owners.
        fn user_ids(self, ids: Vec<String>) -> Self {
            self.set_user_ids(Some(ids))
        }

        /// The integration owners, or none with `None`.
        fn set_user_ids(self, ids: Option<Vec<String>>) -> Self {
            self.map_operation(|mut op| {
                op.body.user_ids = ids;
                op
            })
        }

        /// What to expand in the answer (`app_id` or `*`).
        fn expand(self, paths: Vec<String>) -> Self {
            self.set_expand(Some(paths))
        }

        /// What to expand in the answer, or nothing with `None`.
        fn set_expand(self, paths: Option<Vec<String>>) -> Self {
            self.map_operation(|mut op| {
                op.body.expand_mask = paths.map(|paths| ConnectorExpandMask { paths: Some(paths) });
                op
            })
        }
    }
}

call_setters! {
    /// The setter of `Create` only ([`Client::create_connector`]).
    pub trait CreateConnectorCall for Call<CreateConnector> {
        /// The configuration, `{"@type": …, …}`.
        fn config(self, config: Config) -> Self {
            self.set_config(Some(config))
        }

        /// The configuration, or none with `None`.
        fn set_config(self, config: Option<Config>) -> Self {
            self.map_operation(|mut op| {
                op.body.config = config;
                op
            })
        }
    }
}

call_setters! {
    /// The setter of `CreateDelegated` only ([`Client::create_delegated_connector`]).
    pub trait CreateDelegatedCall for Call<CreateDelegatedConnector> {
        /// The display name.
        fn display_name(self, name: impl Into<String>) -> Self {
            self.set_display_name(Some(name.into()))
        }

        /// The display name, or none with `None`.
        fn set_display_name(self, name: Option<String>) -> Self {
            self.map_operation(|mut op| {
                op.body.display_name = name;
                op
            })
        }
    }
}

call_setters! {
    /// The setters of `Update` and `UpdateDelegated` ([`Client::update_connector`]):
    /// a field set (to `Some`) is in the update mask, unless
    /// [`update_mask`](UpdateConnectorCall::update_mask) names the mask.
    pub trait UpdateConnectorCall for Call<UpdateConnector> {
        /// The display name.
        fn display_name(self, name: impl Into<String>) -> Self {
            self.set_display_name(Some(name.into()))
        }

        /// The display name, or left as it is with `None`.
        fn set_display_name(self, name: Option<String>) -> Self {
            self.map_operation(|mut op| {
                op.connector.display_name = name;
                op
            })
        }

        /// The description.
        fn description(self, text: impl Into<String>) -> Self {
            self.set_description(Some(text.into()))
        }

        /// The description, or left as it is with `None`.
        fn set_description(self, text: Option<String>) -> Self {
            self.map_operation(|mut op| {
                op.connector.description = text;
                op
            })
        }

        /// The integration owners.
        fn user_ids(self, ids: Vec<String>) -> Self {
            self.set_user_ids(Some(ids))
        }

        /// The integration owners, or left as they are with `None`.
        fn set_user_ids(self, ids: Option<Vec<String>>) -> Self {
            self.map_operation(|mut op| {
                op.connector.user_ids = ids;
                op
            })
        }

        /// The configuration.
        fn config(self, config: Config) -> Self {
            self.set_config(Some(config))
        }

        /// The configuration, or left as it is with `None`.
        fn set_config(self, config: Option<Config>) -> Self {
            self.map_operation(|mut op| {
                op.connector.config = config;
                op
            })
        }

        /// Any writable fields at once, from a whole connector (read-only fields are
        /// dropped); later setters override.
        fn connector(self, connector: Connector) -> Self {
            self.map_operation(|op| UpdateConnector { connector, ..op })
        }

        /// Names the mask explicitly: fields it names that the connector leaves unset
        /// are cleared by the service.
        fn update_mask(self, mask: UpdateMask) -> Self {
            self.set_update_mask(Some(mask))
        }

        /// Names the mask explicitly, or with `None` makes it the fields set.
        fn set_update_mask(self, mask: Option<UpdateMask>) -> Self {
            self.map_operation(|op| UpdateConnector { update_mask: mask, ..op })
        }
    }
}

call_setters! {
    /// The setter of `UpdateConnectorSchedule` ([`Client::update_schedule`]).
    pub trait UpdateScheduleCall for Call<UpdateSchedule> {
        /// The IANA time zone the cron expression is read in.
        fn timezone(self, zone: impl Into<String>) -> Self {
            self.set_timezone(Some(zone.into()))
        }

        /// The time zone, or the service's default with `None`.
        fn set_timezone(self, zone: Option<String>) -> Self {
            self.map_operation(|mut op| {
                op.cron.timezone = zone;
                op
            })
        }
    }
}
