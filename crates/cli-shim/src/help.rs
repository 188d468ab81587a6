//! What `--help` shows beyond the derive: a subcommand hides the global options it
//! inherits (`connkit --help` lists them once, instead of ~70 lines under every
//! command) and points there, and every leaf command's long help ends with examples.
//!
//! Only help changes: a hidden option parses as before. Completion builds the tree
//! without this (see `main`), so it still offers the global options everywhere.

use clap::{Arg, Command, CommandFactory};

use crate::args::Cli;

/// The subcommands' help template: clap's default, with a pointer to the global options.
const TEMPLATE: &str = "\
{before-help}{about-with-newline}
{usage-heading} {usage}

{all-args}

Global options (--sandbox, --output, --profile, --timeout, …) work here too; \
`connkit --help` lists them.{after-help}";

/// The command tree `main` parses with: [`Cli`]'s, with the help described above.
pub fn command() -> Command {
    let mut root = Cli::command();
    // Building propagates the global options into every subcommand, so they can be
    // hidden there.
    root.build();
    let globals: Vec<Arg> = root
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    for sub in root.get_subcommands_mut() {
        teach(sub, &globals, "connkit");
    }
    root
}

/// Hides `command`'s inherited global options, adds the pointer, and the examples of
/// `parent command`; then the same for its subcommands.
fn teach(command: &mut Command, globals: &[Arg], parent: &str) {
    // clap's own `help` subcommand shows other commands' help: nothing to change.
    if command.get_name() == "help" {
        return;
    }
    let path = format!("{parent} {}", command.get_name());
    let mut taught = std::mem::take(command)
        .mut_args(|arg| {
            if inherited(&arg, globals) {
                arg.hide(true)
            } else {
                arg
            }
        })
        .help_template(TEMPLATE);
    if let Some(lines) = examples(&path) {
        // In long help clap shows `after_long_help`, else `after_help`: keep that text.
        let before = taught
            .get_after_long_help()
            .or_else(|| taught.get_after_help())
            .map(|text| format!("{text}\n\n"))
            .unwrap_or_default();
        let lines: String = lines.iter().map(|line| format!("\n  {line}")).collect();
        taught = taught.after_long_help(format!("{before}Examples:{lines}"));
    }
    for sub in taught.get_subcommands_mut() {
        teach(sub, globals, &path);
    }
    *command = taught;
}

/// Whether `arg` is one of the top level's global options as the top level declares
/// it: a family that declares one again with its own text (`c1`'s connection options)
/// keeps showing it.
fn inherited(arg: &Arg, globals: &[Arg]) -> bool {
    globals
        .iter()
        .any(|global| global.get_id() == arg.get_id() && global.get_help() == arg.get_help())
}

