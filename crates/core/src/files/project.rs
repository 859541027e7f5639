//! Getting SysEx Vault's saved state out of DAW project files, without the DAW.
//!
//! - **REAPER** (`.rpp`, text): each plugin is a block in a track's `<FXCHAIN>`. A CLAP plugin is
//!   `<CLAP "CLAP: SysEx Vault (SysEx Vault)" org.sysex-vault.sysex-vault ""`, whose `<STATE`
//!   block holds, as base64 lines, exactly the bytes the plugin wrote to the CLAP state stream.
//!   A VST3 plugin is `<VST "VST3: SysEx Vault (SysEx Vault)" "SysEx Vault.vst3" 0 ""
//!   <hash>{<class id in hex>} ""`, found by its class id; its lines hold three streams, each
//!   base64 on its own lines of at most 128 characters (so every line decodes alone): a header
//!   (little-endian `u32` id hash, `u32` magic `0xFEED5EEE` or `…EF`, input pin count and that
//!   many `u64` masks, output pin count and masks, `u32` body length, two more `u32`s), the body
//!   (`u32` component-state length C, `u32` 1, the component state, `u32` controller-state
//!   length K, `u32` 0, the controller state) and a trailer (program and preset names). Sources:
//!   reverse-engineered by open-source project converters (git-moss/ProjectConverter
//!   `VstChunkHandler.java`, SatyrDiamond/DawVert `r_reaper.py`, CharlesHolbrow/vst-chunk-inspector)
//!   and checked against real REAPER 6 projects there. The track's name is its `NAME` line.
//! - **Ardour** (`.ardour`, XML): each plugin is a `<Processor type="vst3">` inside a
//!   `<Route name="…">`; its `<vst3><chunk>` element holds base64 of a VST3 preset stream
//!   (`VST3`, version, 32-character class id, list offset, the component state, and a `List`
//!   chunk whose `Comp` entry gives the component state's offset and size).
//!
//! The plugin state itself is nice-plug's: zstd-compressed JSON (older or uncompressed states
//! are plain JSON), preceded by an 8-byte little-endian length in the CLAP stream only. Its
//! `fields.library` holds the library ([`crate::state`]).

use crate::library::Library;
use base64::Engine;
use std::fmt;
use std::io::Read;

/// The plugin's CLAP id, as REAPER writes it in the block header.
pub const CLAP_ID: &str = "org.sysex-vault.sysex-vault";
/// The plugin's VST3 class id in hex, as REAPER writes it in braces in a `<VST` block header.
pub const VST3_CLASS_ID_HEX: &str = "53797345785661756C7450617463687A";
/// The plugin's name, as hosts show it.
pub const PLUGIN_NAME: &str = "SysEx Vault";
/// Largest plugin state inflated from a project (bomb guard).
pub const MAX_STATE_BYTES: u64 = 1 << 30;

/// The DAW a project came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Daw {
    /// REAPER `.rpp`.
    Reaper,
    /// Ardour session XML.
    Ardour,
}

/// One SysEx Vault instance found in a project.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The track it sits on.
    pub track: String,
    /// 0-based position among the instances on that track.
    pub slot: usize,
    /// `CLAP` or `VST3`.
    pub format: &'static str,
    /// The library it holds, or why it could not be read.
    pub library: Result<Library, String>,
    /// Entries captured while the saved library could not be read (the state's
    /// `library-pending` field); `None` when there are none.
    pub pending: Option<Library>,
}

/// Why a project could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectError {
    /// Neither a REAPER project nor an Ardour session.
    UnknownFormat,
    /// The XML is malformed.
    Xml {
        /// 1-based line.
        line: u32,
        /// The parser's explanation.
        cause: String,
    },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::UnknownFormat => {
                write!(
                    f,
                    "not a REAPER project (<REAPER_PROJECT) or an Ardour session (<Session)"
                )
            }
            ProjectError::Xml { line, cause } => write!(f, "line {line}: {cause}"),
        }
    }
}

