//! Example validator plugin (being built).
