//! The isolated-mode worker: `connkit-plugin-worker PATH` serves the plugin at PATH
//! over stdin/stdout for a connkit host (see `connkit_plugin_host::worker`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    match (args.next(), args.next()) {
        (Some(plugin), None) => connkit_plugin_host::worker::run(&PathBuf::from(plugin)),
        _ => {
            eprintln!(
                "usage: connkit-plugin-worker PLUGIN_PATH\n\
                 Serves one connkit validator plugin over stdin/stdout for a host in \
                 isolated mode; not meant to be run by hand."
            );
            ExitCode::from(64)
        }
    }
}
