//! Banks split into their patches and built back, with the slots of a definition's bank message.
//!
//! A split is *lossless* when building the patches back gives the bank's bytes exactly. Where it
//! is not (a slot holds bits the single-patch format does not carry, the bank's checksum is
//! wrong, a model stores fewer slots than the bank carries), the split still happens: it says
//! what each patch dropped and warns, so the caller can keep the bank beside its patches.

use super::checksum::resolve;
use super::pattern::Token;
use super::{Definition, Fields, MessageDef, Registry};
use crate::sysex::checksum::ChecksumStatus;

/// One slot of a split bank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitPatch {
    /// Its messages: the patch, after its companion where it has one (a TX81Z voice is ACED
    /// then VCED).
    pub messages: Vec<Vec<u8>>,
    /// What the patch could not carry of its slot ("slot bytes 11 (bits 40) …"), if anything.
    pub dropped: Option<String>,
}

/// A bank split into its patches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankSplit {
    /// The patches, in slot order.
    pub patches: Vec<SplitPatch>,
    /// Building the patches back gives the bank's bytes exactly.
    pub lossless: bool,
    /// What the user should know: a wrong checksum, a model told apart or not, slots not split.
    pub warnings: Vec<String>,
}

impl BankSplit {
    /// Every patch's messages, in order.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.patches
            .iter()
            .flat_map(|p| p.messages.iter().cloned())
            .collect()
    }
}

impl Registry {
    /// Splits a bank message into its patches (`None` when `msg` is not a bank a definition can
    /// split).
    pub fn split_bank(&self, msg: &[u8]) -> Option<Result<BankSplit, String>> {
        self.split_bank_as(msg, None)
    }

    /// Splits a bank message as model `model` made it (one of its definition's `models`, any
    /// case), where the model changes the split (a DX100 stores 24 voices of 32).
    pub fn split_bank_as(
        &self,
        msg: &[u8],
        model: Option<&str>,
    ) -> Option<Result<BankSplit, String>> {
        let (d, m, f) = self.identify(msg)?;
        m.slots.as_ref()?.patch?;
        Some(d.split(m, f, msg, model))
    }
}

/// Which slot bytes lost bits when unpacked and packed again, in words.
fn dropped(slot: &[u8], repacked: &[u8], patch: &str) -> Option<String> {
    let lost: Vec<String> = slot
        .iter()
        .zip(repacked)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("{i} (bits {:02X})", a ^ b))
        .collect();
    if lost.is_empty() {
        return None;
    }
    let shown = lost.len().min(8);
    let more = if lost.len() > shown {
        format!(" and {} more", lost.len() - shown)
    } else {
        String::new()
    };
    Some(format!(
        "slot bytes {}{more} held bits the {patch} cannot carry; they were dropped",
        lost[..shown].join(", ")
    ))
}

impl Definition {
    /// The model name of this definition that `given` names (any case).
    fn model(&self, given: &str) -> Result<&str, String> {
        self.models
            .iter()
            .find(|m| m.eq_ignore_ascii_case(given))
            .map(String::as_str)
            .ok_or_else(|| {
                format!(
                    "{} knows the models {}, not “{given}”",
                    self.name,
                    self.models.join(", ")
                )
            })
    }

