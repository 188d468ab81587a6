//! Loads connkit validator plugins — dynamic libraries speaking the
//! [`connkit_plugin_abi`] version-1 C ABI — and exposes each as a
//! [`Validator`](connkit_models::preflight::Validator) for the client's pre-flight.
//!
//! - [`Loader::in_process`] loads the library into this process. Fast; a plugin panic
//!   becomes a finding, but an abort or segfault in the plugin ends the process.
//! - Every load checks the symbol, ABI version, vtable size and entries before calling
//!   anything, and refuses with a [`LoadError`] that names the path.
//! - Every call has a timeout; every plugin failure (error, panic, unsupported kind,
//!   malformed output, timeout) is an error finding naming the plugin.
//! - Libraries are never unloaded.
//!
//! Plugins are found by path, in a directory ([`Loader::load_dir`]) or along
//! `CONNKIT_PLUGIN_PATH` ([`Loader::load_from_env`]).

pub mod discover;
mod error;
mod in_process;
mod library;
mod loader;
mod outcome;

pub use connkit_plugin_abi::PluginInfo;
pub use error::LoadError;
pub use in_process::InProcessPlugin;
pub use loader::{Loader, Plugin, DEFAULT_TIMEOUT};
pub use outcome::codes;
