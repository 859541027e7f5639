//! The device definition file format (TOML, one file per synth) and its checks.
//!
//! `docs/devices.md` documents every key with a complete example. A file is read into the raw
//! structs of `definition/raw.rs` (the TOML as written), then [`parse`] checks it step by step
//! and turns it into a [`Definition`]; every problem is reported with the file, line and column
//! it comes from.

use super::charset::Charset;
use super::checksum::{Checksum, Rule};
use super::encoding::{Encoding, Layout};
use super::memory::{parse_address, MemoryNames};
use super::params::ParamDef;
use super::pattern::{Pattern, Token};
use super::MessageKind;
use crate::pacing::Pacing;
use raw::{
    RawDefinition, RawKind, RawMemoryName, RawMessage, RawName, RawPacing, RawRequest, RawSlots,
};
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

mod bank_slots;
mod param_maps;
mod raw;

/// A problem in a definition file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file (a path, or `built-in/<name>` for shipped definitions).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What a reply message means in a handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplyRole {
    /// The synth took the data or is ready for more.
    Ack,
    /// The synth wants the last data again.
    Nak,
    /// The synth refused or failed.
    Error,
}

/// Where a patch name is and how it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameField {
    /// Offset in the decoded data (or in the slot, for banks).
    pub offset: usize,
    /// Characters (a packed character set may take more or fewer bytes: see
    /// [`Charset::bytes_for`]).
    pub length: usize,
    /// Character set.
    pub charset: Charset,
}

impl NameField {
    /// Reads the name from decoded data, if it fits.
    pub fn read(&self, data: &[u8]) -> Option<String> {
        data.get(self.offset..self.offset + self.charset.bytes_for(self.length))
            .map(|b| self.charset.decode(b))
    }
}

/// The encoded patch data of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataField {
    /// First byte (message offset; negative counts from the end).
    pub from: isize,
    /// End, exclusive (negative counts from the end).
    pub to: isize,
    /// Transfer encoding.
    pub encoding: Encoding,
}

/// Several patches in one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slots {
    /// Index (in [`Definition::messages`]) of the message one slot becomes; `None`: the slots
    /// are named but not split.
    pub patch: Option<usize>,
    /// Program of the first slot when the bank's header has no `prog` (default 0).
    pub first_program: u16,
    /// Number of slots.
    pub count: usize,
    /// Bytes per slot in the decoded data.
    pub stride: usize,
    /// Where the first slot starts in the decoded data.
    pub offset: usize,
    /// How a slot relates to the patch message's data.
    pub layout: Layout,
    /// Each slot's name, relative to the slot.
    pub name: Option<NameField>,
    /// Index of a message that carries the rest of each slot and goes before the patch (the
    /// TX81Z's ACED before its VCED), where the layout has a companion.
    pub with: Option<usize>,
    /// Models whose patches always take the companion message; without a model named, a bank
    /// whose companion data is not all zero is split with it.
    pub with_models: Vec<String>,
    /// Models that store fewer slots than the bank carries (the DX27 and DX100 keep 24 of 32).
    pub stored: Vec<(String, usize)>,
}

/// One kind of message a synth sends or takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDef {
    /// Stable identifier within the definition.
    pub id: String,
    /// Shown to the user ("Single voice (VCED)").
    pub label: String,
    /// What it carries.
    pub kind: MessageKind,
    /// The first bytes.
    pub header: Pattern,
    /// Total length, `F0` and `F7` included: exact, or a range.
    pub length: (usize, usize),
    /// The patch data.
    pub data: Option<DataField>,
    /// The checksum.
    pub checksum: Option<Checksum>,
    /// Only a message whose checksum holds is this kind (used where headers are ambiguous).
    pub identify_by_checksum: bool,
    /// The patch name.
    pub name: Option<NameField>,
    /// Address bytes (Roland DT1/RQ1), shown in details.
    pub address: Option<(usize, usize)>,
    /// The meaning of a handshake reply.
    pub reply: Option<ReplyRole>,
    /// For banks in one message: the patches in it.
    pub slots: Option<Slots>,
    /// Ranges of the decoded data (start, end exclusive) that may differ when the synth sends
    /// the patch back (a sound version, a counter): ignored when a send is verified.
    pub volatile: Vec<(usize, usize)>,
    /// The parameters of the decoded data (`[[params]]` tables), in file order.
    pub params: Vec<ParamDef>,
}

