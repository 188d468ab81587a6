//! Property tests: every public model decodes what the service may send and
//! round-trips what it encodes.
//!
//! Each model is described below by its wire fields (names written out from the
//! specs, not taken from our code). A generator builds a JSON body from that
//! description — every optional field absent, `null` or a value; enum fields known
//! or unknown strings; unknown keys sprinkled in — together with the JSON we must
//! write back (nulls and unknown keys gone, everything else unchanged, proto3
//! `int64`s as strings). For every body the test checks:
//!
//! 1. it decodes (unknown fields and enum values never fail a decode);
//! 2. encoding gives exactly the expected JSON (nothing lost, unknown enum values kept);
//! 3. decode → encode → decode is the identity;
//! 4. encode(decode(encode(x))) == encode(x), byte for byte.

use std::fmt::Debug;

use connkit_models::c1;
use connkit_models::decode::from_json;
use connkit_models::isc::v2024 as isc;
use connkit_models::preflight;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// How a field looks on the wire.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    U32,
    StrList,
    /// RFC 3339 with 0–9 fractional digits.
    Time,
    /// proto3 `int64`: string or number in, string out.
    Int64,
    /// An open enum: known values, or any other string.
    Enum(&'static [&'static str]),
    /// A closed enum: only these values.
    Closed(&'static [&'static str]),
    /// Any JSON object, kept as is (`additionalProperties: true`).
    AnyObject,
    /// Any JSON value; an explicit `null` is kept.
    AnyValue,
    /// `{"@type": …, …}` kept verbatim, unknown keys included.
    Config,
    Object(&'static Model),
    List(&'static Model),
    ConfigList,
}

/// Whether a field may be absent or `null`.
#[derive(Clone, Copy, PartialEq)]
enum Presence {
    Optional,
    Required,
}

/// A model's wire fields.
struct Model {
    fields: &'static [(&'static str, Kind, Presence)],
}

use Kind::*;
use Presence::*;

const SYNC_STATUS: &[&str] = &[
    "SYNC_STATUS_UNSPECIFIED",
    "SYNC_STATUS_RUNNING",
    "SYNC_STATUS_DONE",
    "SYNC_STATUS_ERROR",
    "SYNC_STATUS_DISABLED",
];
const ISC_STATUS: &[&str] = &["DEPRECATED", "DEVELOPMENT", "DEMO", "RELEASED"];
const UPDATE_STATUS: &[&str] = &["ERROR", "UPDATED", "UNCHANGED", "SKIPPED"];
const LOCALE_ORIGIN: &[&str] = &["DEFAULT", "REQUEST"];
const PATCH_OP: &[&str] = &["add", "remove", "replace", "move", "copy", "test"];
const SEVERITY: &[&str] = &["info", "warning", "error"];

static C1_STATUS: Model = Model {
    fields: &[
        ("completedAt", Time, Optional),
        ("lastError", Str, Optional),
        ("startedAt", Time, Optional),
        ("status", Enum(SYNC_STATUS), Optional),
        ("updatedAt", Time, Optional),
    ],
};
static C1_OAUTH: Model = Model {
    fields: &[
        ("authEmail", Str, Optional),
        ("authorizedAt", Time, Optional),
    ],
};
static C1_SYNC_CONFIG: Model = Model {
    fields: &[("syncResourceTypeIds", StrList, Optional)],
};
static C1_CRON: Model = Model {
    fields: &[
        ("cronSpec", Str, Optional),
        ("start", Time, Optional),
        ("timezone", Str, Optional),
    ],
};
static C1_CONNECTOR: Model = Model {
    fields: &[
        ("appId", Str, Optional),
        ("canResumeSync", Bool, Optional),
        ("catalogId", Str, Optional),
        ("config", Config, Optional),
        ("configUpdatedAt", Time, Optional),
        ("connectorApiVersion", Int64, Optional),
        ("connectorSyncCronSchedule", Object(&C1_CRON), Optional),
        ("createdAt", Time, Optional),
        ("deletedAt", Time, Optional),
        ("description", Str, Optional),
        ("disableCheckBadSync", Bool, Optional),
        ("displayName", Str, Optional),
        ("downloadUrl", Str, Optional),
        ("id", Str, Optional),
        ("oauthAuthorizedAs", Object(&C1_OAUTH), Optional),
        ("parallelSyncWorkerCount", Int64, Optional),
        ("profileAllowList", StrList, Optional),
        ("profileIgnoreList", StrList, Optional),
        ("status", Object(&C1_STATUS), Optional),
        ("syncConfig", Object(&C1_SYNC_CONFIG), Optional),
        ("syncDisabledAt", Time, Optional),
        ("syncDisabledCategory", Str, Optional),
        ("syncDisabledReason", Str, Optional),
        ("updatedAt", Time, Optional),
        ("userIds", StrList, Optional),
    ],
};
static C1_VIEW: Model = Model {
    fields: &[
        ("appPath", Str, Optional),
        ("capabilitiesPath", Str, Optional),
        ("connector", Object(&C1_CONNECTOR), Optional),
        ("usersPath", Str, Optional),
    ],
};
static C1_LIST: Model = Model {
    fields: &[
        ("expanded", ConfigList, Optional),
        ("list", List(&C1_VIEW), Optional),
        ("nextPageToken", Str, Optional),
    ],
};
static C1_GET: Model = Model {
    fields: &[
        ("connectorView", Object(&C1_VIEW), Optional),
        ("expanded", ConfigList, Optional),
    ],
};

