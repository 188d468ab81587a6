//! Opening a plugin library, checking its vtable, and calling through it.
//!
//! This is the only module that touches the C ABI. Both modes use it: in-process
//! directly, isolated from inside the worker process.

use std::mem::{offset_of, size_of};
use std::path::Path;

use connkit_plugin_abi::{
    Buffer, ByteView, EntryPoint, PluginInfo, Status, ValidatorV1, ABI_VERSION, SYMBOL_NUL,
};

use crate::outcome::{
    decode_findings, message_text, too_large, CallError, CallResult, MAX_RESULT_BYTES,
};
use crate::LoadError;

/// A loaded, checked plugin library.
///
/// The library is never unloaded: a validator may still be running on a timed-out
/// thread, and plugins may register thread-locals or atexit handlers whose code must
/// outlive them. The handle is leaked on purpose; the OS reclaims it at exit.
#[derive(Debug)]
pub(crate) struct Library {
    info: PluginInfo,
    entries: Entries,
}

/// The vtable's function pointers, checked to be non-null.
#[derive(Debug, Clone, Copy)]
struct Entries {
    info: unsafe extern "C" fn(*mut Buffer) -> u32,
    validate: unsafe extern "C" fn(u32, ByteView, *mut Buffer) -> u32,
    free: unsafe extern "C" fn(Buffer),
}