impl std::error::Error for ProjectError {}

/// Finds every SysEx Vault instance in a project file's text.
pub fn extract(text: &str) -> Result<(Daw, Vec<Instance>), ProjectError> {
    let head = text.trim_start();
    if head.starts_with("<REAPER_PROJECT") {
        Ok((Daw::Reaper, extract_reaper(text)))
    } else if head.starts_with("<?xml") || head.starts_with("<Session") {
        extract_ardour(text).map(|found| (Daw::Ardour, found))
    } else {
        Err(ProjectError::UnknownFormat)
    }
}

/// The instances in a REAPER project.
pub fn extract_reaper(text: &str) -> Vec<Instance> {
    let mut found = Vec::new();
    // Stack of open block tags; the track name belongs to the innermost TRACK.
    let mut stack: Vec<String> = Vec::new();
    let mut track_names: Vec<String> = Vec::new();
    let mut per_track = 0usize;
    let mut in_ours = false;
    let mut state_b64: Option<String> = None;
    // Our VST3 block's lines, while inside it.
    let mut vst_lines: Option<Vec<String>> = None;
    let vst_id = format!("{{{VST3_CLASS_ID_HEX}}}");
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix('<') {
            let tag = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            if tag == "TRACK" {
                track_names.push(format!("Track {}", track_names.len() + 1));
                per_track = 0;
            }
            if tag == "CLAP" && rest.contains(CLAP_ID) {
                in_ours = true;
            } else if in_ours && tag == "STATE" {
                state_b64 = Some(String::new());
            } else if tag == "VST" && rest.to_ascii_uppercase().contains(&vst_id) {
                vst_lines = Some(Vec::new());
            }
            stack.push(tag);
            continue;
        }
        if line == ">" {
            match stack.pop().as_deref() {
                Some("VST") => {
                    if let Some(lines) = vst_lines.take() {
                        let state = reaper_vst3_component_state(&lines);
                        found.push(instance(&track_names, per_track, "VST3", state));
                        per_track += 1;
                    }
                }
                Some("STATE") if in_ours => {}
                Some("CLAP") if in_ours => {
                    in_ours = false;
                    let state = match state_b64.take() {
                        Some(b64) => base64::engine::general_purpose::STANDARD
                            .decode(b64)
                            .map_err(|e| format!("state is not base64: {e}")),
                        None => Err("the plugin block has no <STATE>".into()),
                    };
                    found.push(instance(&track_names, per_track, "CLAP", state));
                    per_track += 1;
                }
                _ => {}
            }
            continue;
        }
        if stack.last().map(String::as_str) == Some("VST") {
            if let Some(lines) = vst_lines.as_mut() {
                lines.push(line.to_owned());
            }
        } else if stack.last().map(String::as_str) == Some("STATE") && in_ours {
            if let Some(b64) = state_b64.as_mut() {
                b64.push_str(line);
            }
        } else if stack.last().map(String::as_str) == Some("TRACK") {
            if let Some(name) = line.strip_prefix("NAME ") {
                let name = unquote(name);
                // An unnamed track keeps "Track N", as REAPER shows it.
                if let (Some(last), false) = (track_names.last_mut(), name.trim().is_empty()) {
                    *last = name;
                }
            }
        }
    }
    found
}

