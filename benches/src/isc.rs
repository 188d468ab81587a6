//! ISC v2024 connector data: list pages and a connector detail, taken from the
//! sandbox's deterministic seed (the same connectors the pagination bench lists).

use connkit_models::isc::v2024::{ConnectorDetail, V3ConnectorDto};
use connkit_sandbox::seed;

/// Connectors `offset..offset + len`: one page of `GET /connectors`.
pub fn page(offset: usize, len: usize) -> Vec<V3ConnectorDto> {
    seed::connectors(offset..offset + len).collect()
}

/// A `GET /connectors/{scriptName}` answer whose `sourceConfigXml` is `xml`; every
/// other field (application and correlation XML, translations, metadata) is the seed
/// detail's.
pub fn detail(xml: String) -> ConnectorDetail {
    ConnectorDetail {
        source_config_xml: Some(xml),
        ..seed::detail(0)
    }
}
