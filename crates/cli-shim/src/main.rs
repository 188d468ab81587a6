//! The connkit command-line tool (being built).
fn main() {}