/// A dump request the synth answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestDef {
    /// Stable identifier within the definition.
    pub id: String,
    /// Shown to the user ("Current program", "All 32 voices").
    pub label: String,
    /// What comes back.
    pub kind: MessageKind,
    /// The messages to send, each a template.
    pub messages: Vec<Pattern>,
    /// Checksum of each message: rule and first covered byte; it ends before the `cs` token.
    pub checksum: Option<(Rule, usize)>,
}

impl RequestDef {
    /// Whether the request needs a program number.
    pub fn needs_program(&self) -> bool {
        self.messages.iter().any(|p| p.has(Token::Program))
    }
}

/// A synth's SysEx, as a definition file describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Stable identifier (the file's `id`), stored with library entries.
    pub id: String,
    /// Shown to the user ("Yamaha DX7").
    pub name: String,
    /// The maker.
    pub maker: String,
    /// Other models that share the format.
    pub models: Vec<String>,
    /// Where the facts come from.
    pub sources: Vec<String>,
    /// Features left out for lack of a confirmed fact.
    pub left_out: Vec<String>,
    /// How to start a dump on the synth, for the editor's guide.
    pub guide: String,
    /// Device ID to put in requests unless the user sets one.
    pub device_id: Option<u8>,
    /// Pacing the synth needs.
    pub pacing: Pacing,
    /// Bytes after `F0 7E dev 06 02` in the synth's identity reply (maker, family, member).
    pub identity: Option<Vec<u8>>,
    /// Pacing a firmware update for the synth needs (`[firmware_pacing]`), where a public
    /// source gives one; a firmware send without it uses [`Pacing::SLOW`].
    pub firmware_pacing: Option<Pacing>,
    /// The messages, in file order.
    pub messages: Vec<MessageDef>,
    /// The dump requests, in file order.
    pub requests: Vec<RequestDef>,
    /// Names read across addressed messages (`[[memory_name]]`), in file order.
    pub memory_names: Vec<MemoryNames>,
    /// Where it was loaded from.
    pub file: String,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<LoadError>,
}

impl Ctx<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, message: String) {
        let (line, column) = line_column(self.text, span.start);
        self.errors.push(LoadError {
            file: self.file.to_owned(),
            line,
            column,
            message,
        });
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn pattern(ctx: &mut Ctx<'_>, s: &Spanned<String>) -> Option<Pattern> {
    match Pattern::parse(s.get_ref()) {
        Ok(p) => Some(p),
        Err(e) => {
            ctx.at(s.span(), e.to_string());
            None
        }
    }
}

fn name_field(n: RawName) -> NameField {
    NameField {
        offset: n.offset,
        length: n.length,
        charset: n.charset,
    }
}

/// Largest offset or size a definition may give (the 1 MiB SysEx limit).
pub const LIMIT: usize = 1 << 20;
/// Most slots a bank message may have.
pub const MAX_SLOTS: usize = 16_384;

/// Parses and checks one definition file, in steps: the TOML itself, the header keys, each
/// message, the banks that split or build, the parameter maps, then the requests. A step reports every problem it
/// finds, in file order; the banks and requests are checked only when the header and every
/// message are right (a slot names a message by its position in the file).
pub fn parse(file: &str, text: &str) -> Result<Definition, Vec<LoadError>> {
    let mut ctx = Ctx {
        file,
        text,
        errors: Vec::new(),
    };
    let raw: RawDefinition = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            ctx.at(span, e.message().to_owned());
            return Err(ctx.errors);
        }
    };
    let (pacing, identity) = header(&mut ctx, &raw);
    let firmware_pacing = raw
        .firmware_pacing
        .as_ref()
        .map(|p| pacing_of(&mut ctx, &raw.id, "firmware_pacing", p));
    let mut messages = messages(&mut ctx, raw.messages);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    bank_slots::check_banks(&mut ctx, &messages, &raw.models);
    let memory_names = raw
        .memory_names
        .into_iter()
        .filter_map(|t| memory_name(&mut ctx, t, &messages))
        .collect();
    param_maps::attach(&mut ctx, raw.params, &raw.value_lists, &mut messages);
    let requests = raw
        .requests
        .into_iter()
        .filter_map(|r| request(&mut ctx, r))
        .collect();
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    Ok(Definition {
        id: raw.id.into_inner(),
        name: raw.name,
        maker: raw.maker,
        models: raw.models,
        sources: raw.sources,
        left_out: raw.left_out,
        guide: raw.guide.trim().to_owned(),
        device_id: raw.device_id,
        pacing,
        identity,
        firmware_pacing,
        messages,
        requests,
        memory_names,
        file: file.to_owned(),
    })
}

