//! Deterministic, realistic seed connectors, also public so that benches and tests
//! that only need the models get the same data without a sandbox.
//!
//! Connector `i` is always the same: a family from `FAMILIES` (real connector
//! families with their types, class names, features, category and labels), named after
//! the family for the first round and with a deployment qualifier and a number after
//! that. Every seeded connector is `RELEASED`, so `seed(n)` lists exactly `n`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use connkit_models::isc::v2024::{ConnectorDetail, ConnectorStatus, V3ConnectorDto};

use crate::isc::store::{slug, ListedJson, Record};
use crate::isc::templates::OPEN;

/// One connector family.
struct Family {
    name: &'static str,
    connector_type: &'static str,
    class_name: &'static str,
    category: &'static str,
    direct_connect: bool,
    file_upload: bool,
    features: &'static [&'static str],
    labels: &'static [&'static str],
}

const PROV: &[&str] = &[
    "PROVISIONING",
    "SYNC_PROVISIONING",
    "SEARCH",
    "ENABLE",
    "UNLOCK",
    "PASSWORD",
    "AUTHENTICATE",
];
const READ: &[&str] = &["SEARCH", "DIRECT_PERMISSIONS"];
const SAAS: &[&str] = &["PROVISIONING", "SYNC_PROVISIONING", "SEARCH", "ENABLE"];

/// Real connector families, each with a plausible shape.
#[rustfmt::skip]
const FAMILIES: &[Family] = &[
    Family { name: "Active Directory", connector_type: "Active Directory - Direct", class_name: "sailpoint.connector.ADLDAPConnector", category: "directory", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA", "popular"] },
    Family { name: "Azure Active Directory", connector_type: "Azure Active Directory", class_name: "sailpoint.connector.AzureADConnector", category: "directory", direct_connect: true, file_upload: false, features: PROV, labels: &["cloud", "popular"] },
    Family { name: "LDAP", connector_type: "LDAP - Direct", class_name: "sailpoint.connector.LDAPConnector", category: "directory", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "Okta", connector_type: "Okta", class_name: OPEN, category: "directory", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "Google Workspace", connector_type: "Google Workspace", class_name: "sailpoint.connector.GoogleAppsConnector", category: "directory", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud"] },
    Family { name: "Workday", connector_type: "Workday", class_name: "sailpoint.connector.WorkdayConnector", category: "hr", direct_connect: true, file_upload: false, features: READ, labels: &["cloud", "authoritative", "popular"] },
    Family { name: "SuccessFactors", connector_type: "SAP SuccessFactors", class_name: "sailpoint.connector.SuccessFactorsConnector", category: "hr", direct_connect: true, file_upload: false, features: READ, labels: &["cloud", "authoritative"] },
    Family { name: "BambooHR", connector_type: "BambooHR", class_name: OPEN, category: "hr", direct_connect: true, file_upload: false, features: READ, labels: &["cloud", "authoritative", "saasConnector"] },
    Family { name: "ServiceNow", connector_type: "ServiceNow", class_name: "sailpoint.connector.ServiceNowConnector", category: "itsm", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "popular"] },
    Family { name: "Jira Service Management", connector_type: "Atlassian Jira Cloud", class_name: OPEN, category: "itsm", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "Salesforce", connector_type: "Salesforce", class_name: "sailpoint.connector.SalesforceConnector", category: "crm", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "popular"] },
    Family { name: "Dynamics 365", connector_type: "Microsoft Dynamics 365", class_name: OPEN, category: "crm", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "SAP ERP", connector_type: "SAP - Direct", class_name: "sailpoint.connector.SAPConnector", category: "erp", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "Oracle E-Business Suite", connector_type: "Oracle E-Business Suite", class_name: "sailpoint.connector.OracleApplicationsConnector", category: "erp", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "JDBC", connector_type: "JDBC", class_name: "sailpoint.connector.JDBCConnector", category: "database", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "Microsoft SQL Server", connector_type: "Microsoft SQL Server", class_name: "sailpoint.connector.MSSQLServerConnector", category: "database", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "Oracle Database", connector_type: "Oracle Database", class_name: "sailpoint.connector.OracleDBConnector", category: "database", direct_connect: true, file_upload: false, features: PROV, labels: &["supportsVA"] },
    Family { name: "Delimited File", connector_type: "DelimitedFile", class_name: "sailpoint.connector.DelimitedFileConnector", category: "file", direct_connect: false, file_upload: true, features: READ, labels: &["flatFile"] },
    Family { name: "AWS", connector_type: "Amazon Web Services", class_name: "sailpoint.connector.AWSConnector", category: "cloud", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "iaas"] },
    Family { name: "Google Cloud Platform", connector_type: "Google Cloud Platform", class_name: OPEN, category: "cloud", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "iaas", "saasConnector"] },
    Family { name: "Slack", connector_type: "Slack", class_name: OPEN, category: "collaboration", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "Zoom", connector_type: "Zoom", class_name: OPEN, category: "collaboration", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "GitHub", connector_type: "GitHub", class_name: OPEN, category: "devops", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
    Family { name: "Box", connector_type: "Box", class_name: OPEN, category: "storage", direct_connect: true, file_upload: false, features: SAAS, labels: &["cloud", "saasConnector"] },
];

