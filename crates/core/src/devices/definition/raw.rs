//! A definition file as TOML spells it: the keys of `docs/devices.md`, read with their spans
//! where an error may point at them, and not yet checked (the parent module checks them).

use super::ReplyRole;
use crate::devices::charset::Charset;
use crate::devices::checksum::{Over, Rule};
use crate::devices::encoding::{Encoding, Layout};
use crate::devices::MessageKind;
use serde::Deserialize;
use toml::Spanned;

/// The whole file: the header keys, then `[[message]]` and `[[request]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefinition {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) maker: String,
    #[serde(default)]
    pub(super) models: Vec<String>,
    pub(super) sources: Vec<String>,
    #[serde(default)]
    pub(super) left_out: Vec<String>,
    #[serde(default)]
    pub(super) guide: String,
    #[serde(default)]
    pub(super) device_id: Option<u8>,
    #[serde(default)]
    pub(super) pacing: Option<RawPacing>,
    #[serde(default)]
    pub(super) identity: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) firmware_pacing: Option<RawPacing>,
    #[serde(default, rename = "message")]
    pub(super) messages: Vec<RawMessage>,
    #[serde(default, rename = "request")]
    pub(super) requests: Vec<RawRequest>,
    #[serde(default, rename = "memory_name")]
    pub(super) memory_names: Vec<RawMemoryName>,
    #[serde(default)]
    pub(super) params: Vec<RawParams>,
    #[serde(default, rename = "values")]
    pub(super) value_lists: std::collections::HashMap<String, Vec<String>>,
}

/// One `[[memory_name]]`: names at addresses of the synth's memory, read across messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMemoryName {
    pub(super) label: Spanned<String>,
    pub(super) start: Spanned<String>,
    pub(super) count: usize,
    pub(super) stride: usize,
    pub(super) name: RawName,
    #[serde(default = "yes")]
    pub(super) patches: bool,
}

fn yes() -> bool {
    true
}

/// `[pacing]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPacing {
    pub(super) bytes_per_second: u32,
    pub(super) gap_ms: u32,
    #[serde(default)]
    pub(super) chunk_bytes: u32,
    #[serde(default)]
    pub(super) chunk_pause_ms: u32,
}

/// `kind = "…"` of a message or request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum RawKind {
    EditBuffer,
    Program,
    Bank,
    Global,
    Firmware,
    Data,
    Request,
    Reply,
    Other,
}

impl From<RawKind> for MessageKind {
    fn from(k: RawKind) -> MessageKind {
        match k {
            RawKind::EditBuffer => MessageKind::EditBuffer,
            RawKind::Program => MessageKind::SinglePreset,
            RawKind::Bank => MessageKind::Bank,
            RawKind::Global => MessageKind::Global,
            RawKind::Firmware => MessageKind::Firmware,
            RawKind::Data => MessageKind::Data,
            RawKind::Request => MessageKind::Request,
            RawKind::Reply => MessageKind::Reply,
            RawKind::Other => MessageKind::Other,
        }
    }
}

/// One `[[message]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMessage {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    pub(super) kind: RawKind,
    pub(super) header: Spanned<String>,
    #[serde(default)]
    pub(super) length: Option<usize>,
    #[serde(default)]
    pub(super) min_length: Option<usize>,
    #[serde(default)]
    pub(super) max_length: Option<usize>,
    #[serde(default)]
    pub(super) data: Option<RawData>,
    #[serde(default)]
    pub(super) checksum: Option<RawChecksum>,
    #[serde(default)]
    pub(super) identify_by_checksum: bool,
    #[serde(default)]
    pub(super) name: Option<RawName>,
    #[serde(default)]
    pub(super) address: Option<RawAddress>,
    #[serde(default)]
    pub(super) reply: Option<ReplyRole>,
    #[serde(default)]
    pub(super) slots: Option<RawSlots>,
    #[serde(default)]
    pub(super) volatile: Vec<[usize; 2]>,
}

/// A message's `data`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    pub(super) from: isize,
    pub(super) to: isize,
    #[serde(default)]
    pub(super) encoding: Encoding,
}

