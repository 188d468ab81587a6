//! [`SizeLimit`]: refuses bodies larger than a limit.

use connkit_models::preflight::{BodyKind, Finding, Validator};

/// Refuses any body larger than `max_bytes` (`body.too-large`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// The largest body allowed, in bytes.
    pub max_bytes: usize,
}

impl SizeLimit {
    /// The default limit: 10 MiB, far above any real connector document.
    pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;
}

impl SizeLimit {
    /// The finding for a body of `len` bytes, if that is over the limit. Lets a caller
    /// refuse a file from its size alone, before reading it.
    pub fn check_len(&self, kind: BodyKind, len: u64) -> Option<Finding> {
        (len > self.max_bytes as u64).then(|| {
            Finding::error(
                "body.too-large",
                format!(
                    "the {kind} body is {len} bytes, more than the limit of {} bytes",
                    self.max_bytes
                ),
            )
        })
    }
}

impl Default for SizeLimit {
    fn default() -> Self {
        SizeLimit {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

impl Validator for SizeLimit {
    fn name(&self) -> &str {
        "builtin.size"
    }

    fn supports(&self, _kind: BodyKind) -> bool {
        true
    }

    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        self.check_len(kind, body.len() as u64)
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_only_above_the_limit() {
        let v = SizeLimit { max_bytes: 4 };
        assert!(v.validate(BodyKind::JsonPatch, b"[  ]").is_empty());
        let f = v.validate(BodyKind::JsonPatch, b"[   ]");
        assert_eq!(f[0].code, "body.too-large");
        assert!(f[0].message.contains("5 bytes"), "{}", f[0].message);
    }
}
