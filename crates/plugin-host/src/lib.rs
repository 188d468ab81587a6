//! Loads connkit validator plugins — dynamic libraries speaking the
//! [`connkit_plugin_abi`] version-1 C ABI — and exposes each as a
//! [`Validator`](connkit_models::preflight::Validator) for the client's pre-flight.
//!
//! - [`Loader::in_process`] loads the library into this process. Fast; a plugin panic
//!   becomes a finding, but an abort or segfault in the plugin ends the process.
//! - [`Loader::isolated`] runs each plugin in a worker process of its own
//!   ([`WorkerCommand`] says how to start one; [`worker::run`] is the worker's side).
//!   A plugin that aborts, segfaults or hangs becomes an error finding, its worker is
//!   restarted for the next call, and the host and other plugins carry on.
//! - Isolated also means confined. A worker starts with a cleared environment
//!   ([`INHERITED_ENV`]) as the leader of its own process group, which is killed whole
//!   on timeout, crash and drop. On Linux, before it opens the plugin (so that the
//!   library's initialisers are confined too), the worker applies Landlock (read-only access to the plugin's library
//!   and the system library directories, no writes, no TCP, no reading other
//!   processes' `/proc` entries), a seccomp filter (no sockets, ptrace, fork or exec),
//!   `no_new_privs`, no capabilities, and rlimits (address space 1 GiB, CPU 300 s, file
//!   size 0, 64 open files). A layer the kernel lacks is skipped, never fatal;
//!   [`Plugin::confinement`] says what is in force. A host that holds secrets also calls
//!   [`hide_process_secrets`] so that its memory and environment are out of reach.
//! - A result is bounded and fails closed: at most [`MAX_RESULT_BYTES`] of JSON (more
//!   is refused unread) and [`MAX_FINDINGS`] findings (the rest become one
//!   `plugin.output-truncated` error); a null buffer with a length, invalid UTF-8 or a
//!   wrong shape is `plugin.bad-output`, never "no findings".
//! - Every load checks the symbol, ABI version, vtable size and entries before calling
//!   any entry of the vtable, and refuses with a [`LoadError`] that names the path.
//! - Every call has a timeout; every plugin failure (error, panic, unsupported kind,
//!   malformed output — including a finding at line or column 0 —, timeout, crash) is an
//!   error finding naming the plugin, with a stable code from [`codes`]
//!   ([`codes::is_plugin_failure`] tells them from the plugin's own findings).
//! - Libraries are never unloaded.
//!
//! Loaded plugins are [`Plugin`]s: path, [`PluginInfo`], and an
//! `Arc<dyn Validator>` to hand to the client.
//!
//! Plugins are found by path, in a directory ([`Loader::load_dir`]) or along
//! `CONNKIT_PLUGIN_PATH` ([`Loader::load_from_env`]).

mod confinement;
mod crash_notice;
pub mod discover;
mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod host_secrets;
mod in_process;
mod isolated;
mod library;
mod loader;
mod outcome;
mod protocol;
pub mod worker;
mod worker_command;
mod worker_process;

pub use connkit_plugin_abi::PluginInfo;
pub use error::LoadError;
pub use host_secrets::hide_process_secrets;
pub use loader::{Loader, Plugin, DEFAULT_TIMEOUT};
pub use outcome::{codes, MAX_FINDINGS, MAX_RESULT_BYTES};
pub use worker_command::{WorkerCommand, INHERITED_ENV};
