//! Reading connectors from a tenant into the tree's shape.

use connkit_connectors::prelude::*;
use std::collections::BTreeMap;

use bytes::Bytes;
use connkit_connectors::ops::Document;
use connkit_connectors::{Client, ErrorKind, FilterArg};
use connkit_models::filter;
use connkit_models::isc::v2024::{ConnectorDetail, V3ConnectorDto};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::identity::name_key;
use crate::spec::ConnectorSpec;
use crate::tree::ConnectorFiles;

/// A connector as a tenant has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteConnector {
    /// Its `scriptName` on that tenant.
    pub script_name: String,
    /// Its files, every one present.
    pub files: ConnectorFiles,
}

/// `true` for a custom connector: one the service named `custom …` when it was created
/// without an explicit type (the API has no other marker). Built-in connectors are the
/// rest.
pub fn is_custom(connector_type: Option<&str>) -> bool {
    connector_type.is_some_and(|t| {
        t.get(..7)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("custom "))
    })
}

/// Every listed connector matching `filter` (every page). The list shows `RELEASED`
/// connectors only.
pub(crate) async fn list(
    client: &Client,
    filter: Option<&FilterArg>,
) -> Result<Vec<V3ConnectorDto>> {
    let mut request = client.list_connectors();
    if let Some(filter) = filter {
        request = request.filter(filter.clone());
    }
    request
        .into_paginator()
        .try_collect()
        .await
        .map_err(|e| Error::api("listing connectors", e))
}

/// The connector named `name` (names compared by [`name_key`]), found through the list (by a
/// `name sw` filter) or, for one the list does not show (not `RELEASED`), at the
/// script name `guess`. Only for a create that failed: its outcome is unknown, or the
/// name turned out to be taken.
pub(crate) async fn find_by_name(
    client: &Client,
    name: &str,
    guess: &str,
) -> Result<Option<String>> {
    let listed = list(client, Some(&filter::field("name").sw(name).into())).await?;
    if let Some(script) = listed
        .into_iter()
        .find(|c| {
            c.name
                .as_deref()
                .is_some_and(|n| name_key(n) == name_key(name))
        })
        .and_then(|c| c.script_name)
    {
        return Ok(Some(script));
    }
    match client.get_connector(guess).send().await {
        Ok(detail)
            if detail
                .name
                .as_deref()
                .is_some_and(|n| name_key(n) == name_key(name)) =>
        {
            Ok(Some(guess.to_owned()))
        }
        Ok(_) => Ok(None),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::api(format!("looking up connector {guess}"), e)),
    }
}

/// `name` if it can be a folder or file name in a tree: letters, digits, `-`, `_` and
/// `.`, not starting with `.` or `_` (those are not read back), so a name from the
/// service can never point outside the tree.
pub(crate) fn path_safe<'a>(what: &str, name: &'a str) -> Result<&'a str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.starts_with(['.', '_']) || !name.chars().all(allowed) {
        return Err(Error::Remote(format!(
            "{what} `{name}` cannot be a file name in a tree (letters, digits, `-`, `_` and `.` only, not first `.` or `_`)"
        )));
    }
    Ok(name)
}

/// Reads one connector with one request: `getConnector`'s detail carries the spec,
/// the translations and the three documents (`sourceConfigXml`, `applicationXml`,
/// `correlationConfigXml`: the same text the document GETs answer). A document the
/// detail leaves out is read with its own GET, so no document is ever read twice.
pub(crate) async fn fetch(client: &Client, script_name: &str) -> Result<RemoteConnector> {
    let context = |what: &str| format!("reading {what} of connector {script_name}");
    let detail = client
        .get_connector(script_name)
        .send()
        .await
        .map_err(|e| Error::api(context("the detail"), e))?;
    let spec = ConnectorSpec::from_detail(&detail).map_err(|field| {
        Error::Remote(format!(
            "connector {script_name}: the service's detail has no {field}"
        ))
    })?;
    let mut documents: [Option<Bytes>; 3] = [None, None, None];
    for (slot, document) in documents.iter_mut().zip(Document::ALL) {
        let bytes = match detail_document(&detail, document) {
            Some(text) => Bytes::from(text.to_owned()),
            None => client
                .get_document(script_name, document)
                .send()
                .await
                .map_err(|e| Error::api(context(&crate::tree::document_file(document)), e))?,
        };
        *slot = Some(bytes);
    }
    let mut translations = BTreeMap::new();
    for (locale, text) in detail.translation_properties.into_iter().flatten() {
        path_safe(&format!("connector {script_name}: the locale"), &locale)?;
        let Value::String(text) = text else {
            return Err(Error::Remote(format!(
                "connector {script_name}: translationProperties.{locale} is not a string"
            )));
        };
        translations.insert(locale, Bytes::from(text));
    }
    Ok(RemoteConnector {
        script_name: script_name.to_owned(),
        files: ConnectorFiles {
            spec,
            documents,
            translations,
        },
    })
}

/// The detail's copy of `document`, if the service sent one.
fn detail_document(detail: &ConnectorDetail, document: Document) -> Option<&str> {
    match document {
        Document::SourceConfig => detail.source_config_xml.as_deref(),
        Document::SourceTemplate => detail.application_xml.as_deref(),
        Document::CorrelationConfig => detail.correlation_config_xml.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_custom, path_safe};

    #[test]
    fn names_from_the_service_stay_inside_the_tree() {
        for ok in ["acme-hr", "zh-TW", "a_b.c", "x1"] {
            assert!(path_safe("name", ok).is_ok(), "{ok}");
        }
        for bad in ["", "..", ".hidden", "_overlays", "a/b", "..\\x", "a b", "é"] {
            let err = path_safe("scriptName", bad).unwrap_err().to_string();
            assert!(err.contains(&format!("scriptName `{bad}`")), "{err}");
        }
    }

    #[test]
    fn custom_connectors_are_the_ones_named_custom_by_the_service() {
        assert!(is_custom(Some("custom Acme HR")));
        assert!(is_custom(Some("Custom Atlassian Suite - Cloud")));
        assert!(!is_custom(Some("customer portal")));
        assert!(!is_custom(Some("Workday")));
        assert!(!is_custom(None));
    }
}
