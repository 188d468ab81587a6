//! A faithful local emulator of the SailPoint ISC **v2024 Connectors API** and of
//! ConductorOne's **ConnectorService**.
//!
//! One axum [`Router`](axum::Router) answers all 13 ISC operations under `/v2024`, the
//! client-credentials token endpoint `POST /oauth/token`, the 17 ConductorOne operations
//! under `/api/v1` with their token endpoint `POST /auth/v1/token` (see [`C1Sandbox`]
//! for their documented behaviour) and the admin endpoints under `/__sandbox`. The same
//! router serves in-process — [`Sandbox`] implements
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
//! # Layout
//!
//! The source is organised by API over shared infrastructure:
//!
//! - `isc/`: the ISC room (its router and middleware, the connector store, the seed
//!   ([`seed`] is public), templates, filters, JSON Patch, multipart uploads);
//! - `c1/`: the ConductorOne room (its router and middleware, its store and how the
//!   state database keeps it, the token endpoint, `google.rpc.Status` errors);
//! - the crate root: what both share: the HTTP server (`server`), the gate every API
//!   request passes (`gate`: fault rules, random faults, rate limit, auth, stats) with
//!   its parts (`fault_rules`, `faults`, `rate_limit`, `auth`, `stats`), the request
//!   journal over the whole router (`journal`, with `redact` for the credentials it
//!   leaves out), the admin routes under `/__sandbox` (`admin`) and the dashboard page
//!   (`dashboard`, its files in `dashboard/`), the state database and its JSON form ([`state`], `state_db`, `state_json`), the
//!   in-process [`Transport`](connkit_transport::Transport), and the default error
//!   shape (`api_error`, ISC's, for admin routes and unclaimed paths).
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
//! - **Names are at most
//!   [`MAX_NAME_CHARS`](connkit_models::isc::v2024::V3CreateConnectorDto::MAX_NAME_CHARS)
//!   (255) characters**; a longer one is a 400 naming `name` and the limit, so that no
//!   connector is created that no URI can address (see that constant for the choice).
//! - **Seeded connectors** are realistic (Active Directory, Workday, ServiceNow, … with
//!   their types, class names, features, and a `category` and `labels`) and all
//!   `RELEASED`: `seed(n)` lists exactly `n`. `V3ConnectorDto` has no `category` or
//!   `labels`; the sandbox keeps them in its own store for filtering. Created connectors
//!   get category `custom` and no labels or features.
//! - **List**: `limit` 0..=250 (default 250), `offset` 0..=2147483647 (an int32 in the
//!   spec), `count=true` → `X-Total-Count`; an offset at or past the end answers
//!   `200 []`; `limit=abc`, `limit=999`, `offset=-1`, `offset=2147483648`, `count=maybe`
//!   answer 400. Order is by `scriptName`. `+` and `%20` both decode to a space.
//!   `locale` (here, on `getConnector` and in the translations path) must be one of the
//!   spec's 19 locales, else 400; the sandbox's data is not localized, so it has no
//!   other effect. Errors repeat at most 100 characters of a bad value (a 20 KB filter is
//!   not echoed whole).
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
//!   bytes come back unchanged. Two parts named `file` are a 400 (keeping either would
//!   drop the other silently).
//! - **Translations**: a GET for a locale with nothing stored falls back to `en`; a GET
//!   or PUT for a locale outside the spec's list is a 400. *Leniency*: a translations PUT
//!   with an **empty body**, with no or any `Content-Type`, answers
//!   `200 UpdateDetail{status: UNCHANGED}` and keeps the stored translations (official
//!   clients send exactly that; the spec says the body is required).
//! - **JSON Patch**: all six RFC 6902 operations with `from` for `move`/`copy`; atomic
//!   (a failing operation changes nothing); only `/connectorMetadata` (and paths below
//!   it), `/applicationXml`, `/correlationConfigXml`, `/sourceConfigXml`, as `path` and
//!   as `from`; afterwards `connectorMetadata` must still be an object and the XML
//!   fields strings. `application/json-patch+json` or `application/json`.
//! - **Delete** answers `204` with no body; the connector is gone (404 afterwards).
//!   Only custom (created) connectors can be deleted: a seeded, built-in one answers
//!   `403` with an `ErrorResponseDto`.
//! - **Errors** are shaped as the spec: `ErrorResponseDto` with a fresh `trackingId`
//!   for 400/403/404/405/413/500/503, `{error}` for 401, `{message}` plus `Retry-After` for
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
//! - **State database** ([`SandboxBuilder::state_file`]): SQLite (compiled in), one
//!   row per connector. A database that holds a state is loaded instead of seeding
//!   ([`Sandbox::seed_ignored`] tells); a new one is seeded at once. Every mutation is
//!   one transaction (WAL journal, `synchronous = FULL`) committed before it is
//!   answered, so a crash at any moment, even `kill -9`, loses no acknowledged write; if
//!   the commit fails the change is undone and the answer is a 500. A write costs one
//!   row, not the whole state (about 4 KB of log per write at 20 000 connectors, where
//!   the JSON file of earlier versions rewrote 6.6 MB).
//!
//!   Any number of sandboxes, in any processes, may open the same database: each keeps
//!   the records in memory and reloads them when another one committed, and writers
//!   wait for each other up to [`SandboxBuilder::busy_timeout`] instead of failing.
//!   Every open sandbox holds `<file>.lock` shared; [`state::reset`] takes it
//!   exclusively, so it refuses with [`SandboxError::StateLocked`] while the state is
//!   in use. [`state::export`] and [`state::import`] carry the JSON form of both APIs'
//!   state (`{"format": "connkit-sandbox-state", "version": 2, "connectors": [...],
//!   "c1": {...}}`; the C1 part holds no secret, and a file without it, such as
//!   version 1, imports with the demo C1 apps). Version 1 is also what the state file
//!   of earlier versions held: such a file given as a state database is refused with
//!   [`SandboxError::StateCorrupt`] naming it and saying to import it. Any other file
//!   that is not a sandbox database, or one damaged, is refused the same way.
//! - **Seed**: at most [`MAX_SEED`] connectors; more is a [`SandboxError::Config`]
//!   before anything is allocated.
//! - **ConductorOne** shares the gate (faults, per-client rate limit, auth, stats; its
//!   operations are counted as `c1.List`, `c1.Token`, …) and the state database (one
//!   document beside the ISC rows, committed with each change); its refusals are
//!   `google.rpc.Status` bodies.
//! - **Stats**: `GET /__sandbox/stats` answers [`Stats`] as JSON
//!   (`{"total", "by_operation", "by_status", "injected_faults"}`),
//!   `DELETE /__sandbox/stats` resets it. Admin requests are neither counted nor gated.
//! - **Request journal** ([`SandboxBuilder::journal`], default the last
//!   [`DEFAULT_JOURNAL_CAPACITY`] requests, 0 off): every request to either API (not
//!   to `/__sandbox`) as a [`JournalEntry`]: time, API, operation, method, path,
//!   query, client id, headers, body (the first [`JOURNAL_BODY_LIMIT`] bytes), status,
//!   latency, injected fault, tracking id. Credentials are redacted everywhere: the
//!   `Authorization` value (its scheme kept), and any header, query or form parameter,
//!   JSON member or XML attribute whose name holds `secret`, `token`, `password`,
//!   `assertion`, `cookie`, `api-key`, `private` or `signature` (also the `value` of
//!   an `<entry key="password" …>`). `GET /__sandbox/requests` answers
//!   the entries oldest first, filtered by `operation`, `status`, `client_id`, `since`
//!   (ms since the epoch), `after` (an id), `path` (contained); `DELETE` clears it;
//!   `GET /__sandbox/requests/stream` is a server-sent event stream (`event: request`,
//!   the entry as JSON) of the new ones, with the same filters. In-process:
//!   [`Sandbox::requests`] and [`Sandbox::assert_requests`].
//! - **Fault rules** ([`FaultRule`], [`SandboxBuilder::fault_rule`],
//!   [`Sandbox::add_fault_rule`]): deterministic faults for the requests a rule
//!   matches (operation, method, path or path prefix, client id): skip the first K,
//!   then hit the next N (or all) with a status and body, a delay, a reset, a
//!   truncation or a 429 with a given `Retry-After`. The first rule that hits decides;
//!   they run before the random faults, which a hit request skips. `GET
//!   /__sandbox/faults` lists them with their match counts, `POST` adds one (JSON, or
//!   the flag syntax of [`FaultRule`]'s `FromStr`) and answers it with its id,
//!   `DELETE /__sandbox/faults[/{id}]` removes them. They are in memory only: the
//!   state export leaves them out.
//! - **Dashboard** at `/__sandbox/`: one page (HTML, CSS, JavaScript embedded in the
//!   binary; no build step; a `Content-Security-Policy` of this origin only) with the
//!   live journal, the stats, the rate limiter's windows (`GET /__sandbox/rate-limit`;
//!   a raw token never shows), the fault rules, and the state of both APIs (`GET
//!   /__sandbox/state`, at most 500 ISC connectors).
//! - **Admin routes** that change something (`DELETE` on the journal or the stats,
//!   fault rules) answer 403 when [`SandboxBuilder::admin_routes`] is off;
//!   `connkit sandbox serve` turns them off on a non-loopback address unless given
//!   `--admin-routes`.
//! - **C1 syncs**: `GET /__sandbox/c1/apps/{app_id}/connectors/{connector_id}/syncs`
//!   answers a connector's sync runs (`{"syncs": [{"syncId", "lifecycleId",
//!   "completedAt", "confirmed"}]}`, oldest first; [`SyncRecord`]), the ids
//!   `GetConnectorSyncDownloadURL` and `ConfirmSyncValid` take, which a client of a
//!   served sandbox cannot learn otherwise; in-process, [`C1Sandbox::syncs`].

