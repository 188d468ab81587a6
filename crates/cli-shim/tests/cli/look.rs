//! Colour: on a terminal, off in pipes, `--color` and `NO_COLOR` honoured, never in
//! JSON. The terminal is a real pseudo-terminal (`pty`).

use crate::pty;
use crate::support::Env;

/// A failure connkit reports as `error:` (a file that does not exist).
const FAILING: &[&str] = &["validate", "--kind", "source-config", "/nonexistent/x.json"];

fn coloured(text: &str) -> bool {
    text.contains("\x1b[")
}

#[test]
fn an_error_on_a_terminal_is_coloured() {
    let out = pty::run(&Env::new(), &[], FAILING);
    assert!(out.contains("error:") && coloured(&out), "{out:?}");
}

#[test]
fn an_error_in_a_pipe_is_plain() {
    let run = Env::new().run(FAILING);
    assert!(
        run.stderr.contains("error:") && !coloured(&run.stderr),
        "{}",
        run.stderr
    );
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let out = pty::run(&Env::new(), &[("NO_COLOR", "1")], FAILING);
    assert!(out.contains("error:") && !coloured(&out), "{out:?}");
}

#[test]
fn color_always_colours_a_pipe() {
    let mut args = vec!["--color", "always"];
    args.extend(FAILING);
    let run = Env::new().run(args);
    assert!(coloured(&run.stderr), "{}", run.stderr);
}

#[test]
fn color_never_is_plain_on_a_terminal() {
    let mut args = vec!["--color", "never"];
    args.extend(FAILING);
    let out = pty::run(&Env::new(), &[], &args);
    assert!(out.contains("error:") && !coloured(&out), "{out:?}");
}

#[test]
fn a_table_header_is_bold_on_a_terminal_and_json_never_coloured() {
    let env = Env::new();
    let table = pty::run(&env, &[], &["--sandbox", "connectors", "list"]);
    assert!(table.contains("\x1b[1m"), "{table:?}");
    let json = env.run([
        "--sandbox",
        "--color",
        "always",
        "connectors",
        "list",
        "-o",
        "json",
    ]);
    assert!(!coloured(&json.stdout), "{}", json.stdout);
}
