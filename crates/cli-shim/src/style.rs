//! Colour on a terminal, off in pipes: decided once per process from `--color` and
//! `NO_COLOR`, so every line a person reads is styled the same way and machine output
//! (JSON, NDJSON, anything piped) never carries escape codes.

use std::io::IsTerminal;
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

/// When to colour: `auto` colours a stream only when it is a terminal and `NO_COLOR` is
/// unset or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The decision for each stream, made by [`init`].
#[derive(Debug, Clone, Copy)]
struct Decision {
    stdout: bool,
    stderr: bool,
}

static DECISION: OnceLock<Decision> = OnceLock::new();

/// Decides, for this process, whether stdout and stderr get colour.
pub fn init(choice: ColorChoice) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let auto = |terminal: bool| terminal && !no_color;
    let decision = match choice {
        ColorChoice::Always => Decision {
            stdout: true,
            stderr: true,
        },
        ColorChoice::Never => Decision {
            stdout: false,
            stderr: false,
        },
        ColorChoice::Auto => Decision {
            stdout: auto(std::io::stdout().is_terminal()),
            stderr: auto(std::io::stderr().is_terminal()),
        },
    };
    let _ = DECISION.set(decision);
}

/// The stream a text is written to.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a text is, and so how it looks.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Error,
    Header,
}

impl Kind {
    fn style(self) -> Style {
        match self {
            Kind::Error => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Kind::Header => Style::new().bold(),
        }
    }
}

/// `text` styled as `kind` when `stream` gets colour, else unchanged. Without [`init`]
/// (unit tests), no colour.
pub fn paint(stream: Stream, kind: Kind, text: &str) -> String {
    let on = DECISION.get().is_some_and(|d| match stream {
        Stream::Stdout => d.stdout,
        Stream::Stderr => d.stderr,
    });
    if on {
        let style = kind.style();
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}
