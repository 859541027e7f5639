//! Device definitions: what each synth's SysEx messages are, read from data files.
//!
//! A definition (one TOML file per synth, format in `docs/devices.md`) says how to identify the
//! synth's messages, what they carry (edit buffer, program, bank, global), where the patch name
//! and program number are, how the data is encoded, which checksum protects it, how to ask the
//! synth for a dump, how a bank splits into patches and back, and how fast the synth takes data.
//!
//! The shipped definitions (the `devices/` folder) are compiled into the binary; definitions in
//! the user's folder ([`user_folder`]) are loaded too and replace a shipped one with the same
//! `id`. A broken file is reported ([`Registry::errors`]) and skipped; it never stops the others.
//! Everything here is pure logic: nothing imports the plugin framework or does I/O except
//! [`Registry::load`].

pub mod banks;
pub mod charset;
pub mod checksum;
pub mod definition;
pub mod encoding;
pub mod identity;
#[cfg(test)]
mod map_tests;
#[cfg(test)]
mod map_tests_blofeld_ms2000;
pub mod memory;
pub mod params;
pub mod pattern;
pub mod yamaha4op;

pub use banks::{BankSplit, SplitPatch};
pub use definition::{Definition, LoadError, MessageDef, ReplyRole, RequestDef};
pub use identity::IdentityMatch;
pub use memory::{MemoryNames, StreamName};
pub use params::{ParamChange, ParamValue};
pub use pattern::Fields;

use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::SysEx;
use crate::sysex::universal::{self, Universal};
use checksum::resolve;
use encoding::Encoding;
use pattern::Token;
use std::path::{Path, PathBuf};

/// What a message carries. Saved in libraries by position: new kinds go at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MessageKind {
    /// One preset (patch, voice, program) for a memory location.
    SinglePreset,
    /// Several presets in one message, or an entry of several presets.
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
    /// Anything no definition names.
    Other,
    /// One preset for the synth's edit buffer (not stored until the user writes it).
    EditBuffer,
    /// A synth's answer in a handshake (acknowledge, error).
    Reply,
}

impl MessageKind {
    /// A short lower-case label for lists.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::SinglePreset => "preset",
            MessageKind::EditBuffer => "edit buffer",
            MessageKind::Bank => "bank",
            MessageKind::Global => "global",
            MessageKind::Firmware => "firmware",
            MessageKind::Data => "data",
            MessageKind::Request => "request",
            MessageKind::Reply => "reply",
            MessageKind::Identity => "identity",
            MessageKind::Other => "other",
        }
    }

    /// One patch (for a memory location or the edit buffer).
    pub fn is_patch(self) -> bool {
        matches!(self, MessageKind::SinglePreset | MessageKind::EditBuffer)
    }
}

/// The definition id of messages no definition knows.
pub const GENERIC: &str = "generic";

/// What the definitions say about one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    /// The definition that recognised it ([`GENERIC`] when none did).
    pub definition: String,
    /// The message kind's id in that definition.
    pub message: Option<String>,
    /// The device or maker, as shown to the user.
    pub device: String,
    /// What the message carries.
    pub kind: MessageKind,
    /// Program number as sent (0-based), where the message holds one.
    pub program: Option<u16>,
    /// Bank number as sent, where the message holds one.
    pub bank: Option<u8>,
    /// MIDI channel (0-based), where the message holds one.
    pub channel: Option<u8>,
    /// Device ID, where the message holds one.
    pub device_id: Option<u8>,
    /// Names of the patches in the message, in order (one for a single patch).
    pub preset_names: Vec<String>,
    /// Checksum verdict.
    pub checksum: ChecksumStatus,
    /// One line of detail (message label, channel, address, sizes).
    pub detail: String,
}

/// The loaded definitions.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    defs: Vec<Definition>,
    errors: Vec<LoadError>,
    /// (definition, message) pairs by the byte their header has right after `F0` (the
    /// manufacturer's), each list in registry order; `None`: headers with a variable byte there.
    by_maker: std::collections::HashMap<Option<u8>, Vec<(usize, usize)>>,
}