    /// Splits bank message `msg` (message kind `m`, fields `f`) into its patches, as `model`
    /// made it where one is named. Refused only when the bank's data cannot be cut into slots.
    pub fn split(
        &self,
        m: &MessageDef,
        f: Fields,
        msg: &[u8],
        model: Option<&str>,
    ) -> Result<BankSplit, String> {
        let s = m.slots.as_ref().ok_or("not a bank")?;
        let patch = &self.messages[s.patch.ok_or("its patches are not split")?];
        let mut warnings = Vec::new();
        if let Some(c) = &m.checksum {
            if let ChecksumStatus::Invalid { expected, found } =
                c.status(msg, self.decoded(m, msg).as_deref())
            {
                warnings.push(format!(
                    "the {}'s checksum is wrong (expected {expected:02X}, found {found:02X}): \
                     its patches were split anyway with checksums of their own, and the bank is \
                     kept; the data may be damaged (Fix checksum on the bank if it is right)",
                    m.label
                ));
            }
        }
        let data = self
            .decoded(m, msg)
            .ok_or_else(|| format!("the {} data does not decode", m.label))?;
        if data.len() != s.count * s.stride {
            return Err(format!(
                "the {} holds {} bytes of data, not {} slots of {}",
                m.label,
                data.len(),
                s.count,
                s.stride
            ));
        }
        let model = model.map(|g| self.model(g)).transpose()?;
        let count = model
            .and_then(|md| s.stored.iter().find(|(n, _)| n.eq_ignore_ascii_case(md)))
            .map_or(s.count, |(_, n)| *n);
        let slots: Vec<&[u8]> = (0..s.count)
            .map(|i| &data[s.offset + i * s.stride..s.offset + (i + 1) * s.stride])
            .collect();
        let unpacked = slots
            .iter()
            .map(|slot| s.layout.slot_to_patch(slot).map_err(|e| e.0))
            .collect::<Result<Vec<_>, _>>()?;
        let with = s.with.map(|w| &self.messages[w]);
        let use_with = with.is_some()
            && match model {
                Some(md) => s.with_models.iter().any(|w| w.eq_ignore_ascii_case(md)),
                None => unpacked[..count]
                    .iter()
                    .any(|(_, extra)| extra.iter().any(|&b| b != 0)),
            };
        match (model, with) {
            (None, Some(w)) if use_with => warnings.push(format!(
                "the bank carries {} data, which only {} keep: each patch is split as {} + {}",
                w.label,
                s.with_models.join(", "),
                w.label,
                patch.label
            )),
            (None, _) if with.is_some() || !s.stored.is_empty() => warnings.push(format!(
                "which model made this bank cannot be told from its bytes: split as the \
                     common {} of {} (all {} slots); name the model to split it as that model \
                     does",
                patch.label,
                self.models.join(", "),
                s.count
            )),
            _ => {}
        }
        if count < s.count {
            warnings.push(format!(
                "slots {}-{} are not split: a {} stores only the first {count}; the bank \
                 keeps them",
                count + 1,
                s.count,
                model.unwrap_or_default()
            ));
        }
        let first = f.program.unwrap_or(s.first_program);
        let mut patches = Vec::with_capacity(count);
        for (i, (body, extra)) in unpacked.iter().enumerate().take(count) {
            let repacked = s
                .layout
                .patch_to_slot(body, use_with.then_some(extra.as_slice()))
                .map_err(|e| e.0)?;
            let fields = self.default_fields(Fields {
                program: patch.header.has(Token::Program).then_some(first + i as u16),
                ..f
            });
            let mut messages = Vec::new();
            if let (Some(w), true) = (with, use_with) {
                messages.push(self.build(w, &fields, extra)?);
            }
            messages.push(self.build(patch, &fields, body)?);
            let label = match (with, use_with) {
                (Some(w), true) => format!("{} + {}", w.label, patch.label),
                _ => patch.label.clone(),
            };
            patches.push(SplitPatch {
                messages,
                dropped: dropped(slots[i], &repacked, &label),
            });
        }
        let split = BankSplit {
            lossless: false,
            patches,
            warnings,
        };
        let lossless = count == s.count
            && self.build_bank(&m.id, &split.messages()).ok().as_deref() == Some(msg);
        Ok(BankSplit { lossless, ..split })
    }

    /// Builds bank message `bank` (an id of a message with slots) from patch messages, in slot
    /// order (a patch whose slot has a companion may come after it: ACED then VCED). The
    /// header's channel, device ID, bank and selector come from the first patch, its program
    /// from the first patch's program.
    pub fn build_bank(&self, bank: &str, messages: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        let b = self
            .message(bank)
            .ok_or_else(|| format!("no message `{bank}` in {}", self.name))?;
        let s = b
            .slots
            .as_ref()
            .ok_or_else(|| format!("`{bank}` holds no patches"))?;
        let patch = &self.messages[s
            .patch
            .ok_or_else(|| format!("`{bank}` is not split into patches"))?];
        let with = s.with.map(|w| &self.messages[w]);
        // Each patch with the companion that came before it, if any.
        let mut groups: Vec<(Option<&Vec<u8>>, &Vec<u8>)> = Vec::new();
        let mut pending = None;
        for p in messages {
            match with {
                Some(w) if pending.is_none() && self.matches(w, p).is_some() => pending = Some(p),
                _ => groups.push((pending.take(), p)),
            }
        }
        if pending.is_some() {
            return Err(format!(
                "the last {} has no {} after it",
                with.map_or("", |w| w.label.as_str()),
                patch.label
            ));
        }
        if groups.len() != s.count {
            return Err(format!(
                "a {} holds {} patches, not {}",
                b.label,
                s.count,
                groups.len()
            ));
        }
        let mut data = Vec::with_capacity(s.count * s.stride);
        let mut first: Option<Fields> = None;
        for (i, (extra, p)) in groups.into_iter().enumerate() {
            let f = self
                .matches(patch, p)
                .ok_or_else(|| format!("patch {} is not a {} {}", i + 1, self.name, patch.label))?;
            for (m, bytes) in [(Some(patch), p)]
                .into_iter()
                .chain(extra.map(|e| (with, e)))
            {
                let Some(m) = m else { continue };
                if let Some(c) = &m.checksum {
                    if let ChecksumStatus::Invalid { .. } =
                        c.status(bytes, self.decoded(m, bytes).as_deref())
                    {
                        return Err(format!(
                            "patch {}'s checksum is wrong: fix it first if the data is right",
                            i + 1
                        ));
                    }
                }
            }
            check_program(b, s.count, first.map_or(f.program, |f0| f0.program), f, i)?;
            first.get_or_insert(f);
            let body = self
                .decoded(patch, p)
                .ok_or_else(|| format!("patch {} does not decode", i + 1))?;
            let extra = match (with, extra) {
                (Some(w), Some(e)) => Some(
                    self.decoded(w, e)
                        .ok_or_else(|| format!("patch {}'s {} does not decode", i + 1, w.label))?,
                ),
                _ => None,
            };
            let slot = s
                .layout
                .patch_to_slot(&body, extra.as_deref())
                .map_err(|e| e.0)?;
            if slot.len() != s.stride {
                return Err(format!(
                    "patch {} gives {} bytes, a slot is {}",
                    i + 1,
                    slot.len(),
                    s.stride
                ));
            }
            data.extend(slot);
        }
        let fields = self.default_fields(first.unwrap_or_default());
        self.build(b, &fields, &data)
    }

