//! One library entry: a preset, a bank, or any dump, with what we know about it.

use crate::devices::{self, MessageKind};
use crate::sysex::bank;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::message::SysEx;
use serde::{Deserialize, Serialize};

/// Stable identifier of an entry within its library.
pub type EntryId = u64;

/// Where an entry came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Captured from MIDI input.
    Capture,
    /// Imported from a file (its name).
    Import(String),
}

/// A preset, bank or dump: one or more complete SysEx messages and what we know about them.
///
/// Saved by [`crate::state`] with postcard, field by field in this order (so serde defaults
/// do not apply): adding, removing or reordering a field is a new library format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Identifier, unique in the library.
    pub id: EntryId,
    /// Name shown to the user.
    pub name: String,
    /// The complete messages, `F0` to `F7`, in the order they arrived.
    pub messages: Vec<Vec<u8>>,
    /// Messages that arrived without `F7` (interrupted or timed out), kept so nothing is lost;
    /// never sent.
    pub unterminated: Vec<Vec<u8>>,
    /// Messages lost before they reached the library (capture buffer full, over the size limit).
    pub lost_messages: u64,
    /// When it was captured or imported, milliseconds since the Unix epoch.
    pub created_unix_ms: u64,
    /// Where it came from.
    pub source: Source,
    /// Maker or device, from the definition that recognised the first message.
    pub device: String,
    /// [`crate::devices::Definition::id`] of the definition that recognised the first message
    /// (`generic` when none did).
    pub profile: String,
    /// What it carries.
    pub kind: MessageKind,
    /// Messages whose checksum does not match.
    pub invalid_checksums: u32,
    /// [`bank::content_hash`] of the messages.
    pub hash: u64,
    /// The entry with identical content that was in the library first, if any.
    pub duplicate_of: Option<EntryId>,
    /// Send this entry once when the project loads (total recall).
    pub recall_on_load: bool,
    /// Send this entry when this program change arrives (on its channel, after its bank
    /// select); library format version 5 on, older mappings read as "any channel".
    pub program_change: Option<ProgramMap>,
    /// The user's tags ("favourite", "pads", a gig's name), in the order they were added
    /// (library format version 2 on).
    pub tags: Vec<String>,
    /// Where the synth keeps this patch, when the user says it is stored there: recalls (on
    /// load, by a mapped program change, by the Send trigger) then send bank select and a
    /// program change instead of the dump (library format version 3 on).
    pub stored_at: Option<StoredAt>,
    /// Marked as a favourite (library format version 4 on).
    pub favourite: bool,
    /// The user's free-text note ("used in the second verse", "needs the aftertouch fix"),
    /// searched with the names (library format version 4 on).
    pub note: String,
}

/// " (bank 0/1)", "-" for a missing half; empty without bank select.
fn bank_text(msb: Option<u8>, lsb: Option<u8>) -> String {
    let part = |v: Option<u8>| v.map_or("-".into(), |v| v.to_string());
    match (msb, lsb) {
        (None, None) => String::new(),
        (m, l) => format!(" (bank {}/{})", part(m), part(l)),
    }
}

/// A program change as it reached the plugin, with the bank select last seen on its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgramChange {
    /// MIDI channel, 0-based.
    pub channel: u8,
    /// Program number, 0-127.
    pub program: u8,
    /// The last bank select MSB (CC 0) on this channel, if any arrived.
    pub bank_msb: Option<u8>,
    /// The last bank select LSB (CC 32) on this channel, if any arrived.
    pub bank_lsb: Option<u8>,
}

/// Which program change recalls an entry: its number, the channel the controller sends on, and
/// the bank select that must come before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramMap {
    /// Program number, 0-127 (program change 1-128).
    pub program: u8,
    /// MIDI channel, 0-based; `None` answers every channel (only when the user chose "any").
    pub channel: Option<u8>,
    /// Bank select MSB (CC 0) that must have arrived on the channel; `None`: any bank.
    pub bank_msb: Option<u8>,
    /// Bank select LSB (CC 32) that must have arrived on the channel; `None`: any bank.
    pub bank_lsb: Option<u8>,
    /// Cancel a send in progress (a bank restore) at once instead of waiting for it to end.
    pub interrupt: bool,
}

impl Default for ProgramMap {
    /// Program change 1 on channel 1, any bank, waiting for sends in progress: a starting point
    /// for the user to change ("any channel" only when the user picks it).
    fn default() -> Self {
        ProgramMap {
            channel: Some(0),
            ..ProgramMap::any(0)
        }
    }
}

