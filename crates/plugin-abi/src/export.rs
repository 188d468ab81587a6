//! The plugin author's side: a small safe trait, and the machinery behind
//! [`export_validator!`](crate::export_validator) that turns it into the C ABI.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use crate::{Buffer, ByteView, Finding, PluginInfo, Status};

/// What a plugin author implements. Everything here is safe Rust; the
/// [`export_validator!`](crate::export_validator) macro does the unsafe part.
///
/// The host may call [`validate`](Self::validate) from several threads at once, hence
/// `Sync`. One value is created with `Default` on first use and lives until the process
/// exits (plugins are never unloaded).
pub trait PluginValidator: Default + Send + Sync + 'static {
    /// The plugin's name, version, the kinds it validates, and a description. Calls to
    /// [`validate`](Self::validate) with any other kind are answered with
    /// [`Status::UnsupportedKind`] without reaching your code.
    fn info() -> PluginInfo;

    /// Checks `body` (the exact bytes about to be sent) of the given kind (see
    /// [`crate::kind`]). `Ok` with an empty list means nothing to report; `Err` means
    /// the plugin could not do its job and is shown to the user as an error finding.
    /// A panic is caught and reported the same way.
    fn validate(&self, kind: u32, body: &[u8]) -> Result<Vec<Finding>, String>;
}

/// The state behind one exported validator. Used by
/// [`export_validator!`](crate::export_validator); not meant to be named directly.
#[doc(hidden)]
pub struct Exported<T> {
    state: OnceLock<State<T>>,
}

struct State<T> {
    validator: T,
    kinds: Vec<u32>,
}

/// What an entry point hands back before it is turned into a status and a buffer.
enum Outcome {
    Json(Vec<u8>),
    Failed(String),
    Unsupported,
}

impl<T: PluginValidator> Exported<T> {
    /// Nothing created yet; the validator is built on first use.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            state: OnceLock::new(),
        }
    }

    fn state(&self) -> &State<T> {
        self.state.get_or_init(|| State {
            validator: T::default(),
            kinds: T::info().kinds,
        })
    }

    /// The vtable's `info` entry.
    ///
    /// # Safety
    /// `out` must be null or valid for writing one [`Buffer`].
    #[allow(unsafe_code)]
    pub unsafe fn info(&self, out: *mut Buffer) -> u32 {
        // SAFETY: forwarded from our caller.
        unsafe {
            guarded(out, || match serde_json::to_vec(&T::info()) {
                Ok(json) => Outcome::Json(json),
                Err(e) => Outcome::Failed(format!("cannot serialise plugin info: {e}")),
            })
        }
    }

    /// The vtable's `validate` entry.
    ///
    /// # Safety
    /// `body` must be valid for reads for the duration of the call, and `out` must be
    /// null or valid for writing one [`Buffer`].
    #[allow(unsafe_code)]
    pub unsafe fn validate(&self, kind: u32, body: ByteView, out: *mut Buffer) -> u32 {
        // SAFETY: the host lends `body` for the duration of this call.
        let body = unsafe { body.as_slice() };
        let run = || {
            let state = self.state();
            if !state.kinds.contains(&kind) {
                return Outcome::Unsupported;
            }
            match state.validator.validate(kind, body) {
                Ok(findings) => match serde_json::to_vec(&findings) {
                    Ok(json) => Outcome::Json(json),
                    Err(e) => Outcome::Failed(format!("cannot serialise findings: {e}")),
                },
                Err(message) => Outcome::Failed(message),
            }
        };
        // SAFETY: forwarded from our caller.
        unsafe { guarded(out, run) }
    }
}

