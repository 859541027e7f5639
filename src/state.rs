//! The library's saved form: versioned, compressed, and safe to read from anywhere.
//!
//! Layout of a blob: the 4-byte magic `SXVL`, a little-endian `u16` format version, a
//! little-endian `u64` with the uncompressed payload length, then the payload compressed with
//! zstd. The payload is the [`Library`] encoded with postcard (compact binary, SysEx bytes stored
//! as they are); version 5 gave program-change mappings a channel, a bank select and an
//! interrupt choice (older mappings read as "any channel"), version 4 added favourites and notes, version 3 where the synth keeps an entry
//! (recall by program change), version 2 each entry's tags, version 1 had none of these. Inside the plugin state
//! the blob is stored as base64 text, because the plugin framework keeps persisted fields as JSON
//! strings.
//!
//! Migrations: each version keeps its decoder; [`decode`] reads any version up to
//! [`CURRENT_VERSION`] and converts it to today's [`Library`]. A newer version, a corrupt blob,
//! or one that would expand past [`MAX_DECODED_BYTES`] (a decompression bomb) is an error; the
//! caller keeps such a blob verbatim.

use crate::library::Library;
#[cfg(test)]
use crate::library::ProgramMap;
use base64::Engine;
use std::fmt;
use std::io::Read;

/// First bytes of every library blob.
pub const MAGIC: &[u8; 4] = b"SXVL";
/// The format version this build writes.
pub const CURRENT_VERSION: u16 = 5;
/// Largest payload a blob may expand to (1 GiB); larger claims are refused before inflating.
pub const MAX_DECODED_BYTES: u64 = 1 << 30;
/// zstd level used for saving: fast, and SysEx compresses well at it.
pub const ZSTD_LEVEL: i32 = 3;
const HEADER_LEN: usize = 4 + 2 + 8;

/// Why a saved library could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateError {
    /// The text is not base64.
    NotBase64 {
        /// The decoder's explanation.
        cause: String,
    },
    /// Too short, or the magic bytes are wrong.
    NotALibrary,
    /// Written by a newer SysEx Vault.
    FutureVersion {
        /// The version in the blob.
        found: u16,
    },
    /// The payload claims to expand beyond [`MAX_DECODED_BYTES`].
    TooLarge {
        /// The claimed size.
        claimed: u64,
    },
    /// The payload does not decode.
    Corrupt {
        /// What went wrong.
        cause: String,
    },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::NotBase64 { cause } => write!(f, "saved library is not base64 text: {cause}"),
            StateError::NotALibrary => write!(f, "saved data is not a SysEx Vault library"),
            StateError::FutureVersion { found } => write!(
                f,
                "saved library has format version {found}, this SysEx Vault reads up to {CURRENT_VERSION}: update the plugin"
            ),
            StateError::TooLarge { claimed } => write!(
                f,
                "saved library claims {claimed} bytes, over the {MAX_DECODED_BYTES}-byte limit; refused"
            ),
            StateError::Corrupt { cause } => write!(f, "saved library is damaged: {cause}"),
        }
    }
}

impl std::error::Error for StateError {}

/// Why a library cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// Bytes its payload would take.
    pub payload: u64,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the library would take {} bytes, over the {MAX_DECODED_BYTES}-byte limit that SysEx Vault reads back; nothing was written",
            self.payload
        )
    }
}

/// Encodes a library as a blob, refusing one that [`decode`] would refuse to read back.
pub fn try_encode(library: &Library) -> Result<Vec<u8>, TooLarge> {
    let blob = encode(library);
    let mut len = [0u8; 8];
    len.copy_from_slice(&blob[6..HEADER_LEN]);
    let payload = u64::from_le_bytes(len);
    if payload > MAX_DECODED_BYTES {
        return Err(TooLarge { payload });
    }
    Ok(blob)
}

/// Encodes a library as a blob.
pub fn encode(library: &Library) -> Vec<u8> {
    // Encoding into memory cannot fail for these types.
    let payload = postcard::to_stdvec(library).unwrap_or_default();
    let compressed = zstd::bulk::compress(&payload, ZSTD_LEVEL).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + compressed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&CURRENT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&compressed);
    out
}

