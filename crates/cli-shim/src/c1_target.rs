//! The `--app APP CONNECTOR_ID` arguments that name a ConductorOne connector: taken by
//! the `c1` commands and by `sandbox c1-syncs`, so they live outside both families.

use clap::Args;

/// `--app APP`
#[derive(Debug, Args)]
pub struct C1App {
    /// The app id.
    #[arg(long = "app", value_name = "APP_ID")]
    pub app_id: String,
}

/// `--app APP ID`
#[derive(Debug, Args)]
pub struct C1Target {
    /// The app.
    #[command(flatten)]
    pub app: C1App,
    /// The connector id.
    #[arg(value_name = "CONNECTOR_ID")]
    pub connector_id: String,
}