/// Deployment qualifiers for names after the first round of families.
const QUALIFIERS: &[&str] = &[
    "Cloud",
    "On-Premise",
    "EU",
    "US",
    "APAC",
    "Sandbox",
    "Staging",
    "Legacy",
];

/// The `i`-th seed connector (0-based).
fn seed_record(i: usize) -> Record {
    let family = &FAMILIES[i % FAMILIES.len()];
    let round = i / FAMILIES.len();
    let name = if round == 0 {
        family.name.to_owned()
    } else {
        let qualifier = QUALIFIERS[(round - 1) % QUALIFIERS.len()];
        let number = (round - 1) / QUALIFIERS.len() + 1;
        format!("{} {qualifier} {number}", family.name)
    };
    Record {
        script_name: slug(&name),
        name,
        connector_type: Cow::Borrowed(family.connector_type),
        class_name: Cow::Borrowed(family.class_name),
        direct_connect: family.direct_connect,
        file_upload: family.file_upload,
        status: ConnectorStatus::Released,
        features: family.features.iter().map(|f| Cow::Borrowed(*f)).collect(),
        category: Cow::Borrowed(family.category),
        labels: family.labels.iter().map(|l| Cow::Borrowed(*l)).collect(),
        connector_metadata: None,
        application_xml: None,
        correlation_config_xml: None,
        source_config_xml: None,
        translations: BTreeMap::new(),
        listed: ListedJson::default(),
    }
}

/// The first `n` seed connectors.
pub(crate) fn seed(n: usize) -> impl Iterator<Item = Record> {
    (0..n).map(seed_record)
}

/// Seed connectors `range`, as `GET /connectors` lists them.
pub fn connectors(range: std::ops::Range<usize>) -> impl Iterator<Item = V3ConnectorDto> {
    range.map(|i| seed_record(i).to_dto())
}

/// Seed connector `i` as `GET /connectors/{scriptName}` answers it before any upload.
pub fn detail(i: usize) -> ConnectorDetail {
    seed_record(i).to_detail()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isc::store::Store;

    #[test]
    fn seeds_are_deterministic_unique_and_released() {
        let a: Vec<Record> = seed(500).collect();
        let b: Vec<Record> = seed(500).collect();
        assert_eq!(a, b);
        let store = Store::from_records(a).expect("seed names and script names are unique");
        assert_eq!(store.len(), 500);
        assert!(store
            .records()
            .all(|r| r.status == ConnectorStatus::Released));
        assert_eq!(seed_record(0).name, "Active Directory");
        assert_eq!(seed_record(FAMILIES.len()).name, "Active Directory Cloud 1");
        assert_eq!(
            seed_record(FAMILIES.len()).script_name,
            "active-directory-cloud-1"
        );
    }

    #[test]
    fn a_large_seed_has_no_conflicts() {
        assert_eq!(
            Store::from_records(seed(100_000)).map(|s| s.len()),
            Ok(100_000)
        );
    }
}
