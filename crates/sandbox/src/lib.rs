//! A faithful local emulator of the SailPoint ISC **v2024 Connectors API**.
//!
//! One axum [`Router`](axum::Router) answers all 13 operations under `/v2024`, the
//! client-credentials token endpoint `POST /oauth/token` and the admin endpoint
//! `/__sandbox/stats`. The same router serves in-process — [`Sandbox`] implements
//! [`connkit_transport::Transport`], no socket involved — and over HTTP/1.1 with
//! [`Sandbox::serve`]. Official clients must work against it unchanged: it is a product,
//! not a mock.
//!
//! ```no_run
//! # async fn demo() -> Result<(), connkit_sandbox::SandboxError> {
//! use connkit_sandbox::{RateLimitConfig, Sandbox};
//!
//! let sandbox = Sandbox::builder()
//!     .seed(1_000)
//!     .rate_limit(RateLimitConfig::default())
//!     .build()?;
//! let server = sandbox.serve("127.0.0.1:0".parse().unwrap()).await?;
//! println!("API at {}/v2024", server.base_url());
//! // … until the user presses Ctrl-C:
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! In-process, only the request's path and query matter (any scheme and authority, or
//! none, is accepted); over HTTP the API lives under `{base_url}/v2024` and the token
//! endpoint at `{base_url}/oauth/token` (see [`ServerHandle::base_url`]).
//!
//! # Documented behaviour
//!
//! - **Create** (`POST /v2024/connectors`) answers exactly `200` with the
//!   `V3ConnectorDto`. The `scriptName` is derived from the name: lower case, runs of
//!   anything but ASCII letters and digits become one `-` (`"My Conn (EU)"` →
//!   `my-conn-eu`), then `-2`, `-3`, … if taken. `type` defaults to `"custom " + name`,
//!   `directConnect` to `true` (the spec's defaults).
//! - **Create without `status` stores `RELEASED`**, so `connectors create` followed by
//!   `connectors list` shows the new connector, which is what a CLI user expects. A
//!   create with `status` `DEVELOPMENT` or `DEMO` is stored with it: such connectors
//!   answer every per-connector route but are not listed (the list shows only
//!   `RELEASED`, as the spec's description says). `DEPRECATED` or an unknown status on
//!   create is a 400.
//! - **Names are unique per tenant, case-insensitively and whatever the status**: a
//!   duplicate is a 400 `ErrorResponseDto` even when the existing connector is not
//!   listed (so a hidden `DEVELOPMENT` connector can explain a 400 on create).
//! - **Seeded connectors** are realistic (Active Directory, Workday, ServiceNow, … with
//!   their types, class names, features, and a `category` and `labels`) and all
//!   `RELEASED`: `seed(n)` lists exactly `n`. `V3ConnectorDto` has no `category` or
//!   `labels`; the sandbox keeps them in its own store for filtering. Created connectors
//!   get category `custom` and no labels or features.
//! - **List**: `limit` 0..=250 (default 250), `offset`, `count=true` → `X-Total-Count`;
//!   an offset at or past the end answers `200 []`; `limit=abc`, `limit=999`,
//!   `offset=-1`, `count=maybe` answer 400. Order is by `scriptName`. `+` and `%20` both
//!   decode to a space. `locale` (here and on `getConnector`) never fails: the sandbox's
//!   data is not localized, so it has no effect beyond that.
//! - **Filters** are parsed with [`connkit_models::filter`] and checked against
//!   `filter::CONNECTOR_LIST` (a 400 names the problem). Semantics: `eq`/`ne`/`in` on
//!   strings are exact; `sw` and `co` ignore case, as ISC does; booleans
//!   (`directConnect`) accept `true`/`false` bare or quoted (`"true"`, any case);
//!   `ca` on `features`/`labels` holds when every value is an element (exact match);
//!   `not` > `and` > `or`.
//! - **XML and translations** GETs answer exactly the text last PUT (or patched), with
//!   `application/xml` / `text/plain` whatever `Accept` says (never 406). Before any PUT
//!   they answer a template derived from the connector. Uploads must be UTF-8 (the
//!   detail carries them as JSON strings); an empty (or blank) uploaded file answers
//!   `200 UpdateDetail{status: ERROR}` and stores nothing; an identical one `UNCHANGED`.
//! - **Multipart PUTs** take the part named `file`, whatever its own content type; the
//!   bytes come back unchanged.
//! - **Translations**: a GET for an unknown locale, or one with nothing stored, falls
//!   back to `en`; a PUT for an unknown locale is a 400. *Leniency*: a translations PUT
//!   with an **empty body**, with no or any `Content-Type`, answers
//!   `200 UpdateDetail{status: UNCHANGED}` and keeps the stored translations (official
//!   clients send exactly that; the spec says the body is required).
//! - **JSON Patch**: all six RFC 6902 operations with `from` for `move`/`copy`; atomic
//!   (a failing operation changes nothing); only `/connectorMetadata` (and paths below
//!   it), `/applicationXml`, `/correlationConfigXml`, `/sourceConfigXml`, as `path` and
//!   as `from`; afterwards `connectorMetadata` must still be an object and the XML
//!   fields strings. `application/json-patch+json` or `application/json`.
//! - **Delete** answers `204` with no body; the connector is gone (404 afterwards).
//! - **Errors** are shaped as the spec: `ErrorResponseDto` with a fresh `trackingId`
//!   for 400/404/405/413/500/503, `{error}` for 401, `{message}` plus `Retry-After` for
//!   429. Unknown routes answer 404, unknown methods 405, both JSON. Bodies above the
//!   limit (default 16 MiB, [`SandboxBuilder::max_body_bytes`]) answer 413. Malformed
//!   input never panics and never answers 500.
//! - **Over HTTP** header names are written in title case (`X-Total-Count`,
//!   `Retry-After`, `Content-Type`) and keep-alive works.
//! - **Auth** ([`AuthMode`]): off by default; `/oauth/token` always answers (form,
//!   multipart or query parameters; `grant_type=client_credentials` and a non-empty
//!   `client_id` and `client_secret`), with `expires_in` one second below the token
//!   lifetime (12 h by default, [`SandboxBuilder::token_ttl`]).
//! - **Rate limit** ([`RateLimitConfig`], parsed from `100/10s` too): a sliding window
//!   per `Authorization` value (requests without one share a window) over the API's
//!   routes and the token endpoint — no window of that length ever admits more than
//!   `max` requests; `Retry-After` is the whole seconds (at least 1) until one would be
//!   admitted. Refused requests do not count. It is checked before auth.
//! - **Faults** ([`FaultConfig`], parsed from
//!   `error=0.2,reset=0.05,truncate=0.01,latency=5ms,seed=7`): latency first; then a
//!   seeded draw picks a 503, a reset (the connection is closed before the request is
//!   handled), a truncation (the request is handled, the body cut short) or nothing. Over HTTP a truncation
//!   declares the full `Content-Length` and sends half; in-process both resets and
//!   truncations are [`TransportError::Network`](connkit_transport::TransportError).
//!   Resets and truncations need [`Sandbox::serve`] or the `Transport`: a router served
//!   by other means answers those requests normally.
//! - **State file** ([`SandboxBuilder::state_file`]): JSON
//!   (`{"format": "connkit-sandbox-state", "version": 1, "connectors": [...]}`). An
//!   existing file is loaded instead of seeding; a new one is seeded and written at
//!   once. A lock file beside it (`<file>.lock`) is held with an exclusive advisory lock
//!   for the sandbox's lifetime, so a second sandbox (in any process) gets
//!   [`SandboxError::StateLocked`]. Every mutation rewrites the whole state atomically
//!   and durably before it is answered: `.<file>.tmp` in the same directory, fsync,
//!   rename over the file, fsync the directory; a crash at any moment leaves the old or
//!   the new state, never a torn file (a leftover temp file is removed on the next
//!   open). If the write fails the change is undone and the answer is a 500. For
//!   100 000 connectors each write is tens of MB: use a state file with small seeds.
//! - **Stats**: `GET /__sandbox/stats` answers [`Stats`] as JSON
//!   (`{"total", "by_operation", "by_status", "injected_faults"}`),
//!   `DELETE /__sandbox/stats` resets it. Admin requests are neither counted nor gated.

