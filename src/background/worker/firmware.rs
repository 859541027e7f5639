//! Firmware sends from the editor or the app: only on the direct MIDI ports, where nothing but
//! this program decides when bytes leave. Through the host a plugin may be stopped, bypassed or
//! put to sleep at any moment, which would leave the synth with a half-written update.

use super::State;
use crate::store::Level;

/// Why a firmware send is refused on the host route (shown in the log and the editor).
pub const HOST_ROUTE_REFUSED: &str = "firmware goes only through the direct MIDI ports (choose the synth's ports in the Record tab): through the host, the host may stop the plugin or put it to sleep in the middle and leave the synth with a half-written update";

impl State {
    /// Starts a firmware send (a conversation: identity first, then the file as one job), or
    /// refuses it on the host route, saying why.
    pub(super) fn send_firmware(&mut self, label: String, messages: Vec<Vec<u8>>) {
        if !self.applied_route.direct {
            self.refused();
            self.ctx.store.log(
                Level::Error,
                format!("Firmware \"{label}\" not sent: {HOST_ROUTE_REFUSED}"),
            );
            return;
        }
        self.converse(crate::background::conversation::Conversation::Firmware { label, messages });
    }
}