// docs.rs builds with `--cfg docsrs` (nightly): feature-gated items say which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod admin;
mod api_error;
mod auth;
mod c1;
mod dashboard;
mod emulator;
mod error;
mod fault_rules;
mod faults;
#[cfg(feature = "fuzzing")]
#[cfg_attr(docsrs, doc(cfg(feature = "fuzzing")))]
pub mod fuzzing;
mod gate;
mod isc;
mod journal;
mod json;
mod rate_limit;
mod redact;
mod server;
pub mod state;
mod state_db;
mod state_json;
mod stats;
mod transport;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use auth::AuthMode;
pub use c1::{C1Sandbox, SyncRecord};
pub use error::SandboxError;
pub use fault_rules::{FaultAction, FaultRule};
pub use faults::FaultConfig;
pub use isc::seed;
pub use journal::{JournalEntry, JournalFilter, DEFAULT_JOURNAL_CAPACITY, JOURNAL_BODY_LIMIT};
pub use rate_limit::RateLimitConfig;
pub use server::ServerHandle;
pub use stats::Stats;

use emulator::Emulator;
use isc::store::Store;
use state_db::{Origin, StateDb};

/// How many connectors [`Sandbox::new`] seeds.
pub const DEMO_SEED: usize = 50;

/// The default request body limit (16 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The largest seed [`SandboxBuilder::build`] accepts: about 1 GB of memory and a
/// minute of seeding; more is a typo, not a test.
pub const MAX_SEED: usize = 1_000_000;

