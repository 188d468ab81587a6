//! ConductorOne client credentials as the transport's [`ClientCredentials`]: the token
//! endpoint is the tenant's `/auth/v1/token`, and the client proves itself with a
//! freshly signed assertion ([`SignedAssertion`]) instead of sending its secret.
//! Internal: the [`ClientBuilder`](crate::ClientBuilder) makes it from the text of the
//! client id and secret.
//!
//! Everything else is the transport's [`AuthLayer`](connkit_transport::AuthLayer), as
//! for ISC: the token is cached (in memory, and in a
//! [`TokenCache`](connkit_transport::TokenCache) when one is given), one token request
//! is in flight at a time, it is renewed shortly before `expires_in` runs out and once
//! on a 401 (with one replay), and it goes only to the origin it was bought from.

use std::sync::Arc;
use std::time::SystemTime;

use connkit_transport::{ClientAuthMethod, ClientCredentials, Secret, TransportError};

use crate::assertion::{self, ASSERTION_TYPE};
use crate::credentials::C1Credentials;

/// RFC 7523 `private_key_jwt`, as ConductorOne wants it: `client_assertion_type` (JWT
/// bearer) and `client_assertion`, an [`assertion::sign`] made anew for every token
/// request (the assertion lives minutes, and the endpoint takes each one once).
#[derive(Debug)]
struct SignedAssertion(C1Credentials);

impl ClientAuthMethod for SignedAssertion {
    fn form_fields(&self, _client_secret: &Secret) -> Vec<(&'static str, Secret)> {
        vec![
            ("client_assertion_type", Secret::new(ASSERTION_TYPE)),
            (
                "client_assertion",
                Secret::new(assertion::sign(&self.0, SystemTime::now())),
            ),
        ]
    }
}

/// The transport's client-credentials settings for `credentials`, whose text secret
/// was `secret`: what the token cache files the token under, with the token URL and
/// client id.
pub(crate) fn client_credentials(
    credentials: C1Credentials,
    secret: Secret,
) -> Result<ClientCredentials, TransportError> {
    ClientCredentials::with_method(
        credentials.token_uri().clone(),
        credentials.client_id().to_owned(),
        secret,
        Arc::new(SignedAssertion(credentials)),
    )
}