    /// Where the data of message kind `m` starts in a message of `len` bytes, and its encoding.
    pub fn data_start(&self, m: &MessageDef, len: usize) -> Option<(usize, super::Encoding)> {
        let d = m.data?;
        Some((resolve(d.from, len)?, d.encoding))
    }
}

/// Where the bank header carries the first program, the patches must be the slots from there on
/// (a Kawai block starts at 00, 20h or 40h): patch `i` with fields `f`, the first at `start`.
fn check_program(
    b: &MessageDef,
    count: usize,
    start: Option<u16>,
    f: Fields,
    i: usize,
) -> Result<(), String> {
    if !b.header.has(Token::Program) {
        return Ok(());
    }
    let start = start.unwrap_or(0);
    if i == 0 && !start.is_multiple_of(count as u16) {
        return Err(format!(
            "a {} starts at a program that is a multiple of {count}; the first patch is at {start}",
            b.label
        ));
    }
    if f.program != Some(start + i as u16) {
        return Err(format!(
            "patch {} is program {}, slot {} of the bank needs program {}",
            i + 1,
            f.program.map_or("none".into(), |p| p.to_string()),
            i + 1,
            start + i as u16
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "id = \"x\"\nname = \"X\"\nmaker = \"X\"\nmodels = [\"A\", \"B\"]\nsources = [\"s\"]\n\
        [[message]]\nid = \"p\"\nlabel = \"P\"\nkind = \"program\"\nheader = \"F0 02\"\n\
        data = { from = 2, to = -1 }\n\
        [[message]]\nid = \"c\"\nlabel = \"C\"\nkind = \"data\"\nheader = \"F0 03\"\n\
        data = { from = 2, to = -1 }\n\
        [[message]]\nid = \"bank\"\nlabel = \"K\"\nkind = \"bank\"\nheader = \"F0 01\"\n\
        data = { from = 2, to = -1 }\n";

    fn errors(slots: &str) -> Vec<String> {
        let text = format!("{HEAD}slots = {{ {slots} }}\n");
        let r = Registry::from_texts(vec![("mine.toml".into(), text)], []);
        r.errors().iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn slot_companions_and_models_are_checked() {
        assert!(errors("patch = \"p\", with = \"c\", with_models = [\"A\"], stored = { B = 1 }, count = 2, stride = 1").is_empty());
        let e = errors("patch = \"p\", with = \"nope\", count = 2, stride = 1");
        assert!(e[0].contains("no message `nope`"), "{e:?}");
        let e = errors("with = \"c\", count = 2, stride = 1");
        assert!(e[0].contains("`with` goes with a `patch`"), "{e:?}");
        let e = errors("patch = \"p\", with = \"p\", count = 2, stride = 1");
        assert!(e[0].contains("`with` names its `patch`"), "{e:?}");
        let e = errors("patch = \"p\", stored = { Z = 1 }, count = 2, stride = 1");
        assert!(e[0].contains("model `Z`"), "{e:?}");
        let e = errors("patch = \"p\", stored = { A = 3 }, count = 2, stride = 1");
        assert!(e[0].contains("A stores 3 slots, not 1 to 2"), "{e:?}");
    }

    #[test]
    fn a_companion_goes_before_its_patch_when_a_bank_is_built() {
        let r = Registry::shipped();
        let d = r.get("yamaha-4op").unwrap();
        let aced = d
            .build(
                d.message("aced").unwrap(),
                &d.default_fields(Fields::default()),
                &[0; 23],
            )
            .unwrap();
        let voice = d
            .build(
                d.message("voice").unwrap(),
                &d.default_fields(Fields::default()),
                &[0; 93],
            )
            .unwrap();
        let mut pairs: Vec<Vec<u8>> = (0..32)
            .flat_map(|_| [aced.clone(), voice.clone()])
            .collect();
        assert!(d.build_bank("bank", &pairs).is_ok());
        let singles: Vec<Vec<u8>> = (0..32).map(|_| voice.clone()).collect();
        assert_eq!(
            d.build_bank("bank", &singles),
            d.build_bank("bank", &pairs),
            "a voice without ACED packs zeros in its place"
        );
        pairs.push(aced);
        let err = d.build_bank("bank", &pairs).unwrap_err();
        assert!(
            err.contains("the last TX81Z additional voice data (ACED) has no Single voice"),
            "{err}"
        );
    }
}
