//! What the editor, the parameters and the library owner ask the background thread to do, as
//! plain data: the worker's request channel carries these, and a conversation with the synth is
//! described here and run by `background::conversation`.

use crate::backup::BackupRule;
use crate::devices::Fields;
use crate::library::EntryId;
use crate::pacing::Pacing;
use crate::transfer::CaptureRules;
use crossbeam_channel::Sender;
use std::time::Duration;

/// A request to the worker thread.
pub enum WorkerRequest {
    /// File everything received so far, then answer with copies of the takes still in progress
    /// (the host route's and the direct port's), which a save must contain too, and the
    /// library's change count at that moment ([`crate::store::LibraryStore::generation`]).
    Flush(Sender<(Vec<crate::library::Take>, u64)>),
    /// Send these entries, in this order, as one job.
    Send {
        /// Entries to send.
        entries: Vec<EntryId>,
        /// Pacing; `None` uses the saved choice.
        pacing: Option<Pacing>,
    },
    /// Send part of an entry: its messages `from..to` (0-based, end exclusive), e.g. the block
    /// of a bank that failed.
    SendPart {
        /// The entry.
        entry: EntryId,
        /// First message.
        from: usize,
        /// One past the last message.
        to: usize,
    },
    /// Send these messages as one job (a conversation's message to the synth).
    SendRaw {
        /// For the log.
        label: String,
        /// The messages.
        messages: Vec<Vec<u8>>,
        /// Their pacing.
        pacing: crate::pacing::Pacing,
    },
    /// Start a conversation with the synth (get a dump, send with acknowledges or verify).
    Converse(Conversation),
    /// Conversation number N ended (sent by its thread).
    ConversationDone(u64),
    /// Send a device definition's dump request, or a universal identity request.
    RequestDump {
        /// [`crate::devices::Definition::id`]; [`crate::devices::GENERIC`] asks for identity.
        definition: String,
        /// [`crate::devices::RequestDef::id`] within it.
        request: String,
        /// Channel, device ID, bank and program for the request.
        fields: crate::devices::Fields,
    },
    /// Stop sending after the message in flight; drop queued jobs.
    Cancel,
    /// Stop after filing everything.
    Shutdown,
}

/// How the Send trigger and "Send selected" check with the synth (saved with the project).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SendCheck {
    /// Just send, paced.
    #[default]
    None,
    /// Wait for the synth's acknowledge after each message (its definition's replies).
    Acknowledge,
    /// Ask for each patch back and compare.
    Verify,
}

impl SendCheck {
    /// The conversation that sends `entries` this way (`None` for a plain send), with no backup
    /// (a recall, which cannot wait).
    pub fn conversation(self, entries: Vec<EntryId>) -> Option<Conversation> {
        (self != SendCheck::None).then(|| self.send(entries, BackupRule::OFF))
    }

    /// The conversation that first backs up what `backup` covers, then sends `entries` this
    /// way (plainly for [`SendCheck::None`]).
    pub fn send(self, entries: Vec<EntryId>, backup: BackupRule) -> Conversation {
        Conversation::Send {
            entries,
            verify: self == SendCheck::Verify,
            plain: self == SendCheck::None,
            backup,
            timeout: Duration::from_secs(2),
            retries: 2,
        }
    }
}

/// A send that stopped because the synth did not answer the backup request: the editor asks
/// the musician whether to overwrite anyway.
#[derive(Clone, Debug)]
pub struct OverwriteQuestion {
    /// The entries that were to be sent.
    pub entries: Vec<EntryId>,
    /// How they were to be checked.
    pub check: SendCheck,
    /// Why there is no backup.
    pub why: String,
}

/// What a conversation does.
#[derive(Clone, Debug)]
pub enum Conversation {
    /// Ask with a definition's request and keep each answer as an entry.
    Get {
        /// Device definition id.
        definition: String,
        /// Request id.
        request: String,
        /// Channel, device ID, bank, program.
        fields: Fields,
        /// Walk these programs (inclusive), one request each.
        programs: Option<(u16, u16)>,
        /// How long to wait.
        rules: CaptureRules,
    },
    /// Back up every synth on this route: an identity request through it, and the saved rig's
    /// synths on the direct route's ports; each asked for every bank and global request, kept
    /// as one dated, tagged collection (`crate::rig`).
    BackupRig {
        /// The direct route's (output, input) ports, whose saved-rig synths are asked too;
        /// `None` through the host (no port names to match).
        ports: Option<(String, String)>,
        /// How long to wait for identity replies.
        identity_wait: Duration,
        /// How long to wait for each dump.
        rules: CaptureRules,
    },
    /// Send entries, each message waiting for the synth's acknowledge (its definition's reply
    /// messages) or verified by asking for it back.
    Send {
        /// The entries, in order.
        entries: Vec<EntryId>,
        /// Verify instead of waiting for acknowledges.
        verify: bool,
        /// Neither: send plainly (after the backup).
        plain: bool,
        /// What the synth is asked for first, and kept, before it is overwritten.
        backup: BackupRule,
        /// Silence before a reply is given up.
        timeout: Duration,
        /// Resends after "again", or requests after silence.
        retries: u32,
    },
}