/// The shipped definition files, compiled in.
macro_rules! shipped {
    ($($file:literal),* $(,)?) => {
        /// The shipped definition files: (file name, text).
        pub const SHIPPED: &[(&str, &str)] = &[
            $(($file, include_str!(concat!("../devices/", $file)))),*
        ];
    };
}

shipped!(
    "access-virus.toml",
    "behringer-deepmind-12.toml",
    "casio-cz.toml",
    "clavia-nord-lead-2x.toml",
    "ensoniq-esq1.toml",
    "kawai-k1.toml",
    "kawai-k4.toml",
    "korg-03rw.toml",
    "korg-dw8000.toml",
    "korg-m1.toml",
    "korg-minilogue-xd.toml",
    "korg-minilogue.toml",
    "korg-monologue.toml",
    "korg-ms2000.toml",
    "korg-prologue.toml",
    "korg-volca-fm.toml",
    "moog-little-phatty.toml",
    "moog.toml",
    "novation-bass-station-2.toml",
    "novation-peak-summit.toml",
    "oberheim-matrix-1000.toml",
    "oberheim-matrix-6.toml",
    "roland-alpha-juno.toml",
    "roland-d50.toml",
    "roland-dt1.toml",
    "roland-jd800.toml",
    "roland-jp8080.toml",
    "roland-juno-106.toml",
    "roland-jv1080.toml",
    "roland-jv80.toml",
    "roland-jx8p.toml",
    "roland-la.toml",
    "roland-mks70.toml",
    "roland-u220.toml",
    "roland-xv3080.toml",
    "sequential-ob6.toml",
    "sequential-pro-3.toml",
    "sequential-prophet-08.toml",
    "sequential-prophet-5.toml",
    "sequential-prophet-6.toml",
    "sequential-rev2.toml",
    "sequential-take-5.toml",
    "waldorf-blofeld.toml",
    "waldorf-microwave-xt.toml",
    "waldorf-microwave.toml",
    "waldorf-pulse.toml",
    "yamaha-4op.toml",
    "yamaha-dx7.toml",
    "yamaha-dx7ii.toml",
    "yamaha-fs1r.toml",
    "yamaha-reface-dx.toml",
);

/// The user's definition folder: `$SYSEX_VAULT_DEVICES` if set, else the platform's config
/// folder (`~/.config/sysex-vault/devices` on Linux, `~/Library/Application Support/SysEx
/// Vault/devices` on macOS, `%APPDATA%\SysEx Vault\devices` on Windows).
pub fn user_folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SYSEX_VAULT_DEVICES") {
        return Some(PathBuf::from(dir));
    }
    if cfg!(target_os = "windows") {
        return std::env::var_os("APPDATA")
            .map(|a| PathBuf::from(a).join("SysEx Vault").join("devices"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Application Support/SysEx Vault/devices"));
    }
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".config")))
        .map(|c| c.join("sysex-vault").join("devices"))
}

/// The shipped definitions, parsed once for the unit tests of this crate.
#[cfg(test)]
pub(crate) fn test_registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(Registry::shipped)
}

impl Registry {
    /// The shipped definitions only.
    pub fn shipped() -> Registry {
        Registry::from_texts(
            Vec::new(),
            SHIPPED
                .iter()
                .map(|(f, t)| (format!("built-in/{f}"), (*t).to_owned())),
        )
    }

