//! Integration tests: every operation in-process and over HTTP, bad input, the wire,
//! auth, rate limit, faults, stats and the state file.

mod harness;
mod spec;

mod bad_input;
mod gates;
mod operations;
mod state;
mod wire;