/// One `[[memory_name]]`: an address of 7-bit bytes, places that fit the 1 MiB limit, and a
/// message with `address` and `data` to read them from.
fn memory_name(
    ctx: &mut Ctx<'_>,
    t: RawMemoryName,
    messages: &[MessageDef],
) -> Option<MemoryNames> {
    if !messages
        .iter()
        .any(|m| m.address.is_some() && m.data.is_some())
    {
        ctx.at(
            t.label.span(),
            "memory names are read from messages with `address` and `data`; none has both".into(),
        );
        return None;
    }
    let Some((address, start)) = parse_address(t.start.get_ref()) else {
        ctx.at(
            t.start.span(),
            "start is an address: hex bytes under 80, at most 9".into(),
        );
        return None;
    };
    let sizes = [t.stride, t.name.offset, t.name.length];
    if t.count == 0 || t.count > MAX_SLOTS || sizes.iter().any(|&v| v > LIMIT) || t.name.length == 0
    {
        ctx.at(
            t.label.span(),
            format!("memory names need a count of 1 to {MAX_SLOTS}, a name of 1 or more characters, and sizes up to {LIMIT}"),
        );
        return None;
    }
    Some(MemoryNames {
        label: t.label.into_inner(),
        address,
        start,
        count: t.count,
        stride: t.stride,
        name: name_field(t.name),
        patches: t.patches,
    })
}

/// Step 1: the header keys (`id`, `sources`, `pacing`, `device_id`, `identity`); errors point
/// at `id` (or at `identity`).
fn header(ctx: &mut Ctx<'_>, raw: &RawDefinition) -> (Pacing, Option<Vec<u8>>) {
    if raw.id.get_ref().is_empty()
        || !raw
            .id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        ctx.at(
            raw.id.span(),
            "id must be lower-case letters, digits and '-'".into(),
        );
    }
    if raw.sources.is_empty() {
        ctx.at(
            raw.id.span(),
            "a definition must cite its sources (`sources = [...]`)".into(),
        );
    }
    let pacing = pacing(ctx, &raw.id, raw.pacing.as_ref());
    if raw.device_id.is_some_and(|d| d > 0x7F) {
        ctx.at(raw.id.span(), "device_id is 0 to 127 (0x7F)".into());
    }
    let identity = raw.identity.as_ref().and_then(|s| identity(ctx, s));
    (pacing, identity)
}

/// `[pacing]`, or DIN speed when it is missing or wrong.
fn pacing(ctx: &mut Ctx<'_>, id: &Spanned<String>, raw: Option<&RawPacing>) -> Pacing {
    raw.map_or(Pacing::DIN, |p| pacing_of(ctx, id, "pacing", p))
}

/// A pacing table (`table` names it in errors), or DIN speed when it is wrong.
fn pacing_of(ctx: &mut Ctx<'_>, id: &Spanned<String>, table: &str, p: &RawPacing) -> Pacing {
    if p.bytes_per_second == 0 {
        ctx.at(
            id.span(),
            format!("{table}.bytes_per_second must be at least 1"),
        );
        return Pacing::DIN;
    }
    if p.chunk_bytes != 0 && !(4..=256).contains(&p.chunk_bytes) {
        ctx.at(
            id.span(),
            format!("{table}.chunk_bytes is 0 (whole messages) or 4 to 256"),
        );
        return Pacing::DIN;
    }
    Pacing {
        bytes_per_second: p.bytes_per_second,
        gap_after_message_ms: p.gap_ms,
        chunk_bytes: p.chunk_bytes,
        chunk_pause_ms: p.chunk_pause_ms,
    }
}

