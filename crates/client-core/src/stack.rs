//! [`TransportChoice`]: where a client's requests go, as every API crate's
//! `ClientBuilder` lets its user choose, and the one place the standard stack is built.

use std::fmt;
use std::sync::Arc;

use connkit_transport::{
    Auth, AuthLayer, BaseUrl, HttpBackend, Transport, TransportError, TransportStack,
    TransportStackBuilder, IN_PROCESS_BASE_URL,
};

/// Adjusts the standard stack before it is built.
type StackHook = Box<dyn FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send>;

/// A function that adjusts the standard stack: what `configure_stack` takes.
pub trait ConfigureStack:
    FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send + 'static
{
}

impl<F> ConfigureStack for F where
    F: FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send + 'static
{
}

/// Where a client sends requests, by choice:
/// - nothing said: the reqwest [`HttpBackend`] under the standard [`TransportStack`]
///   (timeouts, auth, retry, rate limit; needs the `default-transport` feature);
/// - [`backend_with_stack`](TransportChoice::backend_with_stack): any transport under
///   that same stack (e.g. the in-process sandbox with retries);
/// - [`as_is`](TransportChoice::as_is): any transport as is, with only the auth layer
///   added when there is auth.
///
/// [`configure`](TransportChoice::configure) adjusts the stack; with `as_is` there is
/// none, and [`build`](TransportChoice::build) refuses rather than ignore the hook.
#[derive(Default)]
pub struct TransportChoice {
    kind: Kind,
    hook: Option<StackHook>,
}

#[derive(Default)]
enum Kind {
    #[default]
    Default,
    Backend(Arc<dyn Transport>),
    AsIs(Arc<dyn Transport>),
}

/// Why [`TransportChoice::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StackError {
    /// A stack hook was given for a transport used as is.
    #[error(
        "configure_stack was called, but transport_as_is adds no stack to configure: \
         use backend_with_stack, or leave configure_stack out"
    )]
    HookWithoutStack,
    /// The transport crate refused a setting.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl fmt::Debug for TransportChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            Kind::Default => "default",
            Kind::Backend(_) => "backend with stack",
            Kind::AsIs(_) => "as is",
        };
        f.debug_struct("TransportChoice")
            .field("kind", &kind)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl TransportChoice {
    /// `backend` under the standard stack.
    pub fn backend_with_stack(&mut self, backend: Arc<dyn Transport>) {
        self.kind = Kind::Backend(backend);
    }

    /// `transport` as is (plus the auth layer, if there is auth).
    pub fn as_is(&mut self, transport: Arc<dyn Transport>) {
        self.kind = Kind::AsIs(transport);
    }

    /// Adjusts the standard stack, after the API's own defaults.
    pub fn configure(&mut self, hook: impl ConfigureStack) {
        self.hook = Some(Box::new(hook));
    }

    /// Whether the transport answers in-process (so no real base URL is needed).
    pub fn is_in_process(&self) -> bool {
        match &self.kind {
            Kind::Default => false,
            Kind::Backend(t) | Kind::AsIs(t) => t.is_in_process(),
        }
    }

    /// The base URL a client of this transport gets when it was given none:
    /// [`IN_PROCESS_BASE_URL`] when the transport answers in-process (nothing goes on the
    /// network, so no real URL is needed), `None` when it goes on the network and needs
    /// a real one.
    pub fn in_process_base_url(&self) -> Option<BaseUrl> {
        if !self.is_in_process() {
            return None;
        }
        BaseUrl::parse(IN_PROCESS_BASE_URL).ok()
    }

    /// Builds the transport: the API's `defaults` (e.g. its retry policy) are applied to
    /// the stack first, then the hook; `auth` becomes the stack's auth layer.
    pub fn build(
        self,
        auth: Option<Auth>,
        defaults: impl FnOnce(TransportStackBuilder) -> TransportStackBuilder,
    ) -> Result<Arc<dyn Transport>, StackError> {
        let backend: Arc<dyn Transport> = match self.kind {
            Kind::AsIs(transport) => {
                if self.hook.is_some() {
                    return Err(StackError::HookWithoutStack);
                }
                return Ok(match auth {
                    Some(auth) => Arc::new(AuthLayer::new(transport, auth)?),
                    None => transport,
                });
            }
            Kind::Backend(backend) => backend,
            Kind::Default => Arc::new(HttpBackend::new()?),
        };
        let mut builder = defaults(TransportStack::builder(backend));
        if let Some(auth) = auth {
            builder = builder.auth(auth);
        }
        if let Some(hook) = self.hook {
            builder = hook(builder);
        }
        Ok(builder.build()?)
    }
}

/// The transport-choice setters every API client's `ClientBuilder` offers, defined
/// once: expands, inside `impl ClientBuilder { … }`, to `backend_with_stack`,
/// `transport_as_is` and `configure_stack`, which set the builder's
/// `transport: TransportChoice` field.
///
/// A macro because Rust leaves no other way to give two builder types of two crates
/// the same inherent methods: a trait with provided methods would make every user of a
/// builder import it, and builder setters are expected to work without one.
#[macro_export]
macro_rules! transport_choice_setters {
    () => {
        /// Sends through `backend` under the standard stack (timeouts, auth, retry, rate
        /// limit) instead of the reqwest backend. Under the default `auto` rate-limit
        /// policy an in-process backend (the sandbox) gets no limiter.
        pub fn backend_with_stack(
            mut self,
            backend: ::std::sync::Arc<dyn $crate::__transport::Transport>,
        ) -> Self {
            self.transport.backend_with_stack(backend);
            self
        }

        /// Sends through `transport` as is; only auth is added, and only when credentials
        /// are given (no timeouts, retries or rate limiter).
        pub fn transport_as_is(
            mut self,
            transport: ::std::sync::Arc<dyn $crate::__transport::Transport>,
        ) -> Self {
            self.transport.as_is(transport);
            self
        }

        /// Adjusts the standard stack (retry policy, timeouts, rate limit) after this
        /// builder's own settings. There is no stack with `transport_as_is`: `build` then
        /// fails rather than ignore the hook.
        pub fn configure_stack(mut self, hook: impl $crate::ConfigureStack) -> Self {
            self.transport.configure(hook);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use connkit_transport::test_util::ReplayTransport;

    #[test]
    fn a_hook_without_a_stack_is_refused_and_in_process_is_seen() {
        let mut choice = TransportChoice::default();
        assert!(!choice.is_in_process());
        assert!(choice.in_process_base_url().is_none());
        choice.as_is(Arc::new(ReplayTransport::new()));
        assert!(choice.is_in_process());
        let base = choice
            .in_process_base_url()
            .expect("an in-process base URL");
        assert_eq!(base.root(), IN_PROCESS_BASE_URL);
        choice.configure(|stack| stack);
        let err = choice.build(None, |stack| stack).err().expect("refused");
        assert!(matches!(err, StackError::HookWithoutStack), "{err}");

        let mut choice = TransportChoice::default();
        choice.backend_with_stack(Arc::new(ReplayTransport::new()));
        choice.configure(|stack| stack.no_rate_limit());
        choice
            .build(None, |stack| stack)
            .expect("a stack to configure");
    }
}
