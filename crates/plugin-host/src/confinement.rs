//! Confining an isolated worker before it opens its plugin, so that the library's
//! initialisers (which run at load, before any check) are confined as much as its
//! `validate`, and so are any threads they start: the plugin may read its own library
//! and the system's library directories (all the dynamic loader needs) and nothing else, write nowhere, open no socket, start no process,
//! trace nothing, and use bounded memory, CPU time and descriptors.
//!
//! Each layer is applied on its own; where the kernel lacks one, the others still
//! apply, and [`confine`]'s description says which are in force. On Linux:
//!
//! - resource limits ([`LIMITS`]): address space 1 GiB, CPU time 300 s per worker,
//!   file size 0 bytes, 64 open descriptors;
//! - every capability dropped (a worker started by root keeps none), and
//!   `no_new_privs`;
//! - Landlock, the newest ABI the kernel has: read-only access to the plugin's library,
//!   the system library directories and `LD_LIBRARY_PATH`; no writes anywhere; no TCP
//!   bind or connect; no signals or abstract Unix sockets outside the worker (ABI 6);
//!   and, as Landlock always does, no ptrace of or `/proc/PID/environ` reads from
//!   processes outside the sandbox;
//! - a seccomp filter: `socket`, `socketpair`, `io_uring_setup`, `ptrace`,
//!   `process_vm_readv`/`writev`, `fork`, `vfork`, `execve`, `execveat` and a `clone`
//!   without `CLONE_THREAD` fail with `EPERM`; `clone3` (whose flags a filter cannot
//!   read) fails with `ENOSYS`, so that thread libraries fall back to `clone`.
//!
//! The host puts each worker in a process group of its own and kills the group, so
//! nothing a plugin started can outlive its worker. Other systems get no confinement
//! beyond that; the description says so.

use std::path::Path;

/// Resource limits set in every worker: `(name, resource, soft and hard limit)`.
#[cfg(target_os = "linux")]
pub(crate) const LIMITS: [(&str, rustix::process::Resource, u64); 4] = {
    use rustix::process::Resource;
    [
        ("address space 1 GiB", Resource::As, 1 << 30),
        ("cpu 300 s", Resource::Cpu, 300),
        ("file size 0", Resource::Fsize, 0),
        ("open files 64", Resource::Nofile, 64),
    ]
};

/// Confines this process (the worker) for the plugin at `plugin`, not yet loaded.
/// Returns what is in force, for people, e.g. `landlock abi 7, seccomp, no_new_privs,
/// no capabilities, rlimits (…), own process group`; a layer that could not be
/// applied is named with the reason.
pub(crate) fn confine(plugin: &Path) -> String {
    let mut parts = Vec::new();
    #[cfg(target_os = "linux")]
    linux::confine(plugin, &mut parts);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = plugin;
        parts.push("no landlock, seccomp or rlimits on this system".to_owned());
    }
    parts.push(process_group());
    parts.join(", ")
}

