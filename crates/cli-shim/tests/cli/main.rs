//! End-to-end tests of the `connkit` binary: real processes, real files, real HTTP on
//! 127.0.0.1 against `connkit sandbox serve`, and `--sandbox` in a temporary data
//! directory.

mod as_code;
mod embedded;
mod offline;
mod plugins;
mod served;
mod support;