    /// The shipped definitions and every `*.toml` in `folder` (a missing folder is not an error).
    pub fn load(folder: Option<&Path>) -> Registry {
        let mut user = Vec::new();
        let mut errors = Vec::new();
        if let Some(dir) = folder {
            match std::fs::read_dir(dir) {
                Ok(rd) => {
                    let mut paths: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                        .collect();
                    paths.sort();
                    for p in paths {
                        match std::fs::read_to_string(&p) {
                            Ok(t) => user.push((p.display().to_string(), t)),
                            Err(e) => errors.push(LoadError {
                                file: p.display().to_string(),
                                line: 0,
                                column: 0,
                                message: format!("cannot read: {e}"),
                            }),
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => errors.push(LoadError {
                    file: dir.display().to_string(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read the folder: {e}"),
                }),
            }
        }
        let mut r = Registry::from_texts(
            user,
            SHIPPED
                .iter()
                .map(|(f, t)| (format!("built-in/{f}"), (*t).to_owned())),
        );
        errors.append(&mut r.errors);
        r.errors = errors;
        r
    }

    /// Builds a registry from user texts (which win) and shipped texts.
    pub fn from_texts(
        user: Vec<(String, String)>,
        shipped: impl IntoIterator<Item = (String, String)>,
    ) -> Registry {
        let mut r = Registry::default();
        for (file, text) in user.into_iter().chain(shipped) {
            match definition::parse(&file, &text) {
                Ok(d) if r.defs.iter().any(|o| o.id == d.id) => {
                    if !file.starts_with("built-in/") {
                        r.errors.push(LoadError {
                            file,
                            line: 1,
                            column: 1,
                            message: format!(
                                "id `{}` is already defined; this file is skipped",
                                d.id
                            ),
                        });
                    }
                }
                Ok(d) => r.defs.push(d),
                Err(mut e) => r.errors.append(&mut e),
            }
        }
        r.reindex();
        r
    }

    /// Rebuilds the index [`Registry::identify`] looks headers up in.
    fn reindex(&mut self) {
        self.by_maker.clear();
        for (di, d) in self.defs.iter().enumerate() {
            for (mi, m) in d.messages.iter().enumerate() {
                let maker = match m.header.tokens().get(1) {
                    Some(pattern::Token::Byte(b)) => Some(*b),
                    _ => None,
                };
                self.by_maker.entry(maker).or_default().push((di, mi));
            }
        }
    }

    /// Every definition: the user's first, then the shipped ones.
    pub fn all(&self) -> &[Definition] {
        &self.defs
    }

    /// Problems found while loading.
    pub fn errors(&self) -> &[LoadError] {
        &self.errors
    }

    /// A definition by id.
    pub fn get(&self, id: &str) -> Option<&Definition> {
        self.defs.iter().find(|d| d.id == id)
    }

    /// The definition and message kind that know `msg` best: the most specific header wins
    /// (ties go to the first definition: the user's before the shipped ones).
    pub fn identify(&self, msg: &[u8]) -> Option<(&Definition, &MessageDef, Fields)> {
        // Only the headers that can match the message's second byte are tried, in registry
        // order (the two lists merged), so ties go to the same definition as a full scan.
        let none: &[(usize, usize)] = &[];
        let fixed = msg
            .get(1)
            .and_then(|b| self.by_maker.get(&Some(*b)))
            .map_or(none, Vec::as_slice);
        let open = self.by_maker.get(&None).map_or(none, Vec::as_slice);
        let (mut i, mut j) = (0, 0);
        let mut best: Option<(&Definition, &MessageDef, Fields, u32)> = None;
        while i < fixed.len() || j < open.len() {
            let next = match (fixed.get(i), open.get(j)) {
                (Some(a), Some(b)) if a <= b => {
                    i += 1;
                    *a
                }
                (Some(a), None) => {
                    i += 1;
                    *a
                }
                (_, Some(b)) => {
                    j += 1;
                    *b
                }
                (None, None) => break,
            };
            let (d, m) = (&self.defs[next.0], &self.defs[next.0].messages[next.1]);
            let Some(f) = d.matches(m, msg) else { continue };
            let s = m.header.specificity();
            if best.as_ref().is_none_or(|b| s > b.3) {
                best = Some((d, m, f, s));
            }
        }
        best.map(|(d, m, f, _)| (d, m, f))
    }

    /// Recognises a message (always succeeds: unknown messages are named by maker and size).
    pub fn recognise(&self, msg: &SysEx<'_>) -> Recognised {
        let bytes = msg.as_bytes();
        if let Some((d, m, f)) = self.identify(bytes) {
            return d.describe(m, f, bytes);
        }
        if let Some(identity::IdentityMatch {
            reply: r,
            definition: Some(d),
        }) = self.match_identity_reply(bytes)
        {
            return Recognised {
                definition: d.id.clone(),
                message: None,
                device: d.name.clone(),
                kind: MessageKind::Identity,
                program: None,
                bank: None,
                channel: None,
                device_id: Some(r.device_id.get()),
                preset_names: Vec::new(),
                checksum: ChecksumStatus::NotApplicable,
                detail: format!(
                    "Identity reply: {}, device {:02X}, version {:02X} {:02X} {:02X} {:02X}",
                    d.name,
                    r.device_id.get(),
                    r.version[0],
                    r.version[1],
                    r.version[2],
                    r.version[3]
                ),
            };
        }
        generic(msg)
    }

    /// A copy of `msg` with its checksum corrected, when a definition knows the checksum and it
    /// is wrong. Never called implicitly: fixing a checksum is the user's decision.
    pub fn fix_checksum(&self, msg: &[u8]) -> Option<Vec<u8>> {
        let (d, m, _) = self.identify(msg)?;
        let c = m.checksum.as_ref()?;
        let decoded = d.decoded(m, msg);
        if !matches!(
            c.status(msg, decoded.as_deref()),
            ChecksumStatus::Invalid { .. }
        ) {
            return None;
        }
        let mut out = msg.to_vec();
        c.write(&mut out, decoded.as_deref()).then_some(out)
    }
}

/// What is said about a message no definition knows: its maker (or universal meaning) and size.
pub fn generic(msg: &SysEx<'_>) -> Recognised {
    let device = msg
        .manufacturer()
        .map_or_else(|| "No manufacturer ID".to_owned(), manufacturer::describe);
    let (kind, detail) = match universal::decode(msg) {
        Some(Universal::IdentityRequest { device_id }) => (
            MessageKind::Identity,
            format!("Identity request to device {:02X}", device_id.get()),
        ),
        Some(Universal::IdentityReply(r)) => (
            MessageKind::Identity,
            format!(
                "Identity reply: {}, family {:04X}, model {:04X}, version {:02X} {:02X} {:02X} {:02X}",
                manufacturer::describe(r.manufacturer),
                r.family,
                r.model,
                r.version[0],
                r.version[1],
                r.version[2],
                r.version[3]
            ),
        ),
        Some(Universal::Other { name, .. }) => (MessageKind::Other, name.to_owned()),
        None => (MessageKind::Other, format!("{} bytes", msg.len())),
    };
    Recognised {
        definition: GENERIC.to_owned(),
        message: None,
        device,
        kind,
        program: None,
        bank: None,
        channel: None,
        device_id: None,
        preset_names: Vec::new(),
        checksum: ChecksumStatus::NotApplicable,
        detail,
    }
}

/// Why a request could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The definition has no request with that id.
    Unknown(String),
    /// A field is missing or out of range.
    Fill(pattern::FillError),
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestError::Unknown(id) => write!(f, "no request `{id}` in this definition"),
            RequestError::Fill(e) => write!(f, "the request {e}"),
        }
    }
}

impl Definition {
    /// The fields of `msg` if it is message kind `m` of this definition.
    pub fn matches(&self, m: &MessageDef, msg: &[u8]) -> Option<Fields> {
        if msg.len() < m.length.0 || msg.len() > m.length.1 || msg.last() != Some(&0xF7) {
            return None;
        }
        let f = m.header.matches(msg)?;
        if m.identify_by_checksum {
            let c = m.checksum.as_ref()?;
            if c.status(msg, self.decoded(m, msg).as_deref()) != ChecksumStatus::Valid {
                return None;
            }
        }
        Some(f)
    }

