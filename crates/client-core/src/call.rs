//! [`Call`]: one operation bound to a client, ready to send — the fluent layer of both
//! API clients, defined once over the small [`Execute`] trait each `Client` implements.
//!
//! Everything that is the same for every operation lives here: the time limit
//! ([`timeout`](Call::timeout) / [`deadline`](Call::deadline) and their `set_*` twins),
//! [`send`](Call::send) and `.await` ([`IntoFuture`]), [`into_paginator`](Call::into_paginator)
//! for a listing ([`Listing`]), and the error of a setter that failed before anything
//! was sent (e.g. a file that could not be read), which `send` returns.
//!
//! # Why the per-operation setters are extension traits
//!
//! `Call` is defined here, so Rust's orphan rule forbids the API crates inherent methods
//! on it (`impl Call<Client, ListConnectors> { fn limit(..) }` is E0116, whoever owns
//! the type parameters). Each API crate therefore states its setters (`.locale(..)`,
//! `.filter(..)`, `.display_name(..)`, …) as one extension trait per operation, built
//! on [`map_operation`](Call::map_operation) and
//! [`try_map_operation`](Call::try_map_operation), and re-exports them all from its
//! `prelude` (`use connkit_connectors::prelude::*;`). A wrapper type per API crate
//! would have kept inherent methods, but only by forwarding every method above in
//! each crate — the twin this type exists to remove.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use connkit_transport::Deadline;

use crate::operation::Operation;
use crate::paginate::{PageSource, Paginator};

/// What a [`Call`] needs of its client: to run an [`Operation`] under an optional
/// [`Deadline`]. Both API clients implement it (their `execute` is this with no
/// deadline); the deadline covers the whole operation — retries, rate-limiter waits
/// and, for a create whose answer was lost, the lookup that follows.
pub trait Execute: Clone + Send + Sync + 'static {
    /// The API's error.
    type Error: Send + 'static;

    /// Runs `operation`: builds its request (carrying `deadline`, if any), sends it,
    /// decodes the answer.
    fn execute_until<O>(
        &self,
        operation: &O,
        deadline: Option<Deadline>,
    ) -> impl Future<Output = Result<O::Output, Self::Error>> + Send
    where
        O: Operation<Error = Self::Error> + Sync,
        O::Output: Send;
}

/// An operation that lists: its [`Call`] can page through every result
/// ([`Call::into_paginator`]). Implemented by each API crate's list operation.
pub trait Listing<C: Execute>: Operation<Error = C::Error> + Sized {
    /// The pages' source.
    type Source: PageSource<Error = C::Error>;

    /// The paginator of this listing, from where it starts (its offset or page token).
    fn paginator(self, client: C) -> Paginator<Self::Source>;
}

/// One operation bound to a client: set it up with the operation's setters (the API
/// crate's extension traits), bound it in time, then [`send`](Call::send) it or
/// `.await` it.
///
/// Each API crate names it for its client: `connkit_connectors::Call<O>` and
/// `connkit_c1::Call<O>` are `Call<Client, O>`.
#[must_use = "a call does nothing until it is sent or awaited"]
pub struct Call<C: Execute, O> {
    client: C,
    operation: O,
    /// A setter that failed (e.g. a file that could not be read); `send` returns it.
    error: Option<C::Error>,
    /// When the whole operation must be done.
    deadline: Option<Deadline>,
}

