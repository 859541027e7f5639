//! Step 5 of [`super::parse`]: the `[[params]]` tables, checked and attached to their messages.
//! Each parameter must lie inside the message's decoded data, its bit field inside a byte, its
//! range inside the field, its value names one per value; no two parameters of a message share
//! a name, nor a bit unless their tables' `when` conditions exclude each other.

use super::raw::{RawDisplay, RawParam, RawParams, RawValues};
use super::{Ctx, MessageDef};
use crate::devices::checksum::resolve;
use crate::devices::encoding::Encoding;
use crate::devices::params::{ParamDef, Show, When};
use std::collections::HashMap;

/// Checks every `[[params]]` table and adds its parameters to the messages it names.
pub(super) fn attach(
    ctx: &mut Ctx<'_>,
    raw: Vec<RawParams>,
    lists: &HashMap<String, Vec<String>>,
    messages: &mut [MessageDef],
) {
    let mut claims: HashMap<String, Claims> = HashMap::new();
    for table in raw {
        let Some(defs) = expand(ctx, &table, lists) else {
            continue;
        };
        for id in &table.messages {
            let Some(m) = messages.iter_mut().find(|m| m.id == *id.get_ref()) else {
                ctx.at(
                    id.span(),
                    format!("no message `{}` in this file", id.get_ref()),
                );
                continue;
            };
            if m.data.is_none() || m.slots.is_some() {
                ctx.at(
                    id.span(),
                    format!(
                        "message `{}` has no patch data of its own (a bank's slots take the map of the message they split into)",
                        m.id
                    ),
                );
                continue;
            }
            let size = decoded_len(m);
            let claimed = claims.entry(m.id.clone()).or_default();
            for (span, def) in &defs {
                claimed.claim(ctx, &m.id, span, def);
                let end = (def.offset + def.byte_len())
                    .max(def.high.map_or(0, |h| h.0 + 1))
                    .max(def.when.as_ref().map_or(0, |w| w.offset + 1));
                if let Some(size) = size.filter(|&s| end > s) {
                    ctx.at(
                        span.clone(),
                        format!(
                            "`{}` at offset {} is outside the {size} bytes of `{}`'s decoded data",
                            def.name, def.offset, m.id
                        ),
                    );
                }
            }
            m.params.extend(defs.iter().map(|(_, d)| d.clone()));
        }
    }
}

/// The parameters of one table, `repeat` applied, each with the span of its name.
fn expand(
    ctx: &mut Ctx<'_>,
    table: &RawParams,
    lists: &HashMap<String, Vec<String>>,
) -> Option<Vec<(std::ops::Range<usize>, ParamDef)>> {
    let first = table.param.first().map_or(0..0, |p| p.name.span());
    let (count, stride, names) = match &table.repeat {
        None => (1, 0, vec![String::new()]),
        Some(r) if r.count == 0 || r.names.len() != r.count => {
            ctx.at(
                first,
                format!(
                    "repeat needs a count over 0 and one name per copy ({} names for {})",
                    r.names.len(),
                    r.count
                ),
            );
            return None;
        }
        Some(r) => (
            r.count,
            r.stride,
            r.names.iter().map(|n| format!("{n} ")).collect(),
        ),
    };
    if stride > super::LIMIT || count > super::MAX_SLOTS {
        ctx.at(first, "repeat stride or count is too large".into());
        return None;
    }
    let when = match &table.when {
        None => None,
        Some(w) => {
            let top = if (1..=8).contains(&w.bits) {
                (1i64 << w.bits) - 1
            } else {
                -1
            };
            if top < 0 || u32::from(w.bit) + u32::from(w.bits) > 8 || w.offset > super::LIMIT {
                ctx.at(
                    first,
                    format!("when: bit {} and bits {} leave the byte", w.bit, w.bits),
                );
                return None;
            }
            if w.values.is_empty() || w.values.iter().any(|v| !(0..=top).contains(v)) {
                ctx.at(
                    first,
                    format!("when: values must be one or more of 0..{top}"),
                );
                return None;
            }
            Some(When {
                offset: w.offset,
                bit: w.bit,
                bits: w.bits,
                values: w.values.clone(),
            })
        }
    };
    // Every parameter is checked (and reports its problems) before any is copied.
    let parsed: Vec<Option<ParamDef>> = table.param.iter().map(|p| param(ctx, p, lists)).collect();
    let parsed: Vec<ParamDef> = parsed.into_iter().collect::<Option<_>>()?;
    let mut out = Vec::new();
    for (i, prefix) in names.iter().enumerate().take(count) {
        for (p, def) in table.param.iter().zip(&parsed) {
            let mut def = def.clone();
            def.name = format!("{prefix}{}", def.name);
            def.offset += i * stride;
            def.high = def.high.map(|(at, bit, bits)| (at + i * stride, bit, bits));
            def.when = when.clone();
            out.push((p.name.span(), def));
        }
    }
    Some(out)
}

