//! Isolated mode: each plugin runs in a worker process of its own, so an abort, a
//! segfault or a hang in the plugin costs a finding, never the host.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use connkit_models::preflight::{BodyKind, Finding, Validator};
use connkit_plugin_abi::PluginInfo;

use crate::outcome::{into_findings, CallError, CallResult};
use crate::protocol::{Hello, Request, Response, PROTOCOL_VERSION};
use crate::worker_process::{Failure, WorkerProcess, EXIT_GRACE};
use crate::{LoadError, WorkerCommand};

/// A plugin running in a child process (see [`Loader::isolated`](crate::Loader::isolated)
/// and, for the child's side, [`worker`](crate::worker)). Host and worker exchange
/// length-prefixed JSON frames over the worker's stdin and stdout.
#[derive(Debug)]
pub(crate) struct IsolatedPlugin {
    path: PathBuf,
    info: PluginInfo,
    confinement: String,
    command: WorkerCommand,
    timeout: Option<Duration>,
    worker: Mutex<Option<WorkerProcess>>,
}

impl IsolatedPlugin {
    /// Starts a worker for `path` and waits for its handshake: the worker loads and
    /// checks the plugin exactly as in-process mode does, and a refusal comes back as
    /// the same [`LoadError`].
    pub(crate) fn start(
        command: WorkerCommand,
        path: &Path,
        timeout: Option<Duration>,
    ) -> Result<Self, LoadError> {
        let (worker, info, confinement) = handshake(&command, path, timeout)?;
        Ok(Self {
            path: path.to_path_buf(),
            info,
            confinement,
            command,
            timeout,
            worker: Mutex::new(Some(worker)),
        })
    }

    /// The plugin's self-description, as the worker reported it.
    pub(crate) fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// What confines the worker, as its first handshake reported.
    pub(crate) fn confinement(&self) -> &str {
        &self.confinement
    }

    fn call(&self, kind: u32, body: &[u8]) -> CallResult {
        let mut slot = self.worker.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_mut().is_some_and(WorkerProcess::has_exited) {
            // Died between calls (nothing was asked of it): start afresh.
            *slot = None;
        }
        let worker = match &mut *slot {
            Some(worker) => worker,
            None => match handshake(&self.command, &self.path, self.timeout) {
                Ok((worker, ..)) => slot.insert(worker),
                Err(e) => {
                    return Err(CallError::Unavailable(format!(
                        "cannot restart its worker: {e}"
                    )))
                }
            },
        };
        let answer = worker
            .send(&Request::new(kind, body))
            .and_then(|()| worker.receive::<Response>(self.timeout));
        match answer {
            Ok(response) => response.into(),
            Err(failure) => {
                let worker = slot.take();
                Err(match failure {
                    Failure::Timeout => {
                        // Hung: kill it now, and say nothing of how it ended.
                        drop(worker.map(|w| w.end(Duration::ZERO)));
                        CallError::Timeout(self.timeout.unwrap_or_default())
                    }
                    Failure::Broken(cause) => {
                        let how = worker.map(|w| w.end(EXIT_GRACE)).unwrap_or_default();
                        CallError::Crashed(format!("{how} ({cause})"))
                    }
                })
            }
        }
    }
}

/// Starts a worker and reads its hello: the plugin's info and the worker's confinement.
fn handshake(
    command: &WorkerCommand,
    path: &Path,
    timeout: Option<Duration>,
) -> Result<(WorkerProcess, PluginInfo, String), LoadError> {
    let failed = |reason: String| LoadError::Worker {
        path: path.to_path_buf(),
        reason,
    };
    let mut worker = WorkerProcess::spawn(command, path)
        .map_err(|e| failed(format!("cannot start {command}: {e}")))?;
    match worker.receive::<Hello>(timeout) {
        Ok(Hello::Ready {
            protocol,
            info,
            confinement,
        }) if protocol == PROTOCOL_VERSION => Ok((worker, info, confinement)),
        Ok(Hello::Ready { protocol, .. }) => Err(failed(format!(
            "the worker speaks protocol {protocol}, this host {PROTOCOL_VERSION}"
        ))),
        Ok(Hello::LoadFailed(error)) => Err(error),
        Err(Failure::Timeout) => {
            let how = worker.end(Duration::ZERO);
            Err(failed(format!(
                "no handshake within {:?}: {how}",
                timeout.unwrap_or_default()
            )))
        }
        Err(Failure::Broken(cause)) => {
            let how = worker.end(EXIT_GRACE);
            Err(failed(format!("no handshake: {how} ({cause})")))
        }
    }
}

impl Validator for IsolatedPlugin {
    fn name(&self) -> &str {
        &self.info.name
    }

    fn supports(&self, kind: BodyKind) -> bool {
        self.info.kinds.contains(&kind.as_u32())
    }

    fn validate(&self, kind: BodyKind, body: &[u8]) -> Vec<Finding> {
        into_findings(self.call(kind.as_u32(), body), self.name(), kind)
    }
}
