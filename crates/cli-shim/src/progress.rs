//! A one-line progress indicator on stderr, shown only when stderr is a terminal (and
//! not with `-q`), so pipes and logs never see it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the line is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);

/// Redraws `label: N[/TOTAL]` in place; clears itself when dropped.
pub struct Progress {
    label: String,
    visible: bool,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A progress line that draws only if `enabled` and stderr is a terminal.
    pub fn new(label: impl Into<String>, enabled: bool) -> Self {
        Self {
            label: label.into(),
            visible: enabled && std::io::stderr().is_terminal(),
            last_draw: None,
        }
    }

    /// Shows the label alone (an upload in flight).
    pub fn show(&mut self) {
        if self.visible {
            self.last_draw = Some(Instant::now());
            self.draw(&format!("{}…", self.label));
        }
    }

    /// Shows `done` (of `total`, when known), at most every 100 ms.
    pub fn update(&mut self, done: u64, total: Option<u64>) {
        if !self.visible {
            return;
        }
        let now = Instant::now();
        if self
            .last_draw
            .is_some_and(|last| now.duration_since(last) < REDRAW)
        {
            return;
        }
        self.last_draw = Some(now);
        let line = match total {
            Some(total) => format!("{}: {done}/{total}", self.label),
            None => format!("{}: {done}", self.label),
        };
        self.draw(&line);
    }

    fn draw(&self, line: &str) {
        // Progress is decoration: a failed write to stderr must not fail the command.
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.visible && self.last_draw.is_some() {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}