/// How long a write waits by default for a sandbox in another process that is
/// writing the same state database.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An emulated tenant. Cheap to clone (the clones share everything), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Sandbox {
    emulator: Arc<Emulator>,
    router: axum::Router,
    c1: C1Sandbox,
    seed_ignored: bool,
}

impl Sandbox {
    /// A sandbox with [`DEMO_SEED`] seeded connectors and every option at its default
    /// (no auth, no rate limit, no faults, in memory).
    pub fn new() -> Sandbox {
        // The seed's names are unique (a unit test proves it for 100 000), so this
        // never falls back to the empty store.
        let store = Store::from_records(seed::seed(DEMO_SEED)).unwrap_or_default();
        let c1 = c1::demo_store();
        Sandbox::from_parts(store, None, false, SandboxBuilder::default(), c1)
    }

    /// Starts configuring a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    fn from_parts(
        store: Store,
        state: Option<StateDb>,
        seed_ignored: bool,
        options: SandboxBuilder,
        c1_store: c1::C1Store,
    ) -> Sandbox {
        let emulator = Arc::new(Emulator {
            store: RwLock::new(store),
            state,
            auth: auth::Authenticator::new(options.auth, options.token_ttl),
            rate_limit: options.rate_limit.map(rate_limit::ClientWindows::new),
            faults: options.faults.map(faults::FaultInjector::new),
            stats: stats::StatsRecorder::default(),
            journal: journal::Journal::new(options.journal_capacity),
            fault_rules: fault_rules::FaultRules::default(),
            admin_routes: options.admin_routes,
            max_body_bytes: options.max_body_bytes,
        });
        for rule in options.fault_rules {
            // Validated by `build`.
            let _ = emulator.fault_rules.add(rule);
        }
        let c1 = C1Sandbox::new(emulator.clone(), c1_store);
        Sandbox {
            router: isc::routes::router(emulator.clone())
                .merge(c1.router())
                .merge(admin::router(emulator.clone(), c1.clone()))
                .layer(axum::middleware::from_fn_with_state(
                    emulator.clone(),
                    journal::record,
                )),
            emulator,
            c1,
            seed_ignored,
        }
    }

    /// `true` when the sandbox loaded an existing state, so that its
    /// [seed](SandboxBuilder::seed) had no effect.
    pub fn seed_ignored(&self) -> bool {
        self.seed_ignored
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

    /// The journaled requests that pass `filter`, oldest first (what
    /// `GET /__sandbox/requests` answers).
    pub fn requests(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        self.emulator.journal.list(filter)
    }

    /// Forgets every journaled request.
    pub fn clear_requests(&self) {
        self.emulator.journal.clear();
    }

    /// Asserts that exactly `count` journaled requests pass `filter`, and answers
    /// them; the panic message lists what the journal holds, so that a failing test
    /// says what was sent instead.
    ///
    /// ```
    /// # use connkit_sandbox::{JournalFilter, Sandbox};
    /// let sandbox = Sandbox::new();
    /// // … the code under test calls the sandbox …
    /// sandbox.assert_requests(&JournalFilter::operation("putConnectorSourceConfig"), 0);
    /// ```
    #[track_caller]
    pub fn assert_requests(&self, filter: &JournalFilter, count: usize) -> Vec<JournalEntry> {
        let found = self.requests(filter);
        if found.len() != count {
            let seen: Vec<String> = self
                .requests(&JournalFilter::default())
                .iter()
                .map(|e| {
                    let status = e.status.map_or("reset".to_owned(), |s| s.to_string());
                    format!(
                        "  #{} {} {} {} -> {status}",
                        e.id, e.operation, e.method, e.path
                    )
                })
                .collect();
            panic!(
                "expected {count} request(s) matching {filter:?}, found {}; the journal holds:\n{}",
                found.len(),
                if seen.is_empty() {
                    "  (nothing)".to_owned()
                } else {
                    seen.join("\n")
                }
            );
        }
        found
    }

    /// Adds a scripted fault rule; answers it with its id and match count.
    pub fn add_fault_rule(&self, rule: FaultRule) -> Result<FaultRule, SandboxError> {
        self.emulator
            .fault_rules
            .add(rule)
            .map_err(SandboxError::Config)
    }

    /// The fault rules in force, with how many requests each matched.
    pub fn fault_rules(&self) -> Vec<FaultRule> {
        self.emulator.fault_rules.list()
    }

    /// Removes one fault rule; `false` when there was none with that id.
    pub fn remove_fault_rule(&self, id: u64) -> bool {
        self.emulator.fault_rules.remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_fault_rules(&self) {
        self.emulator.fault_rules.clear();
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
    busy_timeout: Duration,
    max_body_bytes: usize,
    journal_capacity: usize,
    fault_rules: Vec<FaultRule>,
    admin_routes: bool,
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
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            fault_rules: Vec::new(),
            admin_routes: true,
        }
    }
}