/// Runs `f` under `catch_unwind` and writes its result to `out`.
///
/// # Safety
/// `out` must be null or valid for writing one [`Buffer`].
#[allow(unsafe_code)]
unsafe fn guarded(out: *mut Buffer, f: impl FnOnce() -> Outcome) -> u32 {
    if out.is_null() {
        return Status::PluginError.code();
    }
    let (status, bytes) = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Outcome::Json(json)) => (Status::Ok, json),
        Ok(Outcome::Failed(message)) => (Status::PluginError, message.into_bytes()),
        Ok(Outcome::Unsupported) => (Status::UnsupportedKind, Vec::new()),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            // A payload whose destructor panics must not unwind into the host.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            (Status::Panicked, message.into_bytes())
        }
    };
    // SAFETY: `out` is non-null and valid for writes, as our caller promised.
    unsafe { out.write(into_buffer(bytes)) };
    status.code()
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// Moves `bytes` into a plugin-owned [`Buffer`] that [`free_buffer`] releases.
fn into_buffer(bytes: Vec<u8>) -> Buffer {
    if bytes.is_empty() {
        return Buffer::EMPTY;
    }
    let boxed: Box<[u8]> = bytes.into_boxed_slice();
    let len = boxed.len();
    Buffer {
        ptr: Box::into_raw(boxed).cast::<u8>(),
        len,
    }
}

/// The vtable's `free` entry for buffers made by this crate.
///
/// # Safety
/// `buf` must be empty or a buffer written by an entry point generated by
/// [`export_validator!`](crate::export_validator) in the same library, not yet freed.
#[doc(hidden)]
#[allow(unsafe_code)]
pub unsafe extern "C" fn free_buffer(buf: Buffer) {
    if buf.ptr.is_null() {
        return;
    }
    let slice = std::ptr::slice_from_raw_parts_mut(buf.ptr, buf.len);
    // SAFETY: `buf` came from `into_buffer`, i.e. from `Box::<[u8]>::into_raw` with this
    // length, and is freed once.
    drop(unsafe { Box::from_raw(slice) });
}

