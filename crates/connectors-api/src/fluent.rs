//! The fluent form: `client.get_connector("s").locale(Locale::De).send().await`.
//!
//! Every operation method of [`Client`] returns a [`Call`] around the sans-IO
//! operation: the shared [`connkit_client::Call`] (time limits, `send`, `.await`,
//! `into_paginator`), with each operation's setters in an extension trait of its own
//! (see [`connkit_client::Call`] on why), all in the [`prelude`](crate::prelude).

use std::path::Path;

use bytes::Bytes;
use connkit_client::call_setters;
use connkit_models::isc::v2024::{JsonObject, JsonPatchOperation, Locale, V3CreateConnectorDto};

use crate::client::Client;
use crate::filter::FilterArg;
use crate::ops::{
    CreateConnector, DeleteConnector, Document, GetConnector, GetDocument, GetTranslations,
    ListConnectors, PutDocument, PutTranslations, UpdateConnector,
};

/// An operation bound to a client, ready to [`send`](connkit_client::Call::send);
/// awaiting it sends it too. Its setters come with the [`prelude`](crate::prelude).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), connkit_connectors::Error> {
/// use std::time::Duration;
/// use connkit_connectors::prelude::*;
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
///     .set_locale(Some(Locale::Fr))
///     .timeout(Duration::from_secs(30))
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
pub type Call<O> = connkit_client::Call<Client, O>;

impl Client {
    /// `getConnectorList`: one page of connectors; see also
    /// [`into_paginator`](connkit_client::Call::into_paginator).
    pub fn list_connectors(&self) -> Call<ListConnectors> {
        Call::new(self.clone(), ListConnectors::new())
    }

    /// `createCustomConnector`.
    pub fn create_connector(&self, dto: &V3CreateConnectorDto) -> Call<CreateConnector> {
        Call::new(self.clone(), CreateConnector::new(dto))
    }

    /// `createCustomConnector` with the JSON body given as is (pre-flight checks it).
    pub fn create_connector_json(&self, body: impl Into<Bytes>) -> Call<CreateConnector> {
        Call::new(self.clone(), CreateConnector::from_json(body))
    }

    /// `getConnector`.
    pub fn get_connector(&self, script_name: impl Into<String>) -> Call<GetConnector> {
        Call::new(self.clone(), GetConnector::new(script_name))
    }

    /// `deleteCustomConnector`.
    pub fn delete_connector(&self, script_name: impl Into<String>) -> Call<DeleteConnector> {
        Call::new(self.clone(), DeleteConnector::new(script_name))
    }

    /// `updateConnector`: add operations with the builder's helpers.
    pub fn update_connector(&self, script_name: impl Into<String>) -> Call<UpdateConnector> {
        Call::new(self.clone(), UpdateConnector::new(script_name))
    }

    /// `updateConnector` with the JSON Patch given as is (pre-flight checks it).
    pub fn update_connector_json(
        &self,
        script_name: impl Into<String>,
        patch: impl Into<Bytes>,
    ) -> Call<UpdateConnector> {
        Call::new(self.clone(), UpdateConnector::from_json(script_name, patch))
    }

    /// `getConnectorSourceConfig`, `getConnectorSourceTemplate` or
    /// `getConnectorCorrelationConfig`: the XML, verbatim.
    pub fn get_document(
        &self,
        script_name: impl Into<String>,
        document: Document,
    ) -> Call<GetDocument> {
        Call::new(self.clone(), GetDocument::new(script_name, document))
    }

    /// `putConnectorSourceConfig`, `putConnectorSourceTemplate` or
    /// `putConnectorCorrelationConfig`: give the XML with `.xml(..)`, `.content(..)` or
    /// `.file(path)`.
    pub fn put_document(
        &self,
        script_name: impl Into<String>,
        document: Document,
    ) -> Call<PutDocument> {
        Call::new(self.clone(), PutDocument::new(script_name, document))
    }

    /// `getConnectorSourceConfig`.
    pub fn get_source_config(&self, script_name: impl Into<String>) -> Call<GetDocument> {
        self.get_document(script_name, Document::SourceConfig)
    }

    /// `putConnectorSourceConfig`.
    pub fn put_source_config(&self, script_name: impl Into<String>) -> Call<PutDocument> {
        self.put_document(script_name, Document::SourceConfig)
    }

    /// `getConnectorSourceTemplate`.
    pub fn get_source_template(&self, script_name: impl Into<String>) -> Call<GetDocument> {
        self.get_document(script_name, Document::SourceTemplate)
    }

    /// `putConnectorSourceTemplate`.
    pub fn put_source_template(&self, script_name: impl Into<String>) -> Call<PutDocument> {
        self.put_document(script_name, Document::SourceTemplate)
    }

    /// `getConnectorCorrelationConfig`.
    pub fn get_correlation_config(&self, script_name: impl Into<String>) -> Call<GetDocument> {
        self.get_document(script_name, Document::CorrelationConfig)
    }

    /// `putConnectorCorrelationConfig`.
    pub fn put_correlation_config(&self, script_name: impl Into<String>) -> Call<PutDocument> {
        self.put_document(script_name, Document::CorrelationConfig)
    }

    /// `getConnectorTranslations`: the `.properties` text, verbatim.
    pub fn get_translations(
        &self,
        script_name: impl Into<String>,
        locale: Locale,
    ) -> Call<GetTranslations> {
        Call::new(self.clone(), GetTranslations::new(script_name, locale))
    }

    /// `putConnectorTranslations`: content is optional (`.text(..)`, `.content(..)`,
    /// `.file(path)`).
    pub fn put_translations(
        &self,
        script_name: impl Into<String>,
        locale: Locale,
    ) -> Call<PutTranslations> {
        Call::new(self.clone(), PutTranslations::new(script_name, locale))
    }
}

