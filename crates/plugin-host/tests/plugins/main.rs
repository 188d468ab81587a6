//! Integration tests: real plugin libraries, built once per run from
//! `tests/fixtures/` (by cargo, and by the C compiler for the C plugin) and from
//! `examples/plugins/source-rules`.

mod c_plugin;
mod checks;
mod client;
mod example;
mod fixtures;
mod in_process;
mod isolated;
