//! The fluent form: `client.get_connector("s").locale(Locale::De).send().await`.
//!
//! Every operation method of [`Client`] returns a [`RequestBuilder`] around the sans-IO
//! operation; its setters adjust the operation and [`send`](RequestBuilder::send) (or
//! `.await` on the builder itself) runs it.

use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;
use std::time::Instant;

use bytes::Bytes;
use connkit_models::isc::v2024::{JsonObject, JsonPatchOperation, Locale, V3CreateConnectorDto};
use connkit_transport::Deadline;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::filter::FilterArg;
use crate::operation::Operation;
use crate::ops::{
    CreateConnector, DeleteConnector, Document, GetConnector, GetDocument, GetTranslations,
    ListConnectors, PutDocument, PutFile, PutTranslations, UpdateConnector, UploadTarget,
};
use crate::paginate::{ConnectorListing, Paginator};

/// An operation bound to a client, ready to [`send`](RequestBuilder::send); awaiting
/// the builder itself sends it too.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_connectors::Error> {
/// use connkit_connectors::Client;
/// use connkit_models::filter;
/// use connkit_models::isc::v2024::{Locale, UpdateStatus, V3CreateConnectorDto};
/// use connkit_sandbox::Sandbox;
///
/// let sandbox = Sandbox::builder().seed(30).build().unwrap();
/// let client = Client::from_transport(sandbox)?;
///
/// let page = client
///     .list_connectors()
///     .filter(filter::field("directConnect").eq(true))
///     .limit(5)
///     .count(true)
///     .locale(Locale::Fr)
///     .await?;
/// assert!(page.items.len() <= 5 && page.total.is_some());
///
/// let dto = V3CreateConnectorDto::new("Words", "sailpoint.connector.OpenConnectorAdapter");
/// let script = client.create_connector(&dto).await?.script_name.unwrap();
/// let detail = client
///     .put_translations(&script, Locale::No)
///     .text("greeting=Hei\n")
///     .await?;
/// assert_eq!(detail.status, Some(UpdateStatus::Updated));
/// assert_eq!(client.get_translations(&script, Locale::No).await?, "greeting=Hei\n");
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct RequestBuilder<O> {
    client: Client,
    operation: O,
    /// A setter that failed (e.g. a file that could not be read); `send` returns it.
    error: Option<Error>,
    /// When the whole operation must be done.
    deadline: Option<Deadline>,
}

impl<O: Operation<Error = Error> + Send + Sync> RequestBuilder<O> {
    fn new(client: &Client, operation: O) -> Self {
        RequestBuilder {
            client: client.clone(),
            operation,
            error: None,
            deadline: None,
        }
    }

    /// Ends the whole operation (retries, rate-limiter waits and, for a create whose
    /// outcome is unknown, the lookup by name) at `at`, if the stack's own operation
    /// timeout has not ended it before. For a deadline shared by several operations,
    /// e.g. a whole command.
    pub fn deadline(mut self, at: Instant) -> Self {
        self.deadline = Some(Deadline(at));
        self
    }

    /// [`deadline`](RequestBuilder::deadline), or none with `None`.
    pub fn set_deadline(mut self, at: Option<Instant>) -> Self {
        self.deadline = at.map(Deadline);
        self
    }

    fn map(mut self, f: impl FnOnce(O) -> O) -> Self {
        self.operation = f(self.operation);
        self
    }

    /// The operation as built so far.
    pub fn as_operation(&self) -> &O {
        &self.operation
    }

    /// Sends the request: pre-flight, transport, decoding.
    pub async fn send(self) -> Result<O::Output> {
        match self.error {
            Some(error) => Err(error),
            None => {
                self.client
                    .execute_until(&self.operation, self.deadline)
                    .await
            }
        }
    }
}