/// Real commands for the leaf command `path`; the tests run each of them up to
/// `--help`, so one naming a removed command or option fails there.
fn examples(path: &str) -> Option<&'static [&'static str]> {
    let lines: &[&str] = match path.strip_prefix("connkit ")? {
        "connectors list" => &[
            "connkit --sandbox connectors list",
            "connkit --sandbox connectors list --filter 'name sw \"Active\"' -o json",
            "connkit connectors list --all --count",
        ],
        "connectors get" => &[
            "connkit --sandbox connectors get active-directory",
            "connkit connectors get active-directory -o yaml",
        ],
        "connectors delete" => &["connkit --sandbox connectors delete my-connector"],
        "connectors create" => &[
            "connkit --sandbox connectors create --name 'My Connector' --class-name sailpoint.connector.OpenConnectorAdapter",
            "connkit connectors create --file connector.json",
        ],
        "connectors update" => &[
            "connkit --sandbox connectors update active-directory --set status=RELEASED",
            "connkit connectors update my-connector --patch patch.json",
        ],
        "connectors source-config get" => {
            &["connkit --sandbox connectors source-config get active-directory"]
        }
        "connectors source-config put" => {
            &["connkit connectors source-config put my-connector source-config.xml"]
        }
        "connectors source-template get" => {
            &["connkit --sandbox connectors source-template get active-directory"]
        }
        "connectors source-template put" => {
            &["connkit connectors source-template put my-connector source-template.xml"]
        }
        "connectors correlation-config get" => {
            &["connkit --sandbox connectors correlation-config get active-directory"]
        }
        "connectors correlation-config put" => {
            &["connkit connectors correlation-config put my-connector correlation.xml"]
        }
        "connectors translations get" => {
            &["connkit --sandbox connectors translations get active-directory en"]
        }
        "connectors translations put" => {
            &["connkit connectors translations put my-connector de translations-de.properties"]
        }
        "connectors pull" => &[
            "connkit --sandbox connectors pull ./connectors",
            "connkit connectors pull ./connectors --filter 'name sw \"Acme\"'",
        ],
        "connectors diff" => &["connkit --sandbox connectors diff ./connectors"],
        "connectors push" => &["connkit --sandbox connectors push ./connectors"],
        "c1 connectors list" => &[
            "connkit --sandbox sandbox c1-apps",
            "connkit --sandbox c1 connectors list --app APP_ID --all",
        ],
        "c1 connectors get" => &["connkit --sandbox c1 connectors get --app APP_ID CONNECTOR_ID"],
        "c1 connectors create" => &[
            "connkit --sandbox c1 connectors create --app APP_ID --catalog-id CATALOG_ID --display-name 'HR feed'",
        ],
        "c1 connectors update" => &[
            "connkit --sandbox c1 connectors update --app APP_ID CONNECTOR_ID --description 'Nightly HR feed'",
        ],
        "c1 connectors delete" => {
            &["connkit --sandbox c1 connectors delete --app APP_ID CONNECTOR_ID"]
        }
        "c1 connectors force-sync" => {
            &["connkit --sandbox c1 connectors force-sync --app APP_ID CONNECTOR_ID"]
        }
        "c1 connectors pause" => {
            &["connkit --sandbox c1 connectors pause --app APP_ID CONNECTOR_ID"]
        }
        "c1 connectors resume" => {
            &["connkit --sandbox c1 connectors resume --app APP_ID CONNECTOR_ID"]
        }
        "c1 connectors schedule" => &[
            "connkit --sandbox c1 connectors schedule --app APP_ID CONNECTOR_ID '0 3 * * *'",
        ],
        "c1 connectors credentials rotate" => {
            &["connkit --sandbox c1 connectors credentials rotate --app APP_ID CONNECTOR_ID"]
        }
        "c1 connectors credentials get" => &[
            "connkit --sandbox c1 connectors credentials get --app APP_ID CONNECTOR_ID CREDENTIAL_ID",
        ],
        "c1 connectors credentials revoke" => &[
            "connkit --sandbox c1 connectors credentials revoke --app APP_ID CONNECTOR_ID CREDENTIAL_ID",
        ],
        "c1 connectors download-url" => &[
            "connkit --sandbox sandbox c1-syncs --app APP_ID CONNECTOR_ID",
            "connkit --sandbox c1 connectors download-url --app APP_ID CONNECTOR_ID SYNC_ID",
        ],
        "c1 connectors confirm-sync" => &[
            "connkit --sandbox c1 connectors confirm-sync --app APP_ID CONNECTOR_ID SYNC_ID",
        ],
        "c1 connectors validate-config" => {
            &["connkit --sandbox c1 connectors validate-config config.json"]
        }
        "c1 connectors pull" => &["connkit --sandbox c1 connectors pull --app APP_ID ./c1"],
        "c1 connectors diff" => &["connkit --sandbox c1 connectors diff --app APP_ID ./c1"],
        "c1 connectors push" => &["connkit --sandbox c1 connectors push --app APP_ID ./c1"],
        "validate" => &[
            "connkit validate --kind source-config source-config.xml",
            "connkit validate --kind json-patch patch.json --plugin ./libmy_validator.so",
        ],
        "plugins list" => &["connkit plugins list --plugin ./libmy_validator.so"],
        "plugins check" => &["connkit plugins check ./libmy_validator.so"],
        "plugins new" => &[
            "connkit plugins new my-validator",
            "connkit plugins new my-validator --lang c --dir ./validators/c",
        ],
        "sandbox serve" => &[
            "connkit sandbox serve --addr 127.0.0.1:8080 --seed 20",
            "connkit sandbox serve --faults error=0.2 --journal 500",
        ],
        "sandbox reset" => &["connkit sandbox reset"],
        "sandbox export" => &["connkit sandbox export sandbox.json"],
        "sandbox import" => &["connkit sandbox import sandbox.json"],
        "sandbox c1-credentials" => &["connkit sandbox c1-credentials"],
        "sandbox c1-apps" => &["connkit --sandbox sandbox c1-apps"],
        "sandbox c1-syncs" => &["connkit --sandbox sandbox c1-syncs --app APP_ID CONNECTOR_ID"],
        "sandbox requests" => &[
            "connkit sandbox requests --url http://127.0.0.1:8080 --since 5m",
            "connkit sandbox requests --url http://127.0.0.1:8080 --status 429 --follow",
        ],
        "schema" => &["connkit schema", "connkit schema V3ConnectorDto"],
        "completions" => &["connkit completions bash", "connkit completions zsh"],
        "auth status" => &["connkit auth status"],
        "auth logout" => &["connkit auth logout"],
        "profile list" => &["connkit profile list"],
        "profile show" => &["connkit profile show", "connkit profile show prod"],
        "profile add" => &[
            "connkit profile add prod --base-url https://acme.api.identitynow.com/v2024 --client-id ID --secret-env PROD_SECRET",
        ],
        "profile remove" => &["connkit profile remove prod"],
        "profile use" => &["connkit profile use prod"],
        "rate-limit status" => &["connkit rate-limit status"],
        "rate-limit reset" => &["connkit rate-limit reset"],
        "login" => &[
            "connkit login",
            "connkit login --name prod --platform isc --url https://acme.api.identitynow.com --secret-env PROD_SECRET",
        ],
        "whoami" => &["connkit whoami", "connkit --profile prod whoami"],
        _ => return None,
    };
    Some(lines)
}