impl<C, O> fmt::Debug for Call<C, O>
where
    C: Execute + fmt::Debug,
    C::Error: fmt::Debug,
    O: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("client", &self.client)
            .field("operation", &self.operation)
            .field("error", &self.error)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl<C: Execute, O> Call<C, O> {
    /// `operation` on `client`, with no time limit of its own: what each operation
    /// method of an API client returns.
    pub fn new(client: C, operation: O) -> Self {
        Call {
            client,
            operation,
            error: None,
            deadline: None,
        }
    }

    /// Ends the whole operation `limit` from now (retries, rate-limiter waits and a
    /// create's lookup included), if the stack's own operation timeout has not ended it
    /// before.
    pub fn timeout(self, limit: Duration) -> Self {
        self.set_timeout(Some(limit))
    }

    /// [`timeout`](Call::timeout), or no limit of the call's own with `None`.
    pub fn set_timeout(self, limit: Option<Duration>) -> Self {
        let at = limit.and_then(|limit| Instant::now().checked_add(limit));
        self.set_deadline(at)
    }

    /// Ends the whole operation at `at` (see [`timeout`](Call::timeout)): for a
    /// deadline shared by several operations, e.g. a whole command.
    pub fn deadline(self, at: Instant) -> Self {
        self.set_deadline(Some(at))
    }

    /// [`deadline`](Call::deadline), or none with `None`.
    pub fn set_deadline(mut self, at: Option<Instant>) -> Self {
        self.deadline = at.map(Deadline);
        self
    }

    /// The sans-IO operation as set up so far, e.g. to build its request without
    /// sending it.
    pub fn operation(&self) -> &O {
        &self.operation
    }

    /// The client the call runs on.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// Changes the operation: what the API crates' setters are built on.
    pub fn map_operation(mut self, f: impl FnOnce(O) -> O) -> Self {
        self.operation = f(self.operation);
        self
    }

    /// Changes the operation with a step that may fail before anything is sent (e.g.
    /// reading a file): the first failure is kept and returned by
    /// [`send`](Call::send), so the chain of setters stays unbroken.
    pub fn try_map_operation(mut self, f: impl FnOnce(&mut O) -> Result<(), C::Error>) -> Self {
        if let Err(error) = f(&mut self.operation) {
            self.error.get_or_insert(error);
        }
        self
    }
}

impl<C, O> Call<C, O>
where
    C: Execute,
    O: Operation<Error = C::Error> + Sync,
    O::Output: Send,
{
    /// Sends the request and decodes the answer; first, the error of a setter that
    /// failed, if one did.
    pub async fn send(self) -> Result<O::Output, C::Error> {
        match self.error {
            Some(error) => Err(error),
            None => {
                self.client
                    .execute_until(&self.operation, self.deadline)
                    .await
            }
        }
    }
}

impl<C: Execute, O: Listing<C>> Call<C, O> {
    /// Pages through every result from where the operation starts; its page size, if
    /// set, is the paginator's. The call's deadline, if any, bounds the whole listing,
    /// and a setter's failure is the listing's first (and only) result.
    pub fn into_paginator(self) -> Paginator<O::Source> {
        let mut pages = self.operation.paginator(self.client);
        if let Some(Deadline(at)) = self.deadline {
            pages = pages.deadline(at);
        }
        match self.error {
            Some(error) => pages.failing(error),
            None => pages,
        }
    }
}

