//! The device definition file format (TOML, one file per synth) and its checks.
//!
//! `docs/devices.md` documents every key with a complete example. A file is parsed into the raw
//! structs here, then checked and turned into a [`Definition`]; every problem is reported with
//! the file, line and column it comes from.

use super::charset::Charset;
use super::checksum::{Checksum, Over, Rule};
use super::encoding::{Encoding, Layout};
use super::pattern::{Pattern, Token};
use super::MessageKind;
use crate::pacing::Pacing;
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefinition {
    id: Spanned<String>,
    name: String,
    maker: String,
    #[serde(default)]
    models: Vec<String>,
    sources: Vec<String>,
    #[serde(default)]
    left_out: Vec<String>,
    #[serde(default)]
    guide: String,
    #[serde(default)]
    device_id: Option<u8>,
    #[serde(default)]
    pacing: Option<RawPacing>,
    #[serde(default)]
    identity: Option<Spanned<String>>,
    #[serde(default, rename = "message")]
    messages: Vec<RawMessage>,
    #[serde(default, rename = "request")]
    requests: Vec<RawRequest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPacing {
    bytes_per_second: u32,
    gap_ms: u32,
    #[serde(default)]
    chunk_bytes: u32,
    #[serde(default)]
    chunk_pause_ms: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawKind {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    id: Spanned<String>,
    label: String,
    kind: RawKind,
    header: Spanned<String>,
    #[serde(default)]
    length: Option<usize>,
    #[serde(default)]
    min_length: Option<usize>,
    #[serde(default)]
    max_length: Option<usize>,
    #[serde(default)]
    data: Option<RawData>,
    #[serde(default)]
    checksum: Option<RawChecksum>,
    #[serde(default)]
    identify_by_checksum: bool,
    #[serde(default)]
    name: Option<RawName>,
    #[serde(default)]
    address: Option<RawAddress>,
    #[serde(default)]
    reply: Option<ReplyRole>,
    #[serde(default)]
    slots: Option<RawSlots>,
    #[serde(default)]
    volatile: Vec<[usize; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    from: isize,
    to: isize,
    #[serde(default)]
    encoding: Encoding,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecksum {
    rule: Rule,
    #[serde(default)]
    initial: u8,
    from: isize,
    #[serde(default = "minus_two")]
    to: isize,
    #[serde(default = "minus_two")]
    at: isize,
    #[serde(default)]
    over: Over,
    #[serde(default)]
    also_accept: Vec<u8>,
}

fn minus_two() -> isize {
    -2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    offset: usize,
    length: usize,
    #[serde(default)]
    charset: Charset,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAddress {
    at: usize,
    length: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlots {
    #[serde(default)]
    patch: Option<Spanned<String>>,
    #[serde(default)]
    first_program: Option<u16>,
    count: usize,
    stride: usize,
    #[serde(default)]
    offset: usize,
    #[serde(default)]
    layout: Layout,
    #[serde(default)]
    name: Option<RawName>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    id: Spanned<String>,
    label: String,
    kind: RawKind,
    bytes: Spanned<String>,
    #[serde(default)]
    checksum: Option<RawRequestChecksum>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequestChecksum {
    rule: Rule,
    from: usize,
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
    /// Characters.
    pub length: usize,
    /// Character set.
    pub charset: Charset,
}

impl NameField {
    /// Reads the name from decoded data, if it fits.
    pub fn read(&self, data: &[u8]) -> Option<String> {
        data.get(self.offset..self.offset + self.length)
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

    /// Whether the request needs a bank number.
    pub fn needs_bank(&self) -> bool {
        self.messages.iter().any(|p| p.has(Token::Bank))
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
    /// The messages, in file order.
    pub messages: Vec<MessageDef>,
    /// The dump requests, in file order.
    pub requests: Vec<RequestDef>,
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

/// Parses and checks one definition file.
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
    let pacing = match raw.pacing {
        Some(p) if p.bytes_per_second == 0 => {
            ctx.at(
                raw.id.span(),
                "pacing.bytes_per_second must be at least 1".into(),
            );
            Pacing::DIN
        }
        Some(p) if p.chunk_bytes != 0 && !(4..=256).contains(&p.chunk_bytes) => {
            ctx.at(
                raw.id.span(),
                "pacing.chunk_bytes is 0 (whole messages) or 4 to 256".into(),
            );
            Pacing::DIN
        }
        Some(p) => Pacing {
            bytes_per_second: p.bytes_per_second,
            gap_after_message_ms: p.gap_ms,
            chunk_bytes: p.chunk_bytes,
            chunk_pause_ms: p.chunk_pause_ms,
        },
        None => Pacing::DIN,
    };
    if raw.device_id.is_some_and(|d| d > 0x7F) {
        ctx.at(raw.id.span(), "device_id is 0 to 127 (0x7F)".into());
    }
    let identity = raw.identity.as_ref().and_then(|s| {
        let p = pattern(&mut ctx, s)?;
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
    });
    let ids: Vec<String> = raw
        .messages
        .iter()
        .map(|m| m.id.get_ref().clone())
        .collect();
    let mut messages = Vec::new();
    for (i, m) in raw.messages.into_iter().enumerate() {
        if ids[..i].contains(m.id.get_ref()) {
            ctx.at(
                m.id.span(),
                format!("message id `{}` is used twice", m.id.get_ref()),
            );
        }
        let Some(header) = pattern(&mut ctx, &m.header) else {
            continue;
        };
        if header.tokens()[0] != Token::Byte(0xF0) {
            ctx.at(m.header.span(), "a header starts with F0".into());
        }
        if header.has(Token::Checksum) {
            ctx.at(
                m.header.span(),
                "`cs` belongs in request templates; use `checksum`".into(),
            );
        }
        let length = match (m.length, m.min_length, m.max_length) {
            (Some(n), None, None) => (n, n),
            (None, min, max) => (min.unwrap_or(header.len() + 1), max.unwrap_or(usize::MAX)),
            _ => {
                ctx.at(
                    m.id.span(),
                    "give `length`, or `min_length`/`max_length`, not both".into(),
                );
                continue;
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
        if m.identify_by_checksum && m.checksum.is_none() {
            ctx.at(m.id.span(), "identify_by_checksum needs a checksum".into());
        }
        if m.reply.is_some() != (m.kind == RawKind::Reply) {
            ctx.at(
                m.id.span(),
                "`reply = ack | nak | error` goes with kind = \"reply\"".into(),
            );
        }
        let sizes = [
            m.name.as_ref().map(|n| n.offset),
            m.name.as_ref().map(|n| n.length),
            m.address.as_ref().map(|a| a.at),
            m.slots.as_ref().map(|s| s.offset),
            m.slots.as_ref().map(|s| s.stride),
            m.slots
                .as_ref()
                .and_then(|s| s.name.as_ref())
                .map(|n| n.offset),
            m.slots
                .as_ref()
                .and_then(|s| s.name.as_ref())
                .map(|n| n.length),
        ];
        if sizes
            .into_iter()
            .flatten()
            .chain(m.volatile.iter().flatten().copied())
            .any(|v| v > LIMIT)
            || m.address.as_ref().is_some_and(|a| a.length > 16)
            || m.slots.as_ref().is_some_and(|s| s.count > MAX_SLOTS)
        {
            ctx.at(
                m.id.span(),
                format!("offsets and sizes go up to {LIMIT}, slot counts to {MAX_SLOTS}, addresses to 16 bytes"),
            );
            continue;
        }
        if m.name.is_some() && m.data.is_none() {
            ctx.at(
                m.id.span(),
                "a name is read from the decoded data: give `data`".into(),
            );
        }
        let slots = match m.slots {
            None => None,
            Some(s) if s.count == 0 || s.stride == 0 => {
                ctx.at(m.id.span(), "slots need a count and a stride over 0".into());
                None
            }
            Some(s) => {
                let patch = match &s.patch {
                    None => Ok(None),
                    Some(p) => match ids.iter().position(|id| id == p.get_ref()) {
                        Some(i) => Ok(Some(i)),
                        None => Err(p),
                    },
                };
                match patch {
                    Ok(patch) => Some(Slots {
                        patch,
                        first_program: s.first_program.unwrap_or(0),
                        count: s.count,
                        stride: s.stride,
                        offset: s.offset,
                        layout: s.layout,
                        name: s.name.map(name_field),
                    }),
                    Err(p) => {
                        ctx.at(
                            p.span(),
                            format!("no message `{}` in this file", p.get_ref()),
                        );
                        None
                    }
                }
            }
        };
        if slots.is_some() && m.data.is_none() {
            ctx.at(
                m.id.span(),
                "slots are cut from the decoded data: give `data`".into(),
            );
        }
        messages.push(MessageDef {
            id: m.id.get_ref().clone(),
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
        });
    }
    // Slot references are positions in the file: check them only when every message parsed.
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    // A bank that is split or built needs both messages to be buildable from header + data.
    for i in 0..messages.len() {
        if let Some(Slots {
            patch: Some(_),
            offset,
            ..
        }) = &messages[i].slots
        {
            if *offset != 0 {
                ctx.at(
                    0..0,
                    format!(
                        "message `{}`: slots that split into patches start at offset 0",
                        messages[i].id
                    ),
                );
            }
        }
        if let Some(Slots {
            patch: Some(patch), ..
        }) = &messages[i].slots
        {
            for (which, j) in [("bank", i), ("patch", *patch)] {
                if let Err(why) = buildable(&messages[j]) {
                    ctx.at(
                        0..0,
                        format!(
                            "message `{}` ({which} of `{}`): {why}",
                            messages[j].id, messages[i].id
                        ),
                    );
                }
            }
        }
    }
    let mut requests = Vec::new();
    for r in raw.requests {
        let Some(p) = pattern(&mut ctx, &r.bytes) else {
            continue;
        };
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
            continue;
        }
        let mut ok = true;
        for part in &parts {
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
                    "a request with `checksum` has one `cs` per message, and `cs` needs `checksum`"
                        .into(),
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
        }
        if !ok {
            continue;
        }
        let text: Vec<String> = parts
            .iter()
            .map(|part| part.iter().map(token_text).collect::<Vec<_>>().join(" "))
            .collect();
        requests.push(RequestDef {
            id: r.id.get_ref().clone(),
            label: r.label,
            kind: r.kind.into(),
            messages: text
                .iter()
                .map(|t| Pattern::parse(t).expect("re-parsing tokens"))
                .collect(),
            checksum: r.checksum.map(|c| (c.rule, c.from)),
        });
    }
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
        messages,
        requests,
        file: file.to_owned(),
    })
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

/// Whether a message can be written from its header, data and checksum: the data follows the
/// header, and after it come only the checksum (if outside the data) and `F7`.
fn buildable(m: &MessageDef) -> Result<(), String> {
    if m.header.has(Token::Any) {
        return Err("its header has `??`, which cannot be written".into());
    }
    let d = m.data.ok_or("it has no `data`")?;
    if d.from != m.header.len() as isize {
        return Err(format!(
            "its data must start right after the header, at {}",
            m.header.len()
        ));
    }
    match (d.to, &m.checksum) {
        (-1, _) => Ok(()),
        (-2, Some(c)) if c.at == -2 => Ok(()),
        _ => Err("its data must end at -1, or at -2 with the checksum at -2".into()),
    }
}