mod api_error;
mod auth;
mod c1;
mod emulator;
mod error;
mod faults;
mod filter_eval;
mod gate;
mod json;
mod multipart;
mod operation;
mod patch;
mod rate_limit;
mod routes;
pub mod seed;
mod server;
mod state_file;
mod stats;
mod store;
mod templates;
mod transport;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use auth::AuthMode;
pub use c1::{C1Sandbox, SyncRecord};
pub use error::SandboxError;
pub use faults::FaultConfig;
pub use rate_limit::RateLimitConfig;
pub use server::ServerHandle;
pub use stats::Stats;

use emulator::Emulator;
use state_file::StateFile;
use store::Store;

/// How many connectors [`Sandbox::new`] seeds.
pub const DEMO_SEED: usize = 50;

/// The default request body limit (16 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// An emulated tenant. Cheap to clone (the clones share everything), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Sandbox {
    emulator: Arc<Emulator>,
    router: axum::Router,
    c1: C1Sandbox,
}

impl Sandbox {
    /// A sandbox with [`DEMO_SEED`] seeded connectors and every option at its default
    /// (no auth, no rate limit, no faults, in memory).
    pub fn new() -> Sandbox {
        // The seed's names are unique (a unit test proves it for 100 000), so this
        // never falls back to the empty store.
        let store = Store::from_records(seed::seed(DEMO_SEED)).unwrap_or_default();
        Sandbox::from_parts(store, None, SandboxBuilder::default())
    }

