//! Criterion benches for connkit; see `benches/`.
