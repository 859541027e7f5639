//! What a host does right after it loads a project, and how the plugin tells it from what the user
//! does. Pure logic, no plugin framework.
//!
//! Real hosts restore every parameter when a project loads or the plugin is activated, and may
//! deliver the restored values as events in the first blocks rather than before them: Ardour 7
//! does this for nice-plug's hidden VST3 MIDI-CC parameters (16 channels × 128 controllers,
//! channel pressure and pitch bend), which nice-plug turns into MIDI events. So for a short
//! window after activation or a state load the plugin is *settling*:
//!
//! - a trigger parameter (`Send`, `Cancel Send`) only takes the value it is given as its new
//!   baseline, and fires on a change after the window, never on a restored value;
//! - in VST3, controller, channel-pressure and pitch-bend events are not passed on: they are the
//!   host restoring the hidden MIDI parameters, never something the user played.
//!
//! The window is [`SETTLE_SECONDS`] of audio and at least [`SETTLE_BLOCKS`] blocks.

/// Length of the window, in seconds of audio processed.
pub const SETTLE_SECONDS: f64 = 0.25;
/// The window also lasts at least this many blocks, whatever their size.
pub const SETTLE_BLOCKS: u32 = 4;

/// The settling window after activation or a state load.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SettleWindow {
    samples_left: u64,
    blocks_left: u32,
}

impl SettleWindow {
    /// Starts (or starts again) the window at this sample rate.
    pub fn restart(&mut self, sample_rate: f64) {
        self.samples_left = (SETTLE_SECONDS * sample_rate.max(1.0)).ceil() as u64;
        self.blocks_left = SETTLE_BLOCKS;
    }

    /// Whether the window is still open (the current block belongs to it).
    pub fn settling(&self) -> bool {
        self.samples_left > 0 || self.blocks_left > 0
    }

    /// Counts a processed block of `frames` samples.
    pub fn advance(&mut self, frames: u32) {
        self.samples_left = self.samples_left.saturating_sub(u64::from(frames));
        self.blocks_left = self.blocks_left.saturating_sub(1);
    }
}

/// Edge detector for a trigger parameter: fires when the value turns on while the plugin is not
/// settling. While settling, the value becomes the baseline, so a restored "on" never fires and a
/// later off → on does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Trigger {
    last: bool,
}

impl Trigger {
    /// Takes this block's value; returns whether the trigger fires.
    pub fn fired(&mut self, value: bool, settling: bool) -> bool {
        let fire = value && !self.last && !settling;
        self.last = value;
        fire
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_lasts_a_quarter_second_and_at_least_four_blocks() {
        let mut w = SettleWindow::default();
        assert!(!w.settling());
        w.restart(48_000.0);
        // 12,000 samples in 4,096-frame blocks: three blocks, then a fourth for the block count.
        for _ in 0..4 {
            assert!(w.settling());
            w.advance(4_096);
        }
        assert!(!w.settling());
        w.restart(48_000.0);
        for _ in 0..187 {
            w.advance(64);
        }
        assert!(w.settling(), "11,968 of 12,000 samples");
        w.advance(64);
        assert!(!w.settling());
    }

    #[test]
    fn a_restored_on_never_fires_a_later_edge_does() {
        let mut t = Trigger::default();
        // Restored "on", delivered during the window (before or as an event in the first blocks).
        assert!(!t.fired(true, true));
        assert!(!t.fired(true, false), "still on after the window: no edge");
        assert!(!t.fired(false, false));
        assert!(t.fired(true, false), "the user pressed it");
        assert!(!t.fired(true, false));
        // Off, then on again while settling (a host replaying values after a load): no fire.
        assert!(!t.fired(false, true));
        assert!(!t.fired(true, true));
        assert!(!t.fired(true, false));
    }
}