    /// Starts configuring a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    fn from_parts(store: Store, state_file: Option<StateFile>, options: SandboxBuilder) -> Sandbox {
        let emulator = Arc::new(Emulator {
            store: RwLock::new(store),
            state_file,
            auth: auth::Authenticator::new(options.auth, options.token_ttl),
            rate_limit: options.rate_limit.map(rate_limit::RateLimiter::new),
            faults: options.faults.map(faults::FaultInjector::new),
            stats: stats::StatsRecorder::default(),
            max_body_bytes: options.max_body_bytes,
        });
        let c1 = C1Sandbox::new(emulator.clone());
        Sandbox {
            router: routes::router(emulator.clone()).merge(c1.router()),
            emulator,
            c1,
        }
    }

    /// The router that holds the emulator (a cheap clone). Serve it yourself if you
    /// like; [`Sandbox::serve`] adds title-case headers and socket-level faults.
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// Serves the API over HTTP/1.1 on `addr` (port 0 picks a free port; see
    /// [`ServerHandle::local_addr`]). Must be called within a Tokio runtime.
    pub async fn serve(&self, addr: SocketAddr) -> Result<ServerHandle, SandboxError> {
        server::serve(self.router(), addr).await
    }

    /// The ConductorOne side (served under `/api/v1` and `/auth/v1/token`).
    pub fn c1(&self) -> &C1Sandbox {
        &self.c1
    }

    /// The request counters (what `GET /__sandbox/stats` answers).
    pub fn stats(&self) -> Stats {
        self.emulator.stats.snapshot()
    }

    /// Sets every request counter back to zero.
    pub fn reset_stats(&self) {
        self.emulator.stats.reset();
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

/// Configures a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    seed: usize,
    auth: AuthMode,
    token_ttl: Duration,
    rate_limit: Option<RateLimitConfig>,
    faults: Option<FaultConfig>,
    state_file: Option<PathBuf>,
    max_body_bytes: usize,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            seed: DEMO_SEED,
            auth: AuthMode::Off,
            token_ttl: Duration::from_secs(12 * 60 * 60),
            rate_limit: None,
            faults: None,
            state_file: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl SandboxBuilder {
    /// Seeds `n` realistic, `RELEASED` connectors, deterministically (default
    /// [`DEMO_SEED`]). Ignored when the state file already exists.
    pub fn seed(mut self, n: usize) -> Self {
        self.seed = n;
        self
    }

    /// Which bearer tokens the API requires (default [`AuthMode::Off`]).
    pub fn require_auth(mut self, mode: AuthMode) -> Self {
        self.auth = mode;
        self
    }

    /// The lifetime of issued tokens (default 12 h).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Turns the rate limit on (default off).
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = Some(config);
        self
    }

    /// Turns fault injection on (default off).
    pub fn faults(mut self, config: FaultConfig) -> Self {
        self.faults = Some(config);
        self
    }

    /// Keeps the state in `path`: loaded if it exists, locked against a second
    /// sandbox, rewritten atomically after every mutation.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// The largest request body accepted before a 413 (default
    /// [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Builds the sandbox: validates the options, opens and locks the state file.
    pub fn build(self) -> Result<Sandbox, SandboxError> {
        if let Some(faults) = &self.faults {
            faults.validate().map_err(SandboxError::Config)?;
        }
        if let Some(limit) = &self.rate_limit {
            if limit.max == 0 || limit.window.is_zero() {
                return Err(SandboxError::Config(
                    "rate limit max and window must be above zero".to_owned(),
                ));
            }
        }
        let (store, state_file) = match &self.state_file {
            None => (seeded(self.seed)?, None),
            Some(path) => {
                let (file, records) = StateFile::open(path)?;
                match records {
                    Some(records) => {
                        let store = Store::from_records(records).map_err(|conflict| {
                            SandboxError::StateCorrupt {
                                path: path.clone(),
                                message: conflict.to_string(),
                            }
                        })?;
                        (store, Some(file))
                    }
                    None => {
                        let store = seeded(self.seed)?;
                        file.save(&store).map_err(|source| SandboxError::StateIo {
                            path: path.clone(),
                            action: "writing",
                            source,
                        })?;
                        (store, Some(file))
                    }
                }
            }
        };
        Ok(Sandbox::from_parts(store, state_file, self))
    }
}

fn seeded(n: usize) -> Result<Store, SandboxError> {
    Store::from_records(seed::seed(n)).map_err(|conflict| {
        SandboxError::Config(format!("seed({n}) produced a conflict: {conflict}"))
    })
}