/// One parameter as written; `None` (with an error) when it contradicts itself. `lists` are
/// the file's `[values]`, which `values = "name"` refers to.
fn param(
    ctx: &mut Ctx<'_>,
    p: &RawParam,
    lists: &HashMap<String, Vec<String>>,
) -> Option<ParamDef> {
    let span = p.name.span();
    let fail = |ctx: &mut Ctx<'_>, why: String| {
        ctx.at(
            span.clone(),
            format!("parameter `{}`: {why}", p.name.get_ref()),
        );
        None
    };
    let values: &[String] = match &p.values {
        RawValues::Names(names) => names,
        RawValues::List(name) => match lists.get(name) {
            Some(names) => names,
            None => return fail(ctx, format!("no list `{name}` in `[values]`")),
        },
    };
    if p.name.get_ref().trim().is_empty() {
        return fail(ctx, "a parameter needs a name".into());
    }
    if p.offset > super::LIMIT {
        return fail(ctx, format!("offset goes up to {}", super::LIMIT));
    }
    let bits = p.bits.unwrap_or(8 - p.bit.min(8));
    if bits == 0 || u32::from(p.bit) + u32::from(bits) > 8 {
        return fail(ctx, format!("bit {} and bits {bits} leave the byte", p.bit));
    }
    let high = match &p.high {
        None => None,
        Some(_) if p.display == RawDisplay::Text => {
            return fail(ctx, "a text has no `high` bits".into());
        }
        Some(h)
            if h.bits == 0
                || u32::from(h.bit) + u32::from(h.bits) > 8
                || h.offset > super::LIMIT =>
        {
            return fail(
                ctx,
                format!("high bit {} and bits {} leave the byte", h.bit, h.bits),
            );
        }
        Some(h) => Some((h.offset, h.bit, h.bits)),
    };
    let width = bits + high.map_or(0, |h| h.2);
    let (lo, hi) = if p.signed {
        (-(1i64 << (width - 1)), (1i64 << (width - 1)) - 1)
    } else {
        (0, (1i64 << width) - 1)
    };
    // With value names and no `max`, the names end the range.
    let min = p.min.unwrap_or(lo);
    let named_max = (!values.is_empty()).then(|| min + values.len() as i64 - 1);
    let max = p.max.or(named_max).unwrap_or(hi);
    if min < lo || max > hi || min > max {
        return fail(
            ctx,
            format!("range {min}..{max} does not fit a {width}-bit value ({lo}..{hi})"),
        );
    }
    let text = p.display == RawDisplay::Text;
    if text != p.length.is_some() || (p.charset.is_some() && !text) {
        return fail(
            ctx,
            "`length` and `charset` go with display = \"text\"".into(),
        );
    }
    if !values.is_empty() && (p.display != RawDisplay::Number || p.add != 0) {
        return fail(
            ctx,
            "`values` names the values: no `display` or `add` with it".into(),
        );
    }
    let show = if text {
        let length = p.length.unwrap_or(0);
        if length == 0 || length > super::LIMIT || p.bits.is_some() || p.bit != 0 {
            return fail(ctx, "a text is one or more whole bytes".into());
        }
        Show::Text {
            length,
            charset: p.charset.unwrap_or_default(),
        }
    } else if !values.is_empty() {
        if values.len() as i64 != max - min + 1 {
            return fail(
                ctx,
                format!(
                    "{} value names for the {} values {min}..{max}",
                    values.len(),
                    max - min + 1
                ),
            );
        }
        Show::Names(values.to_vec())
    } else if p.display == RawDisplay::Note {
        Show::Note { add: p.add }
    } else {
        Show::Number { add: p.add }
    };
    Some(ParamDef {
        name: p.name.get_ref().trim().to_owned(),
        offset: p.offset,
        bit: p.bit,
        bits,
        high,
        signed: p.signed,
        min,
        max,
        show,
        when: None,
    })
}