impl SandboxBuilder {
    /// Seeds `n` realistic, `RELEASED` connectors, deterministically (default
    /// [`DEMO_SEED`], at most [`MAX_SEED`]). Ignored when the state database already
    /// holds a state ([`Sandbox::seed_ignored`] tells).
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

    /// Turns the rate limit on (default off): per client id, as ISC's gateway counts;
    /// every token issued to one client draws on one window.
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = Some(config);
        self
    }

    /// Turns fault injection on (default off).
    pub fn faults(mut self, config: FaultConfig) -> Self {
        self.faults = Some(config);
        self
    }

    /// Keeps the state in the SQLite database at `path`: loaded if it holds a state,
    /// seeded otherwise, one durable transaction per mutation, shared with every other
    /// sandbox that opens it.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// How long a write waits for another process writing the same state database
    /// before it answers 500 (default [`DEFAULT_BUSY_TIMEOUT`]).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// The largest request body accepted before a 413 (default
    /// [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// How many requests the journal keeps (default [`DEFAULT_JOURNAL_CAPACITY`]; 0
    /// turns it off).
    pub fn journal(mut self, capacity: usize) -> Self {
        self.journal_capacity = capacity;
        self
    }

    /// A scripted fault rule in force from the start (repeatable; see [`FaultRule`]).
    pub fn fault_rule(mut self, rule: FaultRule) -> Self {
        self.fault_rules.push(rule);
        self
    }

    /// Whether the admin routes that change something (clearing the journal or the
    /// stats, fault rules) answer (default `true`); when `false` they answer 403. The
    /// CLI turns them off on non-loopback addresses unless asked.
    pub fn admin_routes(mut self, enabled: bool) -> Self {
        self.admin_routes = enabled;
        self
    }

    /// Builds the sandbox: validates the options, opens (and seeds if new) the state
    /// database.
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
        for rule in &self.fault_rules {
            rule.validate().map_err(SandboxError::Config)?;
        }
        if self.seed > MAX_SEED {
            return Err(SandboxError::Config(format!(
                "seed {} is above the limit of {MAX_SEED} connectors",
                self.seed
            )));
        }
        let Some(path) = &self.state_file else {
            let store = seeded(self.seed)?;
            let c1 = c1::initial_store(None)?;
            return Ok(Sandbox::from_parts(store, None, false, self, c1));
        };
        let state = StateDb::open(path, self.busy_timeout)?;
        let (store, origin) = state.load_or_seed(|| seeded(self.seed))?;
        let seed_ignored = origin == Origin::Loaded;
        let c1 = c1::initial_store(Some(&state))?;
        Ok(Sandbox::from_parts(
            store,
            Some(state),
            seed_ignored,
            self,
            c1,
        ))
    }
}

fn seeded(n: usize) -> Result<Store, SandboxError> {
    Store::from_records(seed::seed(n)).map_err(|conflict| {
        SandboxError::Config(format!("seed({n}) produced a conflict: {conflict}"))
    })
}
