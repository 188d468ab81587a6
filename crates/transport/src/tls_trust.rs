//! Recognising a TLS trust failure in a backend error and saying in words why the
//! server's certificate was refused.

use std::error::Error as StdError;

/// Why the server's certificate was not trusted, if that is what `error` (or one of its
/// causes) says; `None` for every other failure.
pub(crate) fn untrusted_reason(error: &(dyn StdError + 'static)) -> Option<String> {
    causes(error).find_map(|cause| {
        #[cfg(feature = "rustls")]
        if let Some(rustls::Error::InvalidCertificate(problem)) = cause.downcast_ref() {
            return Some(rustls_reason(problem));
        }
        native_tls_reason(&cause.to_string())
    })
}

/// `error` and its causes. `std::io::Error` hides the error it wraps from `source()`
/// (it yields that error's own source), so the wrapped error is visited too.
fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut pending: Vec<&'a (dyn StdError + 'static)> = vec![error];
    std::iter::from_fn(move || {
        let next = pending.pop()?;
        if let Some(source) = next.source() {
            pending.push(source);
        }
        if let Some(wrapped) = next
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            pending.push(wrapped);
        }
        Some(next)
    })
}

#[cfg(feature = "rustls")]
fn rustls_reason(problem: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    let words = match problem {
        E::UnknownIssuer => "it was issued by a certificate authority this client does not trust (a private CA or a TLS-inspecting proxy? add its CA certificate)",
        E::Expired | E::ExpiredContext { .. } => "it has expired",
        E::NotValidYet | E::NotValidYetContext { .. } => "it is not valid yet (or this machine's clock is wrong)",
        E::NotValidForName | E::NotValidForNameContext { .. } => "it was issued for another host name",
        E::Revoked => "it has been revoked",
        E::BadSignature => "its signature does not verify",
        E::BadEncoding => "it is malformed",
        E::InvalidPurpose | E::InvalidPurposeContext { .. } => "it is not meant for TLS servers",
        E::Other(other) => return webpki_reason(&other.to_string()),
        _ => return format!("it was refused ({problem})"),
    };
    words.to_owned()
}

/// The platform verifier reports what webpki found as `Other(..)`, whose text is the
/// name of webpki's error variant.
#[cfg(feature = "rustls")]
fn webpki_reason(name: &str) -> String {
    let words = match name {
        "CaUsedAsEndEntity" => "the server presents a CA certificate as its own: a CA certificate cannot identify a server; it needs a server certificate issued by that CA",
        "EndEntityUsedAsCa" => "its chain uses a server certificate as a certificate authority",
        "UnknownIssuer" => "it was issued by a certificate authority this client does not trust (a private CA or a TLS-inspecting proxy? add its CA certificate)",
        "CertExpired" => "it has expired",
        "CertNotValidYet" => "it is not valid yet (or this machine's clock is wrong)",
        "CertNotValidForName" => "it was issued for another host name",
        "CertRevoked" => "it has been revoked",
        _ => return format!("it was refused ({name})"),
    };
    words.to_owned()
}

/// OpenSSL's verification failures, as native TLS reports them.
fn native_tls_reason(text: &str) -> Option<String> {
    let detail = text.split_once("certificate verify failed")?.1;
    let detail = detail.trim_matches(|c: char| c == ':' || c == ' ' || c == '(' || c == ')');
    Some(if detail.is_empty() {
        "the certificate chain could not be verified".to_owned()
    } else {
        format!("the certificate chain could not be verified ({detail})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_looked_through() {
        let inner = std::io::Error::other(
            "certificate verify failed: (unable to get local issuer certificate)",
        );
        let outer = std::io::Error::other(inner);
        assert_eq!(
            untrusted_reason(&outer).as_deref(),
            Some("the certificate chain could not be verified (unable to get local issuer certificate)")
        );
        assert_eq!(
            untrusted_reason(&std::io::Error::other("connection refused")),
            None
        );
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_failures_are_put_in_words() {
        let ca_as_leaf =
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
                std::sync::Arc::new(std::io::Error::other("CaUsedAsEndEntity")),
            )));
        let wrapped = std::io::Error::other(ca_as_leaf);
        let reason = untrusted_reason(&wrapped).unwrap();
        assert!(reason.contains("CA certificate as its own"), "{reason}");
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert!(untrusted_reason(&unknown)
            .unwrap()
            .contains("does not trust"));
        assert_eq!(untrusted_reason(&rustls::Error::HandshakeNotComplete), None);
    }
}