    /// A message kind by id.
    pub fn message(&self, id: &str) -> Option<&MessageDef> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The ids of the requests, for messages (`none` when there is none).
    pub fn request_ids(&self) -> String {
        if self.requests.is_empty() {
            return "none".into();
        }
        let ids: Vec<&str> = self.requests.iter().map(|r| r.id.as_str()).collect();
        ids.join(", ")
    }

    /// A request by id.
    pub fn request_def(&self, id: &str) -> Option<&RequestDef> {
        self.requests.iter().find(|r| r.id == id)
    }

    /// The decoded data of `msg` (message kind `m`), if it has data and it decodes.
    pub fn decoded(&self, m: &MessageDef, msg: &[u8]) -> Option<Vec<u8>> {
        let d = m.data?;
        let from = resolve(d.from, msg.len())?;
        let to = resolve(d.to, msg.len())?;
        d.encoding.decode(msg.get(from..to)?).ok()
    }

    /// Fields to use in requests and built messages: the definition's device ID and channel 1
    /// unless `given` says otherwise.
    pub fn default_fields(&self, given: Fields) -> Fields {
        Fields {
            channel: given.channel.or(Some(0)),
            device: given.device.or(self.device_id).or(Some(0x10)),
            ..given
        }
    }

    /// The bytes of a dump request: one or more messages, fields filled in, checksums computed.
    pub fn request(&self, id: &str, fields: Fields) -> Result<Vec<Vec<u8>>, RequestError> {
        let r = self
            .request_def(id)
            .ok_or_else(|| RequestError::Unknown(id.to_owned()))?;
        let fields = self.default_fields(fields);
        r.messages
            .iter()
            .map(|p| {
                let mut bytes = p.fill(&fields).map_err(RequestError::Fill)?;
                if let (Some((rule, from)), Some(at)) = (r.checksum, p.position(Token::Checksum)) {
                    bytes[at] = rule.compute(0, bytes.get(from..at).unwrap_or(&[]));
                }
                Ok(bytes)
            })
            .collect()
    }