static ISC_CONNECTOR: Model = Model {
    fields: &[
        ("name", Str, Optional),
        ("type", Str, Optional),
        ("scriptName", Str, Optional),
        ("className", Str, Optional),
        ("features", StrList, Optional),
        ("directConnect", Bool, Optional),
        ("connectorMetadata", AnyObject, Optional),
        ("status", Enum(ISC_STATUS), Optional),
    ],
};
static ISC_DETAIL: Model = Model {
    fields: &[
        ("name", Str, Optional),
        ("type", Str, Optional),
        ("className", Str, Optional),
        ("scriptName", Str, Optional),
        ("applicationXml", Str, Optional),
        ("correlationConfigXml", Str, Optional),
        ("sourceConfigXml", Str, Optional),
        ("sourceConfig", Str, Optional),
        ("sourceConfigFrom", Str, Optional),
        ("s3Location", Str, Optional),
        ("uploadedFiles", StrList, Optional),
        ("fileUpload", Bool, Optional),
        ("directConnect", Bool, Optional),
        ("translationProperties", AnyObject, Optional),
        ("connectorMetadata", AnyObject, Optional),
        ("status", Enum(ISC_STATUS), Optional),
    ],
};
static ISC_CREATE: Model = Model {
    fields: &[
        ("name", Str, Required),
        ("type", Str, Optional),
        ("className", Str, Required),
        ("directConnect", Bool, Optional),
        ("status", Enum(ISC_STATUS), Optional),
    ],
};
static ISC_UPDATE: Model = Model {
    fields: &[
        ("message", Str, Optional),
        ("scriptName", Str, Optional),
        ("updatedFiles", StrList, Optional),
        ("status", Enum(UPDATE_STATUS), Optional),
    ],
};
static ISC_PATCH: Model = Model {
    fields: &[
        ("op", Enum(PATCH_OP), Required),
        ("path", Str, Required),
        ("value", AnyValue, Optional),
        ("from", Str, Optional),
    ],
};
static ISC_MESSAGE: Model = Model {
    fields: &[
        ("locale", Str, Optional),
        ("localeOrigin", Enum(LOCALE_ORIGIN), Optional),
        ("text", Str, Optional),
    ],
};
static ISC_ERROR: Model = Model {
    fields: &[
        ("detailCode", Str, Optional),
        ("trackingId", Str, Optional),
        ("messages", List(&ISC_MESSAGE), Optional),
        ("causes", List(&ISC_MESSAGE), Optional),
    ],
};
static ISC_401: Model = Model {
    fields: &[("error", Str, Optional)],
};
static ISC_429: Model = Model {
    fields: &[("message", Str, Optional)],
};
static FINDING: Model = Model {
    fields: &[
        ("severity", Closed(SEVERITY), Required),
        ("code", Str, Required),
        ("message", Str, Required),
        ("line", U32, Optional),
        ("column", U32, Optional),
        ("pointer", Str, Optional),
        ("validator", Str, Optional),
    ],
};

/// A wire body and the JSON we must write back for it.
#[derive(Debug, Clone)]
struct Case {
    input: Value,
    expected: Value,
}

fn same(v: Value) -> Case {
    Case {
        input: v.clone(),
        expected: v,
    }
}

