//! [`Reconciliation`]: what an API client found when it looked for the resource a
//! create whose answer was lost would have made. One contract for both clients (the
//! variants, when a create counts as not applied, how a failed lookup reads), each in
//! its own words ([`Lookup`]): ISC looks a connector up by its unique name, ConductorOne
//! (which keeps no name unique) lists the connectors that match what the create sent.

use std::fmt;
use std::future::Future;

/// How an API client looks for what a lost create made, and how it words the outcome.
/// Implemented by a marker type in each API crate (its `Reconciliation` is
/// `connkit_client::Reconciliation<ItsLookup>`).
pub trait Lookup {
    /// What the lookup found.
    type Found: fmt::Debug;
    /// The API's error, for a lookup that failed too.
    type Error: std::error::Error;

    /// What the lookup was, as the subject of "… failed too", e.g. `looking the
    /// connector up by name`.
    const LOOKUP: &'static str;

    /// The `Display` of a lookup that found nothing: the create was not applied.
    const ABSENT: &'static str;

    /// The `Display` of what the lookup found and what it means, starting with `"; "`.
    fn describe(found: &Self::Found, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// What a create whose outcome is unknown (the API's `Error::MaybeApplied`) found when
/// its client looked for what it would have made. Its `Display` continues the error's
/// message (`"; …"`, or nothing when no lookup was made).
#[derive(Debug)]
#[non_exhaustive]
pub enum Reconciliation<L: Lookup> {
    /// Not a create (an update), so nothing was looked up.
    NotAttempted,
    /// What the lookup found ([`Lookup::Found`]; what it proves depends on the API).
    Exists(L::Found),
    /// Nothing was found: the create was not applied, and may be sent again.
    Absent,
    /// The lookup failed too: the outcome stays unknown.
    Failed(Box<L::Error>),
}

impl<L: Lookup> Reconciliation<L> {
    /// The reconciliation a lookup's result makes: found, nothing found, or failed.
    pub fn of(lookup: LookupResult<L>) -> Self {
        match lookup {
            Ok(Some(found)) => Reconciliation::Exists(found),
            Ok(None) => Reconciliation::Absent,
            Err(error) => Reconciliation::Failed(Box::new(error)),
        }
    }
}

/// An API error that can be a create's unknown outcome still to be looked up: each
/// API's `Error::MaybeApplied` with [`Reconciliation::NotAttempted`].
pub trait Unreconciled {
    /// How the API looks for what a lost create made.
    type Lookup: Lookup;

    /// The reconciliation still to be made, when this is an unknown outcome not yet
    /// looked up; `None` for every other error.
    fn unreconciled(&mut self) -> Option<&mut Reconciliation<Self::Lookup>>;
}

/// `result`, with the lookup made when it is an unknown outcome not yet looked up and
/// the operation was a create (`lookup` is `Some`): the one reconciling step both
/// clients take after sending, so a create whose answer was lost says what was found.
pub async fn reconciled<T, E, F, Fut>(result: Result<T, E>, lookup: Option<F>) -> Result<T, E>
where
    E: Unreconciled,
    F: FnOnce() -> Fut,
    Fut: Future<Output = LookupResult<E::Lookup>>,
{
    match (result, lookup) {
        (Err(mut error), Some(lookup)) => {
            if let Some(pending) = error.unreconciled() {
                *pending = Reconciliation::of(lookup().await);
            }
            Err(error)
        }
        (result, _) => result,
    }
}

/// What a lookup gives: what it found, if anything, or its own failure.
pub type LookupResult<L> = Result<Option<<L as Lookup>::Found>, <L as Lookup>::Error>;

impl<L: Lookup> fmt::Display for Reconciliation<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reconciliation::NotAttempted => Ok(()),
            Reconciliation::Exists(found) => L::describe(found, f),
            Reconciliation::Absent => f.write_str(L::ABSENT),
            Reconciliation::Failed(error) => write!(
                f,
                "; {} failed too ({error}): check before creating it again",
                L::LOOKUP
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct ByName;

    impl Lookup for ByName {
        type Found = String;
        type Error = std::io::Error;
        const LOOKUP: &'static str = "looking it up by name";
        const ABSENT: &'static str = "; nothing has this name";
        fn describe(found: &String, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "; {found} exists now")
        }
    }

    #[test]
    fn a_lookups_result_reads_in_the_apis_words() {
        let found = Reconciliation::<ByName>::of(Ok(Some("x".to_owned())));
        assert_eq!(found.to_string(), "; x exists now");
        let absent = Reconciliation::<ByName>::of(Ok(None));
        assert!(matches!(absent, Reconciliation::Absent));
        assert_eq!(absent.to_string(), "; nothing has this name");
        let failed = Reconciliation::<ByName>::of(Err(std::io::Error::other("down")));
        assert_eq!(
            failed.to_string(),
            "; looking it up by name failed too (down): check before creating it again"
        );
        assert_eq!(
            Reconciliation::<ByName>::NotAttempted.to_string(),
            "",
            "no lookup, nothing to add"
        );
    }
}