    /// Describes `msg`, known to be message kind `m` with fields `f`.
    pub fn describe(&self, m: &MessageDef, f: Fields, msg: &[u8]) -> Recognised {
        let decoded = self.decoded(m, msg);
        let checksum = m
            .checksum
            .as_ref()
            .map_or(ChecksumStatus::NotApplicable, |c| {
                c.status(msg, decoded.as_deref())
            });
        let preset_names = match (&m.slots, &decoded) {
            (Some(s), Some(data)) => (0..s.count)
                .map_while(|i| {
                    let slot = data.get(s.offset + i * s.stride..s.offset + (i + 1) * s.stride)?;
                    s.name.as_ref().and_then(|n| n.read(slot))
                })
                .collect(),
            (None, Some(data)) => m
                .name
                .as_ref()
                .and_then(|n| n.read(data))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        };
        let mut detail = m.label.clone();
        if let Some(ch) = f.channel {
            detail += &format!(", channel {}", ch + 1);
        }
        if let Some(dev) = f.device {
            detail += &format!(", device ID {dev:02X}");
        }
        if let Some(b) = f.bank {
            detail += &format!(", bank {b}");
        }
        if let Some(p) = f.program {
            detail += &format!(", program {p}");
        }
        if let Some((at, len)) = m.address {
            if let Some(a) = msg.get(at..at + len) {
                let a: Vec<String> = a.iter().map(|b| format!("{b:02X}")).collect();
                detail += &format!(", address {}", a.join(" "));
            }
        }
        if m.data.is_some() && decoded.is_none() {
            detail += ", data does not decode";
        }
        Recognised {
            definition: self.id.clone(),
            message: Some(m.id.clone()),
            device: self.name.clone(),
            kind: m.kind,
            program: f.program,
            bank: f.bank,
            channel: f.channel,
            device_id: f.device,
            preset_names,
            checksum,
            detail,
        }
    }

