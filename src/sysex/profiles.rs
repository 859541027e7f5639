//! Device profiles: what a synth's messages are (preset, bank, global, firmware), their preset
//! numbers and names, dump requests and pacing defaults. One file per device family; the generic
//! profile answers for everything else.

pub mod dx7;
pub mod generic;
pub mod little_phatty;
pub mod roland;

use super::checksum::ChecksumStatus;
use super::message::{SysEx, U7};
use crate::pacing::Pacing;

/// What a message carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MessageKind {
    /// One preset (patch, voice, program).
    SinglePreset,
    /// Several presets in one message.
    Bank,
    /// Global or system settings.
    Global,
    /// Part of a firmware update.
    Firmware,
    /// A parameter change or an addressed block of data.
    Data,
    /// A request for the synth to send something.
    Request,
    /// A universal identity request or reply.
    Identity,
    /// Anything the profile cannot name.
    Other,
}

impl MessageKind {
    /// A short lower-case label for lists.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::SinglePreset => "preset",
            MessageKind::Bank => "bank",
            MessageKind::Global => "global",
            MessageKind::Firmware => "firmware",
            MessageKind::Data => "data",
            MessageKind::Request => "request",
            MessageKind::Identity => "identity",
            MessageKind::Other => "other",
        }
    }
}

/// What a profile says about one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    /// The profile that recognised it ([`DeviceProfile::id`]).
    pub profile: &'static str,
    /// The device or maker, as shown to the user.
    pub device: String,
    /// What the message carries.
    pub kind: MessageKind,
    /// Preset number, where the format holds one (0-based, as sent).
    pub preset_number: Option<u16>,
    /// Names of the presets in the message, in order (one for a single preset).
    pub preset_names: Vec<String>,
    /// Checksum verdict.
    pub checksum: ChecksumStatus,
    /// One line of detail (command, address, sizes).
    pub detail: String,
}

/// Knowledge of one device family.
pub trait DeviceProfile: Sync {
    /// Stable identifier, stored with captures.
    fn id(&self) -> &'static str;
    /// Human name of the family.
    fn name(&self) -> &'static str;
    /// `Some` when the message belongs to this family.
    fn recognise(&self, msg: &SysEx<'_>) -> Option<Recognised>;
    /// A message that asks the synth for a full dump, where the device supports one.
    fn dump_request(&self, device_id: U7) -> Option<Vec<u8>>;
    /// Pacing this family needs.
    fn pacing(&self) -> Pacing;
}

/// Every profile, most specific first; the generic profile is last and matches anything.
pub fn all() -> [&'static dyn DeviceProfile; 4] {
    [
        &dx7::Dx7,
        &roland::Roland,
        &little_phatty::LittlePhatty,
        &generic::Generic,
    ]
}

/// The profile by its [`DeviceProfile::id`].
pub fn by_id(id: &str) -> Option<&'static dyn DeviceProfile> {
    all().into_iter().find(|p| p.id() == id)
}

/// Recognises a message with the first profile that knows it (always succeeds).
pub fn recognise(msg: &SysEx<'_>) -> Recognised {
    all()
        .into_iter()
        .find_map(|p| p.recognise(msg))
        .unwrap_or_else(|| generic::describe(msg))
}

/// Checksum verdict of a message, from the profile that knows it.
pub fn verify(msg: &SysEx<'_>) -> ChecksumStatus {
    recognise(msg).checksum
}

/// Decodes 7-bit ASCII preset-name bytes, trimming trailing spaces and NULs.
pub fn ascii_name(bytes: &[u8]) -> String {
    let s: String = bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7F).contains(&b) {
                b as char
            } else {
                ' '
            }
        })
        .collect();
    s.trim_end().to_owned()
}