/// `identity`: hex bytes under `80` only.
fn identity(ctx: &mut Ctx<'_>, s: &Spanned<String>) -> Option<Vec<u8>> {
    let p = pattern(ctx, s)?;
    let bytes: Option<Vec<u8>> = p
        .tokens()
        .iter()
        .map(|t| match t {
            Token::Byte(b) if *b < 0x80 => Some(*b),
            _ => None,
        })
        .collect();
    if bytes.is_none() {
        ctx.at(s.span(), "identity is hex bytes only".into());
    }
    bytes
}

/// Step 2: the messages, each checked on its own; one with an error that later checks depend
/// on is left out (the file fails anyway).
fn messages(ctx: &mut Ctx<'_>, raw: Vec<RawMessage>) -> Vec<MessageDef> {
    let ids: Vec<String> = raw.iter().map(|m| m.id.get_ref().clone()).collect();
    let mut messages = Vec::new();
    for (i, m) in raw.into_iter().enumerate() {
        if ids[..i].contains(m.id.get_ref()) {
            ctx.at(
                m.id.span(),
                format!("message id `{}` is used twice", m.id.get_ref()),
            );
        }
        messages.extend(message(ctx, m, &ids));
    }
    messages
}

/// One message; `ids` are those of every message in the file, for its slots' `patch`.
fn message(ctx: &mut Ctx<'_>, m: RawMessage, ids: &[String]) -> Option<MessageDef> {
    let header = pattern(ctx, &m.header)?;
    if header.tokens()[0] != Token::Byte(0xF0) {
        ctx.at(m.header.span(), "a header starts with F0".into());
    }
    if header.has(Token::Checksum) {
        ctx.at(
            m.header.span(),
            "`cs` belongs in request templates; use `checksum`".into(),
        );
    }
    let length = length(ctx, &m, &header)?;
    if m.identify_by_checksum && m.checksum.is_none() {
        ctx.at(m.id.span(), "identify_by_checksum needs a checksum".into());
    }
    if m.reply.is_some() != (m.kind == RawKind::Reply) {
        ctx.at(
            m.id.span(),
            "`reply = ack | nak | error` goes with kind = \"reply\"".into(),
        );
    }
    if over_limits(&m) {
        ctx.at(
            m.id.span(),
            format!("offsets and sizes go up to {LIMIT}, slot counts to {MAX_SLOTS}, addresses to 16 bytes"),
        );
        return None;
    }
    if m.name.is_some() && m.data.is_none() {
        ctx.at(
            m.id.span(),
            "a name is read from the decoded data: give `data`".into(),
        );
    }
    let slots = m.slots.and_then(|s| bank_slots::slots(ctx, &m.id, s, ids));
    if slots.is_some() && m.data.is_none() {
        ctx.at(
            m.id.span(),
            "slots are cut from the decoded data: give `data`".into(),
        );
    }
    Some(MessageDef {
        id: m.id.into_inner(),
        label: m.label,
        kind: m.kind.into(),
        header,
        length,
        data: m.data.map(|d| DataField {
            from: d.from,
            to: d.to,
            encoding: d.encoding,
        }),
        checksum: m.checksum.map(|c| Checksum {
            rule: c.rule,
            initial: c.initial,
            from: c.from,
            to: c.to,
            at: c.at,
            over: c.over,
            also_accept: c.also_accept,
        }),
        identify_by_checksum: m.identify_by_checksum,
        name: m.name.map(name_field),
        address: m.address.map(|a| (a.at, a.length)),
        reply: m.reply,
        slots,
        volatile: m.volatile.iter().map(|[a, b]| (*a, *b)).collect(),
        params: Vec::new(),
    })
}

/// A message's length: `length`, or `min_length`/`max_length` (the header and `F7` at least,
/// no most); `None` when both are given.
fn length(ctx: &mut Ctx<'_>, m: &RawMessage, header: &Pattern) -> Option<(usize, usize)> {
    let length = match (m.length, m.min_length, m.max_length) {
        (Some(n), None, None) => (n, n),
        (None, min, max) => (min.unwrap_or(header.len() + 1), max.unwrap_or(usize::MAX)),
        _ => {
            ctx.at(
                m.id.span(),
                "give `length`, or `min_length`/`max_length`, not both".into(),
            );
            return None;
        }
    };
    if length.0 < header.len() + 1 || length.0 > length.1 {
        ctx.at(
            m.id.span(),
            format!(
                "length {} .. {} cannot hold the header and F7",
                length.0, length.1
            ),
        );
    }
    Some(length)
}