/// Bytes of decoded data in a message of the longest length `m` allows (`None`: no bound).
fn decoded_len(m: &MessageDef) -> Option<usize> {
    let d = m.data?;
    if m.length.1 == usize::MAX {
        return None;
    }
    let n = resolve(d.to, m.length.1)?.checked_sub(resolve(d.from, m.length.1)?)?;
    Some(match d.encoding {
        Encoding::SevenBit => n,
        Encoding::NibblesLowFirst | Encoding::NibblesHighFirst => n / 2,
        Encoding::MsBitPacked => n - n.div_ceil(8),
    })
}

/// A parameter reading a bit: its name and its table's condition.
type Reader = (String, Option<When>);

/// The names and bits of a message its parameters have taken so far (each bit with the
/// parameters reading it).
#[derive(Default)]
struct Claims {
    names: HashMap<String, ()>,
    bits: HashMap<(usize, u8), Vec<Reader>>,
}

impl Claims {
    /// Takes `p`'s name and bits for message `id`; reports a name used twice or a bit read by
    /// two parameters.
    fn claim(&mut self, ctx: &mut Ctx<'_>, id: &str, span: &std::ops::Range<usize>, p: &ParamDef) {
        if self.names.insert(p.name.clone(), ()).is_some() {
            ctx.at(
                span.clone(),
                format!("message `{id}`: parameter `{}` is named twice", p.name),
            );
        }
        let bits: Vec<(usize, u8)> = match p.show {
            Show::Text { length, .. } => (p.offset..p.offset + length)
                .flat_map(|o| (0..8).map(move |b| (o, b)))
                .collect(),
            _ => (p.bit..p.bit + p.bits)
                .map(|b| (p.offset, b))
                .chain(
                    p.high
                        .iter()
                        .flat_map(|&(o, bit, n)| (bit..bit + n).map(move |b| (o, b))),
                )
                .collect(),
        };
        for key in bits {
            let readers = self.bits.entry(key).or_default();
            let clash = readers.iter().find(|(_, w)| match (w, &p.when) {
                (Some(a), Some(b)) => !a.excludes(b),
                _ => true,
            });
            if let Some((other, _)) = clash {
                ctx.at(
                    span.clone(),
                    format!(
                        "message `{id}`: `{}` and `{other}` both read bit {} of byte {}",
                        p.name, key.1, key.0
                    ),
                );
                return;
            }
            readers.push((p.name.clone(), p.when.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, LoadError};

    const HEAD: &str = "id = \"x\"\nname = \"X\"\nmaker = \"X\"\nsources = [\"s\"]\n\
        [[message]]\nid = \"p\"\nlabel = \"P\"\nkind = \"program\"\nheader = \"F0 7D\"\n\
        length = 7\ndata = { from = 2, to = -1 }\n\
        [[message]]\nid = \"bank\"\nlabel = \"B\"\nkind = \"bank\"\nheader = \"F0 7D 01\"\n\
        length = 12\ndata = { from = 3, to = -1 }\n\
        slots = { patch = \"p\", count = 2, stride = 4 }\n";

    fn errors(params: &str) -> Vec<LoadError> {
        parse("x.toml", &format!("{HEAD}{params}")).unwrap_err()
    }

    fn one_error(params: &str, line: usize, column: usize, words: &str) {
        let e = errors(params);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].line, e[0].column), (line, column), "{}", e[0]);
        assert!(e[0].message.contains(words), "{}", e[0]);
    }