impl ProgramMap {
    /// Program `program` on any channel, any bank, waiting for sends in progress: what mappings
    /// made before channels and banks (library formats 1-4) mean.
    pub fn any(program: u8) -> ProgramMap {
        ProgramMap {
            program,
            channel: None,
            bank_msb: None,
            bank_lsb: None,
            interrupt: false,
        }
    }

    /// Whether this program change is the one mapped.
    pub fn matches(&self, pc: &ProgramChange) -> bool {
        self.program == pc.program
            && self.channel.is_none_or(|c| c == pc.channel)
            && self.bank_msb.is_none_or(|b| Some(b) == pc.bank_msb)
            && self.bank_lsb.is_none_or(|b| Some(b) == pc.bank_lsb)
    }

    /// Whether both answer the same program change (one entry per program change).
    pub fn same_trigger(&self, other: &ProgramMap) -> bool {
        (self.program, self.channel, self.bank_msb, self.bank_lsb)
            == (other.program, other.channel, other.bank_msb, other.bank_lsb)
    }

    /// In words: "program 5 (bank 0/1) on channel 2", "program 5 on any channel".
    pub fn describe(&self) -> String {
        let bank = bank_text(self.bank_msb, self.bank_lsb);
        let channel = self
            .channel
            .map_or("any channel".into(), |c| format!("channel {}", c + 1));
        let interrupt = if self.interrupt {
            ", interrupts sends"
        } else {
            ""
        };
        format!(
            "program {}{bank} on {channel}{interrupt}",
            u16::from(self.program) + 1
        )
    }
}

/// A program location in the synth: MIDI channel, optional bank select (CC 0 and CC 32) and
/// program number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAt {
    /// MIDI channel, 0-based.
    pub channel: u8,
    /// Bank select MSB (CC 0), if the synth needs one.
    pub bank_msb: Option<u8>,
    /// Bank select LSB (CC 32), if the synth needs one.
    pub bank_lsb: Option<u8>,
    /// Program number, 0-127 (program change 1-128).
    pub program: u8,
}

impl StoredAt {
    /// The MIDI messages that recall it: bank select (when set), then the program change.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let ch = self.channel & 0x0F;
        let mut out = Vec::new();
        if let Some(msb) = self.bank_msb {
            out.push(vec![0xB0 | ch, 0x00, msb & 0x7F]);
        }
        if let Some(lsb) = self.bank_lsb {
            out.push(vec![0xB0 | ch, 0x20, lsb & 0x7F]);
        }
        out.push(vec![0xC0 | ch, self.program & 0x7F]);
        out
    }

    /// In words: "program 5 (bank 0/1) on channel 2".
    pub fn describe(&self) -> String {
        let bank = bank_text(self.bank_msb, self.bank_lsb);
        format!(
            "program {}{bank} on channel {}",
            u16::from(self.program) + 1,
            self.channel + 1
        )
    }
}

impl Entry {
    /// Builds an entry from messages, recognising them with `registry` and naming it from its
    /// definition.
    pub fn new(
        registry: &devices::Registry,
        messages: Vec<Vec<u8>>,
        source: Source,
        created_unix_ms: u64,
    ) -> Entry {
        let mut invalid_checksums = 0;
        let mut recognised = Vec::new();
        for m in &messages {
            if let Ok(msg) = SysEx::new(m) {
                let r = registry.recognise(&msg);
                if matches!(r.checksum, ChecksumStatus::Invalid { .. }) {
                    invalid_checksums += 1;
                }
                recognised.push(r);
            }
        }
        let first = recognised.first();
        let device = first.map_or_else(|| "Unknown".to_owned(), |r| r.device.clone());
        let profile = first.map_or(devices::GENERIC, |r| &r.definition).to_owned();
        let mut names: Vec<String> = recognised
            .iter()
            .flat_map(|r| r.preset_names.iter().cloned())
            .collect();
        // A memory dump in addressed messages (a D-50 bulk dump) names its patches by address.
        let has_map = |r: &devices::Recognised| {
            registry
                .get(&r.definition)
                .is_some_and(|d| !d.memory_names.is_empty())
        };
        let streamed =
            names.is_empty() && recognised.len() > 1 && recognised.iter().any(has_map) && {
                names = registry
                    .stream_names(&messages)
                    .into_iter()
                    .filter(|n| n.patch)
                    .map(|n| n.name)
                    .collect();
                !names.is_empty()
            };
        let kind = match recognised.as_slice() {
            [] => MessageKind::Other,
            [one] => one.kind,
            many if many.iter().all(|r| r.kind.is_patch()) => MessageKind::Bank,
            // One patch in several messages (a JV-1080 patch: common + four tones).
            many if many.iter().filter(|r| r.kind.is_patch()).count() == 1
                && many
                    .iter()
                    .all(|r| r.kind.is_patch() || r.kind == MessageKind::Data) =>
            {
                many.iter()
                    .find(|r| r.kind.is_patch())
                    .map_or(MessageKind::Other, |r| r.kind)
            }
            _ if streamed => MessageKind::Bank,
            // A whole-synth dump of one synth: its patches with global data and other messages
            // (a Matrix-1000 bank: 100 patches, dummy splits, the master parameters).
            many if many.iter().filter(|r| r.kind.is_patch()).count() > 1
                && many.iter().all(|r| {
                    r.definition == many[0].definition
                        && (r.kind.is_patch()
                            || matches!(
                                r.kind,
                                MessageKind::Global | MessageKind::Data | MessageKind::Other
                            ))
                })
                && many[0].definition != devices::GENERIC =>
            {
                MessageKind::Bank
            }
            many if many.iter().all(|r| r.kind == many[0].kind) => many[0].kind,
            _ => MessageKind::Other,
        };
        let names: Vec<&String> = names.iter().collect();
        let name = default_name(&device, kind, messages.len(), &names);
        Entry {
            id: 0,
            hash: bank::content_hash(&messages),
            name,
            messages,
            unterminated: Vec::new(),
            lost_messages: 0,
            created_unix_ms,
            source,
            device,
            profile,
            kind,
            invalid_checksums,
            duplicate_of: None,
            recall_on_load: false,
            program_change: None,
            tags: Vec::new(),
            stored_at: None,
            favourite: false,
            note: String::new(),
        }
    }