impl Library {
    /// Loads the library at `path`, checks the symbol, ABI version, struct size and
    /// entries, then asks the plugin for its info. Errors name `path` as given.
    ///
    /// A relative `path` is made absolute first, so that `libx.so` means the file in
    /// the current directory, not a search of the system's library path.
    ///
    /// Loading runs the library's initialisers: only load libraries you trust to do
    /// that (or load them in an isolated worker).
    #[allow(unsafe_code)]
    pub(crate) fn open(path: &Path) -> Result<Self, LoadError> {
        let load_path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let path = path.to_path_buf();
        // SAFETY: loading a library runs its initialisers; trusting them is the
        // documented contract of loading a plugin at all.
        let library = unsafe { libloading::Library::new(&load_path) }.map_err(|e| {
            LoadError::NotALibrary {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?;
        let vtable_ptr = {
            // SAFETY: `EntryPoint` is the documented type of the version-1 symbol.
            let entry = unsafe { library.get::<EntryPoint>(SYMBOL_NUL) }.map_err(|e| {
                LoadError::MissingSymbol {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            })?;
            // SAFETY: the ABI says the symbol is a function taking nothing and returning
            // a pointer to a static vtable.
            unsafe { entry() }
        };
        // Never unload: see the type's docs.
        std::mem::forget(library);
        // SAFETY: `vtable_ptr` came from the plugin's entry point, which promises a
        // pointer to a static vtable (or null, which `check_vtable` refuses).
        let vtable = unsafe { check_vtable(&path, vtable_ptr) }?;
        let null = |name: &str| LoadError::NullEntry {
            path: path.clone(),
            entry: name.to_owned(),
        };
        let entries = Entries {
            info: vtable.info.ok_or_else(|| null("info"))?,
            validate: vtable.validate.ok_or_else(|| null("validate"))?,
            free: vtable.free.ok_or_else(|| null("free"))?,
        };
        let info = entries
            .read_info()
            .map_err(|reason| LoadError::BadInfo { path, reason })?;
        Ok(Library { info, entries })
    }

    /// The plugin's self-description.
    pub(crate) fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// Calls the plugin's `validate` on this thread.
    pub(crate) fn call(&self, kind: u32, body: &[u8]) -> CallResult {
        self.entries.call(kind, body)
    }
}

impl Entries {
    #[allow(unsafe_code)]
    fn read_info(self) -> Result<PluginInfo, String> {
        let mut out = Buffer::EMPTY;
        // SAFETY: `info` comes from a checked vtable; `out` is a valid place.
        let code = unsafe { (self.info)(&mut out) };
        let bytes = self.take(out)?;
        match Status::from_code(code) {
            Some(Status::Ok) => {}
            Some(Status::Panicked) => {
                return Err(format!("`info` panicked: {}", message_text(&bytes)))
            }
            _ => {
                return Err(format!(
                    "`info` returned status {code}: {}",
                    message_text(&bytes)
                ))
            }
        }
        let info: PluginInfo =
            serde_json::from_slice(&bytes).map_err(|e| format!("not plugin info JSON: {e}"))?;
        if info.name.trim().is_empty() {
            return Err("the plugin's name is empty".to_owned());
        }
        Ok(info)
    }

    fn call(self, kind: u32, body: &[u8]) -> CallResult {
        let mut out = Buffer::EMPTY;
        #[allow(unsafe_code)]
        // SAFETY: `validate` comes from a checked vtable; `body` outlives the call;
        // `out` is a valid place.
        let code = unsafe { (self.validate)(kind, ByteView::new(body), &mut out) };
        let bytes = self.take(out);
        let message = || match &bytes {
            Ok(bytes) => message_text(bytes),
            Err(why) => format!("(its message is unreadable: {why})"),
        };
        match Status::from_code(code) {
            Some(Status::Ok) => match &bytes {
                // The empty buffer (null, 0) is "no findings", as the ABI says.
                Ok(bytes) if bytes.is_empty() => Ok(Vec::new()),
                Ok(bytes) => decode_findings(bytes),
                Err(why) => Err(CallError::BadOutput(why.clone())),
            },
            Some(Status::PluginError) => Err(CallError::Failed(message())),
            Some(Status::Panicked) => Err(CallError::Panicked(message())),
            Some(Status::UnsupportedKind) => Err(CallError::UnsupportedKind),
            None => Err(CallError::BadStatus(code)),
        }
    }

    /// Copies a plugin buffer out and gives it back to the plugin. Fails closed: a null
    /// pointer with a nonzero length, or more than [`MAX_RESULT_BYTES`], is refused (and
    /// not read), never taken for "nothing".
    #[allow(unsafe_code)]
    fn take(self, buffer: Buffer) -> Result<Vec<u8>, String> {
        if buffer.ptr.is_null() {
            return match buffer.len {
                0 => Ok(Vec::new()),
                len => Err(format!("a null pointer with a length of {len} bytes")),
            };
        }
        let bytes = if buffer.len > MAX_RESULT_BYTES {
            Err(too_large(buffer.len))
        } else {
            // SAFETY: the plugin wrote this buffer and has not freed it.
            Ok(unsafe { buffer.as_slice() }.to_vec())
        };
        // SAFETY: freed exactly once, by the library that allocated it.
        unsafe { (self.free)(buffer) };
        bytes
    }
}

/// Checks the vtable header before reading any field a short vtable may lack.
///
/// # Safety
/// `ptr` must be null or point to at least `struct_size` readable bytes (as the plugin
/// declares in the first word) that stay valid forever.
#[allow(unsafe_code)]
unsafe fn check_vtable(path: &Path, ptr: *const ValidatorV1) -> Result<ValidatorV1, LoadError> {
    let refuse = |reason: &str| LoadError::BadVtable {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    if ptr.is_null() {
        return Err(refuse("null pointer"));
    }
    if !ptr.is_aligned() {
        return Err(refuse("misaligned pointer"));
    }
    let wrong_size = |found: usize| LoadError::WrongStructSize {
        path: path.to_path_buf(),
        found,
        expected: size_of::<ValidatorV1>(),
    };
    // SAFETY: every vtable version starts with `struct_size`.
    let struct_size = unsafe { std::ptr::addr_of!((*ptr).struct_size).read() };
    if struct_size < offset_of!(ValidatorV1, abi_version) + size_of::<u32>() {
        return Err(wrong_size(struct_size));
    }
    // SAFETY: the plugin declared at least this many bytes.
    let abi_version = unsafe { std::ptr::addr_of!((*ptr).abi_version).read() };
    if abi_version != ABI_VERSION {
        return Err(LoadError::WrongAbiVersion {
            path: path.to_path_buf(),
            found: abi_version,
            expected: ABI_VERSION,
        });
    }
    if struct_size < size_of::<ValidatorV1>() {
        return Err(wrong_size(struct_size));
    }
    // SAFETY: the plugin declared a full version-1 vtable (or a larger, compatible one).
    Ok(unsafe { ptr.read() })
}

#[cfg(test)]
mod tests {
    use connkit_models::preflight::{Finding, Severity};
    use connkit_plugin_abi as abi;

    /// What a plugin serialises with `connkit-plugin-abi` must read as the models'
    /// `Finding`, field for field, and the models' JSON must read back on the plugin side.
    #[test]
    fn plugin_findings_and_model_findings_share_one_json_shape() {
        let cases = [
            (
                abi::Finding::error("a.b", "m").at(3, 7),
                Finding::error("a.b", "m").at(3, 7),
            ),
            (
                abi::Finding::warning("c", "n").at_pointer("/0/value"),
                Finding::warning("c", "n").at_pointer("/0/value"),
            ),
            (
                abi::Finding::info("d", "o"),
                Finding::new(Severity::Info, "d", "o"),
            ),
        ];
        for (plugin_side, host_side) in cases {
            let json = serde_json::to_string(&plugin_side).unwrap();
            assert_eq!(json, serde_json::to_string(&host_side).unwrap());
            assert_eq!(serde_json::from_str::<Finding>(&json).unwrap(), host_side);
            assert_eq!(
                serde_json::from_str::<abi::Finding>(&json).unwrap(),
                plugin_side
            );
        }
    }
}
