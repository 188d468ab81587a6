//! End-to-end tests of the `connkit` binary: real processes, real files, real HTTP on
//! 127.0.0.1 against `connkit sandbox serve`, and `--sandbox` in a temporary data
//! directory.

mod as_code;
mod as_code_hostile;
mod c1_as_code;
mod c1_python_sdk;
mod c1_sandbox;
mod c1_syncs;
pub mod completion;
mod credentials;
mod embedded;
mod hardening;
mod help;
mod hostile_files;
mod journal;
mod listing_guards;
mod login;
mod look;
mod name_limit;
mod odd_answers;
mod offline;
mod parity;
mod plugin_failures;
pub mod plugins;
mod profile_settings;
mod progress;
mod pty;
mod query;
mod rate_limit;
mod raw_listing;
mod readme_as_code;
mod sandbox_state;
mod scaffold;
mod served;
mod shared_state;
mod support;
mod terminal_safety;
mod tls_relay;
mod xml_corpus;