    /// Replaces the messages and works out again what is known about them (device, kind,
    /// checksums, hash); the name, tags and mappings stay.
    pub fn set_messages(&mut self, registry: &devices::Registry, messages: Vec<Vec<u8>>) {
        let fresh = Entry::new(
            registry,
            messages,
            self.source.clone(),
            self.created_unix_ms,
        );
        self.messages = fresh.messages;
        self.device = fresh.device;
        self.profile = fresh.profile;
        self.kind = fresh.kind;
        self.invalid_checksums = fresh.invalid_checksums;
        self.hash = fresh.hash;
    }

    /// Total bytes of the complete messages.
    pub fn byte_len(&self) -> usize {
        self.messages.iter().map(Vec::len).sum()
    }

    /// Whether anything about this entry needs the user's attention.
    pub fn has_problems(&self) -> bool {
        !self.unterminated.is_empty() || self.lost_messages > 0 || self.invalid_checksums > 0
    }
}

fn default_name(device: &str, kind: MessageKind, count: usize, names: &[&String]) -> String {
    let named: Vec<&str> = names
        .iter()
        .map(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    match (kind, named.as_slice()) {
        (MessageKind::SinglePreset | MessageKind::EditBuffer, [name]) => {
            format!("{device}: {name}")
        }
        (MessageKind::Bank, [first, ..]) => {
            format!("{device} bank, {} presets ({first}…)", named.len())
        }
        (_, _) if count == 1 => format!("{device} {}", kind.label()),
        (_, _) => format!("{device} {}, {count} messages", kind.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DX7 single voice built byte by byte: header, 155 data bytes, Yamaha checksum, F7.
    fn dx7_voice(name: &[u8; 10]) -> Vec<u8> {
        let mut data = vec![0u8; 155];
        data[145..155].copy_from_slice(name);
        let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
        let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
        m.extend(&data);
        m.push(((128 - sum % 128) % 128) as u8);
        m.push(0xF7);
        m
    }

    #[test]
    fn dx7_voice_is_named_after_its_patch() {
        let e = Entry::new(
            crate::devices::test_registry(),
            vec![dx7_voice(b"BRASS   1 ")],
            Source::Capture,
            0,
        );
        assert_eq!(e.name, "Yamaha DX7: BRASS   1");
        assert_eq!(e.kind, MessageKind::EditBuffer);
        assert_eq!(e.profile, "yamaha-dx7");
        assert!(!e.has_problems());
    }

    #[test]
    fn opaque_dump_is_named_by_maker_and_count() {
        let msgs = vec![vec![0xF0, 0x04, 0x01, 0xF7]; 100];
        let e = Entry::new(crate::devices::test_registry(), msgs, Source::Capture, 0);
        assert_eq!(e.name, "Moog (model unknown) other, 100 messages");
        assert_eq!(e.byte_len(), 400);
    }

    #[test]
    fn voices_in_a_row_make_a_bank() {
        let e = Entry::new(
            crate::devices::test_registry(),
            vec![dx7_voice(b"ONE       "), dx7_voice(b"TWO       ")],
            Source::Capture,
            0,
        );
        assert_eq!(e.kind, MessageKind::Bank);
        assert_eq!(e.name, "Yamaha DX7 bank, 2 presets (ONE…)");
    }
}
