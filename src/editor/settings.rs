//! The editor's settings saved with the plugin (window size, tab, sort): plain data the
//! parameters persist, with no editor code, so the parameters need nothing else of the editor.

use serde::{Deserialize, Serialize};

/// The tabs of the right-hand panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// Decoded header and hex view of the selected entry.
    #[default]
    Details,
    /// Record arm and the take in progress.
    Record,
    /// Sending, pacing, recall and program changes.
    Send,
    /// Import and export.
    Files,
    /// Every error and warning.
    Log,
    /// Bytes over time of the last send and capture.
    Timing,
    /// Two entries (or an entry and a file) side by side.
    Compare,
}

/// What the list is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Library order (the order sends and reorder use).
    #[default]
    Position,
    /// Favourites first.
    Favourite,
    /// Name.
    Name,
    /// Device.
    Device,
    /// Kind.
    Kind,
    /// Message count.
    Messages,
    /// Size in bytes.
    Size,
    /// Capture or import time.
    Created,
    /// Tags.
    Tags,
    /// Notes: the user's note, then what the library noticed.
    Notes,
}

/// Editor settings saved with the plugin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UiSettings {
    /// Window width in logical pixels.
    pub width: u32,
    /// Window height in logical pixels.
    pub height: u32,
    /// Selected tab.
    pub tab: Tab,
    /// Library sort column.
    pub sort: SortKey,
    /// Sort descending.
    pub descending: bool,
    /// Width of the right-hand panel in logical pixels.
    pub side_width: f32,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            width: 980,
            height: 640,
            tab: Tab::Details,
            sort: SortKey::Position,
            descending: false,
            side_width: 340.0,
        }
    }
}
