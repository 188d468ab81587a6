//! Connectors as code for the SailPoint ISC **v2024 Connectors API** and the
//! ConductorOne **ConnectorService** ([`c1`]): pull a tenant's connectors into a folder
//! a team keeps in git, compare it with a tenant as a [`Plan`], apply the plan, and
//! promote the folder to another tenant (for ISC with an [`Overlay`] of
//! tenant-specific values).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use connkit_as_code::{apply, plan, pull, ApplyOptions, PlanOptions, PullOptions, Tree};
//! use connkit_connectors::prelude::*;
//! use connkit_connectors::Client;
//! use connkit_models::isc::v2024::V3CreateConnectorDto;
//! use connkit_sandbox::Sandbox;
//!
//! // Two tenants (here two sandboxes, in-process); dev has one custom connector.
//! let dev = Client::from_transport(Sandbox::builder().seed(0).build()?)?;
//! let prod = Client::from_transport(Sandbox::builder().seed(0).build()?)?;
//! let dto = V3CreateConnectorDto::new("Acme HR", "sailpoint.connector.OpenConnectorAdapter");
//! dev.create_connector(&dto).send().await?;
//! dev.put_source_config("acme-hr").xml("<Form name='acme'/>").send().await?;
//!
//! // Pull dev into a folder, read it back, plan prod and apply.
//! let dir = tempfile::tempdir()?;
//! pull(&dev, &PullOptions::default(), &|_, _| {}).await?.write(dir.path())?;
//! let tree = Tree::read(dir.path())?.tree;
//! let plan = plan(&prod, &tree, &PlanOptions::default()).await?;
//! assert!(plan.has_changes());
//! let report = apply(&prod, &plan, &ApplyOptions::default(), &|_| {}).await?;
//! assert!(report.is_complete());
//!
//! // Now prod matches: nothing left to do.
//! let again = connkit_as_code::plan(&prod, &tree, &PlanOptions::default()).await?;
//! assert!(!again.has_changes());
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`Tree`]: the folder (one sub-folder per connector: [`ConnectorSpec`] in
//!   `connector.json`, the three XML documents, `translations/<locale>.properties`).
//!   A tree is untrusted input: it is read through a directory handle that cannot
//!   escape it, symlinks and special files are refused with a finding naming them,
//!   reads are bounded, and look-alike connector names are an error (see [`Tree`]).
//!   A pull writes the whole tree in one step ([`Tree::write`]): killed at any
//!   moment, it leaves the old tree or the new one, never a mix, and keeps what it
//!   does not own (`.git`, a README, `_overlays/`).
//! - [`pull`]: a tenant into a [`Tree`], several connectors at a time.
//! - [`preflight`]: every file of a tree through the client's validators.
//! - [`plan`]: create / update (the minimal JSON Patch of the metadata, the files to
//!   upload, each with a unified diff) / unchanged / delete, as serde data.
//! - [`apply`]: sends a plan with a progress callback; the [`ApplyReport`] says exactly
//!   what was applied and what was not. A re-run after any interruption converges
//!   without duplicates: names are unique per tenant, so a create that finds its name
//!   taken looks the connector up and updates it instead.
//! - [`Overlay`]: per-tenant overrides for promotion.
//!
//! # Requests
//!
//! Each command sends what it needs and nothing more (counted in the tests through the
//! sandbox's `/__sandbox/stats`):
//!
//! - `pull` and `plan` (`diff`) list the tenant once (every page) and read each
//!   connector they compare with one `getConnector`: its detail carries the three
//!   documents (`sourceConfigXml`, `applicationXml`, `correlationConfigXml`, the same
//!   text the document GETs serve) and the translations. A document the detail leaves
//!   out is read with its own GET.
//! - A push sends the plan's writes. A connector it creates needs no read before or
//!   after: the create, the metadata patch (against what the create answered) and an
//!   upload of every managed file. Only a create that fails costs a lookup: one whose
//!   answer was lost (it may have been made), or one refused because the name is taken
//!   (by a connector the list does not show: the list shows `RELEASED` connectors
//!   only). Then the connector is read once and what differs is sent. The trade-off:
//!   the plan does not probe names the list lacks, so it shows "create" for a
//!   non-released connector that the push then updates.
//!
//! # The service's default documents
//!
//! A new connector comes with default documents (source template, correlation config,
//! `en` translations) that start with the standard header
//! `<!DOCTYPE Application PUBLIC "sailpoint.dtd" "sailpoint.dtd">`. The API has no
//! marker saying whether a document is still the default, and one tenant's defaults
//! need not be another's, so [`pull`] saves every document as the tenant serves it,
//! defaults included. Pushing that tree into an empty tenant uploads them as they are
//! (pre-flight accepts the standard header), and `diff` afterwards shows no change: the
//! round trip is exact. To keep a tenant's own version of a document instead, remove
//! the file from the tree: a file that is absent is not managed.
//!
//! Requests go through the [`Client`](connkit_connectors::Client) given, so its
//! transport stack (auth, retries, the rate limiter) applies to every one of them.
//!
//! # One engine, two APIs
//!
//! ConductorOne connectors as code ([`c1`]) is not a copy of the above: what makes a
//! tree safe and a push exact is written once and used by both APIs, so a fix to one
//! is a fix to the other.
//!
//! - The tree reader and writer are generic over a folder layout (which files a
//!   connector folder holds, and which name identifies a connector): confinement,
//!   size caps, refused links and special files, look-alike names and the atomic swap
//!   of a pull are one code path. ISC's layout is [`Tree`]; C1's is [`c1::Tree`], one
//!   `connector.json` per folder.
//! - [`Plan`] is generic over the plan of one connector ([`PlannedConnector`]):
//!   "has changes", the conflicts that refuse a push before any request, and the count
//!   of writes are decided once. ISC plans JSON Patches and uploads
//!   ([`ConnectorPlan`]); C1 plans the fields of an update mask
//!   ([`c1::ConnectorPlan`]).
//! - One apply driver refuses a plan with conflicts, runs connectors several at a time
//!   (each one's steps in order) and writes one [`ApplyReport`]: what was applied, what
//!   failed (and whether it may have been applied anyway), what was not attempted.
//!   Each API contributes only how one connector's steps are sent.
//!
//! What differs is what the APIs differ in. ISC names are unique per tenant, so the
//! name is the identity; a C1 connector has only a tenant-given id, so a C1 tree holds
//! no id and matches folders by display name within one app, refusing any ambiguity
//! (see [`c1`] for the mapping, creates and secrets).

mod apply;
mod atomic;
pub mod c1;
mod confined;
mod error;
mod identity;
mod overlay;
mod patch;
mod plan;
mod pull;
mod remote;
mod spec;
mod tree;
mod validate;

pub use apply::{
    apply, planned_steps, ApplyEvent, ApplyOptions, ApplyReport, FailedStep, Step, StepKind,
};
pub use error::{Error, FileFinding, Result};
pub use identity::name_key;
pub use overlay::{ConnectorOverlay, Overlay, OVERLAYS_DIR};
pub use plan::{plan, Action, ConnectorPlan, FileChange, Plan, PlanOptions, PlannedConnector};
pub use pull::{pull, PullOptions};
pub use remote::{is_custom, RemoteConnector};
pub use spec::ConnectorSpec;
pub use tree::{
    document_file, translations_file, ConnectorFiles, FileTarget, ReadTree, Tree, CONNECTOR_FILE,
    MAX_CONNECTOR_FILE_BYTES, MAX_DOCUMENT_BYTES, MAX_TRANSLATIONS_BYTES, TRANSLATIONS_DIR,
};
pub use validate::preflight;