    /// Writes message kind `m` from fields and decoded data: header, encoded data, checksum, `F7`.
    pub fn build(&self, m: &MessageDef, fields: &Fields, data: &[u8]) -> Result<Vec<u8>, String> {
        let d = m.data.ok_or_else(|| format!("`{}` has no data", m.id))?;
        let mut out = m
            .header
            .fill(fields)
            .map_err(|e| format!("`{}` {e}", m.id))?;
        out.extend(d.encoding.encode(data));
        if d.to == -2 {
            out.push(0);
        }
        out.push(0xF7);
        if out.len() < m.length.0 || out.len() > m.length.1 {
            return Err(format!(
                "{} bytes of data make a {}-byte `{}`, outside its length",
                data.len(),
                out.len(),
                m.id
            ));
        }
        if d.to == -2 {
            if let Some(c) = &m.checksum {
                c.write(&mut out, Some(data));
            }
        }
        Ok(out)
    }
}

/// Groups messages into patches by the program number the definitions find in them: a run of
/// messages with the same program (a JV-1080 patch is five) is one patch. `None` when some
/// message carries no program number.
pub fn group_by_program(registry: &Registry, messages: &[Vec<u8>]) -> Option<Vec<Vec<Vec<u8>>>> {
    let mut groups: Vec<(u16, Option<u8>, Vec<Vec<u8>>)> = Vec::new();
    for m in messages {
        let (_, _, f) = registry.identify(m)?;
        let p = f.program?;
        match groups.last_mut() {
            Some((lp, lb, g)) if *lp == p && *lb == f.bank => g.push(m.clone()),
            _ => groups.push((p, f.bank, vec![m.clone()])),
        }
    }
    Some(groups.into_iter().map(|(_, _, g)| g).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_kinds_keep_their_saved_positions() {
        // Libraries store the kind by position (postcard): the kinds of library format 1 and 2
        // must keep theirs.
        let saved = [
            MessageKind::SinglePreset,
            MessageKind::Bank,
            MessageKind::Global,
            MessageKind::Firmware,
            MessageKind::Data,
            MessageKind::Request,
            MessageKind::Identity,
            MessageKind::Other,
            MessageKind::EditBuffer,
            MessageKind::Reply,
        ];
        for (i, k) in saved.into_iter().enumerate() {
            assert_eq!(postcard::to_allocvec(&k).unwrap(), vec![i as u8], "{k:?}");
        }
    }

    #[test]
    fn every_file_in_devices_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("devices");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = SHIPPED.iter().map(|(f, _)| (*f).to_owned()).collect();
        shipped.sort();
        assert_eq!(on_disk, shipped);
    }

    #[test]
    fn shipped_definitions_load_without_errors() {
        let r = Registry::shipped();
        assert!(r.errors().is_empty(), "{:#?}", r.errors());
        assert_eq!(r.all().len(), SHIPPED.len());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let text = "id = \"x\"\nname = \"X\"\nmaker = \"X\"\nsources = [\"s\"]\n[[message]]\nid = \"a\"\nlabel = \"A\"\nkind = \"program\"\nheader = \"F0 43 zz\"\n";
        let r = Registry::from_texts(vec![("mine.toml".into(), text.into())], Vec::new());
        let e = &r.errors()[0];
        assert_eq!((e.file.as_str(), e.line, e.column), ("mine.toml", 9, 10));
        assert!(e.message.contains("`zz`"), "{e}");
        let r = Registry::from_texts(vec![("bad.toml".into(), "id = 3\n".into())], Vec::new());
        assert_eq!(r.errors()[0].line, 1);
        assert!(r.all().is_empty());
    }
}
#[cfg(test)]
mod index_tests;
