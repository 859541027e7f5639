//! The library's saved form: versioned, compressed, and safe to read from anywhere.
//!
//! Layout of a blob: the 4-byte magic `SXVL`, a little-endian `u16` format version, a
//! little-endian `u64` with the uncompressed payload length, then the payload compressed with
//! zstd. The payload is the [`Library`] encoded with postcard (compact binary, SysEx bytes stored
//! as they are). Inside the plugin state the blob is stored as base64 text, because the plugin
//! framework keeps persisted fields as JSON strings.
//!
//! The formats, oldest first: 1 had entries without tags; 2 added each entry's tags; 3 where the
//! synth keeps an entry (recall by program change); 4 favourites and notes; 5 gave
//! program-change mappings a channel, a bank select and an interrupt choice.
//!
//! Migrations are a chain. Each older format keeps its types in a module of its own (`v1` to
//! `v4`, in `crates/core/src/state/`) with one [`From`] conversion to the next format, which knows only the
//! two formats it joins; format 5 is today's, so its types are [`Library`] and
//! [`Entry`](crate::library::Entry) themselves, and `v4` converts to them. [`decode`] reads
//! format N as `vN` and walks it up the chain one format at a time. A newer version, a corrupt
//! blob, or one that would expand past [`MAX_DECODED_BYTES`] (a decompression bomb) is an
//! error; the caller keeps such a blob verbatim.
//!
//! A new format 6: copy today's `Entry` and `Library` into `crates/core/src/state/v5.rs` as they are (they
//! are format 5, field for field), give it the conversion to today's types, point `v4`'s
//! conversion at `v5`, add the `5 =>` step to [`decode`] and raise [`CURRENT_VERSION`]; add a
//! golden `tests/fixtures/formats/library-v6.sxvl` written by that commit.

use crate::library::Library;
use base64::Engine;
use serde::de::DeserializeOwned;
use std::fmt;
use std::io::Read;

mod v1;
mod v2;
mod v3;
mod v4;

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
    match version {
        1 => read::<v1::Library>(&payload).map(from_v1),
        2 => read::<v2::Library>(&payload).map(from_v2),
        3 => read::<v3::Library>(&payload).map(from_v3),
        4 => read::<v4::Library>(&payload).map(from_v4),
        5 => read::<Library>(&payload),
        found => Err(StateError::FutureVersion { found }),
    }
}

/// Decodes a payload as one format's types.
fn read<T: DeserializeOwned>(payload: &[u8]) -> Result<T, StateError> {
    postcard::from_bytes(payload).map_err(|e| StateError::Corrupt {
        cause: e.to_string(),
    })
}

// The chain, one format up at a time.

fn from_v1(old: v1::Library) -> Library {
    from_v2(old.into())
}

fn from_v2(old: v2::Library) -> Library {
    from_v3(old.into())
}

fn from_v3(old: v3::Library) -> Library {
    from_v4(old.into())
}

fn from_v4(old: v4::Library) -> Library {
    old.into()
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
mod tests;