/// A message's `checksum`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChecksum {
    pub(super) rule: Rule,
    #[serde(default)]
    pub(super) initial: u8,
    pub(super) from: isize,
    #[serde(default = "minus_two")]
    pub(super) to: isize,
    #[serde(default = "minus_two")]
    pub(super) at: isize,
    #[serde(default)]
    pub(super) over: Over,
    #[serde(default)]
    pub(super) also_accept: Vec<u8>,
}

fn minus_two() -> isize {
    -2
}

/// A message's or a slot's `name`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawName {
    pub(super) offset: usize,
    pub(super) length: usize,
    #[serde(default)]
    pub(super) charset: Charset,
}

/// A message's `address`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAddress {
    pub(super) at: usize,
    pub(super) length: usize,
}

/// A bank message's `slots`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSlots {
    #[serde(default)]
    pub(super) patch: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) first_program: Option<u16>,
    pub(super) count: usize,
    pub(super) stride: usize,
    #[serde(default)]
    pub(super) offset: usize,
    #[serde(default)]
    pub(super) layout: Layout,
    #[serde(default)]
    pub(super) name: Option<RawName>,
    #[serde(default)]
    pub(super) with: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) with_models: Vec<String>,
    #[serde(default)]
    pub(super) stored: std::collections::BTreeMap<String, usize>,
}

/// One `[[request]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequest {
    pub(super) id: Spanned<String>,
    pub(super) label: String,
    pub(super) kind: RawKind,
    pub(super) bytes: Spanned<String>,
    #[serde(default)]
    pub(super) checksum: Option<RawRequestChecksum>,
}

/// A request's `checksum`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequestChecksum {
    pub(super) rule: Rule,
    pub(super) from: usize,
}

/// One `[[params]]` table: parameters of the decoded data of one or more messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParams {
    pub(super) messages: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) repeat: Option<RawRepeat>,
    #[serde(default)]
    pub(super) when: Option<RawWhen>,
    pub(super) param: Vec<RawParam>,
}

/// A `[[params]]` table's `when`: its parameters exist only in data whose field (`offset`,
/// `bit`, `bits`) holds one of `values`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWhen {
    pub(super) offset: usize,
    #[serde(default)]
    pub(super) bit: u8,
    pub(super) bits: u8,
    pub(super) values: Vec<i64>,
}

/// A `[[params]]` table's `repeat`: the same parameters `count` times, `stride` bytes apart,
/// each time named with the next of `names` in front.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRepeat {
    pub(super) count: usize,
    pub(super) stride: usize,
    pub(super) names: Vec<String>,
}

/// How a parameter is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum RawDisplay {
    #[default]
    Number,
    Note,
    Text,
}

/// One parameter of a `[[params]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParam {
    pub(super) name: Spanned<String>,
    pub(super) offset: usize,
    #[serde(default)]
    pub(super) bit: u8,
    #[serde(default)]
    pub(super) bits: Option<u8>,
    #[serde(default)]
    pub(super) high: Option<RawHigh>,
    #[serde(default)]
    pub(super) signed: bool,
    #[serde(default)]
    pub(super) min: Option<i64>,
    #[serde(default)]
    pub(super) max: Option<i64>,
    #[serde(default)]
    pub(super) add: i64,
    #[serde(default)]
    pub(super) values: RawValues,
    #[serde(default)]
    pub(super) display: RawDisplay,
    #[serde(default)]
    pub(super) length: Option<usize>,
    #[serde(default)]
    pub(super) charset: Option<Charset>,
}

/// A parameter's `values`: the names written out, or the name of a list in `[values]`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawValues {
    Names(Vec<String>),
    List(String),
}

impl Default for RawValues {
    fn default() -> Self {
        RawValues::Names(Vec::new())
    }
}

/// A parameter's `high`: where the upper bits of a value that does not fit one byte are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHigh {
    pub(super) offset: usize,
    #[serde(default)]
    pub(super) bit: u8,
    pub(super) bits: u8,
}