fn any_text() -> impl Strategy<Value = String> {
    // ASCII, escapes, quotes, backslashes and non-BMP characters.
    prop_oneof![
        "[a-zA-Z0-9 _./:-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
        Just("no".to_owned()),
        Just("\"\\\u{0}\u{1F600}".to_owned()),
    ]
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        (0u32..=9999, 1u32..=12, 1u32..=28),
        (0u32..=23, 0u32..=59, 0u32..=60),
        (0usize..=9, 0u32..1_000_000_000),
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (any::<bool>(), 0u32..=23, 0u32..=59)
                .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
        ],
    )
        .prop_map(|((y, mo, d), (h, mi, s), (digits, frac), offset)| {
            let fraction = if digits == 0 {
                String::new()
            } else {
                format!(".{:09}", frac)[..=digits].to_owned()
            };
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{offset}")
        })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Decimals that survive f64 text round trips exactly.
        any::<i32>().prop_map(|n| Value::from(f64::from(n) / 1000.0)),
        any_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z@]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn any_object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-zA-Z@]{1,8}", any_json(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn config_object() -> impl Strategy<Value = Value> {
    (prop::option::of(any_text()), any_object()).prop_map(|(type_url, mut object)| {
        if let Value::Object(map) = &mut object {
            map.remove("@type");
            if let Some(t) = type_url {
                map.insert("@type".to_owned(), Value::from(t));
            }
        }
        object
    })
}

fn enum_value(known: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(known).prop_map(Value::from),
        any_text().prop_map(Value::from),
    ]
}

/// A present (non-null) value of the given kind.
fn value_of(kind: Kind) -> BoxedStrategy<Case> {
    match kind {
        Str => any_text().prop_map(|s| same(s.into())).boxed(),
        Bool => any::<bool>().prop_map(|b| same(b.into())).boxed(),
        U32 => any::<u32>().prop_map(|n| same(n.into())).boxed(),
        StrList => prop::collection::vec(any_text(), 0..3)
            .prop_map(|v| same(v.into()))
            .boxed(),
        Time => timestamp().prop_map(|s| same(s.into())).boxed(),
        Int64 => (any::<i64>(), any::<bool>())
            .prop_map(|(n, as_number)| Case {
                input: if as_number {
                    n.into()
                } else {
                    n.to_string().into()
                },
                expected: n.to_string().into(),
            })
            .boxed(),
        Enum(known) => enum_value(known).prop_map(same).boxed(),
        Closed(known) => prop::sample::select(known)
            .prop_map(|s| same(s.into()))
            .boxed(),
        AnyObject | Config => (if matches!(kind, Config) {
            config_object().boxed()
        } else {
            any_object().boxed()
        })
        .prop_map(same)
        .boxed(),
        AnyValue => any_json().prop_map(same).boxed(),
        Object(model) => object_of(model),
        List(model) => prop::collection::vec(object_of(model), 0..3)
            .prop_map(|cases| {
                let (input, expected) = cases.into_iter().map(|c| (c.input, c.expected)).unzip();
                Case {
                    input: Value::Array(input),
                    expected: Value::Array(expected),
                }
            })
            .boxed(),
        ConfigList => prop::collection::vec(config_object(), 0..3)
            .prop_map(|v| same(v.into()))
            .boxed(),
    }
}

/// What one field contributes: absent, `null`, or a value.
#[derive(Debug, Clone)]
enum Slot {
    Absent,
    Null,
    Present(Case),
}

fn slot(kind: Kind, presence: Presence) -> BoxedStrategy<Slot> {
    match presence {
        Required => value_of(kind).prop_map(Slot::Present).boxed(),
        Optional => prop_oneof![
            1 => Just(Slot::Absent),
            1 => Just(Slot::Null),
            3 => value_of(kind).prop_map(Slot::Present),
        ]
        .boxed(),
    }
}

fn object_of(model: &'static Model) -> BoxedStrategy<Case> {
    let slots: Vec<_> = model
        .fields
        .iter()
        .map(|&(_, kind, presence)| slot(kind, presence))
        .collect();
    let unknown = prop::collection::btree_map("x-[a-z]{1,6}", any_json(), 0..3);
    (slots, unknown)
        .prop_map(move |(slots, unknown)| {
            let mut input = Map::new();
            let mut expected = Map::new();
            for (&(name, kind, _), slot) in model.fields.iter().zip(slots) {
                match slot {
                    Slot::Absent => {}
                    Slot::Null => {
                        input.insert(name.to_owned(), Value::Null);
                        // Only a free-form value keeps an explicit null.
                        if matches!(kind, AnyValue) {
                            expected.insert(name.to_owned(), Value::Null);
                        }
                    }
                    Slot::Present(case) => {
                        input.insert(name.to_owned(), case.input);
                        expected.insert(name.to_owned(), case.expected);
                    }
                }
            }
            input.extend(unknown);
            Case {
                input: Value::Object(input),
                expected: Value::Object(expected),
            }
        })
        .boxed()
}