impl<C, O> IntoFuture for Call<C, O>
where
    C: Execute,
    O: Operation<Error = C::Error> + Send + Sync + 'static,
    O::Output: Send,
{
    type Output = Result<O::Output, C::Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Declares one operation's setters as an extension trait of [`Call`] and implements it
/// for each listed call type (e.g. `Call<ListConnectors>`, the API crate's alias).
///
/// A macro because Rust leaves no other way: `Call` is foreign to the API crates, so
/// their setters cannot be inherent methods (the orphan rule, E0116), and an extension
/// trait states each signature twice (declaration and implementation). This writes
/// each setter once, body included, and can implement one trait for several operations
/// whose setters read alike (ConductorOne's two creates). `self` is taken as an `ident`
/// so that the bodies, written by the caller, can name it.
///
/// ```
/// # mod api {
/// use connkit_client::{Call, Execute, Operation};
/// # #[derive(Clone)] pub struct Client;
/// # impl Execute for Client {
/// #     type Error = std::io::Error;
/// #     async fn execute_until<O>(&self, _: &O, _: Option<connkit_transport::Deadline>)
/// #         -> Result<O::Output, std::io::Error>
/// #     where O: Operation<Error = std::io::Error> + Sync, O::Output: Send {
/// #         Err(std::io::Error::other("not sent"))
/// #     }
/// # }
/// pub struct GetThing { pub verbose: bool }
///
/// connkit_client::call_setters! {
///     /// The setters of `getThing`.
///     pub trait GetThingCall for Call<Client, GetThing> {
///         /// Asks for every detail.
///         fn verbose(self, on: bool) -> Self {
///             self.map_operation(|op| GetThing { verbose: on, ..op })
///         }
///     }
/// }
/// # }
/// ```
#[macro_export]
macro_rules! call_setters {
    (
        $(#[$attr:meta])*
        $vis:vis trait $name:ident for $($target:ty),+ { $($methods:tt)* }
    ) => {
        $crate::call_setters!(@trait [$(#[$attr])* $vis trait $name] $($methods)*);
        $crate::call_setters!(@impls $name [$($target),+] { $($methods)* });
    };
    (@impls $name:ident [] $methods:tt) => {};
    (@impls $name:ident [$first:ty $(, $rest:ty)*] $methods:tt) => {
        $crate::call_setters!(@impl $name, $first, $methods);
        $crate::call_setters!(@impls $name [$($rest),*] $methods);
    };
    (
        @trait [$(#[$attr:meta])* $vis:vis trait $name:ident]
        $($(#[$doc:meta])* fn $setter:ident($self:ident $(, $arg:ident: $ty:ty)* $(,)?) -> Self $body:block)*
    ) => {
        $(#[$attr])*
        $vis trait $name: Sized {
            $($(#[$doc])* fn $setter($self $(, $arg: $ty)*) -> Self;)*
        }
    };
    (
        @impl $name:ident, $target:ty,
        { $($(#[$doc:meta])* fn $setter:ident($self:ident $(, $arg:ident: $ty:ty)* $(,)?) -> Self $body:block)* }
    ) => {
        impl $name for $target {
            $(fn $setter($self $(, $arg: $ty)*) -> Self $body)*
        }
    };
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use bytes::Bytes;
    use connkit_transport::BaseUrl;

    use super::*;
    use crate::paginate::{Offset, PageMeta, PageRequest, PaginationError, Sending};

    /// A client that runs nothing: it notes the deadline each operation (or page) was
    /// sent with, and decodes an empty answer.
    #[derive(Clone, Default)]
    struct Recorder {
        sent: Arc<Mutex<Vec<Option<Deadline>>>>,
    }

    impl Recorder {
        fn sent(&self) -> Vec<Option<Deadline>> {
            self.sent.lock().unwrap().clone()
        }
    }

    #[derive(Debug, PartialEq)]
    struct Failure(String);

    impl From<PaginationError> for Failure {
        fn from(error: PaginationError) -> Self {
            Failure(error.to_string())
        }
    }

    impl Execute for Recorder {
        type Error = Failure;

        async fn execute_until<O>(
            &self,
            operation: &O,
            deadline: Option<Deadline>,
        ) -> Result<O::Output, Failure>
        where
            O: Operation<Error = Failure> + Sync,
            O::Output: Send,
        {
            self.sent.lock().unwrap().push(deadline);
            operation.parse_response(http::Response::new(Bytes::new()))
        }
    }

    /// An operation whose answer is its own `n`; as a listing, pages of `n` items.
    #[derive(Debug, Clone)]
    struct Numbers {
        n: u32,
    }

    impl Operation for Numbers {
        type Output = u32;
        type Error = Failure;

        fn operation_id(&self) -> &'static str {
            "numbers"
        }

        fn build_request(&self, _: &BaseUrl) -> Result<http::Request<Bytes>, Failure> {
            Ok(http::Request::new(Bytes::new()))
        }

        fn parse_response(&self, _: http::Response<Bytes>) -> Result<u32, Failure> {
            Ok(self.n)
        }
    }

    impl Listing<Recorder> for Numbers {
        type Source = Pages;

        fn paginator(self, client: Recorder) -> Paginator<Pages> {
            Paginator::new(Pages(client), Offset(0), self.n, 100)
        }
    }

    /// One short page of two items.
    #[derive(Clone)]
    struct Pages(Recorder);

    impl PageSource for Pages {
        type Cursor = Offset;
        type Page = Vec<u8>;
        type Item = u8;
        type Error = Failure;

        fn operation_id(&self) -> &'static str {
            "numbers"
        }

        fn send(&self, request: PageRequest<'_, Offset>) -> Sending<Failure> {
            self.0.sent.lock().unwrap().push(request.deadline);
            Box::pin(async { Ok(http::Response::new(Bytes::from_static(&[1, 2]))) })
        }

        fn decode(&self, _: &Offset, response: http::Response<Bytes>) -> Result<Vec<u8>, Failure> {
            Ok(response.into_body().to_vec())
        }

        fn meta(page: &Vec<u8>) -> PageMeta<'_> {
            PageMeta::new(page.len())
        }

        fn truncate(page: &mut Vec<u8>, len: usize) {
            page.truncate(len);
        }

        fn into_items(page: Vec<u8>) -> Vec<u8> {
            page
        }
    }

    #[tokio::test]
    async fn the_time_limit_and_its_twins_reach_the_client() {
        let client = Recorder::default();
        let call = |n| Call::new(client.clone(), Numbers { n });
        let before = Instant::now();
        assert_eq!(call(1).timeout(Duration::from_secs(60)).send().await, Ok(1));
        let at = Instant::now() + Duration::from_secs(5);
        assert_eq!(call(2).deadline(at).await, Ok(2), "IntoFuture sends too");
        assert_eq!(call(3).deadline(at).set_deadline(None).send().await, Ok(3));
        let timeout = Some(Duration::from_secs(1));
        assert_eq!(call(4).set_timeout(timeout).set_timeout(None).await, Ok(4));
        assert_eq!(call(5).set_deadline(Some(at)).await, Ok(5));

        let sent = client.sent();
        let Some(Deadline(first)) = sent[0] else {
            panic!("the timeout became a deadline: {sent:?}")
        };
        assert!(
            first >= before + Duration::from_secs(60)
                && first <= Instant::now() + Duration::from_secs(60)
        );
        assert_eq!(
            sent[1..],
            [Some(Deadline(at)), None, None, Some(Deadline(at))]
        );
    }

    #[tokio::test]
    async fn a_failed_setter_is_what_send_returns_and_nothing_is_sent() {
        let client = Recorder::default();
        let failed = Call::new(client.clone(), Numbers { n: 1 })
            .try_map_operation(|_| Err(Failure("no such file".into())))
            .try_map_operation(|_| Err(Failure("a later failure".into())))
            .map_operation(|op| Numbers { n: op.n + 1 });
        assert_eq!(failed.operation().n, 2, "the setters after it still apply");
        assert_eq!(failed.await, Err(Failure("no such file".into())));
        let paged = Call::new(client.clone(), Numbers { n: 5 })
            .try_map_operation(|_| Err(Failure("bad filter".into())))
            .into_paginator()
            .try_collect()
            .await;
        assert_eq!(paged, Err(Failure("bad filter".into())));
        assert!(client.sent().is_empty(), "{:?}", client.sent());

        let fine = Call::new(client.clone(), Numbers { n: 7 })
            .try_map_operation(|op| {
                op.n += 1;
                Ok(())
            })
            .send()
            .await;
        assert_eq!(fine, Ok(8));
    }

    #[tokio::test]
    async fn a_listing_pages_under_the_calls_deadline() {
        let client = Recorder::default();
        let at = Instant::now() + Duration::from_secs(30);
        let items = Call::new(client.clone(), Numbers { n: 5 })
            .deadline(at)
            .into_paginator()
            .try_collect()
            .await;
        assert_eq!(items, Ok(vec![1, 2]));
        assert_eq!(client.sent(), [Some(Deadline(at))]);
    }
}