/// Decodes a blob of any supported version.
pub fn decode(blob: &[u8]) -> Result<Library, StateError> {
    if blob.len() < HEADER_LEN || &blob[..4] != MAGIC {
        return Err(StateError::NotALibrary);
    }
    let version = u16::from_le_bytes([blob[4], blob[5]]);
    let mut len = [0u8; 8];
    len.copy_from_slice(&blob[6..14]);
    let claimed = u64::from_le_bytes(len);
    if version > CURRENT_VERSION || version == 0 {
        return Err(StateError::FutureVersion { found: version });
    }
    if claimed > MAX_DECODED_BYTES {
        return Err(StateError::TooLarge { claimed });
    }
    let payload = inflate(&blob[HEADER_LEN..], claimed)?;
    let corrupt = |e: postcard::Error| StateError::Corrupt {
        cause: e.to_string(),
    };
    match version {
        1 => postcard::from_bytes::<v1::Library>(&payload)
            .map(Library::from)
            .map_err(corrupt),
        2 => postcard::from_bytes::<v2::Library>(&payload)
            .map(Library::from)
            .map_err(corrupt),
        3 => postcard::from_bytes::<v3::Library>(&payload)
            .map(Library::from)
            .map_err(corrupt),
        4 => postcard::from_bytes::<v4::Library>(&payload)
            .map(Library::from)
            .map_err(corrupt),
        5 => postcard::from_bytes::<Library>(&payload).map_err(corrupt),
        found => Err(StateError::FutureVersion { found }),
    }
}

/// Format version 1: entries without tags. Kept to read old projects and library files.
mod v1 {
    use crate::devices::MessageKind;
    use crate::library::entry::{EntryId, ProgramMap, Source};
    use serde::Deserialize;

    /// A version 1 entry, field for field.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Entry {
        id: EntryId,
        name: String,
        messages: Vec<Vec<u8>>,
        unterminated: Vec<Vec<u8>>,
        lost_messages: u64,
        created_unix_ms: u64,
        source: Source,
        device: String,
        profile: String,
        kind: MessageKind,
        invalid_checksums: u32,
        hash: u64,
        duplicate_of: Option<EntryId>,
        recall_on_load: bool,
        program_change: Option<u8>,
    }

    /// A version 1 library.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Library {
        entries: Vec<Entry>,
        next_id: EntryId,
    }

    /// The blob a version 1 build wrote for `library` (its tags dropped), for tests.
    #[cfg(test)]
    pub fn encode(library: &crate::library::Library) -> Vec<u8> {
        let old = Library {
            entries: library
                .entries
                .iter()
                .map(|e| Entry {
                    id: e.id,
                    name: e.name.clone(),
                    messages: e.messages.clone(),
                    unterminated: e.unterminated.clone(),
                    lost_messages: e.lost_messages,
                    created_unix_ms: e.created_unix_ms,
                    source: e.source.clone(),
                    device: e.device.clone(),
                    profile: e.profile.clone(),
                    kind: e.kind,
                    invalid_checksums: e.invalid_checksums,
                    hash: e.hash,
                    duplicate_of: e.duplicate_of,
                    recall_on_load: e.recall_on_load,
                    program_change: e.program_change.map(|m| m.program),
                })
                .collect(),
            next_id: library.next_id,
        };
        let payload = postcard::to_stdvec(&old).unwrap();
        let mut blob = super::MAGIC.to_vec();
        blob.extend(1u16.to_le_bytes());
        blob.extend((payload.len() as u64).to_le_bytes());
        blob.extend(zstd::bulk::compress(&payload, 3).unwrap());
        blob
    }

    impl From<Library> for crate::library::Library {
        fn from(old: Library) -> Self {
            crate::library::Library {
                entries: old
                    .entries
                    .into_iter()
                    .map(|e| crate::library::Entry {
                        id: e.id,
                        name: e.name,
                        messages: e.messages,
                        unterminated: e.unterminated,
                        lost_messages: e.lost_messages,
                        created_unix_ms: e.created_unix_ms,
                        source: e.source,
                        device: e.device,
                        profile: e.profile,
                        kind: e.kind,
                        invalid_checksums: e.invalid_checksums,
                        hash: e.hash,
                        duplicate_of: e.duplicate_of,
                        recall_on_load: e.recall_on_load,
                        program_change: e.program_change.map(ProgramMap::any),
                        tags: Vec::new(),
                        stored_at: None,
                        favourite: false,
                        note: String::new(),
                    })
                    .collect(),
                next_id: old.next_id,
            }
        }
    }
}