call_setters! {
    /// The setters of `getConnectorList` ([`Client::list_connectors`]); each optional
    /// one has a `set_*(Option<T>)` twin that clears it with `None` (the service's
    /// default then applies).
    pub trait ListConnectorsCall for Call<ListConnectors> {
        /// Sets `filters` from a typed filter or text (parsed and checked before
        /// sending).
        fn filter(self, filter: impl Into<FilterArg>) -> Self {
            self.set_filter(Some(filter.into()))
        }

        /// Sets `filters`, or clears them with `None`.
        fn set_filter(self, filter: Option<FilterArg>) -> Self {
            self.map_operation(|op| ListConnectors { filters: filter, ..op })
        }

        /// Sets `filters` to `text` verbatim, skipping the local parse and check.
        fn unchecked_filter(self, text: impl Into<String>) -> Self {
            self.set_filter(Some(FilterArg::Unchecked(text.into())))
        }

        /// Sets `limit` (`0..=250`).
        fn limit(self, limit: u32) -> Self {
            self.set_limit(Some(limit))
        }

        /// Sets `limit`, or clears it with `None`.
        fn set_limit(self, limit: Option<u32>) -> Self {
            self.map_operation(|op| ListConnectors { limit, ..op })
        }

        /// Sets `offset`.
        fn offset(self, offset: u64) -> Self {
            self.set_offset(Some(offset))
        }

        /// Sets `offset`, or clears it with `None`.
        fn set_offset(self, offset: Option<u64>) -> Self {
            self.map_operation(|op| ListConnectors { offset, ..op })
        }

        /// Sets `count`.
        fn count(self, count: bool) -> Self {
            self.set_count(Some(count))
        }

        /// Sets `count`, or clears it with `None`.
        fn set_count(self, count: Option<bool>) -> Self {
            self.map_operation(|op| ListConnectors { count: count.unwrap_or_default(), ..op })
        }

        /// Sets `locale`.
        fn locale(self, locale: Locale) -> Self {
            self.set_locale(Some(locale))
        }

        /// Sets `locale`, or clears it with `None`.
        fn set_locale(self, locale: Option<Locale>) -> Self {
            self.map_operation(|op| ListConnectors { locale, ..op })
        }
    }
}

call_setters! {
    /// The setters of `getConnector` ([`Client::get_connector`]).
    pub trait GetConnectorCall for Call<GetConnector> {
        /// Sets `locale`.
        fn locale(self, locale: Locale) -> Self {
            self.set_locale(Some(locale))
        }

        /// Sets `locale`, or clears it with `None`.
        fn set_locale(self, locale: Option<Locale>) -> Self {
            self.map_operation(|op| GetConnector { locale, ..op })
        }
    }
}

call_setters! {
    /// The setters of `updateConnector` ([`Client::update_connector`]): each appends
    /// one JSON Patch operation.
    pub trait UpdateConnectorCall for Call<UpdateConnector> {
        /// Appends any JSON Patch operation.
        fn patch(self, operation: JsonPatchOperation) -> Self {
            self.map_operation(|op| op.operation(operation))
        }

        /// `replace` `/applicationXml`.
        fn replace_application_xml(self, xml: impl Into<String>) -> Self {
            self.map_operation(|op| op.replace_application_xml(xml))
        }

        /// `replace` `/correlationConfigXml`.
        fn replace_correlation_config_xml(self, xml: impl Into<String>) -> Self {
            self.map_operation(|op| op.replace_correlation_config_xml(xml))
        }

        /// `replace` `/sourceConfigXml`.
        fn replace_source_config_xml(self, xml: impl Into<String>) -> Self {
            self.map_operation(|op| op.replace_source_config_xml(xml))
        }

        /// `replace` the whole `/connectorMetadata`.
        fn replace_metadata(self, metadata: JsonObject) -> Self {
            self.map_operation(|op| op.replace_metadata(metadata))
        }

        /// `add` one `connectorMetadata` key.
        fn set_metadata(self, key: &str, value: impl Into<serde_json::Value>) -> Self {
            self.map_operation(|op| op.set_metadata(key, value))
        }

        /// `remove` one `connectorMetadata` key.
        fn remove_metadata(self, key: &str) -> Self {
            self.map_operation(|op| op.remove_metadata(key))
        }
    }
}

call_setters! {
    /// The content of an upload (the XML documents' and the translations' PUTs).
    pub trait UploadCall for Call<PutDocument>, Call<PutTranslations> {
        /// Uploads `content` (text or bytes) verbatim.
        fn content(self, content: impl Into<Bytes>) -> Self {
            self.map_operation(|op| op.with_content(content))
        }

        /// Uploads the file at `path` (read now, blocking), named after the file. A
        /// read error is returned by `send`.
        fn file(self, path: impl AsRef<Path>) -> Self {
            self.try_map_operation(|op| op.set_path(path.as_ref()))
        }
    }
}

call_setters! {
    /// The setter of the XML documents' PUTs ([`Client::put_document`]).
    pub trait PutDocumentCall for Call<PutDocument> {
        /// Uploads `xml` verbatim.
        fn xml(self, xml: impl Into<Bytes>) -> Self {
            self.content(xml)
        }
    }
}

call_setters! {
    /// The setter of `putConnectorTranslations` ([`Client::put_translations`]).
    pub trait PutTranslationsCall for Call<PutTranslations> {
        /// Uploads `text` verbatim.
        fn text(self, text: impl Into<Bytes>) -> Self {
            self.content(text)
        }
    }
}