impl<O> IntoFuture for RequestBuilder<O>
where
    O: Operation<Error = Error> + Send + Sync + 'static,
    O::Output: Send,
{
    type Output = Result<O::Output>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Client {
    /// `getConnectorList`: one page of connectors; see also
    /// [`into_paginator`](RequestBuilder::into_paginator).
    pub fn list_connectors(&self) -> RequestBuilder<ListConnectors> {
        RequestBuilder::new(self, ListConnectors::new())
    }

    /// `createCustomConnector`.
    pub fn create_connector(&self, dto: &V3CreateConnectorDto) -> RequestBuilder<CreateConnector> {
        RequestBuilder::new(self, CreateConnector::new(dto))
    }

    /// `createCustomConnector` with the JSON body given as is (pre-flight checks it).
    pub fn create_connector_json(&self, body: impl Into<Bytes>) -> RequestBuilder<CreateConnector> {
        RequestBuilder::new(self, CreateConnector::from_json(body))
    }

    /// `getConnector`.
    pub fn get_connector(&self, script_name: impl Into<String>) -> RequestBuilder<GetConnector> {
        RequestBuilder::new(self, GetConnector::new(script_name))
    }

    /// `deleteCustomConnector`.
    pub fn delete_connector(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<DeleteConnector> {
        RequestBuilder::new(self, DeleteConnector::new(script_name))
    }

    /// `updateConnector`: add operations with the builder's helpers.
    pub fn update_connector(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<UpdateConnector> {
        RequestBuilder::new(self, UpdateConnector::new(script_name))
    }

    /// `updateConnector` with the JSON Patch given as is (pre-flight checks it).
    pub fn update_connector_json(
        &self,
        script_name: impl Into<String>,
        patch: impl Into<Bytes>,
    ) -> RequestBuilder<UpdateConnector> {
        RequestBuilder::new(self, UpdateConnector::from_json(script_name, patch))
    }

    /// `getConnectorSourceConfig`, `getConnectorSourceTemplate` or
    /// `getConnectorCorrelationConfig`: the XML, verbatim.
    pub fn get_document(
        &self,
        script_name: impl Into<String>,
        document: Document,
    ) -> RequestBuilder<GetDocument> {
        RequestBuilder::new(self, GetDocument::new(script_name, document))
    }

    /// `putConnectorSourceConfig`, `putConnectorSourceTemplate` or
    /// `putConnectorCorrelationConfig`: give the XML with `.xml(..)`, `.content(..)` or
    /// `.file(path)`.
    pub fn put_document(
        &self,
        script_name: impl Into<String>,
        document: Document,
    ) -> RequestBuilder<PutDocument> {
        RequestBuilder::new(self, PutDocument::new(script_name, document))
    }

    /// `getConnectorSourceConfig`.
    pub fn get_source_config(&self, script_name: impl Into<String>) -> RequestBuilder<GetDocument> {
        self.get_document(script_name, Document::SourceConfig)
    }

    /// `putConnectorSourceConfig`.
    pub fn put_source_config(&self, script_name: impl Into<String>) -> RequestBuilder<PutDocument> {
        self.put_document(script_name, Document::SourceConfig)
    }

    /// `getConnectorSourceTemplate`.
    pub fn get_source_template(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<GetDocument> {
        self.get_document(script_name, Document::SourceTemplate)
    }

    /// `putConnectorSourceTemplate`.
    pub fn put_source_template(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<PutDocument> {
        self.put_document(script_name, Document::SourceTemplate)
    }

    /// `getConnectorCorrelationConfig`.
    pub fn get_correlation_config(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<GetDocument> {
        self.get_document(script_name, Document::CorrelationConfig)
    }

    /// `putConnectorCorrelationConfig`.
    pub fn put_correlation_config(
        &self,
        script_name: impl Into<String>,
    ) -> RequestBuilder<PutDocument> {
        self.put_document(script_name, Document::CorrelationConfig)
    }

    /// `getConnectorTranslations`: the `.properties` text, verbatim.
    pub fn get_translations(
        &self,
        script_name: impl Into<String>,
        locale: Locale,
    ) -> RequestBuilder<GetTranslations> {
        RequestBuilder::new(self, GetTranslations::new(script_name, locale))
    }

    /// `putConnectorTranslations`: content is optional (`.text(..)`, `.content(..)`,
    /// `.file(path)`).
    pub fn put_translations(
        &self,
        script_name: impl Into<String>,
        locale: Locale,
    ) -> RequestBuilder<PutTranslations> {
        RequestBuilder::new(self, PutTranslations::new(script_name, locale))
    }
}

impl RequestBuilder<ListConnectors> {
    /// Sets `filters` from a typed filter or text (parsed and checked before sending).
    pub fn filter(self, filter: impl Into<FilterArg>) -> Self {
        self.map(|op| op.filter(filter))
    }

    /// Sets `filters` to `text` verbatim, skipping the local parse and check.
    pub fn unchecked_filter(self, text: impl Into<String>) -> Self {
        self.map(|op| op.filter(FilterArg::Unchecked(text.into())))
    }

    /// Sets `limit` (`0..=250`).
    pub fn limit(self, limit: u32) -> Self {
        self.map(|op| op.limit(limit))
    }

    /// Sets `offset`.
    pub fn offset(self, offset: u64) -> Self {
        self.map(|op| op.offset(offset))
    }

    /// Sets `count`.
    pub fn count(self, count: bool) -> Self {
        self.map(|op| op.count(count))
    }

    /// Sets `locale`.
    pub fn locale(self, locale: Locale) -> Self {
        self.map(|op| op.locale(locale))
    }

    /// Pages through every connector from `offset` on; `limit`, if set, is the page size.
    pub fn into_paginator(self) -> Paginator {
        let deadline = self.deadline;
        let pages = ConnectorListing::paginator(self.client, self.operation);
        match deadline {
            Some(Deadline(at)) => pages.deadline(at),
            None => pages,
        }
    }
}

impl RequestBuilder<GetConnector> {
    /// Sets `locale`.
    pub fn locale(self, locale: Locale) -> Self {
        self.map(|op| op.locale(locale))
    }
}

/// `set_NAME(Option<T>)` twins of a builder's setters, for callers that hold an
/// `Option` already (as aws-sdk-rust has them): `None` clears the parameter, so the
/// service's default applies.
macro_rules! option_setters {
    ($op:ty { $($set:ident($field:ident: $ty:ty) => $what:literal;)+ }) => {
        impl RequestBuilder<$op> {
            $(
                #[doc = concat!("Sets `", $what, "`, or clears it with `None`.")]
                pub fn $set(mut self, value: Option<$ty>) -> Self {
                    // `T` into an `Option<T>` field, or a flag; `None` is the default.
                    self.operation.$field = match value {
                        Some(value) => value.into(),
                        None => Default::default(),
                    };
                    self
                }
            )+
        }
    };
}

option_setters!(ListConnectors {
    set_filter(filters: FilterArg) => "filters";
    set_limit(limit: u32) => "limit";
    set_offset(offset: u64) => "offset";
    set_count(count: bool) => "count";
    set_locale(locale: Locale) => "locale";
});

option_setters!(GetConnector {
    set_locale(locale: Locale) => "locale";
});

impl RequestBuilder<UpdateConnector> {
    /// Appends any JSON Patch operation.
    pub fn operation(self, operation: JsonPatchOperation) -> Self {
        self.map(|op| op.operation(operation))
    }

    /// `replace` `/applicationXml`.
    pub fn replace_application_xml(self, xml: impl Into<String>) -> Self {
        self.map(|op| op.replace_application_xml(xml))
    }

    /// `replace` `/correlationConfigXml`.
    pub fn replace_correlation_config_xml(self, xml: impl Into<String>) -> Self {
        self.map(|op| op.replace_correlation_config_xml(xml))
    }

    /// `replace` `/sourceConfigXml`.
    pub fn replace_source_config_xml(self, xml: impl Into<String>) -> Self {
        self.map(|op| op.replace_source_config_xml(xml))
    }

    /// `replace` the whole `/connectorMetadata`.
    pub fn replace_metadata(self, metadata: JsonObject) -> Self {
        self.map(|op| op.replace_metadata(metadata))
    }

    /// `add` one `connectorMetadata` key.
    pub fn set_metadata(self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.map(|op| op.set_metadata(key, value))
    }

    /// `remove` one `connectorMetadata` key.
    pub fn remove_metadata(self, key: &str) -> Self {
        self.map(|op| op.remove_metadata(key))
    }
}

impl<T: UploadTarget + Send + Sync> RequestBuilder<PutFile<T>> {
    /// Uploads `content` (text or bytes) verbatim.
    pub fn content(mut self, content: impl Into<Bytes>) -> Self {
        self.operation.set_content(content.into());
        self
    }

    /// Uploads the file at `path` (read now, blocking), named after the file. A read
    /// error is returned by `send`.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        if let Err(error) = self.operation.set_path(path.as_ref()) {
            self.error.get_or_insert(error);
        }
        self
    }
}

impl RequestBuilder<PutDocument> {
    /// Uploads `xml` verbatim.
    pub fn xml(self, xml: impl Into<Bytes>) -> Self {
        self.content(xml)
    }
}

impl RequestBuilder<PutTranslations> {
    /// Uploads `text` verbatim.
    pub fn text(self, text: impl Into<Bytes>) -> Self {
        self.content(text)
    }
}