/// A REAPER instance on the current (last opened) track, from its plugin state or why there is
/// none.
fn instance(
    tracks: &[String],
    slot: usize,
    format: &'static str,
    state: Result<Vec<u8>, String>,
) -> Instance {
    let (library, pending) = match state {
        Ok(state) => libraries_from_plugin_state(&state),
        Err(e) => (Err(e), None),
    };
    Instance {
        track: tracks.last().cloned().unwrap_or_else(|| "Master".into()),
        slot,
        format,
        library,
        pending,
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\'', '`'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    s.to_owned()
}

/// The instances in an Ardour session.
pub fn extract_ardour(xml: &str) -> Result<Vec<Instance>, ProjectError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| ProjectError::Xml {
        line: e.pos().row,
        cause: e.to_string(),
    })?;
    let mut found = Vec::new();
    for route in doc.descendants().filter(|n| n.has_tag_name("Route")) {
        let track = route
            .attribute("name")
            .unwrap_or("Unnamed track")
            .to_owned();
        let ours = route.descendants().filter(|n| {
            n.has_tag_name("Processor")
                && n.attribute("type") == Some("vst3")
                && n.attribute("name")
                    .is_some_and(|name| name.starts_with(PLUGIN_NAME))
        });
        for (slot, processor) in ours.enumerate() {
            let chunk = processor
                .descendants()
                .find(|n| n.has_tag_name("chunk"))
                .and_then(|n| n.text());
            let state = match chunk {
                Some(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64.split_whitespace().collect::<String>())
                    .map_err(|e| format!("chunk is not base64: {e}"))
                    .and_then(|bytes| vst3_component_state(&bytes)),
                None => Err("the processor has no <chunk>".into()),
            };
            let (library, pending) = match state {
                Ok(state) => libraries_from_plugin_state(&state),
                Err(e) => (Err(e), None),
            };
            found.push(Instance {
                track: track.clone(),
                slot,
                format: "VST3",
                library,
                pending,
            });
        }
    }
    Ok(found)
}

/// The component state inside a REAPER `<VST` block's base64 lines (see the module
/// documentation for the layout). Each line is decoded on its own: the block's three streams
/// are encoded separately, with padding in the middle.
pub fn reaper_vst3_component_state(lines: &[String]) -> Result<Vec<u8>, String> {
    let bad = |why: String| format!("REAPER VST3 state: {why}");
    let mut bytes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(line.trim())
            .map_err(|e| bad(format!("line {} is not base64: {e}", i + 1)))?;
        bytes.extend(decoded);
    }
    let u32_at = |pos: usize| -> Result<u32, String> {
        bytes
            .get(pos..pos + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| bad("truncated".into()))
    };
    let magic = u32_at(4)?;
    if magic & !1 != 0xFEED_5EEE {
        return Err(bad(format!("unknown header magic {magic:08X}")));
    }
    let inputs = u32_at(8)? as usize;
    let outputs_at = inputs
        .checked_mul(8)
        .and_then(|n| n.checked_add(12))
        .ok_or_else(|| bad("bad input pin count".into()))?;
    let outputs = u32_at(outputs_at)? as usize;
    let body_len_at = outputs
        .checked_mul(8)
        .and_then(|n| n.checked_add(outputs_at + 4))
        .ok_or_else(|| bad("bad output pin count".into()))?;
    let body_len = u32_at(body_len_at)? as usize;
    let body_at = body_len_at + 12;
    let body = bytes
        .get(body_at..body_at.saturating_add(body_len))
        .ok_or_else(|| bad("body shorter than its header says".into()))?;
    let component = u32::from_le_bytes(
        body.get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("empty body".into()))?,
    ) as usize;
    body.get(8..8usize.saturating_add(component))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| bad("component state longer than the body".into()))
}

