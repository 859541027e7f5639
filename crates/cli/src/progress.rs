//! Progress for long command-line jobs (sends, captures, large imports): an `indicatif` bar on a
//! terminal, plain lines (at most one a second, and the last one) when stderr is a file or a
//! pipe, so logs and cron mails stay readable.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// A progress display counting bytes (or files) towards a known total, or open-ended.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    total: Option<u64>,
    unit: &'static str,
    started: Instant,
    last_line: Option<Instant>,
}

impl Progress {
    /// Progress towards `total` (`None`: open-ended, e.g. a capture); `unit` is "bytes" or
    /// "files".
    pub fn new(label: &str, total: Option<u64>, unit: &'static str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = match total {
                Some(t) => ProgressBar::new(t),
                None => ProgressBar::new_spinner(),
            };
            let template = match (total, unit) {
                (Some(_), "bytes") => {
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}"
                }
                (Some(_), _) => "{msg} [{bar:30}] {pos}/{len} ETA {eta}",
                (None, _) => "{spinner} {msg} {bytes} {bytes_per_sec}",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label.to_owned());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            label: label.to_owned(),
            total,
            unit,
            started: Instant::now(),
            last_line: None,
        }
    }

    /// Reports the position (bytes or files done) and a short note (e.g. "3/10 messages").
    pub fn set(&mut self, position: u64, note: &str) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
            bar.set_message(format!("{} {note}", self.label));
            return;
        }
        let now = Instant::now();
        let due = self
            .last_line
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
        let done = self.total.is_some_and(|t| position >= t);
        if due || done {
            self.last_line = Some(now);
            eprintln!("{}", self.line(position, note));
        }
    }

    /// Ends the display.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self, position: u64, note: &str) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let mut line = format!("{}: {note}", self.label);
        match self.total {
            Some(total) => line.push_str(&format!(", {position}/{total} {}", self.unit)),
            None => line.push_str(&format!(", {position} {}", self.unit)),
        }
        // A rate over less than a second says little (a paced send's first message leaves at
        // once); callers put their own ETA in the note.
        if self.unit == "bytes" && secs >= 1.0 {
            line.push_str(&format!(", {:.0} B/s", position as f64 / secs));
        }
        line
    }
}
