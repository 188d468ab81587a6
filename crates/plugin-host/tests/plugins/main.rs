//! Integration tests: real plugin libraries, built by cargo from
//! `tests/fixtures/` (and the example plugin) once per run.

mod checks;
mod example;
mod fixtures;
mod in_process;
mod isolated;