/// Format version 2: entries with tags, without a program location. Kept to read projects and
/// library files of that version.
mod v2 {
    use crate::devices::MessageKind;
    use crate::library::entry::{EntryId, ProgramMap, Source};
    use serde::Deserialize;

    /// A version 2 entry, field for field.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Entry {
        id: EntryId,
        name: String,
        messages: Vec<Vec<u8>>,
        unterminated: Vec<Vec<u8>>,
        lost_messages: u64,
        created_unix_ms: u64,
        source: Source,
        device: String,
        profile: String,
        kind: MessageKind,
        invalid_checksums: u32,
        hash: u64,
        duplicate_of: Option<EntryId>,
        recall_on_load: bool,
        program_change: Option<u8>,
        tags: Vec<String>,
    }

    /// A version 2 library.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Library {
        entries: Vec<Entry>,
        next_id: EntryId,
    }

    /// The blob a version 2 build wrote for `library` (program locations dropped), for tests.
    #[cfg(test)]
    pub fn encode(library: &crate::library::Library) -> Vec<u8> {
        let old = Library {
            entries: library
                .entries
                .iter()
                .map(|e| Entry {
                    id: e.id,
                    name: e.name.clone(),
                    messages: e.messages.clone(),
                    unterminated: e.unterminated.clone(),
                    lost_messages: e.lost_messages,
                    created_unix_ms: e.created_unix_ms,
                    source: e.source.clone(),
                    device: e.device.clone(),
                    profile: e.profile.clone(),
                    kind: e.kind,
                    invalid_checksums: e.invalid_checksums,
                    hash: e.hash,
                    duplicate_of: e.duplicate_of,
                    recall_on_load: e.recall_on_load,
                    program_change: e.program_change.map(|m| m.program),
                    tags: e.tags.clone(),
                })
                .collect(),
            next_id: library.next_id,
        };
        let payload = postcard::to_stdvec(&old).unwrap();
        let mut blob = super::MAGIC.to_vec();
        blob.extend(2u16.to_le_bytes());
        blob.extend((payload.len() as u64).to_le_bytes());
        blob.extend(zstd::bulk::compress(&payload, 3).unwrap());
        blob
    }

    impl From<Library> for crate::library::Library {
        fn from(old: Library) -> Self {
            crate::library::Library {
                entries: old
                    .entries
                    .into_iter()
                    .map(|e| crate::library::Entry {
                        id: e.id,
                        name: e.name,
                        messages: e.messages,
                        unterminated: e.unterminated,
                        lost_messages: e.lost_messages,
                        created_unix_ms: e.created_unix_ms,
                        source: e.source,
                        device: e.device,
                        profile: e.profile,
                        kind: e.kind,
                        invalid_checksums: e.invalid_checksums,
                        hash: e.hash,
                        duplicate_of: e.duplicate_of,
                        recall_on_load: e.recall_on_load,
                        program_change: e.program_change.map(ProgramMap::any),
                        tags: e.tags,
                        stored_at: None,
                        favourite: false,
                        note: String::new(),
                    })
                    .collect(),
                next_id: old.next_id,
            }
        }
    }
}

/// Format version 3: entries with tags and a program location, without favourites and notes.
/// Kept to read projects and library files of that version.
mod v3 {
    use crate::devices::MessageKind;
    use crate::library::entry::{EntryId, ProgramMap, Source, StoredAt};
    use serde::Deserialize;