/// Whether an offset or size is over [`LIMIT`], a slot count over [`MAX_SLOTS`] or an address
/// over 16 bytes.
fn over_limits(m: &RawMessage) -> bool {
    let slot_name = m.slots.as_ref().and_then(|s| s.name.as_ref());
    let sizes = [
        m.name.as_ref().map(|n| n.offset),
        m.name.as_ref().map(|n| n.length),
        m.address.as_ref().map(|a| a.at),
        m.slots.as_ref().map(|s| s.offset),
        m.slots.as_ref().map(|s| s.stride),
        slot_name.map(|n| n.offset),
        slot_name.map(|n| n.length),
    ];
    sizes
        .into_iter()
        .flatten()
        .chain(m.volatile.iter().flatten().copied())
        .any(|v| v > LIMIT)
        || m.address.as_ref().is_some_and(|a| a.length > 16)
        || m.slots.as_ref().is_some_and(|s| s.count > MAX_SLOTS)
}

/// Step 4: one request: one or more messages, each `F0` … `F7`, with a `cs` each when it has a
/// `checksum`.
fn request(ctx: &mut Ctx<'_>, r: RawRequest) -> Option<RequestDef> {
    let p = pattern(ctx, &r.bytes)?;
    let mut parts = Vec::new();
    let mut current = Vec::new();
    for t in p.tokens() {
        current.push(*t);
        if *t == Token::Byte(0xF7) {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() || parts.is_empty() {
        ctx.at(
            r.bytes.span(),
            "a request is one or more messages, each ending with F7".into(),
        );
        return None;
    }
    let mut ok = true;
    for part in &parts {
        // Not `&&`: every part reports its problems.
        ok &= request_part(ctx, &r, part);
    }
    if !ok {
        return None;
    }
    Some(RequestDef {
        id: r.id.into_inner(),
        label: r.label,
        kind: r.kind.into(),
        messages: parts
            .iter()
            .map(|part| part.iter().map(token_text).collect::<Vec<_>>().join(" "))
            .map(|t| Pattern::parse(&t).expect("re-parsing tokens"))
            .collect(),
        checksum: r.checksum.map(|c| (c.rule, c.from)),
    })
}

/// Checks one message of a request; whether it can be sent.
fn request_part(ctx: &mut Ctx<'_>, r: &RawRequest, part: &[Token]) -> bool {
    let mut ok = true;
    if part[0] != Token::Byte(0xF0) {
        ctx.at(r.bytes.span(), "each request message starts with F0".into());
        ok = false;
    }
    if part.contains(&Token::Any) {
        ctx.at(r.bytes.span(), "`??` cannot be sent; name the field".into());
        ok = false;
    }
    let cs = part.iter().filter(|t| **t == Token::Checksum).count();
    if cs > 1 || (cs == 1) != r.checksum.is_some() {
        ctx.at(
            r.bytes.span(),
            "a request with `checksum` has one `cs` per message, and `cs` needs `checksum`".into(),
        );
        ok = false;
    }
    let at = part.iter().position(|t| *t == Token::Checksum);
    if let (Some(at), Some(c)) = (at, &r.checksum) {
        if c.from >= at {
            ctx.at(
                r.bytes.span(),
                format!(
                    "the checksum starts at byte {}, after its `cs` (byte {at})",
                    c.from
                ),
            );
            ok = false;
        }
    }
    ok
}

fn token_text(t: &Token) -> String {
    match *t {
        Token::Byte(b) => format!("{b:02X}"),
        Token::Channel(hi) => format!("{}n", hi >> 4),
        Token::Device => "dev".into(),
        Token::Program => "prog".into(),
        Token::ProgramHigh => "prog_hi".into(),
        Token::Bank => "bank".into(),
        Token::Sub => "sub".into(),
        Token::Any => "??".into(),
        Token::Checksum => "cs".into(),
    }
}
