//! Counters the audio thread bumps (atomics only) so that nothing is lost silently: every message
//! that was refused, dropped or could not be delivered is counted, shown in the editor and saved
//! with the project.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Live counters, shared between the audio thread and everyone else.
#[derive(Debug, Default)]
pub struct Counters {
    /// SysEx messages received from the host.
    pub sysex_in: AtomicU64,
    /// SysEx bytes received from the host.
    pub sysex_in_bytes: AtomicU64,
    /// SysEx messages passed on to the host's output.
    pub sysex_out: AtomicU64,
    /// Messages refused for exceeding the size limit.
    pub rejected_too_long: AtomicU64,
    /// Messages refused because the message pool was full.
    pub rejected_pool_full: AtomicU64,
    /// Length of the last refused message.
    pub last_rejected_len: AtomicU64,
    /// Output events the host refused (its queue was full).
    pub host_refused: AtomicU64,
    /// Passed-through messages ended early with `F7` (the host refused one of their fragments,
    /// or left them open longer than the idle gap); their remaining fragments were dropped.
    pub pass_through_cut: AtomicU64,
}

/// A plain copy of [`Counters`], for display and saving.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterSnapshot {
    /// See [`Counters::sysex_in`].
    pub sysex_in: u64,
    /// See [`Counters::sysex_in_bytes`].
    pub sysex_in_bytes: u64,
    /// See [`Counters::sysex_out`].
    pub sysex_out: u64,
    /// See [`Counters::rejected_too_long`].
    pub rejected_too_long: u64,
    /// See [`Counters::rejected_pool_full`].
    pub rejected_pool_full: u64,
    /// See [`Counters::last_rejected_len`].
    pub last_rejected_len: u64,
    /// See [`Counters::host_refused`].
    pub host_refused: u64,
    /// See [`Counters::pass_through_cut`] (saved from version 0.2 on).
    #[serde(default)]
    pub pass_through_cut: u64,
}

impl CounterSnapshot {
    /// Messages refused for any reason.
    pub fn rejected(&self) -> u64 {
        self.rejected_too_long + self.rejected_pool_full
    }
}

impl Counters {
    /// Adds `n` to a counter (audio-thread safe).
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// A consistent-enough copy for display.
    pub fn snapshot(&self) -> CounterSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CounterSnapshot {
            sysex_in: get(&self.sysex_in),
            sysex_in_bytes: get(&self.sysex_in_bytes),
            sysex_out: get(&self.sysex_out),
            rejected_too_long: get(&self.rejected_too_long),
            rejected_pool_full: get(&self.rejected_pool_full),
            last_rejected_len: get(&self.last_rejected_len),
            host_refused: get(&self.host_refused),
            pass_through_cut: get(&self.pass_through_cut),
        }
    }

    /// Overwrites every counter (when a saved state is loaded).
    pub fn restore(&self, s: &CounterSnapshot) {
        let set = |c: &AtomicU64, v| c.store(v, Ordering::Relaxed);
        set(&self.sysex_in, s.sysex_in);
        set(&self.sysex_in_bytes, s.sysex_in_bytes);
        set(&self.sysex_out, s.sysex_out);
        set(&self.rejected_too_long, s.rejected_too_long);
        set(&self.rejected_pool_full, s.rejected_pool_full);
        set(&self.last_rejected_len, s.last_rejected_len);
        set(&self.host_refused, s.host_refused);
        set(&self.pass_through_cut, s.pass_through_cut);
    }
}

impl<'a> nice_plug::params::persist::PersistentField<'a, CounterSnapshot> for Arc<Counters> {
    fn set(&self, new_value: CounterSnapshot) {
        self.restore(&new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&CounterSnapshot) -> R,
    {
        f(&self.snapshot())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_restore_round_trip() {
        let c = Counters::default();
        Counters::add(&c.rejected_too_long, 2);
        Counters::add(&c.sysex_in, 5);
        let s = c.snapshot();
        let d = Counters::default();
        d.restore(&s);
        assert_eq!(d.snapshot(), s);
        assert_eq!(d.snapshot().rejected(), 2);
    }
}