    /// A version 3 entry, field for field.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Entry {
        id: EntryId,
        name: String,
        messages: Vec<Vec<u8>>,
        unterminated: Vec<Vec<u8>>,
        lost_messages: u64,
        created_unix_ms: u64,
        source: Source,
        device: String,
        profile: String,
        kind: MessageKind,
        invalid_checksums: u32,
        hash: u64,
        duplicate_of: Option<EntryId>,
        recall_on_load: bool,
        program_change: Option<u8>,
        tags: Vec<String>,
        stored_at: Option<StoredAt>,
    }

    /// A version 3 library.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Library {
        entries: Vec<Entry>,
        next_id: EntryId,
    }

    /// The blob a version 3 build wrote for `library` (favourites and notes dropped), for tests.
    #[cfg(test)]
    pub fn encode(library: &crate::library::Library) -> Vec<u8> {
        let old = Library {
            entries: library
                .entries
                .iter()
                .map(|e| Entry {
                    id: e.id,
                    name: e.name.clone(),
                    messages: e.messages.clone(),
                    unterminated: e.unterminated.clone(),
                    lost_messages: e.lost_messages,
                    created_unix_ms: e.created_unix_ms,
                    source: e.source.clone(),
                    device: e.device.clone(),
                    profile: e.profile.clone(),
                    kind: e.kind,
                    invalid_checksums: e.invalid_checksums,
                    hash: e.hash,
                    duplicate_of: e.duplicate_of,
                    recall_on_load: e.recall_on_load,
                    program_change: e.program_change.map(|m| m.program),
                    tags: e.tags.clone(),
                    stored_at: e.stored_at,
                })
                .collect(),
            next_id: library.next_id,
        };
        let payload = postcard::to_stdvec(&old).unwrap();
        let mut blob = super::MAGIC.to_vec();
        blob.extend(3u16.to_le_bytes());
        blob.extend((payload.len() as u64).to_le_bytes());
        blob.extend(zstd::bulk::compress(&payload, 3).unwrap());
        blob
    }

    impl From<Library> for crate::library::Library {
        fn from(old: Library) -> Self {
            crate::library::Library {
                entries: old
                    .entries
                    .into_iter()
                    .map(|e| crate::library::Entry {
                        id: e.id,
                        name: e.name,
                        messages: e.messages,
                        unterminated: e.unterminated,
                        lost_messages: e.lost_messages,
                        created_unix_ms: e.created_unix_ms,
                        source: e.source,
                        device: e.device,
                        profile: e.profile,
                        kind: e.kind,
                        invalid_checksums: e.invalid_checksums,
                        hash: e.hash,
                        duplicate_of: e.duplicate_of,
                        recall_on_load: e.recall_on_load,
                        program_change: e.program_change.map(ProgramMap::any),
                        tags: e.tags,
                        stored_at: e.stored_at,
                        favourite: false,
                        note: String::new(),
                    })
                    .collect(),
                next_id: old.next_id,
            }
        }
    }
}

/// Format version 4: program-change mappings without channel or bank. Kept to read old
/// projects and library files.
mod v4 {
    use crate::devices::MessageKind;
    use crate::library::entry::{EntryId, ProgramMap, Source, StoredAt};
    use serde::Deserialize;

    /// A version 4 entry, field for field.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Entry {
        id: EntryId,
        name: String,
        messages: Vec<Vec<u8>>,
        unterminated: Vec<Vec<u8>>,
        lost_messages: u64,
        created_unix_ms: u64,
        source: Source,
        device: String,
        profile: String,
        kind: MessageKind,
        invalid_checksums: u32,
        hash: u64,
        duplicate_of: Option<EntryId>,
        recall_on_load: bool,
        program_change: Option<u8>,
        tags: Vec<String>,
        stored_at: Option<StoredAt>,
        favourite: bool,
        note: String,
    }

    /// A version 4 library.
    #[derive(Deserialize)]
    #[cfg_attr(test, derive(serde::Serialize))]
    pub struct Library {
        entries: Vec<Entry>,
        next_id: EntryId,
    }

    /// The blob a version 4 build wrote for `library` (mappings reduced to their program number), for tests.
    #[cfg(test)]
    pub fn encode(library: &crate::library::Library) -> Vec<u8> {
        let old = Library {
            entries: library
                .entries
                .iter()
                .map(|e| Entry {
                    id: e.id,
                    name: e.name.clone(),
                    messages: e.messages.clone(),
                    unterminated: e.unterminated.clone(),
                    lost_messages: e.lost_messages,
                    created_unix_ms: e.created_unix_ms,
                    source: e.source.clone(),
                    device: e.device.clone(),
                    profile: e.profile.clone(),
                    kind: e.kind,
                    invalid_checksums: e.invalid_checksums,
                    hash: e.hash,
                    duplicate_of: e.duplicate_of,
                    recall_on_load: e.recall_on_load,
                    program_change: e.program_change.map(|m| m.program),
                    tags: e.tags.clone(),
                    stored_at: e.stored_at,
                    favourite: e.favourite,
                    note: e.note.clone(),
                })
                .collect(),
            next_id: library.next_id,
        };
        let payload = postcard::to_stdvec(&old).unwrap();
        let mut blob = super::MAGIC.to_vec();
        blob.extend(4u16.to_le_bytes());
        blob.extend((payload.len() as u64).to_le_bytes());
        blob.extend(zstd::bulk::compress(&payload, 3).unwrap());
        blob
    }

    impl From<Library> for crate::library::Library {
        fn from(old: Library) -> Self {
            crate::library::Library {
                entries: old
                    .entries
                    .into_iter()
                    .map(|e| crate::library::Entry {
                        id: e.id,
                        name: e.name,
                        messages: e.messages,
                        unterminated: e.unterminated,
                        lost_messages: e.lost_messages,
                        created_unix_ms: e.created_unix_ms,
                        source: e.source,
                        device: e.device,
                        profile: e.profile,
                        kind: e.kind,
                        invalid_checksums: e.invalid_checksums,
                        hash: e.hash,
                        duplicate_of: e.duplicate_of,
                        recall_on_load: e.recall_on_load,
                        program_change: e.program_change.map(ProgramMap::any),
                        tags: e.tags,
                        stored_at: e.stored_at,
                        favourite: e.favourite,
                        note: e.note,
                    })
                    .collect(),
                next_id: old.next_id,
            }
        }
    }
}

