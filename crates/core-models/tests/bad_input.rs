//! Bad and odd input: each case asserts the precise error (JSON path, line,
//! column, message) or the lenient result, and nothing panics.

use connkit_models::c1::{self, ConnectorServiceListResponse, SyncStatus};
use connkit_models::decode::{from_json, DecodeError};
use connkit_models::isc::v2024 as isc;
use connkit_models::preflight::Finding;
use proptest::prelude::*;

fn c1_list(body: &str) -> Result<ConnectorServiceListResponse, DecodeError> {
    from_json(body.as_bytes())
}

/// `{"list":[{"connector":{<field>}}]}`, the usual place of a bad field.
fn in_page(field: &str) -> String {
    format!(r#"{{"list":[{{"connector":{{{field}}}}}]}}"#)
}

/// Decodes [`in_page`]`(field)` and returns its connector.
fn c1_field(field: &str) -> Result<c1::Connector, DecodeError> {
    let page = c1_list(&in_page(field))?;
    let connector = page.connectors().next().cloned();
    Ok(connector.unwrap_or_default())
}

/// Decodes `field` inside a page and checks the error: its path, its message, and
/// that its line/column/offset point into the bad `value` (the first occurrence of
/// that text in `field`).
fn assert_field_error(field: &str, value: &str, path: &str, message: &str) {
    let body = in_page(field);
    let err = c1_list(&body).unwrap_err();
    assert_eq!(err.path, path, "{err}");
    assert!(
        err.message.contains(message),
        "expected `{message}` in: {err}"
    );
    assert!(!err.is_eof, "{err}");
    let start = body.find(value).expect("value is in field");
    assert!(
        (start..start + value.len()).contains(&err.offset),
        "offset {} is not inside `{value}` at {start}: {err}",
        err.offset
    );
    assert_eq!((err.line, err.column), (1, err.offset + 1), "{err}");
}

// --- truncated bodies -----------------------------------------------------------

#[test]
fn truncated_c1_page_is_an_eof_error_at_the_end() {
    let body = r#"{"list":[{"connector":{"id":"a","status":{"status":"SYNC_STAT"#;
    let err = c1_list(body).unwrap_err();
    assert!(err.is_eof, "{err}");
    assert_eq!(err.message, "EOF while parsing a string");
    assert_eq!(err.path, "list[0].connector.status.status");
    assert_eq!((err.line, err.column), (1, body.len()));
    assert_eq!(err.offset, body.len() - 1);
}

#[test]
fn empty_body_is_an_eof_error_at_the_root() {
    let err = from_json::<isc::V3ConnectorDto>(b"").unwrap_err();
    assert!(err.is_eof);
    assert_eq!(err.message, "EOF while parsing a value");
    assert_eq!(
        (err.path.as_str(), err.line, err.column, err.offset),
        (".", 1, 0, 0)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every strict prefix of a valid body fails as truncated, never panics.
    #[test]
    fn every_prefix_of_a_valid_body_is_eof(cut in 0usize..VALID_PAGE.len()) {
        let prefix = &VALID_PAGE.as_bytes()[..cut];
        let err = from_json::<ConnectorServiceListResponse>(prefix).unwrap_err();
        prop_assert!(err.is_eof, "{}", err);
        prop_assert!(err.offset <= prefix.len());
    }

    /// Arbitrary bytes give a `DecodeError` or a value, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = from_json::<ConnectorServiceListResponse>(&bytes);
        let _ = from_json::<isc::ConnectorDetail>(&bytes);
        let _ = from_json::<Vec<isc::JsonPatchOperation>>(&bytes);
    }

    /// A valid body with one byte replaced gives a result or an error, never a panic.
    #[test]
    fn mutated_bodies_never_panic(at in 0usize..VALID_PAGE.len(), byte in any::<u8>()) {
        let mut body = VALID_PAGE.as_bytes().to_vec();
        body[at] = byte;
        if let Err(err) = from_json::<ConnectorServiceListResponse>(&body) {
            prop_assert!(err.offset <= body.len());
        }
    }
}

/// A page in the canonical form we write (struct field order), so it round-trips
/// byte for byte.
const VALID_PAGE: &str = r#"{"expanded":[{"@type":"t/app","id":"a1"}],"list":[{"appPath":"$.expanded[0]","connector":{"appId":"a1","config":{"@type":"t/x","k":[1,2]},"createdAt":"2025-08-05T12:00:00.5Z","id":"c1","parallelSyncWorkerCount":"8","status":{"status":"SYNC_STATUS_RUNNING"},"userIds":["u1"]}}],"nextPageToken":"n2"}"#;

#[test]
fn the_valid_page_used_above_decodes() {
    let page = c1_list(VALID_PAGE).unwrap();
    assert_eq!(page.next_page_token(), Some("n2"));
    assert_eq!(serde_json::to_string(&page).unwrap(), VALID_PAGE);
}

// --- wrong types ----------------------------------------------------------------

#[test]
fn wrong_types_name_the_field() {
    assert_field_error(
        r#""canResumeSync":"yes""#,
        r#""yes""#,
        "list[0].connector.canResumeSync",
        r#"invalid type: string "yes", expected a boolean"#,
    );

    assert_field_error(
        r#""userIds":"u1""#,
        r#""u1""#,
        "list[0].connector.userIds",
        r#"invalid type: string "u1", expected a sequence"#,
    );

    assert_field_error(
        r#""createdAt":1754395200"#,
        "1754395200",
        "list[0].connector.createdAt",
        "invalid type: integer `1754395200`, expected an RFC 3339 timestamp string",
    );

    assert_field_error(
        r#""createdAt":"2025-08-05 12:00:00Z""#,
        r#""2025-08-05 12:00:00Z""#,
        "list[0].connector.createdAt",
        "invalid RFC 3339 timestamp `2025-08-05 12:00:00Z`: expected `T` between date and time",
    );

    let err = c1_field(r#""config":["@type"]"#).unwrap_err();
    assert_eq!(err.path, "list[0].connector.config");
    assert!(
        err.message
            .contains(r#"expected a JSON object with an optional "@type", found `["@type"]`"#),
        "{err}"
    );

    // A non-string `@type` is kept verbatim (lenient on input), with no type URL.
    let config = c1_field(r#""config":{"@type":7}"#).unwrap().config.unwrap();
    assert_eq!(
        (config.type_url(), config.as_json()),
        (None, r#"{"@type":7}"#)
    );

    assert_field_error(
        r#""status":{"status":5}"#,
        "5",
        "list[0].connector.status.status",
        "invalid type: integer `5`, expected a string (SyncStatus)",
    );

    let err = from_json::<isc::V3CreateConnectorDto>(br#"{"name":"n"}"#).unwrap_err();
    assert_eq!(err.path, ".");
    assert_eq!(err.message, "missing field `className`");
}

// --- null where a list (or anything) is expected ---------------------------------

#[test]
fn null_lists_are_none() {
    let page = c1_list(r#"{"list":null,"expanded":null,"nextPageToken":null}"#).unwrap();
    assert_eq!(page, ConnectorServiceListResponse::default());

    let c = c1_field(r#""userIds":null,"profileAllowList":null,"profileIgnoreList":null,"syncConfig":{"syncResourceTypeIds":null}"#).unwrap();
    assert_eq!(
        (c.user_ids, c.profile_allow_list, c.profile_ignore_list),
        (None, None, None)
    );
    assert_eq!(c.sync_config, Some(c1::SyncConfig::default()));

    let dto: isc::V3ConnectorDto =
        from_json(br#"{"features":null,"connectorMetadata":null}"#).unwrap();
    assert_eq!(dto, isc::V3ConnectorDto::default());
    let err: isc::ErrorResponseDto = from_json(br#"{"messages":null,"causes":null}"#).unwrap();
    assert_eq!(err, isc::ErrorResponseDto::default());
}

#[test]
fn null_inside_a_list_is_an_error_naming_the_item() {
    assert_field_error(
        r#""userIds":["u1",null]"#,
        "null",
        "list[0].connector.userIds[1]",
        "invalid type: null, expected a string",
    );
}

// --- unknown enum values ----------------------------------------------------------

#[test]
fn unknown_enum_values_are_kept() {
    let c = c1_field(r#""status":{"status":"SYNC_STATUS_PAUSED"}"#).unwrap();
    let status = c.status.and_then(|s| s.status).unwrap();
    assert_eq!(status, SyncStatus::Unknown("SYNC_STATUS_PAUSED".into()));

    let dto: isc::V3ConnectorDto = from_json(br#"{"status":"BETA"}"#).unwrap();
    assert_eq!(dto.status.as_ref().map(|s| s.as_str()), Some("BETA"));
    assert_eq!(serde_json::to_string(&dto).unwrap(), r#"{"status":"BETA"}"#);

    let update: isc::UpdateDetail = from_json(br#"{"status":"PARTIAL"}"#).unwrap();
    assert!(!update.is_error());
    assert!(update.status.unwrap().is_unknown());

    let msg: isc::ErrorMessageDto = from_json(br#"{"localeOrigin":"HEADER"}"#).unwrap();
    assert_eq!(
        msg.locale_origin,
        Some(isc::LocaleOrigin::Unknown("HEADER".into()))
    );
    let msg: isc::ErrorMessageDto = from_json(br#"{"localeOrigin":null}"#).unwrap();
    assert_eq!(msg.locale_origin, None);

    let op: isc::JsonPatchOperation = from_json(br#"{"op":"merge","path":"/a"}"#).unwrap();
    assert_eq!(op.op, isc::JsonPatchOp::Unknown("merge".into()));
}

// --- huge numbers -----------------------------------------------------------------

#[test]
fn huge_numbers_are_refused_with_the_field_named() {
    assert_field_error(
        r#""parallelSyncWorkerCount":1e400"#,
        "1e400",
        "list[0].connector.parallelSyncWorkerCount",
        "number out of range",
    );

    assert_field_error(
        r#""parallelSyncWorkerCount":18446744073709551616"#,
        "18446744073709551616",
        "list[0].connector.parallelSyncWorkerCount",
        "number 18446744073709552000 is not an integer in int64 range",
    );

    assert_field_error(
        r#""parallelSyncWorkerCount":9223372036854775808"#,
        "9223372036854775808",
        "list[0].connector.parallelSyncWorkerCount",
        "integer 9223372036854775808 is out of range for int64",
    );

    let err = c1_field(r#""connectorApiVersion":"-9223372036854775809""#).unwrap_err();
    assert_eq!(err.path, "list[0].connector.connectorApiVersion");
    assert!(
        err.message
            .contains(r#"string "-9223372036854775809" is not a decimal integer in int64 range"#),
        "{err}"
    );

    let err =
        from_json::<Finding>(br#"{"severity":"error","code":"c","message":"m","line":4294967296}"#)
            .unwrap_err();
    assert_eq!(err.path, "line");
    assert!(
        err.message
            .contains("invalid value: integer `4294967296`, expected u32"),
        "{err}"
    );

    let err =
        from_json::<isc::V3ConnectorDto>(br#"{"connectorMetadata":{"n":1e400}}"#).unwrap_err();
    assert_eq!(err.path, "connectorMetadata.n");
    assert!(err.message.contains("number out of range"), "{err}");
}

#[test]
fn int64_extremes_and_strings_are_accepted() {
    let c = c1_field(
        r#""parallelSyncWorkerCount":-9223372036854775808,"connectorApiVersion":"9223372036854775807""#,
    )
    .unwrap();
    assert_eq!(
        c.parallel_sync_worker_count.map(|n| n.get()),
        Some(i64::MIN)
    );
    assert_eq!(c.connector_api_version.map(|n| n.get()), Some(i64::MAX));
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(
        json,
        r#"{"connectorApiVersion":"9223372036854775807","parallelSyncWorkerCount":"-9223372036854775808"}"#
    );
}

#[test]
fn a_config_keeps_numbers_no_f64_can_hold() {
    let c = c1_field(r#""config":{"@type":"t/x","n":1e400,"big":123456789012345678901234567890}"#)
        .unwrap();
    let config = c.config.unwrap();
    assert_eq!(
        config.as_json(),
        r#"{"@type":"t/x","n":1e400,"big":123456789012345678901234567890}"#
    );
    // Reading such a number as a serde_json Value is what fails, and it says so.
    assert!(config
        .to_map()
        .unwrap_err()
        .to_string()
        .contains("number out of range"));
}

// --- `no` as a locale ---------------------------------------------------------------

#[test]
fn no_is_norwegian_never_a_boolean() {
    assert_eq!("no".parse::<isc::Locale>(), Ok(isc::Locale::No));
    let locale: isc::Locale = serde_json::from_str(r#""no""#).unwrap();
    assert_eq!(locale, isc::Locale::No);
    assert_eq!(serde_json::to_string(&locale).unwrap(), r#""no""#);

    // In YAML (a config file, a spec), a bare `no` is still the locale.
    let locale: isc::Locale = serde_norway::from_str("no").unwrap();
    assert_eq!(locale, isc::Locale::No);
    let msg: isc::ErrorMessageDto = serde_norway::from_str("locale: no\ntext: hei").unwrap();
    assert_eq!(msg.locale.as_deref(), Some("no"));

    // A JSON boolean is not a locale: a clear error, not a guess.
    let err = from_json::<isc::Locale>(b"false").unwrap_err();
    assert!(
        err.message
            .contains("invalid type: boolean `false`, expected a string (Locale)"),
        "{err}"
    );
}

// --- nesting ------------------------------------------------------------------------

#[test]
fn absurd_nesting_never_overflows_the_stack() {
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));

    // A config is kept as text: any depth is accepted verbatim; only reading it as
    // a `serde_json::Value` meets (and reports) serde_json's recursion limit.
    let text = format!(r#"{{"@type":"t","x":{nested}}}"#);
    let c = c1_field(&format!(r#""config":{text}"#)).unwrap();
    let config = c.config.unwrap();
    assert_eq!(config.as_json(), text);
    let err = config.to_map().unwrap_err();
    assert!(
        err.to_string().contains("recursion limit exceeded"),
        "{err}"
    );

    // A free-form object decoded into a Value says where the limit was hit.
    let body = format!(r#"{{"connectorMetadata":{{"deep":{nested}}}}}"#);
    let err = from_json::<isc::V3ConnectorDto>(body.as_bytes()).unwrap_err();
    assert!(
        err.path.starts_with("connectorMetadata.deep[0][0]"),
        "{err}"
    );
    assert!(err.message.contains("recursion limit exceeded"), "{err}");
}
