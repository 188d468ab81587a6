//! The entry point: load plugins in the chosen mode and get them as validators.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use connkit_models::preflight::Validator;
use connkit_plugin_abi::PluginInfo;

use crate::in_process::InProcessPlugin;
use crate::isolated::IsolatedPlugin;
use crate::library::Library;
use crate::{discover, LoadError, WorkerCommand};

/// The per-call timeout a [`Loader`] starts with.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Loads plugins, in-process or isolated, with a per-call timeout.
///
/// ```no_run
/// use connkit_plugin_host::{Loader, WorkerCommand};
///
/// // In-process: fast; a plugin abort or segfault ends this process.
/// let plugin = Loader::in_process().load("target/debug/libmy_plugin.so".as_ref())?;
/// println!("{} {}", plugin.info().name, plugin.info().version);
///
/// // Isolated: each plugin in a worker process; here the program re-executes itself
/// // as `<self> __plugin-worker PATH`, which calls `connkit_plugin_host::worker::run`.
/// let worker = WorkerCommand::current_exe(["__plugin-worker"]).expect("current exe");
/// let isolated = Loader::isolated(worker).load("target/debug/libmy_plugin.so".as_ref())?;
///
/// let validators = vec![plugin.validator(), isolated.validator()];
/// # Ok::<(), connkit_plugin_host::LoadError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Loader {
    mode: Mode,
    timeout: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Mode {
    InProcess,
    Isolated(WorkerCommand),
}

impl Loader {
    /// Loads plugins into this process, with [`DEFAULT_TIMEOUT`].
    ///
    /// A panic the plugin catches (every plugin made with `export_validator!` does)
    /// becomes a `plugin.panicked` finding. An abort or a segfault takes the host down:
    /// use [`isolated`](Self::isolated) for plugins you do not trust that far.
    ///
    /// With a timeout, each call copies the body and runs on a call thread of the
    /// plugin's: started by the first call that needs one, then kept waiting for the
    /// next call (calls made at the same time each get one; up to four idle ones are
    /// kept). If the plugin does not answer in time the call reports a `plugin.timeout`
    /// finding and its thread is abandoned (it cannot be killed; it ends whenever the
    /// plugin returns), so the next call starts a fresh one. While four abandoned calls
    /// of a plugin are still running, further calls report `plugin.unavailable` instead
    /// of piling up threads.
    pub fn in_process() -> Self {
        Self {
            mode: Mode::InProcess,
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// Runs each plugin in a worker process of its own, started by `worker`, with
    /// [`DEFAULT_TIMEOUT`] for the worker's start-up handshake and for each call.
    ///
    /// The worker loads and checks the plugin exactly as in-process mode does; a
    /// refusal comes back as the same [`LoadError`]. Calls to one plugin are serialised
    /// over its one worker. A call not answered within the timeout gets the worker
    /// killed and a `plugin.timeout` finding; a worker that dies during a call (abort,
    /// segfault, …) is reaped and reported as a `plugin.crashed` finding saying how it
    /// died (signal, exit status, the end of its stderr). Either way the next call
    /// starts a fresh worker. Dropping the last handle on the plugin ends its worker.
    pub fn isolated(worker: impl Into<WorkerCommand>) -> Self {
        Self {
            mode: Mode::Isolated(worker.into()),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// Sets the per-call timeout (`None`: wait forever). In-process without a timeout,
    /// calls run on the caller's thread with no copy of the body; isolated, the timeout
    /// also bounds the worker's start-up handshake, and a worker that misses it is
    /// killed.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Loads one plugin, refusing it with a [`LoadError`] naming `path` if it is not a
    /// usable version-1 plugin.
    ///
    /// In-process, the library's initialisers and its `info` entry run on the caller's
    /// thread with no timeout; isolated, they run in the worker within the timeout.
    pub fn load(&self, path: &Path) -> Result<Plugin, LoadError> {
        let (info, confinement, validator): (PluginInfo, String, Arc<dyn Validator>) =
            match &self.mode {
                Mode::InProcess => {
                    let library = Library::open(path)?;
                    let info = library.info().clone();
                    let validator = Arc::new(InProcessPlugin::new(library, self.timeout));
                    (info, IN_PROCESS.to_owned(), validator)
                }
                Mode::Isolated(worker) => {
                    let plugin = IsolatedPlugin::start(worker.clone(), path, self.timeout)?;
                    let confinement = plugin.confinement().to_owned();
                    (plugin.info().clone(), confinement, Arc::new(plugin))
                }
            };
        Ok(Plugin {
            path: path.to_path_buf(),
            info,
            confinement,
            validator,
        })
    }

    /// Loads each path in order; one result per path.
    pub fn load_all<I, P>(&self, paths: I) -> Vec<Result<Plugin, LoadError>>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        paths.into_iter().map(|p| self.load(p.as_ref())).collect()
    }

    /// Loads every library directly inside `dir` (see [`discover::libraries_in`]).
    pub fn load_dir(&self, dir: &Path) -> Vec<Result<Plugin, LoadError>> {
        match discover::libraries_in(dir) {
            Ok(paths) => self.load_all(paths),
            Err(e) => vec![Err(e)],
        }
    }

    /// Loads everything `$CONNKIT_PLUGIN_PATH` lists (see [`discover::from_env`]).
    pub fn load_from_env(&self) -> Vec<Result<Plugin, LoadError>> {
        discover::from_env()
            .into_iter()
            .map(|entry| entry.and_then(|path| self.load(&path)))
            .collect()
    }
}

/// A loaded plugin: where it came from, what it says it is, and the validator to
/// register with the client's pre-flight.
#[derive(Clone)]
pub struct Plugin {
    path: PathBuf,
    info: PluginInfo,
    confinement: String,
    validator: Arc<dyn Validator>,
}

/// What [`Plugin::confinement`] says of an in-process plugin.
const IN_PROCESS: &str = "none (in-process: the plugin runs inside this process)";

impl Plugin {
    /// The library's path, as given to the loader.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plugin's name, version, kinds and description.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// What confines the plugin, for people (and `-v` logs): for an isolated plugin,
    /// the layers its worker reported in force, e.g. `rlimits (…), no capabilities,
    /// no_new_privs, landlock abi 7, seccomp, own process group`, with the reason for
    /// any that the system lacks; for an in-process plugin, that there is none.
    pub fn confinement(&self) -> &str {
        &self.confinement
    }

    /// The plugin as a pre-flight validator. Its findings are tagged with the plugin's
    /// name; every failure of the plugin is an error finding, never a panic.
    pub fn validator(&self) -> Arc<dyn Validator> {
        Arc::clone(&self.validator)
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.path)
            .field("info", &self.info)
            .field("confinement", &self.confinement)
            .finish_non_exhaustive()
    }
}
