//! The `#[repr(C)]` types that cross the boundary, and the numbers they carry.

/// The ABI version this crate speaks. Frozen: version 1 never changes layout.
pub const ABI_VERSION: u32 = 1;

/// The name of the one symbol a version-1 plugin exports.
pub const SYMBOL: &str = "connkit_validator_v1";

/// [`SYMBOL`] with its trailing NUL, as `dlsym`-style loaders want it.
pub const SYMBOL_NUL: &[u8] = b"connkit_validator_v1\0";

/// The type of the exported [`SYMBOL`]: it takes nothing and returns a pointer to a
/// vtable with static lifetime.
pub type EntryPoint = unsafe extern "C" fn() -> *const ValidatorV1;

/// A read-only byte slice lent by the host for the duration of one call.
///
/// `ptr` may be null when `len` is 0. The plugin must not keep the pointer after the
/// call returns.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ByteView {
    /// First byte, or null when `len` is 0.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl ByteView {
    /// A view of `bytes`, valid as long as `bytes` is.
    pub fn new(bytes: &[u8]) -> Self {
        Self {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// The viewed bytes.
    ///
    /// # Safety
    /// Unless `len` is 0, `ptr` must point to `len` initialised bytes that stay valid
    /// and unmodified for the lifetime `'a` chosen by the caller.
    #[allow(unsafe_code)]
    pub unsafe fn as_slice<'a>(&self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: non-null and `len` bytes valid for `'a`, as the caller promised.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Bytes allocated by the plugin and handed to the host, which gives them back through
/// [`ValidatorV1::free`] exactly once.
///
/// The empty buffer has a null `ptr` and `len` 0; the host never passes it to `free`.
#[repr(C)]
#[derive(Debug)]
pub struct Buffer {
    /// First byte, or null for the empty buffer.
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

impl Buffer {
    /// The empty buffer: nothing to read, nothing to free.
    pub const EMPTY: Buffer = Buffer {
        ptr: std::ptr::null_mut(),
        len: 0,
    };

    /// `true` for the empty buffer (null pointer).
    pub fn is_empty(&self) -> bool {
        self.ptr.is_null()
    }

    /// The bytes in the buffer.
    ///
    /// # Safety
    /// Unless `ptr` is null, it must point to `len` initialised bytes that stay valid
    /// for `'a` (i.e. until the buffer is freed).
    #[allow(unsafe_code)]
    pub unsafe fn as_slice<'a>(&self) -> &'a [u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: non-null and `len` bytes valid for `'a`, as the caller promised.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// The version-1 vtable a plugin's [`SYMBOL`] returns. Layout frozen; see the crate
/// docs for the rules.
///
/// The function pointers are `Option`s so that a null pointer from a plugin written in
/// another language is a value the host can check (`None`), not undefined behaviour.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ValidatorV1 {
    /// `size_of::<ValidatorV1>()` as the plugin was compiled. Only ever grows.
    pub struct_size: usize,
    /// [`ABI_VERSION`] as the plugin was compiled.
    pub abi_version: u32,
    /// Writes the plugin's info JSON (`{name, version, kinds, description}`) to `out`
    /// and returns a [`Status`] code.
    pub info: Option<unsafe extern "C" fn(out: *mut Buffer) -> u32>,
    /// Validates `body` of the given kind, writes the findings JSON array (or an error
    /// message) to `out`, and returns a [`Status`] code.
    pub validate: Option<unsafe extern "C" fn(kind: u32, body: ByteView, out: *mut Buffer) -> u32>,
    /// Releases a non-empty buffer that `info` or `validate` wrote.
    pub free: Option<unsafe extern "C" fn(buf: Buffer)>,
}

/// What a call returned. Carried as a plain `u32` across the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Status {
    /// The call succeeded; `out` holds the JSON result (empty means no findings).
    Ok = 0,
    /// The plugin could not do its job; `out` may hold a UTF-8 message.
    PluginError = 1,
    /// The plugin panicked and caught it; `out` may hold the panic message.
    Panicked = 2,
    /// The plugin does not handle this body kind; `out` is empty.
    UnsupportedKind = 3,
}

impl Status {
    /// The code carried across the boundary.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The status with this code, if it is one of version 1's.
    pub fn from_code(code: u32) -> Option<Self> {
        [
            Status::Ok,
            Status::PluginError,
            Status::Panicked,
            Status::UnsupportedKind,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Body kinds, as the plain `u32` numbers the ABI carries. Frozen; they match
/// `connkit_models::preflight::BodyKind`.
pub mod kind {
    /// The source-config XML.
    pub const SOURCE_CONFIG: u32 = 1;
    /// The source-template XML.
    pub const SOURCE_TEMPLATE: u32 = 2;
    /// The correlation-config XML.
    pub const CORRELATION_CONFIG: u32 = 3;
    /// Translations as `.properties` text.
    pub const TRANSLATIONS: u32 = 4;
    /// A JSON Patch document (RFC 6902).
    pub const JSON_PATCH: u32 = 5;
    /// A `V3CreateConnectorDto` JSON body.
    pub const CREATE_CONNECTOR: u32 = 6;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    #[test]
    fn layout_is_the_documented_one() {
        let word = size_of::<usize>();
        assert_eq!(offset_of!(ValidatorV1, struct_size), 0);
        assert_eq!(offset_of!(ValidatorV1, abi_version), word);
        assert_eq!(offset_of!(ValidatorV1, info), 2 * word);
        assert_eq!(offset_of!(ValidatorV1, validate), 3 * word);
        assert_eq!(offset_of!(ValidatorV1, free), 4 * word);
        assert_eq!(size_of::<ValidatorV1>(), 5 * word);
        assert_eq!(align_of::<ValidatorV1>(), word);
        assert_eq!(size_of::<ByteView>(), 2 * word);
        assert_eq!(size_of::<Buffer>(), 2 * word);
    }

    #[test]
    fn status_codes_are_frozen() {
        for (code, status) in [
            (0, Status::Ok),
            (1, Status::PluginError),
            (2, Status::Panicked),
            (3, Status::UnsupportedKind),
        ] {
            assert_eq!(status.code(), code);
            assert_eq!(Status::from_code(code), Some(status));
        }
        assert_eq!(Status::from_code(4), None);
    }

    #[test]
    fn symbol_constants_agree() {
        assert_eq!(SYMBOL_NUL, format!("{SYMBOL}\0").as_bytes());
    }

    #[test]
    fn empty_views_read_as_empty() {
        let view = ByteView {
            ptr: std::ptr::null(),
            len: 0,
        };
        #[allow(unsafe_code)]
        // SAFETY: len is 0, nothing is read.
        let bytes = unsafe { view.as_slice() };
        assert!(bytes.is_empty());
        assert!(Buffer::EMPTY.is_empty());
    }
}
