//! The editor's "Back up rig" button: every synth on this route (those answering an identity
//! request, and the saved rig's synths on the direct route's ports) asked for all it can send,
//! into one dated, tagged collection.

use crate::background::conversation::Conversation;
use crate::store::WorkerRequest;
use std::time::Duration;

/// The button; a click starts the backup conversation.
pub fn button(ui: &mut egui::Ui, s: &mut super::Shared<'_>) {
    let route = s.handles.route.read().map(|r| r.clone()).ok();
    let ports = route
        .filter(|r| r.direct)
        .and_then(|r| r.output.zip(r.input));
    let what = if ports.is_some() {
        "on the direct MIDI ports: those that answer an identity request, and the saved rig's synths on these ports (sysex-vault rig add)"
    } else {
        "on the host's route that answer an identity request (the saved rig names ports: it is used on the direct route)"
    };
    if ui
        .button("Back up rig")
        .on_hover_text(format!(
            "Ask every synth {what} for all its banks and global data, kept as one dated collection tagged rig-backup; the log says what each synth sent. `sysex-vault backup-rig` reaches every MIDI port."
        ))
        .clicked()
    {
        s.handles
            .store
            .request(WorkerRequest::Converse(Conversation::BackupRig {
                ports,
                identity_wait: Duration::from_secs(1),
                rules: crate::transfer::CaptureRules::EDITOR,
            }));
    }
}
