//! Repaints the open editor only when something it shows changed. egui repaints on input by
//! itself; what changes without input (counters, send progress, a take arriving, the log, the
//! library written by the worker or a state load) is read here by a small thread ten times a
//! second, which asks for one repaint when any of it moved. An idle window then costs nothing but
//! that poll.

use super::Handles;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

/// How often the watcher reads the shared state.
pub const POLL: Duration = Duration::from_millis(100);

/// How often egui-baseview polls its repaint notifier. The editor does not use that notifier
/// (the watcher wakes the window through egui), so it is polled rarely and an idle window sleeps.
pub const NOTIFIER_POLL: Duration = Duration::from_millis(500);

/// Everything the editor shows that can change without input, as plain numbers.
pub fn signature(h: &Handles) -> Vec<u64> {
    let c = h.counters.snapshot();
    let s = &h.send;
    let cap = &h.capture;
    let mut v = vec![
        c.sysex_in,
        c.sysex_out,
        c.rejected(),
        c.host_refused,
        c.pass_through_cut,
        c.last_rejected_len,
        c.sysex_in_bytes,
        s.job_id.load(Relaxed),
        s.total_messages.load(Relaxed),
        s.sent_messages.load(Relaxed),
        s.sent_bytes.load(Relaxed),
        s.elapsed_seconds_bits.load(Relaxed),
        s.cancel.load(Relaxed),
        s.requests_dropped.load(Relaxed),
        s.skipped_too_long.load(Relaxed),
        u64::from(cap.armed.load(Relaxed)),
        u64::from(cap.listen.load(Relaxed)),
        u64::from(cap.active.load(Relaxed)),
        u64::from(cap.direct_route.load(Relaxed)),
        cap.reconnects.load(Relaxed),
        cap.live_messages.load(Relaxed),
        cap.live_bytes.load(Relaxed),
        cap.takes_filed.load(Relaxed),
        cap.dropped_messages.load(Relaxed),
        cap.dropped_bytes.load(Relaxed),
        h.store.generation(),
        h.store.history(),
        h.store.loads(),
        h.store.log_count(),
        u64::from(h.store.unreadable().is_some()),
    ];
    v.push(h.store.file_note().map_or(0, |n| {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        n.hash(&mut hasher);
        hasher.finish() | 1
    }));
    v
}

/// One more number to watch (results waiting from a file dialog's thread).
pub type Probe = Box<dyn Fn() -> u64 + Send>;

/// A running watcher; dropping it stops the thread.
pub struct Watcher {
    stop: Arc<AtomicBool>,
}

impl Watcher {
    /// Starts a thread that calls `notify` once each time [`signature`] of `handles`, or one of
    /// the `probes`, changes.
    pub fn spawn(
        handles: Handles,
        probes: Vec<Probe>,
        notify: impl Fn() + Send + 'static,
    ) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("sysex-vault-editor-watch".into())
            .spawn(move || {
                let read = || {
                    let mut v = signature(&handles);
                    v.extend(probes.iter().map(|p| p()));
                    v
                };
                let mut last = read();
                while !stopped.load(Relaxed) {
                    std::thread::sleep(POLL);
                    let now = read();
                    if now != last {
                        last = now;
                        notify();
                    }
                }
            });
        if let Err(e) = spawned {
            // Without the thread the window still repaints on input; say why it may lag.
            eprintln!("SysEx Vault: the editor's watcher did not start ({e}); live counters update on input only");
        }
        Watcher { stop }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
    }
}
