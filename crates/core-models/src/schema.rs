//! The JSON Schema of every public model, by name (feature `schema`).
//!
//! One list serves every consumer: `cargo xtask schemas` (through the
//! `export_schemas` example), the CLI's `connkit schema [TYPE]`, and the spec
//! conformance test. Names are the spec's type names; the ConductorOne family is
//! prefixed `c1.` so that `c1.ConnectorStatus` and the ISC `ConnectorStatus` (and
//! any future clash) get distinct names and files.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::{c1, isc::v2024 as isc, preflight};

/// The JSON Schema (draft 2020-12) of one public model.
#[derive(Debug, Clone)]
pub struct ModelSchema {
    /// The unique name: the type name, prefixed `c1.` for ConductorOne types.
    pub name: &'static str,
    /// The root schema, with any referenced types under `$defs`.
    pub schema: Schema,
}

fn entry<T: JsonSchema>(name: &'static str) -> ModelSchema {
    ModelSchema {
        name,
        schema: SchemaGenerator::default().into_root_schema_for::<T>(),
    }
}

/// Every public model's schema, in a fixed order (ISC, ConductorOne, pre-flight).
pub fn all() -> Vec<ModelSchema> {
    vec![
        entry::<isc::V3ConnectorDto>("V3ConnectorDto"),
        entry::<isc::ConnectorDetail>("ConnectorDetail"),
        entry::<isc::V3CreateConnectorDto>("V3CreateConnectorDto"),
        entry::<isc::ConnectorStatus>("ConnectorStatus"),
        entry::<isc::UpdateDetail>("UpdateDetail"),
        entry::<isc::UpdateStatus>("UpdateStatus"),
        entry::<isc::JsonPatchOperation>("JsonPatchOperation"),
        entry::<isc::JsonPatchOp>("JsonPatchOp"),
        entry::<isc::ErrorResponseDto>("ErrorResponseDto"),
        entry::<isc::ErrorMessageDto>("ErrorMessageDto"),
        entry::<isc::LocaleOrigin>("LocaleOrigin"),
        entry::<isc::UnauthorizedError>("UnauthorizedError"),
        entry::<isc::RateLimitError>("RateLimitError"),
        entry::<isc::Locale>("Locale"),
        entry::<c1::Connector>("c1.Connector"),
        entry::<c1::Config>("c1.Config"),
        entry::<c1::OAuth2AuthorizedAs>("c1.OAuth2AuthorizedAs"),
        entry::<c1::ConnectorStatus>("c1.ConnectorStatus"),
        entry::<c1::SyncStatus>("c1.SyncStatus"),
        entry::<c1::SyncConfig>("c1.SyncConfig"),
        entry::<c1::ConnectorSyncCronSchedule>("c1.ConnectorSyncCronSchedule"),
        entry::<c1::ConnectorView>("c1.ConnectorView"),
        entry::<c1::ConnectorServiceListResponse>("c1.ConnectorServiceListResponse"),
        entry::<c1::ConnectorServiceGetResponse>("c1.ConnectorServiceGetResponse"),
        entry::<c1::ConnectorServiceCreateResponse>("c1.ConnectorServiceCreateResponse"),
        entry::<c1::ConnectorServiceUpdateResponse>("c1.ConnectorServiceUpdateResponse"),
        entry::<c1::ConnectorExpandMask>("c1.ConnectorExpandMask"),
        entry::<c1::AppManagedStateBindingRef>("c1.AppManagedStateBindingRef"),
        entry::<c1::ConnectorServiceCreateRequest>("c1.ConnectorServiceCreateRequest"),
        entry::<c1::ConnectorServiceCreateDelegatedRequest>(
            "c1.ConnectorServiceCreateDelegatedRequest",
        ),
        entry::<c1::ConnectorServiceUpdateRequest>("c1.ConnectorServiceUpdateRequest"),
        entry::<c1::ConnectorServiceUpdateDelegatedRequest>(
            "c1.ConnectorServiceUpdateDelegatedRequest",
        ),
        entry::<c1::ConnectorServiceRotateCredentialRequest>(
            "c1.ConnectorServiceRotateCredentialRequest",
        ),
        entry::<c1::ConnectorScheduleCron>("c1.ConnectorScheduleCron"),
        entry::<c1::UpdateConnectorScheduleRequest>("c1.UpdateConnectorScheduleRequest"),
        entry::<c1::EditorValidateRequest>("c1.EditorValidateRequest"),
        entry::<c1::Empty>("c1.Empty"),
        entry::<c1::ConnectorCredential>("c1.ConnectorCredential"),
        entry::<c1::ConnectorServiceGetCredentialsResponse>(
            "c1.ConnectorServiceGetCredentialsResponse",
        ),
        entry::<c1::ConnectorServiceRotateCredentialResponse>(
            "c1.ConnectorServiceRotateCredentialResponse",
        ),
        entry::<c1::EditorMarker>("c1.EditorMarker"),
        entry::<c1::MarkerSeverity>("c1.MarkerSeverity"),
        entry::<c1::EditorValidateResponse>("c1.EditorValidateResponse"),
        entry::<c1::GetConnectorSyncDownloadURLResponse>("c1.GetConnectorSyncDownloadURLResponse"),
        entry::<c1::UpdateMask>("c1.UpdateMask"),
        entry::<c1::RpcStatus>("c1.RpcStatus"),
        entry::<preflight::BodyKind>("BodyKind"),
        entry::<preflight::Severity>("Severity"),
        entry::<preflight::Finding>("Finding"),
    ]
}

/// The schema of the model called `name` (as in [`all`]), if there is one.
pub fn find(name: &str) -> Option<ModelSchema> {
    all().into_iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_findable() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        let connector = find("c1.Connector").expect("c1.Connector is listed");
        let props = connector
            .schema
            .get("properties")
            .expect("an object schema");
        assert!(props.get("oauthAuthorizedAs").is_some());
        assert!(find("Connector").is_none());
    }

    #[test]
    fn timestamps_are_date_time_strings_and_nullable() {
        let status = find("c1.ConnectorStatus").expect("listed");
        let started = &status.schema.as_value()["properties"]["startedAt"];
        assert_eq!(started["format"], "date-time");
        assert_eq!(started["type"], serde_json::json!(["string", "null"]));
    }
}
