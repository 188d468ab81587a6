//! ISC v2024 connector data: list pages and a connector detail.

use connkit_models::isc::v2024::{ConnectorDetail, ConnectorStatus, JsonObject, V3ConnectorDto};
use serde_json::Value;

use crate::mix::{id, mix, pick};

/// A connector family: what real tenants list.
struct Family {
    name: &'static str,
    connector_type: &'static str,
    class_name: &'static str,
    direct_connect: bool,
    features: &'static [&'static str],
}

const OPEN: &str = "sailpoint.connector.OpenConnectorAdapter";
const PROVISIONING: &[&str] = &[
    "PROVISIONING",
    "SYNC_PROVISIONING",
    "SEARCH",
    "ENABLE",
    "UNLOCK",
    "PASSWORD",
    "AUTHENTICATE",
];
const READ_ONLY: &[&str] = &["SEARCH", "DIRECT_PERMISSIONS"];
const SAAS: &[&str] = &["PROVISIONING", "SYNC_PROVISIONING", "SEARCH", "ENABLE"];

#[rustfmt::skip]
const FAMILIES: &[Family] = &[
    Family { name: "Active Directory", connector_type: "Active Directory - Direct", class_name: "sailpoint.connector.ADLDAPConnector", direct_connect: true, features: PROVISIONING },
    Family { name: "Azure Active Directory", connector_type: "Azure Active Directory", class_name: "sailpoint.connector.AzureADConnector", direct_connect: true, features: PROVISIONING },
    Family { name: "LDAP", connector_type: "LDAP - Direct", class_name: "sailpoint.connector.LDAPConnector", direct_connect: true, features: PROVISIONING },
    Family { name: "Okta", connector_type: "Okta", class_name: OPEN, direct_connect: true, features: SAAS },
    Family { name: "Workday", connector_type: "Workday", class_name: "sailpoint.connector.WorkdayConnector", direct_connect: true, features: READ_ONLY },
    Family { name: "ServiceNow", connector_type: "ServiceNow", class_name: "sailpoint.connector.ServiceNowConnector", direct_connect: true, features: SAAS },
    Family { name: "Salesforce", connector_type: "Salesforce", class_name: "sailpoint.connector.SalesforceConnector", direct_connect: true, features: SAAS },
    Family { name: "SAP ERP", connector_type: "SAP - Direct", class_name: "sailpoint.connector.SAPConnector", direct_connect: true, features: PROVISIONING },
    Family { name: "JDBC", connector_type: "JDBC", class_name: "sailpoint.connector.JDBCConnector", direct_connect: true, features: PROVISIONING },
    Family { name: "Delimited File", connector_type: "DelimitedFile", class_name: "sailpoint.connector.DelimitedFileConnector", direct_connect: false, features: READ_ONLY },
    Family { name: "Slack", connector_type: "Slack", class_name: OPEN, direct_connect: true, features: SAAS },
    Family { name: "GitHub", connector_type: "GitHub", class_name: OPEN, direct_connect: true, features: SAAS },
];

const QUALIFIERS: &[&str] = &["Cloud", "On-Premise", "EU", "US", "APAC", "Staging"];
const PLATFORMS: &[&str] = &["ccg", "va", "saas"];

/// Connector number `i` of a tenant's list, as `GET /connectors` answers it.
pub fn connector(i: u64) -> V3ConnectorDto {
    let family = &FAMILIES[(i % FAMILIES.len() as u64) as usize];
    let name = if i < FAMILIES.len() as u64 {
        family.name.to_owned()
    } else {
        format!("{} {} {i:05}", family.name, pick(QUALIFIERS, i))
    };
    V3ConnectorDto {
        script_name: Some(slug(&name)),
        connector_type: Some(family.connector_type.to_owned()),
        class_name: Some(family.class_name.to_owned()),
        features: Some(family.features.iter().map(|f| (*f).to_owned()).collect()),
        direct_connect: Some(family.direct_connect),
        connector_metadata: Some(metadata(i, &name)),
        status: Some(ConnectorStatus::Released),
        name: Some(name),
    }
}

/// Connectors `offset..offset + len`: one page of `GET /connectors`.
pub fn page(offset: u64, len: usize) -> Vec<V3ConnectorDto> {
    (offset..offset + len as u64).map(connector).collect()
}

/// A `GET /connectors/{scriptName}` answer whose `sourceConfigXml` is `xml` and whose
/// other fields are filled as a real detail's are.
pub fn detail(xml: String) -> ConnectorDetail {
    let list_item = connector(0);
    let script = list_item.script_name.clone().unwrap_or_default();
    let mut translations = JsonObject::new();
    for locale in ["en", "de", "fr", "ja"] {
        translations.insert(
            locale.to_owned(),
            Value::String(format!(
                "connector.title=Active Directory ({locale})\nconnector.host.label=Host\n\
                 connector.host.help=The domain controller, e.g. \"dc01.example.com\"\n"
            )),
        );
    }
    ConnectorDetail {
        name: list_item.name,
        connector_type: list_item.connector_type,
        class_name: list_item.class_name,
        script_name: Some(script.clone()),
        application_xml: Some(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Application connector=\"{script}\" \
             featuresString=\"PROVISIONING, SEARCH\" name=\"Active Directory\" type=\"Active \
             Directory - Direct\"/>\n"
        )),
        correlation_config_xml: Some(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CorrelationConfig name=\"AD \
             Correlation\"><AttributeAssignments><Filter operation=\"EQ\" \
             property=\"sAMAccountName\" value=\"uid\"/></AttributeAssignments></CorrelationConfig>\n"
                .to_owned(),
        ),
        source_config_xml: Some(xml),
        source_config: None,
        source_config_from: Some("sp-connect".to_owned()),
        s3_location: Some(format!("connectors/{script}/{}", id(7, 24))),
        uploaded_files: Some(vec![
            format!("connectors/{script}/ad-connector-8.4.jar"),
            format!("connectors/{script}/ldap-utils.jar"),
        ]),
        file_upload: Some(false),
        direct_connect: list_item.direct_connect,
        translation_properties: Some(translations),
        connector_metadata: list_item.connector_metadata,
        status: list_item.status,
    }
}

/// UI metadata as the service stores it for connector `i`.
fn metadata(i: u64, name: &str) -> JsonObject {
    let mut m = JsonObject::new();
    m.insert("supportedUI".into(), Value::from("EXTJS"));
    m.insert("platform".into(), Value::from(*pick(PLATFORMS, i)));
    m.insert(
        "shortDesc".into(),
        Value::from(format!(
            "Manage accounts and entitlements in {name}: aggregation, provisioning and \
             password management."
        )),
    );
    m.insert("supportsDelta".into(), Value::from(mix(i) % 2 == 0));
    m.insert(
        "releaseDate".into(),
        Value::from(format!(
            "20{:02}-{:02}-15",
            18 + mix(i) % 7,
            1 + mix(i + 1) % 12
        )),
    );
    m
}

/// The scriptName the service derives from a name: lower case, runs of anything but
/// ASCII letters and digits as one `-`.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}
