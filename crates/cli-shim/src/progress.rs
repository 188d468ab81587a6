//! A one-line progress indicator on stderr, shown only when stderr is a terminal (and
//! not with `-q`), so pipes and logs never see it: how many items are done (of how
//! many, when known), the rate, the time left when the total is known, and how long
//! the job has waited for the client-side rate limit.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use connkit_transport::rate_limit_waited;

/// How often the line is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);

/// How long the job must have run before a rate and a time left are shown: earlier
/// they are noise.
const SETTLED: Duration = Duration::from_millis(500);

/// Redraws `label: N[/TOTAL] …` in place; clears itself when dropped.
pub struct Progress {
    label: String,
    visible: bool,
    started: Instant,
    /// The rate-limit wait of the process when this job started.
    waited_before: Duration,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A progress line that draws only if `enabled` and stderr is a terminal.
    pub fn new(label: impl Into<String>, enabled: bool) -> Self {
        Self {
            label: label.into(),
            visible: enabled && std::io::stderr().is_terminal(),
            started: Instant::now(),
            waited_before: rate_limit_waited(),
            last_draw: None,
        }
    }

    /// Shows the label alone (an upload, a plan in flight).
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
        let waited = rate_limit_waited().saturating_sub(self.waited_before);
        let line = status_line(&self.label, done, total, now - self.started, waited);
        self.draw(&line);
    }

    fn draw(&self, line: &str) {
        // Progress is decoration: a failed write to stderr must not fail the command.
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
    }
}

/// Awaits `job` with `label…` shown meanwhile (if `enabled`, on a terminal): for the
/// steps that report no count, such as reading a whole app or planning.
pub async fn while_running<F: std::future::Future>(
    label: &str,
    enabled: bool,
    job: F,
) -> F::Output {
    let mut progress = Progress::new(label, enabled);
    progress.show();
    job.await
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

/// `label: done[/total][, R/s][, ETA Ns][, rate limit Ns]` after `elapsed`, of which
/// `waited` went to the rate limit.
fn status_line(
    label: &str,
    done: u64,
    total: Option<u64>,
    elapsed: Duration,
    waited: Duration,
) -> String {
    let mut line = match total {
        Some(total) => format!("{label}: {done}/{total}"),
        None => format!("{label}: {done}"),
    };
    let seconds = elapsed.as_secs_f64();
    if elapsed >= SETTLED && done > 0 {
        let rate = done as f64 / seconds;
        line.push_str(&format!(", {rate:.1}/s"));
        if let Some(left) = total.map(|t| t.saturating_sub(done)).filter(|&l| l > 0) {
            line.push_str(&format!(", ETA {}", seconds_text(left as f64 / rate)));
        }
    }
    if waited >= Duration::from_millis(100) {
        line.push_str(&format!(
            ", rate limit {}",
            seconds_text(waited.as_secs_f64())
        ));
    }
    line
}

/// `12s`, `3m05s`, `1h02m`.
fn seconds_text(seconds: f64) -> String {
    let s = seconds.round().clamp(0.0, u32::MAX as f64) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_rate_time_left_and_rate_limit_waits() {
        let ms = Duration::from_millis;
        assert_eq!(
            status_line("pulling", 3, Some(10), ms(100), ms(0)),
            "pulling: 3/10"
        );
        assert_eq!(
            status_line("pulling", 5, Some(25), ms(2000), ms(0)),
            "pulling: 5/25, 2.5/s, ETA 8s"
        );
        assert_eq!(
            status_line("connectors", 50, None, ms(10_000), ms(4_400)),
            "connectors: 50, 5.0/s, rate limit 4s"
        );
        assert_eq!(
            status_line("x", 4, Some(4), ms(1000), ms(0)),
            "x: 4/4, 4.0/s"
        );
        assert_eq!(seconds_text(185.0), "3m05s");
        assert_eq!(seconds_text(3720.0), "1h02m");
        assert_eq!(seconds_text(f64::INFINITY), "1193046h28m");
    }
}