/// Whether the worker leads a process group of its own (the host asks for one).
fn process_group() -> String {
    #[cfg(unix)]
    {
        if rustix::process::getpgrp() == rustix::process::getpid() {
            return "own process group".to_owned();
        }
        "shares its process group (not started by a connkit host)".to_owned()
    }
    #[cfg(not(unix))]
    {
        "no process group".to_owned()
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use landlock::{
        path_beneath_rules, Access, AccessFs, AccessNet, LandlockStatus, Ruleset, RulesetAttr,
        RulesetCreatedAttr, RulesetStatus, Scope, ABI,
    };
    use rustix::process::{setrlimit, Rlimit};
    use rustix::thread::{set_capabilities, set_no_new_privs, CapabilitySet, CapabilitySets};
    use seccompiler::{
        apply_filter_all_threads, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp,
        SeccompCondition, SeccompFilter, SeccompRule,
    };

    use super::LIMITS;

    /// The newest Landlock ABI this code asks for; older kernels get what they have.
    const LANDLOCK_ABI: ABI = ABI::V7;

    /// Directories the dynamic loader and libc read from.
    const SYSTEM_LIBRARIES: &[&str] = &[
        "/lib",
        "/lib32",
        "/lib64",
        "/usr/lib",
        "/usr/lib32",
        "/usr/lib64",
        "/usr/local/lib",
        "/etc/ld.so.cache",
    ];

    pub(super) fn confine(plugin: &Path, parts: &mut Vec<String>) {
        parts.push(rlimits());
        parts.push(match set_capabilities(None, no_capabilities()) {
            Ok(()) => "no capabilities".to_owned(),
            Err(e) => format!("capabilities kept ({e})"),
        });
        parts.push(match set_no_new_privs(true) {
            Ok(()) => "no_new_privs".to_owned(),
            Err(e) => format!("no no_new_privs ({e})"),
        });
        parts.push(landlock(plugin));
        parts.push(seccomp());
    }

    fn no_capabilities() -> CapabilitySets {
        CapabilitySets {
            effective: CapabilitySet::empty(),
            permitted: CapabilitySet::empty(),
            inheritable: CapabilitySet::empty(),
        }
    }

    fn rlimits() -> String {
        let mut set = Vec::new();
        let mut failed = Vec::new();
        for (name, resource, limit) in LIMITS {
            let limit = Rlimit {
                current: Some(limit),
                maximum: Some(limit),
            };
            match setrlimit(resource, limit) {
                Ok(()) => set.push(name),
                Err(e) => failed.push(format!("{name}: {e}")),
            }
        }
        let mut text = format!("rlimits ({})", set.join(", "));
        if !failed.is_empty() {
            text.push_str(&format!(" (not set: {})", failed.join(", ")));
        }
        text
    }

    /// The paths the plugin may read: its library, `LD_LIBRARY_PATH`, the system's.
    fn readable(plugin: &Path) -> Vec<PathBuf> {
        let mut paths = vec![std::path::absolute(plugin).unwrap_or_else(|_| plugin.into())];
        if let Some(list) = std::env::var_os("LD_LIBRARY_PATH") {
            paths.extend(std::env::split_paths(&list).filter(|p| p.is_absolute()));
        }
        paths.extend(SYSTEM_LIBRARIES.iter().map(PathBuf::from));
        paths
    }

    fn landlock(plugin: &Path) -> String {
        let restricted = Ruleset::default()
            .handle_access(AccessFs::from_all(LANDLOCK_ABI))
            .and_then(|r| r.handle_access(AccessNet::from_all(LANDLOCK_ABI)))
            .and_then(|r| r.scope(Scope::from_all(LANDLOCK_ABI)))
            .and_then(|r| r.create())
            .and_then(|r| {
                r.add_rules(path_beneath_rules(
                    readable(plugin),
                    AccessFs::from_read(LANDLOCK_ABI),
                ))
            })
            .and_then(|r| r.restrict_self());
        let status = match restricted {
            Ok(status) => status,
            Err(e) => return format!("no landlock ({e})"),
        };
        let abi = match status.landlock {
            LandlockStatus::Available { effective_abi, .. } => effective_abi as i32,
            LandlockStatus::NotEnabled => return "no landlock (not enabled)".to_owned(),
            LandlockStatus::NotImplemented => return "no landlock (not in kernel)".to_owned(),
        };
        match status.ruleset {
            RulesetStatus::FullyEnforced => format!("landlock abi {abi}"),
            RulesetStatus::PartiallyEnforced => format!("landlock abi {abi} (partial)"),
            _ => "no landlock (not enforced)".to_owned(),
        }
    }

    fn seccomp() -> String {
        let applied = filters().and_then(|filters| {
            filters
                .iter()
                .try_for_each(|f| apply_filter_all_threads(f).map_err(|e| e.to_string()))
        });
        match applied {
            Ok(()) => "seccomp".to_owned(),
            Err(e) => format!("no seccomp ({e})"),
        }
    }

    /// Two filters: one answering `EPERM` to what a plugin may not do, and one
    /// answering `ENOSYS` to `clone3`.
    fn filters() -> Result<[BpfProgram; 2], String> {
        let arch =
            seccompiler::TargetArch::try_from(std::env::consts::ARCH).map_err(|e| e.to_string())?;
        let mut denied: BTreeMap<i64, Vec<SeccompRule>> = [
            libc::SYS_socket,
            libc::SYS_socketpair,
            libc::SYS_io_uring_setup,
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
            libc::SYS_execve,
            libc::SYS_execveat,
            #[cfg(target_arch = "x86_64")]
            libc::SYS_fork,
            #[cfg(target_arch = "x86_64")]
            libc::SYS_vfork,
        ]
        .into_iter()
        .map(|call| (call, Vec::new()))
        .collect();
        // A clone that is not a thread of this process: a new process.
        let not_a_thread = SeccompCondition::new(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(libc::CLONE_THREAD as u64),
            0,
        )
        .and_then(|c| SeccompRule::new(vec![c]))
        .map_err(|e| e.to_string())?;
        denied.insert(libc::SYS_clone, vec![not_a_thread]);
        let program = |rules, errno: i32| {
            SeccompFilter::new(
                rules,
                SeccompAction::Allow,
                SeccompAction::Errno(errno as u32),
                arch,
            )
            .and_then(BpfProgram::try_from)
            .map_err(|e| e.to_string())
        };
        let clone3 = [(libc::SYS_clone3, Vec::new())].into_iter().collect();
        Ok([
            program(denied, libc::EPERM)?,
            program(clone3, libc::ENOSYS)?,
        ])
    }
}
