//! Parsing a bank message's `slots` and checking that a bank that splits or builds can: both
//! messages buildable from header and data, slots from offset 0, models it names declared.

use super::*;

/// A bank message's `slots`; `patch` names a message of the file (`ids`, in file order).
pub(super) fn slots(
    ctx: &mut Ctx<'_>,
    id: &Spanned<String>,
    s: RawSlots,
    ids: &[String],
) -> Option<Slots> {
    if s.count == 0 || s.stride == 0 {
        ctx.at(id.span(), "slots need a count and a stride over 0".into());
        return None;
    }
    let patch = match &s.patch {
        None => None,
        Some(p) => match ids.iter().position(|id| id == p.get_ref()) {
            Some(i) => Some(i),
            None => {
                ctx.at(
                    p.span(),
                    format!("no message `{}` in this file", p.get_ref()),
                );
                return None;
            }
        },
    };
    let with = match &s.with {
        None => None,
        Some(w) => match ids.iter().position(|id| id == w.get_ref()) {
            Some(i) if patch.is_some() => Some(i),
            Some(_) => {
                ctx.at(w.span(), "`with` goes with a `patch`".into());
                return None;
            }
            None => {
                ctx.at(
                    w.span(),
                    format!("no message `{}` in this file", w.get_ref()),
                );
                return None;
            }
        },
    };
    if let Some((model, n)) = s.stored.iter().find(|(_, n)| **n == 0 || **n > s.count) {
        ctx.at(
            id.span(),
            format!("`stored`: {model} stores {n} slots, not 1 to {}", s.count),
        );
        return None;
    }
    Some(Slots {
        patch,
        first_program: s.first_program.unwrap_or(0),
        count: s.count,
        stride: s.stride,
        offset: s.offset,
        layout: s.layout,
        name: s.name.map(name_field),
        with,
        with_models: s.with_models,
        stored: s.stored.into_iter().collect(),
    })
}

/// Step 3: a bank that is split or built needs both messages to be buildable from header +
/// data, and its slots to start at offset 0.
pub(super) fn check_banks(ctx: &mut Ctx<'_>, messages: &[MessageDef], models: &[String]) {
    for bank in messages {
        let named = bank
            .slots
            .iter()
            .flat_map(|s| s.with_models.iter().chain(s.stored.iter().map(|(m, _)| m)));
        for model in named.filter(|m| !models.contains(m)) {
            ctx.at(
                0..0,
                format!(
                    "message `{}`: the model `{model}` of its slots is not in `models`",
                    bank.id
                ),
            );
        }
        let Some(Slots {
            patch: Some(patch),
            offset,
            ..
        }) = &bank.slots
        else {
            continue;
        };
        if *offset != 0 {
            ctx.at(
                0..0,
                format!(
                    "message `{}`: slots that split into patches start at offset 0",
                    bank.id
                ),
            );
        }
        let with = bank.slots.as_ref().and_then(|s| s.with);
        if with == Some(*patch) {
            ctx.at(
                0..0,
                format!("message `{}`: `with` names its `patch`", bank.id),
            );
        }
        let with = with.map(|w| ("with", &messages[w]));
        for (which, m) in [("bank", bank), ("patch", &messages[*patch])]
            .into_iter()
            .chain(with)
        {
            if let Err(why) = buildable(m) {
                ctx.at(
                    0..0,
                    format!("message `{}` ({which} of `{}`): {why}", m.id, bank.id),
                );
            }
        }
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
