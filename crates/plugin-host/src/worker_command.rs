//! How to start an isolated worker process.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The command that starts an isolated worker; the plugin's path is appended as the
/// last argument, and stdin, stdout and stderr are replaced by pipes.
///
/// The worker must call [`worker::run`](crate::worker::run) with that path. Two ways:
///
/// - this crate's `connkit-plugin-worker` binary: `WorkerCommand::new(path_to_binary)`;
/// - a program that re-executes itself with a hidden subcommand, as the `connkit` CLI
///   does: `WorkerCommand::current_exe(["__plugin-worker"])`, with the subcommand
///   calling `connkit_plugin_host::worker::run(path)`.
///
/// It can also be made from a [`Command`] (program, arguments, environment changes
/// and working directory are kept; `env_clear` is not visible through `Command`'s
/// getters and is lost).
///
/// # Environment
///
/// A worker runs third-party code, so it does not inherit the host's environment (which
/// may hold `SAIL_CLIENT_SECRET`, `CONNKIT_TOKEN` and the like). It starts with only
/// the host's values of [`INHERITED_ENV`] (what loading a library and reporting a crash
/// need), plus the variables set on the [`Command`] it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, Option<OsString>)>,
    current_dir: Option<PathBuf>,
}

/// The host's environment variables a worker gets: where to find programs and shared
/// libraries (a plugin may link others), temporary files, locale, and Rust's
/// backtrace and log settings.
pub const INHERITED_ENV: &[&str] = &[
    "PATH",
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
    "DYLD_FALLBACK_LIBRARY_PATH",
    "SYSTEMROOT",
    "TMPDIR",
    "TMP",
    "TEMP",
    "LANG",
    "LC_ALL",
    "RUST_BACKTRACE",
    "RUST_LOG",
];

impl WorkerCommand {
    /// Runs `program` (with no arguments before the plugin path).
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
            current_dir: None,
        }
    }

    /// Re-executes the current program with `args` before the plugin path, e.g.
    /// `["__plugin-worker"]`.
    pub fn current_exe<I, S>(args: I) -> std::io::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Ok(Self::new(std::env::current_exe()?).args(args))
    }

    /// Adds arguments (placed before the plugin path).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// The command for a worker serving the plugin at `plugin`. With a working
    /// directory of its own, the worker gets `plugin` as an absolute path, so that it
    /// loads the same file the host would.
    pub(crate) fn command_for(&self, plugin: &Path) -> Command {
        let plugin = match &self.current_dir {
            Some(_) => std::path::absolute(plugin).unwrap_or_else(|_| plugin.to_path_buf()),
            None => plugin.to_path_buf(),
        };
        let mut command = Command::new(&self.program);
        command.args(&self.args).arg(plugin).env_clear();
        for name in INHERITED_ENV {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        for (key, value) in &self.envs {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        command
    }
}

impl std::fmt::Display for WorkerCommand {
    /// The program and its arguments, as a person would type them (lossy).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.program.to_string_lossy())?;
        for arg in &self.args {
            write!(f, " {}", arg.to_string_lossy())?;
        }
        Ok(())
    }
}

impl From<&Command> for WorkerCommand {
    fn from(command: &Command) -> Self {
        Self {
            program: command.get_program().to_owned(),
            args: command.get_args().map(OsStr::to_owned).collect(),
            envs: command
                .get_envs()
                .map(|(k, v)| (k.to_owned(), v.map(OsStr::to_owned)))
                .collect(),
            current_dir: command.get_current_dir().map(Path::to_owned),
        }
    }
}

impl From<Command> for WorkerCommand {
    fn from(command: Command) -> Self {
        Self::from(&command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_keeps_its_program_arguments_environment_and_directory() {
        let mut original = Command::new("/usr/bin/connkit");
        original
            .arg("__plugin-worker")
            .env("RUST_LOG", "debug")
            .env_remove("HOME")
            .current_dir("/tmp");
        let worker = WorkerCommand::from(original);
        let command = worker.command_for(Path::new("plugins/libx.so"));
        assert_eq!(command.get_program(), "/usr/bin/connkit");
        let args: Vec<_> = command.get_args().collect();
        let absolute = std::env::current_dir().unwrap().join("plugins/libx.so");
        assert_eq!(args, [OsStr::new("__plugin-worker"), absolute.as_os_str()]);
        let envs: Vec<_> = command.get_envs().collect();
        assert!(envs.contains(&(OsStr::new("RUST_LOG"), Some(OsStr::new("debug")))));
        // Removed: the environment starts empty, and HOME is not set again.
        assert!(!envs.iter().any(|(k, v)| *k == "HOME" && v.is_some()));
        assert_eq!(command.get_current_dir(), Some(Path::new("/tmp")));
    }

    #[cfg(unix)]
    #[test]
    fn a_worker_gets_only_the_inherited_variables_and_its_own() {
        // `cargo test` runs this with CARGO_* variables that the worker must not see.
        assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
        let mut shell = Command::new("sh");
        shell
            .args(["-c", "env", "sh"])
            .env("CONNKIT_WORKER_TEST", "1");
        let output = WorkerCommand::from(shell)
            .command_for(Path::new("libx.so"))
            .output()
            .unwrap();
        assert!(output.status.success());
        let env = String::from_utf8(output.stdout).unwrap();
        let names: Vec<&str> = env.lines().filter_map(|l| l.split('=').next()).collect();
        assert!(names.contains(&"CONNKIT_WORKER_TEST"), "{env}");
        assert!(!names.contains(&"CARGO_MANIFEST_DIR"), "{env}");
        for name in names {
            // `sh` itself may set PWD, SHLVL and `_`.
            assert!(
                INHERITED_ENV.contains(&name)
                    || ["CONNKIT_WORKER_TEST", "PWD", "SHLVL", "_", "OLDPWD"].contains(&name),
                "{name} leaked into the worker"
            );
        }
    }

    #[test]
    fn current_exe_puts_the_subcommand_before_the_plugin() {
        let worker = WorkerCommand::current_exe(["__plugin-worker"]).unwrap();
        let command = worker.command_for(Path::new("libx.so"));
        assert_eq!(command.get_program(), std::env::current_exe().unwrap());
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["__plugin-worker", "libx.so"]);
        assert!(worker.to_string().ends_with(" __plugin-worker"), "{worker}");
    }
}