/// The component state inside a VST3 preset stream (the `Comp` entry of its chunk list).
pub fn vst3_component_state(stream: &[u8]) -> Result<Vec<u8>, String> {
    let bad = |why: &str| format!("VST3 state stream: {why}");
    if stream.len() < 48 || &stream[..4] != b"VST3" {
        return Err(bad("no VST3 header"));
    }
    let u64_at = |pos: usize| -> Option<u64> {
        stream
            .get(pos..pos + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    };
    let list = u64_at(40).ok_or_else(|| bad("truncated header"))? as usize;
    if stream.get(list..list + 4) != Some(b"List") {
        return Err(bad("no chunk list at the offset in the header"));
    }
    let count = stream
        .get(list + 4..list + 8)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
        .ok_or_else(|| bad("truncated chunk list"))?;
    for i in 0..count as usize {
        let at = list + 8 + i * 20;
        let id = stream
            .get(at..at + 4)
            .ok_or_else(|| bad("truncated chunk list"))?;
        let (offset, size) = (u64_at(at + 4), u64_at(at + 12));
        if id == b"Comp" {
            let (Some(offset), Some(size)) = (offset, size) else {
                return Err(bad("truncated chunk entry"));
            };
            return stream
                .get(offset as usize..(offset + size) as usize)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| bad("component chunk outside the stream"));
        }
    }
    Err(bad("no component state chunk"))
}

/// Reads the library out of a nice-plug plugin state (CLAP stream or VST3 component state).
pub fn library_from_plugin_state(state: &[u8]) -> Result<Library, String> {
    libraries_from_plugin_state(state).0
}

/// Reads the library and the pending captures (entries captured while the library could not be
/// read; `None` when there are none) out of a nice-plug plugin state.
pub fn libraries_from_plugin_state(state: &[u8]) -> (Result<Library, String>, Option<Library>) {
    match plugin_state_json(state) {
        Ok(value) => {
            let field = |name: &str| -> Result<Library, String> {
                let field = value["fields"][name]
                    .as_str()
                    .ok_or_else(|| format!("this SysEx Vault state holds no {name}"))?;
                let text: String = serde_json::from_str(field)
                    .map_err(|e| format!("{name} field is not a JSON string: {e}"))?;
                crate::state::decode_text(&text).map_err(|e| e.to_string())
            };
            let pending = field("library-pending")
                .ok()
                .filter(|l| !l.entries.is_empty());
            (field("library"), pending)
        }
        Err(e) => (Err(e), None),
    }
}

/// The JSON of a nice-plug plugin state.
fn plugin_state_json(state: &[u8]) -> Result<serde_json::Value, String> {
    // The CLAP stream starts with the payload's length.
    let body = match state
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    {
        Some(len) if len as usize == state.len() - 8 => &state[8..],
        _ => state,
    };
    let json = if body.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        let mut out = Vec::new();
        zstd::stream::read::Decoder::new(body)
            .map_err(|e| format!("plugin state: {e}"))?
            .take(MAX_STATE_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| format!("plugin state is not valid zstd: {e}"))?;
        out
    } else {
        body.to_vec()
    };
    serde_json::from_slice(&json).map_err(|e| format!("plugin state is not JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn garbage_is_refused_or_yields_nothing() {
        assert_eq!(extract("hello"), Err(ProjectError::UnknownFormat));
        assert!(matches!(
            extract("<Session><Route"),
            Err(ProjectError::Xml { .. })
        ));
        assert_eq!(extract("<REAPER_PROJECT 0.1\n>\n").unwrap().1, vec![]);
        assert!(vst3_component_state(b"VST3").is_err());
        assert!(library_from_plugin_state(b"{}").is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn extract_never_panics(body in "[<>A-Z \"\\n=/a-z0-9.]{0,200}") {
            // Bounded: no more instances than plugin blocks in the text.
            if let Ok((_, found)) = extract(&format!("<REAPER_PROJECT 0.1\n{body}")) {
                prop_assert!(found.len() <= body.matches("<CLAP").count() + body.matches("<VST").count());
            }
            if let Ok((_, found)) = extract(&format!("<Session>{body}")) {
                prop_assert!(found.len() <= body.matches("<Processor").count());
            }
        }

        #[test]
        fn state_readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let mut vst3 = b"VST3".to_vec();
            vst3.extend(&bytes);
            let _ = vst3_component_state(&vst3);
            let _ = library_from_plugin_state(&bytes);
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let _ = reaper_vst3_component_state(&[b64]);
        }
    }
}
