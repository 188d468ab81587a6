//! What the scenario binaries (`limits`, `as_code`) share: sandboxes served on
//! 127.0.0.1 with an optional per-client rate limit, clients of them, the least time a
//! limit allows, a scratch directory for shared limiter state, and their runtime.

use std::path::PathBuf;
use std::time::Duration;

use connkit_connectors::Client;
use connkit_sandbox::{AuthMode, RateLimitConfig, Sandbox, ServerHandle};
use connkit_transport::TransportStackBuilder;

/// A sandbox of `seed` connectors on 127.0.0.1, with `limit` per client if given (and
/// then client-credentials auth, which is how the sandbox tells clients apart).
pub async fn serve(seed: usize, limit: Option<RateLimitConfig>) -> (Sandbox, ServerHandle) {
    let mut builder = Sandbox::builder().seed(seed);
    if let Some(limit) = limit {
        builder = builder
            .require_auth(AuthMode::AnyIssuedToken)
            .rate_limit(limit);
    }
    serve_built(builder.build().expect("a sandbox")).await
}

/// `sandbox` served on 127.0.0.1 (a free port).
pub async fn serve_built(sandbox: Sandbox) -> (Sandbox, ServerHandle) {
    let server = sandbox
        .serve(([127, 0, 0, 1], 0).into())
        .await
        .expect("the sandbox serves on loopback");
    (sandbox, server)
}

/// A client of `base_url` authenticating as `client_id`, its stack adjusted by `stack`.
pub fn client(
    base_url: &str,
    client_id: &str,
    stack: impl FnOnce(TransportStackBuilder) -> TransportStackBuilder + Send + 'static,
) -> Client {
    Client::builder()
        .base_url(base_url)
        .client_credentials(client_id, "secret")
        .configure_stack(stack)
        .build()
        .expect("a client")
}

/// The least time `requests` requests take under `max` per `window`:
/// `(ceil(requests / max) - 1) * window`. The last batch can start no earlier, and is
/// counted as taking no time.
pub fn floor(requests: u64, max: u32, window: Duration) -> Duration {
    let batches = requests.div_ceil(u64::from(max)).max(1) - 1;
    window * u32::try_from(batches).expect("a few windows")
}

/// The 429 answers a sandbox gave.
pub fn refused(sandbox: &Sandbox) -> u64 {
    sandbox.stats().by_status.get("429").copied().unwrap_or(0)
}

/// A fresh directory for shared limiter state, removed on drop.
pub struct StateDir(pub PathBuf);

impl StateDir {
    /// `connkit-bench-<scenario>-<pid>-<name>` in the temporary directory.
    pub fn new(scenario: &str, name: &str) -> StateDir {
        let dir = std::env::temp_dir().join(format!(
            "connkit-bench-{scenario}-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a state directory");
        StateDir(dir)
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A two-thread Tokio runtime with timers and I/O.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}
