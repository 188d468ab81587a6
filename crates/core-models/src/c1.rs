//! ConductorOne `Connector` models (being built).