/// Inflates at most `claimed` bytes and insists on exactly that many.
fn inflate(compressed: &[u8], claimed: u64) -> Result<Vec<u8>, StateError> {
    let corrupt = |cause: String| StateError::Corrupt { cause };
    let decoder =
        zstd::stream::read::Decoder::new(compressed).map_err(|e| corrupt(e.to_string()))?;
    let mut payload = Vec::with_capacity(claimed.min(64 << 20) as usize);
    decoder
        .take(claimed + 1)
        .read_to_end(&mut payload)
        .map_err(|e| corrupt(e.to_string()))?;
    if payload.len() as u64 != claimed {
        return Err(corrupt(format!(
            "payload is {} bytes, header says {claimed}",
            payload.len()
        )));
    }
    Ok(payload)
}

/// Encodes a library as base64 text (the form stored in plugin state).
pub fn encode_text(library: &Library) -> String {
    base64::engine::general_purpose::STANDARD.encode(encode(library))
}

/// Decodes base64 text written by [`encode_text`].
pub fn decode_text(text: &str) -> Result<Library, StateError> {
    let blob = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| StateError::NotBase64 {
            cause: e.to_string(),
        })?;
    decode(&blob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Entry, Source};
    use proptest::prelude::*;

    fn library() -> Library {
        let mut lib = Library::default();
        lib.add(Entry::new(
            vec![vec![0xF0, 0x43, 0x00, 0xF7]],
            Source::Capture,
            1,
        ));
        let mut e = Entry::new(
            vec![vec![0xF0, 0x04, 0x01, 0xF7]; 3],
            Source::Import("a.syx".into()),
            2,
        );
        e.unterminated.push(vec![0xF0, 0x04]);
        e.recall_on_load = true;
        e.program_change = Some(ProgramMap::any(5));
        lib.add(e);
        lib
    }

    #[test]
    fn round_trip() {
        let lib = library();
        assert_eq!(decode(&encode(&lib)).unwrap(), lib);
        assert_eq!(decode_text(&encode_text(&lib)).unwrap(), lib);
    }

    #[test]
    fn future_versions_and_garbage_are_refused_with_reasons() {
        let mut blob = encode(&library());
        blob[4] = (CURRENT_VERSION + 1) as u8;
        assert_eq!(
            decode(&blob),
            Err(StateError::FutureVersion {
                found: CURRENT_VERSION + 1
            })
        );
        assert_eq!(
            decode(b"hello world, not a library"),
            Err(StateError::NotALibrary)
        );
        assert!(matches!(
            decode_text("***"),
            Err(StateError::NotBase64 { .. })
        ));
        let mut blob = encode(&library());
        let n = blob.len();
        blob.truncate(n - 3);
        assert!(matches!(decode(&blob), Err(StateError::Corrupt { .. })));
    }

    #[test]
    fn older_versions_load_and_each_keeps_what_it_had() {
        let mut lib = library();
        let old = v1::encode(&lib);
        assert_eq!(u16::from_le_bytes([old[4], old[5]]), 1);
        assert_eq!(decode(&old).unwrap(), lib);
        lib.entries[0].tags = vec!["favourite".into(), "pads".into()];
        let v2 = v2::encode(&lib);
        assert_eq!(u16::from_le_bytes([v2[4], v2[5]]), 2);
        assert_eq!(decode(&v2).unwrap(), lib, "version 2 keeps its tags");
        lib.entries[0].stored_at = Some(crate::library::StoredAt {
            channel: 1,
            bank_msb: Some(0),
            bank_lsb: Some(2),
            program: 9,
        });
        let v3 = v3::encode(&lib);
        assert_eq!(u16::from_le_bytes([v3[4], v3[5]]), 3);
        assert_eq!(
            decode(&v3).unwrap(),
            lib,
            "version 3 keeps its program location"
        );
        lib.entries[0].favourite = true;
        lib.entries[0].note = "second verse, needs aftertouch".into();
        let v4 = v4::encode(&lib);
        assert_eq!(u16::from_le_bytes([v4[4], v4[5]]), 4);
        assert_eq!(
            decode(&v4).unwrap(),
            lib,
            "version 4 keeps favourites and notes"
        );
        lib.entries[1].program_change = Some(ProgramMap {
            program: 5,
            channel: Some(9),
            bank_msb: Some(1),
            bank_lsb: None,
            interrupt: true,
        });
        let blob = try_encode(&lib).unwrap();
        assert_eq!(u16::from_le_bytes([blob[4], blob[5]]), 5);
        assert_eq!(
            decode(&blob).unwrap(),
            lib,
            "version 5 keeps channel, bank and interrupt"
        );
    }

    #[test]
    fn decompression_bomb_is_refused() {
        // 2 GiB of zeros compress to a few KiB; the header's claim is checked before inflating.
        let mut blob = MAGIC.to_vec();
        blob.extend(1u16.to_le_bytes());
        blob.extend((2u64 << 30).to_le_bytes());
        blob.extend(zstd::bulk::compress(&vec![0u8; 1 << 20], 19).unwrap());
        assert_eq!(
            decode(&blob),
            Err(StateError::TooLarge { claimed: 2 << 30 })
        );
        // A header that lies low: inflation stops one byte past the claim.
        let mut blob = MAGIC.to_vec();
        blob.extend(1u16.to_le_bytes());
        blob.extend(10u64.to_le_bytes());
        blob.extend(zstd::bulk::compress(&vec![0u8; 1 << 20], 19).unwrap());
        assert!(matches!(decode(&blob), Err(StateError::Corrupt { .. })));
    }

    fn arb_entry() -> impl Strategy<Value = Entry> {
        (
            proptest::collection::vec(proptest::collection::vec(0u8..0x80, 0..20), 0..4),
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..8), 0..2),
            any::<u64>(),
            ".{0,12}",
            any::<bool>(),
            proptest::option::of(0u8..128),
        )
            .prop_map(|(bodies, unterminated, lost, name, recall, pc)| {
                let msgs = bodies
                    .into_iter()
                    .map(|b| [vec![0xF0], b, vec![0xF7]].concat())
                    .collect();
                let mut e = Entry::new(msgs, Source::Import(name.clone()), lost);
                e.name = name;
                e.unterminated = unterminated;
                e.lost_messages = lost;
                e.recall_on_load = recall;
                e.program_change = pc.map(ProgramMap::any);
                e.favourite = recall;
                e.note = format!("{} {lost}", e.name);
                e
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn encode_decode_is_identity(entries in proptest::collection::vec(arb_entry(), 0..5)) {
            let mut lib = Library::default();
            for e in entries {
                lib.add(e);
            }
            prop_assert_eq!(decode(&encode(&lib)).unwrap(), lib);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn decode_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..64), version in 0u16..7, claimed in 0u64..4096) {
            let mut blob = MAGIC.to_vec();
            blob.extend(version.to_le_bytes());
            blob.extend(claimed.to_le_bytes());
            blob.extend(tail);
            if let Ok(lib) = decode(&blob) {
                // Whatever decodes came out of at most `claimed` payload bytes.
                prop_assert!(lib.byte_len() as u64 <= claimed);
            }
        }
    }
}