/// The four round-trip properties for one decoded body.
fn check<T>(case: &Case) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let body = serde_json::to_vec(&case.input).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decoded: T = from_json(&body)
        .map_err(|e| TestCaseError::fail(format!("decode failed: {e}\nbody: {}", case.input)))?;
    let encoded = serde_json::to_vec(&decoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let encoded_value: Value =
        serde_json::from_slice(&encoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&encoded_value, &case.expected, "what we wrote back");
    let again: T =
        from_json(&encoded).map_err(|e| TestCaseError::fail(format!("re-decode failed: {e}")))?;
    prop_assert_eq!(&again, &decoded, "decode → encode → decode");
    let encoded_again =
        serde_json::to_vec(&again).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(encoded_again, encoded, "encode is stable byte for byte");
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

macro_rules! roundtrip {
    ($($test:ident: $ty:ty => $model:expr;)+) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $test(case in object_of(&$model)) {
                    check::<$ty>(&case)?;
                }
            )+
        }
    };
}

roundtrip! {
    c1_connector: c1::Connector => C1_CONNECTOR;
    c1_connector_status: c1::ConnectorStatus => C1_STATUS;
    c1_oauth2_authorized_as: c1::OAuth2AuthorizedAs => C1_OAUTH;
    c1_sync_config: c1::SyncConfig => C1_SYNC_CONFIG;
    c1_connector_sync_cron_schedule: c1::ConnectorSyncCronSchedule => C1_CRON;
    c1_connector_view: c1::ConnectorView => C1_VIEW;
    c1_list_response: c1::ConnectorServiceListResponse => C1_LIST;
    c1_get_response: c1::ConnectorServiceGetResponse => C1_GET;
    isc_v3_connector_dto: isc::V3ConnectorDto => ISC_CONNECTOR;
    isc_connector_detail: isc::ConnectorDetail => ISC_DETAIL;
    isc_v3_create_connector_dto: isc::V3CreateConnectorDto => ISC_CREATE;
    isc_update_detail: isc::UpdateDetail => ISC_UPDATE;
    isc_json_patch_operation: isc::JsonPatchOperation => ISC_PATCH;
    isc_error_message_dto: isc::ErrorMessageDto => ISC_MESSAGE;
    isc_error_response_dto: isc::ErrorResponseDto => ISC_ERROR;
    isc_unauthorized_error: isc::UnauthorizedError => ISC_401;
    isc_rate_limit_error: isc::RateLimitError => ISC_429;
    preflight_finding: preflight::Finding => FINDING;
}

proptest! {
    #![proptest_config(config())]

    /// A `Config` keeps its text byte for byte, whatever its key order.
    #[test]
    fn c1_config_is_verbatim(object in config_object(), reverse in any::<bool>()) {
        let Value::Object(map) = object else { unreachable!("config_object makes objects") };
        let mut pairs: Vec<_> = map.into_iter().collect();
        if reverse {
            pairs.reverse();
        }
        let text = format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", json!(k), v))
                .collect::<Vec<_>>()
                .join(",")
        );
        let config: c1::Config = from_json(text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(serde_json::to_string(&config).unwrap(), text);
    }

    /// Open enums keep any string; known strings map to their variant and back.
    #[test]
    fn open_enums_keep_any_string(s in any_text()) {
        let status: c1::SyncStatus = serde_json::from_value(Value::from(s.clone())).unwrap();
        prop_assert_eq!(status.as_str(), s.as_str());
        prop_assert_eq!(status.is_unknown(), !SYNC_STATUS.contains(&s.as_str()));
        let locale: isc::Locale = serde_json::from_value(Value::from(s.clone())).unwrap();
        prop_assert_eq!(serde_json::to_value(&locale).unwrap(), Value::from(s));
    }

    /// Timestamps keep their text and their instant agrees with the text's parts.
    #[test]
    fn timestamps_keep_their_text(text in timestamp()) {
        let t: connkit_models::Timestamp = text.parse().unwrap();
        prop_assert_eq!(t.as_str(), text.as_str());
        prop_assert_eq!(serde_json::to_value(&t).unwrap(), Value::from(text));
    }

    /// Every `BodyKind` name and number round-trips; a `Severity` keeps its name.
    #[test]
    fn preflight_enums_roundtrip(kind in prop::sample::select(preflight::BodyKind::ALL.to_vec())) {
        let json = serde_json::to_string(&kind).unwrap();
        prop_assert_eq!(json.trim_matches('"'), kind.name());
        prop_assert_eq!(serde_json::from_str::<preflight::BodyKind>(&json).unwrap(), kind);
    }
}
