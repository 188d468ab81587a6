//! The frozen C ABI for connkit validator plugins, version 1, and the
//! [`export_validator!`] macro that lets plugin authors write safe Rust against it.
//!
//! A validator plugin is a dynamic library (`.so`, `.dylib`, `.dll`) that connkit loads
//! to check request bodies (connector XML, JSON patches, …) before they are sent. This
//! crate has no dependency on any other connkit crate, so a plugin links only this,
//! `serde` and `serde_json`.
//!
//! # Writing a plugin in Rust
//!
//! Make a `cdylib` crate, implement [`PluginValidator`], and call
//! [`export_validator!`] once. See `examples/plugins/source-rules` in the connkit
//! repository for a complete plugin; its folder builds on its own once copied out.
//!
//! # The ABI, for any language
//!
//! ## The symbol
//!
//! A version-1 plugin exports one C function:
//!
//! ```c
//! const connkit_validator_v1_vtable *connkit_validator_v1(void);
//! ```
//!
//! It returns a pointer to a vtable that must stay valid, and unchanged, for the life
//! of the process (a `static`). The host calls the function once, right after loading.
//!
//! ## The types (C declarations; all with the platform's C layout)
//!
//! ```c
//! #include <stddef.h>
//! #include <stdint.h>
//!
//! typedef struct { const uint8_t *ptr; size_t len; } connkit_bytes;  /* lent by the host */
//! typedef struct { uint8_t *ptr; size_t len; } connkit_buffer;       /* owned by the plugin */
//!
//! typedef struct {
//!     size_t   struct_size;   /* sizeof(connkit_validator_v1_vtable) as compiled by the plugin */
//!     uint32_t abi_version;   /* 1 */
//!     uint32_t (*info)(connkit_buffer *out);
//!     uint32_t (*validate)(uint32_t kind, connkit_bytes body, connkit_buffer *out);
//!     void     (*free)(connkit_buffer buf);
//! } connkit_validator_v1_vtable;
//! ```
//!
//! On a 64-bit target the vtable is 40 bytes: `struct_size` at 0, `abi_version` at 8
//! (4 bytes of padding follow), `info` at 16, `validate` at 24, `free` at 32. In Rust the
//! types are [`ValidatorV1`], [`ByteView`] and [`Buffer`].
//!
//! This crate ships these declarations as a C header, `include/connkit_plugin_v1.h`
//! (with the status codes as `CONNKIT_STATUS_*` and the kinds as `CONNKIT_KIND_*`).
//! It is generated from the Rust definitions by cbindgen (`cargo xtask header` in the
//! connkit repository), and CI fails when it drifts from them. A complete plugin in C
//! built against it is `examples/plugins/c-minimal` (`plugin.c` and a `Makefile`); the
//! host's tests build it with `make` and load it in both modes.
//!
//! ## Status codes (`uint32_t`, see [`Status`])
//!
//! | code | name | `out` holds |
//! |---|---|---|
//! | 0 | ok | `validate`: a JSON array of findings (an empty buffer also means none); `info`: the info object |
//! | 1 | plugin error | a UTF-8 message for the user, or nothing |
//! | 2 | panicked | the panic message, or nothing |
//! | 3 | unsupported kind | nothing |
//!
//! Any other code is treated by the host as a plugin error.
//!
//! ## Body kinds (`uint32_t`, see [`kind`])
//!
//! 1 source-config XML, 2 source-template XML, 3 correlation-config XML,
//! 4 translations (`.properties` text), 5 JSON Patch, 6 create-connector JSON.
//! The numbers are frozen; new kinds get new numbers, and a plugin answers status 3
//! for a kind it does not know.
//!
//! ## JSON documents (UTF-8)
//!
//! `info` writes `{"name": "…", "version": "…", "kinds": [1, 5], "description": "…"}`
//! ([`PluginInfo`]). `name` is shown next to every finding, so keep it short and
//! unique.
//!
//! `validate` writes an array of findings ([`Finding`]), each
//! `{"severity": "error"|"warning"|"info", "code": "…", "message": "…", "line": 1,
//! "column": 1, "pointer": "/0/value"}` where `line`, `column` (1-based, into the body
//! as sent) and `pointer` (a JSON Pointer, for JSON bodies) may be left out. Lines are
//! split at `\n` and columns count characters (UTF-8 code points), not bytes; the host
//! refuses a line or column of 0 as malformed output. [`LineIndex`] turns the byte
//! offsets parsers report into both. An `error` finding stops the request.
//!
//! ## Ownership and threads
//!
//! - `body` is lent for the duration of the `validate` call only. `ptr` may be null
//!   when `len` is 0. The plugin must not write through it or keep it.
//! - `out` points to a buffer the host has set to `{NULL, 0}`. The plugin may leave it
//!   so, or store a buffer it allocated. The host reads it, then passes every non-null
//!   buffer back to the same vtable's `free` exactly once, possibly from another thread,
//!   and never touches it again. Only the plugin allocates and frees these buffers, so
//!   host and plugin may use different allocators.
//! - `info` and `validate` may be called from several threads at once; the plugin must
//!   be thread-safe. Neither may unwind (throw, panic) across the boundary.
//! - The host never unloads a plugin: its code and statics live until the process
//!   exits.
//!
//! ## Versioning rules
//!
//! - Version 1 is frozen: the meaning, order and types of the five fields above never
//!   change, nor do the status codes or kind numbers.
//! - Compatible additions are appended to the end of the vtable, so `struct_size` only
//!   ever grows. A host accepts any `struct_size` at least as large as the version-1
//!   vtable it knows and reads only the fields it knows; a smaller one is refused.
//! - An incompatible change gets a new `abi_version` and a new symbol
//!   (`connkit_validator_v2`); a plugin may export several versions side by side.
//! - The host refuses a plugin, before calling anything but the symbol, when the symbol
//!   is missing, the vtable pointer is null, `abi_version` is not 1, `struct_size` is
//!   too small, or any function pointer is null.

pub mod export;
mod finding;
mod info;
mod position;
mod vtable;

pub use export::PluginValidator;
pub use finding::{Finding, Severity};
pub use info::PluginInfo;
pub use position::LineIndex;
/// The C header of this ABI (`include/connkit_plugin_v1.h`, generated by `cargo xtask
/// header`), for tools that write C plugin projects: they copy it in, so the project
/// builds without a connkit checkout.
pub const C_HEADER: &str = include_str!("../include/connkit_plugin_v1.h");

pub use vtable::{
    kind, Buffer, ByteView, EntryPoint, Status, ValidatorV1, ABI_VERSION, SYMBOL, SYMBOL_NUL,
};