/// Exports a [`PluginValidator`] as the version-1 C ABI: the `connkit_validator_v1`
/// symbol and its vtable. Use it once, at the root of a `cdylib` crate:
///
/// ```
/// use connkit_plugin_abi::{export_validator, kind, Finding, PluginInfo, PluginValidator};
///
/// #[derive(Default)]
/// struct NoTabs;
///
/// impl PluginValidator for NoTabs {
///     fn info() -> PluginInfo {
///         PluginInfo::new("no-tabs", env!("CARGO_PKG_VERSION"), &[kind::SOURCE_CONFIG])
///     }
///     fn validate(&self, _kind: u32, body: &[u8]) -> Result<Vec<Finding>, String> {
///         Ok(body
///             .contains(&b'\t')
///             .then(|| Finding::warning("no-tabs.tab", "the body contains a tab"))
///             .into_iter()
///             .collect())
///     }
/// }
///
/// export_validator!(NoTabs);
/// ```
///
/// Every entry point runs under `catch_unwind`, so a panic becomes
/// [`Status::Panicked`] rather than unwinding into the host. (A plugin built with
/// `panic = "abort"` still aborts: run such plugins isolated.)
#[macro_export]
macro_rules! export_validator {
    ($ty:ty) => {
        const _: () = {
            static EXPORTED: $crate::export::Exported<$ty> = $crate::export::Exported::new();

            unsafe extern "C" fn info(out: *mut $crate::Buffer) -> u32 {
                // SAFETY: the host keeps the ABI contract for `out`.
                unsafe { EXPORTED.info(out) }
            }

            unsafe extern "C" fn validate(
                kind: u32,
                body: $crate::ByteView,
                out: *mut $crate::Buffer,
            ) -> u32 {
                // SAFETY: the host keeps the ABI contract for `body` and `out`.
                unsafe { EXPORTED.validate(kind, body, out) }
            }

            static VTABLE: $crate::ValidatorV1 = $crate::ValidatorV1 {
                struct_size: ::core::mem::size_of::<$crate::ValidatorV1>(),
                abi_version: $crate::ABI_VERSION,
                info: ::core::option::Option::Some(info),
                validate: ::core::option::Option::Some(validate),
                free: ::core::option::Option::Some($crate::export::free_buffer),
            };

            /// The version-1 entry point: returns the vtable.
            #[unsafe(no_mangle)]
            pub extern "C" fn connkit_validator_v1() -> *const $crate::ValidatorV1 {
                &VTABLE
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind;

    #[derive(Default)]
    struct Probe;

    impl PluginValidator for Probe {
        fn info() -> PluginInfo {
            PluginInfo::new("probe", "0.0.1", &[kind::SOURCE_CONFIG, kind::JSON_PATCH])
                .with_description("test double")
        }
        fn validate(&self, kind: u32, body: &[u8]) -> Result<Vec<Finding>, String> {
            match (kind, body) {
                (_, b"panic") => panic!("asked to panic"),
                (_, b"fail") => Err("asked to fail".to_owned()),
                (kind::JSON_PATCH, _) => Ok(vec![Finding::error("probe.patch", "no").at(1, 2)]),
                _ => Ok(Vec::new()),
            }
        }
    }

    #[allow(unsafe_code)]
    mod exported {
        crate::export_validator!(super::Probe);
    }

    #[allow(unsafe_code)]
    extern "C" {
        /// The symbol `exported` defines, looked up the way a host would.
        fn connkit_validator_v1() -> *const crate::ValidatorV1;
    }

    /// The vtable behind the exported symbol.
    #[allow(unsafe_code)]
    fn vtable() -> &'static crate::ValidatorV1 {
        // SAFETY: the symbol is defined by the macro above and returns a static.
        unsafe { &*connkit_validator_v1() }
    }

    /// Calls `validate` through the exported symbol, like a host would.
    #[allow(unsafe_code)]
    fn call(kind: u32, body: &[u8]) -> (Option<Status>, Vec<u8>) {
        let vtable = vtable();
        let mut out = Buffer::EMPTY;
        let validate = vtable.validate.expect("validate entry");
        // SAFETY: `body` outlives the call, `out` is a valid place.
        let status = unsafe { validate(kind, ByteView::new(body), &mut out) };
        // SAFETY: the plugin wrote `out`; we read it before freeing it.
        let bytes = unsafe { out.as_slice() }.to_vec();
        let free = vtable.free.expect("free entry");
        // SAFETY: freed once, and only the buffer the plugin wrote.
        unsafe { free(out) };
        (Status::from_code(status), bytes)
    }

    #[test]
    fn vtable_header_is_version_one() {
        let vtable = vtable();
        assert_eq!(vtable.abi_version, crate::ABI_VERSION);
        assert_eq!(
            vtable.struct_size,
            std::mem::size_of::<crate::ValidatorV1>()
        );
        let mut out = Buffer::EMPTY;
        #[allow(unsafe_code)]
        // SAFETY: `out` is a valid place; the buffer is read then freed once.
        let (status, info) = unsafe {
            let status = vtable.info.expect("info entry")(&mut out);
            let info: PluginInfo = serde_json::from_slice(out.as_slice()).unwrap();
            vtable.free.expect("free entry")(out);
            (status, info)
        };
        assert_eq!(status, Status::Ok.code());
        assert_eq!(info, Probe::info());
    }

    #[test]
    fn every_status_is_reachable() {
        let (status, json) = call(kind::JSON_PATCH, b"[]");
        assert_eq!(status, Some(Status::Ok));
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"[{"severity":"error","code":"probe.patch","message":"no","line":1,"column":2}]"#
        );
        assert_eq!(
            call(kind::SOURCE_CONFIG, b""),
            (Some(Status::Ok), b"[]".to_vec())
        );
        assert_eq!(
            call(kind::SOURCE_CONFIG, b"fail"),
            (Some(Status::PluginError), b"asked to fail".to_vec())
        );
        assert_eq!(
            call(kind::SOURCE_CONFIG, b"panic"),
            (Some(Status::Panicked), b"asked to panic".to_vec())
        );
        assert_eq!(
            call(kind::TRANSLATIONS, b"x"),
            (Some(Status::UnsupportedKind), Vec::new())
        );
    }

    #[test]
    fn null_out_is_refused_without_a_write() {
        #[allow(unsafe_code)]
        // SAFETY: a null `out` is part of the contract: refused, nothing written.
        let status = unsafe {
            vtable().validate.expect("validate entry")(
                kind::SOURCE_CONFIG,
                ByteView::new(b""),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, Status::PluginError.code());
    }
}
