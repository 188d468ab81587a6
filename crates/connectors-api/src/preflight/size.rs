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
        if body.len() <= self.max_bytes {
            return Vec::new();
        }
        vec![Finding::error(
            "body.too-large",
            format!(
                "the {kind} body is {} bytes, more than the limit of {} bytes",
                body.len(),
                self.max_bytes
            ),
        )]
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
