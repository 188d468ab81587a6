//! Integration tests: every operation in-process and over HTTP, bad input, the wire,
//! auth, rate limit, faults, stats and the state file.

mod harness;
mod spec;

mod bad_input;
mod c1;
mod c1_state;
mod c1_syncs;
mod fuzz_found;
mod gates;
mod journal;
mod operations;
mod state;
mod wire;
mod xml_policy;

#[test]
fn public_types_are_shareable() {
    fn check<T: Send + Sync + 'static>() {}
    check::<connkit_sandbox::Sandbox>();
    check::<connkit_sandbox::ServerHandle>();
    check::<connkit_sandbox::SandboxError>();
    check::<connkit_sandbox::Stats>();
    let sandbox = connkit_sandbox::Sandbox::new();
    let clone = sandbox.clone();
    clone.reset_stats();
    assert_eq!(sandbox.stats(), clone.stats());
}
