//! Keeping the host's secrets from its plugins' reach through the operating system.

/// Makes this process non-dumpable (`PR_SET_DUMPABLE` 0, on Linux), so that other
/// unprivileged processes of the same user, a plugin worker among them, can no longer
/// read its memory or environment through `/proc`, nor attach to it with `ptrace`. A
/// program that holds secrets (a client secret in its environment, a token in memory)
/// and loads plugins calls this first thing in `main`.
///
/// Not covered: `/proc/PID/cmdline` stays readable by every process (the kernel does
/// not tie it to dumpability), so a secret passed as an argument is visible to other
/// processes; a confined worker cannot read it (Landlock denies it `/proc`).
///
/// It also stops core dumps of this process. Elsewhere than Linux it does nothing.
pub fn hide_process_secrets() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{set_dumpable_behavior, DumpableBehavior};
        set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    }
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_process_is_no_longer_dumpable() {
        use rustix::process::{dumpable_behavior, DumpableBehavior};
        hide_process_secrets().unwrap();
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
    }
}
