//! What the library owner tells the audio thread, as atomics the audio thread reads without
//! touching the library store: that a project state was loaded (its settling window starts
//! again) and that a recall waits to be sent (the host must keep calling `process()`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Signals from the library owner to the audio thread.
#[derive(Debug, Default)]
pub struct LoadSignals {
    /// Project states loaded so far.
    loads: AtomicU64,
    /// Set when a project's library was loaded with a recall entry; the worker clears it once
    /// the recall is sent.
    pub recall_pending: AtomicBool,
}

impl LoadSignals {
    /// Project states loaded so far.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// Counts a state load; true for an instance's first.
    pub fn count_load(&self) -> bool {
        self.loads.fetch_add(1, Ordering::Relaxed) == 0
    }

    /// Whether a recall waits to be sent.
    pub fn recall_waiting(&self) -> bool {
        self.recall_pending.load(Ordering::Relaxed)
    }
}