    #[test]
    fn a_good_map_attaches_to_each_message_it_names() {
        let d = parse(
            "x.toml",
            &format!(
                "{HEAD}[[params]]\nmessages = [\"p\"]\nrepeat = {{ count = 2, stride = 2, names = [\"A\", \"B\"] }}\n\
                 param = [\n  {{ name = \"Lo\", offset = 0, bits = 4 }},\n  {{ name = \"Hi\", offset = 0, bit = 4, bits = 3, signed = true }},\n  {{ name = \"Wave\", offset = 1, values = \"waves\" }},\n]\n[values]\nwaves = [\"Saw\", \"Pulse\"]\n"
            ),
        )
        .unwrap();
        let names: Vec<&str> = d.messages[0]
            .params
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["A Lo", "A Hi", "A Wave", "B Lo", "B Hi", "B Wave"]);
        assert_eq!(d.messages[0].params[3].offset, 2);
        assert_eq!(
            (d.messages[0].params[1].min, d.messages[0].params[1].max),
            (-4, 3)
        );
        assert_eq!(d.messages[0].params[2].max, 1);
        assert_eq!(
            d.messages[0].params[2].read(&[0, 1]).unwrap().display,
            "Pulse"
        );
    }

    #[test]
    fn tables_with_exclusive_conditions_share_bytes() {
        let d = parse(
            "x.toml",
            &format!(
                "{HEAD}[[params]]\nmessages = [\"p\"]\nparam = [{{ name = \"Mode\", offset = 0, bits = 1 }}]\n\
                 [[params]]\nmessages = [\"p\"]\nwhen = {{ offset = 0, bits = 1, values = [0] }}\nparam = [{{ name = \"Cutoff\", offset = 1 }}]\n\
                 [[params]]\nmessages = [\"p\"]\nwhen = {{ offset = 0, bits = 1, values = [1] }}\nparam = [{{ name = \"Shift\", offset = 1 }}]\n"
            ),
        )
        .unwrap();
        let read = |data: &[u8]| -> Vec<String> {
            d.messages[0]
                .params
                .iter()
                .filter_map(|p| p.read(data))
                .map(|v| format!("{} {}", v.name, v.display))
                .collect()
        };
        assert_eq!(read(&[0, 9, 0, 0]), ["Mode 0", "Cutoff 9"]);
        assert_eq!(read(&[1, 9, 0, 0]), ["Mode 1", "Shift 9"]);
    }

    #[test]
    fn bad_maps_are_reported_where_they_are() {
        // Line 23 is the first parameter's line; column 5 its name.
        let table =
            |param: &str| format!("[[params]]\nmessages = [\"p\"]\nparam = [\n  {param},\n]\n");
        one_error(
            &table("{ name = \"A\", offset = 4 }"),
            23,
            12,
            "outside the 4 bytes",
        );
        one_error(
            &table("{ name = \"A\", offset = 0, bit = 6, bits = 3 }"),
            23,
            12,
            "leave the byte",
        );
        one_error(
            &table("{ name = \"A\", offset = 0, bits = 3, max = 9 }"),
            23,
            12,
            "does not fit",
        );
        one_error(
            &table("{ name = \"A\", offset = 0, max = 2, values = [\"a\", \"b\"] }"),
            23,
            12,
            "2 value names for the 3 values",
        );
        one_error(
            &table("{ name = \"A\", offset = 0, length = 2 }"),
            23,
            12,
            "go with display = \"text\"",
        );
        one_error(
            "[[params]]\nmessages = [\"p\"]\nparam = [\n  { name = \"A\", offset = 0, bits = 4 },\n  { name = \"A\", offset = 1 },\n]\n",
            24,
            12,
            "named twice",
        );
        one_error(
            "[[params]]\nmessages = [\"p\"]\nparam = [\n  { name = \"A\", offset = 0, bits = 4 },\n  { name = \"B\", offset = 0, bit = 3, bits = 2 },\n]\n",
            24,
            12,
            "both read bit 3 of byte 0",
        );
        one_error(
            "[[params]]\nmessages = [\"q\"]\nparam = [{ name = \"A\", offset = 0 }]\n",
            21,
            13,
            "no message `q`",
        );
        one_error(
            "[[params]]\nmessages = [\"bank\"]\nparam = [{ name = \"A\", offset = 0 }]\n",
            21,
            13,
            "a bank's slots take the map",
        );
        // Conditions that can hold together do not share a bit; one on a field too wide fails.
        one_error(
            "[[params]]\nmessages = [\"p\"]\nwhen = { offset = 0, bits = 2, values = [0, 1] }\nparam = [{ name = \"A\", offset = 1 }]\n[[params]]\nmessages = [\"p\"]\nwhen = { offset = 0, bits = 2, values = [1, 2] }\nparam = [{ name = \"B\", offset = 1 }]\n",
            27,
            19,
            "both read bit 0 of byte 1",
        );
        one_error(
            "[[params]]\nmessages = [\"p\"]\nwhen = { offset = 0, bit = 6, bits = 3, values = [0] }\nparam = [{ name = \"A\", offset = 1 }]\n",
            23,
            19,
            "when: bit 6 and bits 3 leave the byte",
        );
        one_error(
            "[[params]]\nmessages = [\"p\"]\nwhen = { offset = 0, bits = 2, values = [4] }\nparam = [{ name = \"A\", offset = 1 }]\n",
            23,
            19,
            "values must be one or more of 0..3",
        );
        one_error(
            "[[params]]\nmessages = [\"p\"]\nwhen = { offset = 4, bits = 2, values = [0] }\nparam = [{ name = \"A\", offset = 1 }]\n",
            23,
            19,
            "outside the 4 bytes",
        );
        let e = errors(
            "[[params]]\nmessages = [\"p\"]\nparam = [{ name = \"A\", offset = 0, colour = 1 }]\n",
        );
        assert!(e[0].message.contains("colour"), "{}", e[0]);
    }
}
