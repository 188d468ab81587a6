//! Integration tests: real plugin libraries, built once per run from
//! `tests/fixtures/` (by cargo) and from `examples/plugins/` (by cargo for
//! `source-rules`, by its Makefile for the C plugin `c-minimal`).

mod c_minimal;
mod checks;
mod client;
mod copied_example;
mod example;
mod fixtures;
mod hostile;
mod in_process;
mod isolated;
