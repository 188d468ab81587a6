//! `cargo xtask`: release automation (being built).
fn main() {}
