//! Parameter maps: what each byte or bit field of a message's decoded patch data means (its
//! name, range and how the synth shows it), read from a definition's `[[params]]` tables.
//!
//! [`Registry::params`] lists a message's parameters with their values; for a bank whose slots
//! split into patches, every slot's parameters (named "Slot 3: …"). [`Registry::param_changes`]
//! lists the parameters that differ between two messages of the same kind ("OP3 Output Level
//! 99 → 87"). Messages without a map give `None`; callers fall back to the differing bytes.

use super::charset::Charset;
use super::{Definition, MessageDef, Registry};
use serde::Serialize;
use std::fmt;

/// How a parameter's value is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    /// A number: the value plus `add` (a detune stored 0–14 shows as -7…+7 with `add = -7`).
    Number {
        /// Added to the stored value.
        add: i64,
    },
    /// A note name (60 = C4) of the value plus `add`.
    Note {
        /// Added to the stored value to make a MIDI note number.
        add: i64,
    },
    /// A name per value, from `min` up (waveforms, on/off).
    Names(Vec<String>),
    /// Characters (a patch name), `length` bytes from the offset.
    Text {
        /// Bytes.
        length: usize,
        /// Character set.
        charset: Charset,
    },
}

/// One parameter of a message's decoded data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDef {
    /// Shown to the user ("OP3 Output Level").
    pub name: String,
    /// Byte in the decoded data (of the patch, for a bank's slot).
    pub offset: usize,
    /// Lowest bit of the field in that byte.
    pub bit: u8,
    /// Width of the field in bits (1–8).
    pub bits: u8,
    /// Where the value's upper bits are, when it does not fit one byte: (byte, lowest bit,
    /// width); they go above the field's `bits`.
    pub high: Option<(usize, u8, u8)>,
    /// The value (all its bits) is two's complement.
    pub signed: bool,
    /// Lowest valid value, as stored (after the sign is applied).
    pub min: i64,
    /// Highest valid value, as stored.
    pub max: i64,
    /// How it is shown.
    pub show: Show,
    /// When set, the parameter exists only in data that meets the condition.
    pub when: Option<When>,
}

/// A condition on a message's decoded data: a field holding one of `values` (a voice mode that
/// decides what a patch's other bytes mean).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    /// Byte of the decoded data.
    pub offset: usize,
    /// Lowest bit of the field.
    pub bit: u8,
    /// Width of the field in bits (1-8).
    pub bits: u8,
    /// The field's values for which the condition holds.
    pub values: Vec<i64>,
}

impl When {
    /// Whether `data` meets the condition (`false` when it is too short).
    pub fn holds(&self, data: &[u8]) -> bool {
        let mask = ((1u16 << self.bits) - 1) as u8;
        data.get(self.offset)
            .is_some_and(|b| self.values.contains(&i64::from((b >> self.bit) & mask)))
    }

    /// Whether the two conditions never hold together: the same field, no value in common.
    pub fn excludes(&self, other: &When) -> bool {
        (self.offset, self.bit, self.bits) == (other.offset, other.bit, other.bits)
            && !self.values.iter().any(|v| other.values.contains(v))
    }
}

/// A parameter and its value in one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamValue {
    /// The parameter's name.
    pub name: String,
    /// The stored value (`None` for text).
    pub value: Option<i64>,
    /// The value as the synth shows it ("+3", "SAW UP", "C3", "BRASS 1").
    pub display: String,
}

/// A parameter whose value differs between two messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamChange {
    /// The parameter's name.
    pub name: String,
    /// Its value in the first message, as shown.
    pub from: String,
    /// Its value in the second message, as shown.
    pub to: String,
}

impl fmt::Display for ParamChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} → {}", self.name, self.from, self.to)
    }
}

/// The name of MIDI note `n` with middle C (60) as C4: "C-1" for 0, "A-1" for 9, "G9" for 127.
pub fn note_name(n: i64) -> String {
    const NAMES: [&str; 12] = [
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];
    format!(
        "{}{}",
        NAMES[n.rem_euclid(12) as usize],
        n.div_euclid(12) - 1
    )
}

impl ParamDef {
    /// Bytes of decoded data the parameter reads.
    pub fn byte_len(&self) -> usize {
        match self.show {
            Show::Text { length, .. } => length,
            _ => 1,
        }
    }

    /// Bits of the whole value (the field's and the upper ones').
    pub fn width(&self) -> u8 {
        self.bits + self.high.map_or(0, |h| h.2)
    }

    /// The stored value in `data`, sign applied; `None` when the data is too short.
    pub fn value(&self, data: &[u8]) -> Option<i64> {
        let field = |at: usize, bit: u8, bits: u8| -> Option<i64> {
            let mask = ((1u16 << bits) - 1) as u8;
            Some(i64::from((*data.get(at)? >> bit) & mask))
        };
        let mut raw = field(self.offset, self.bit, self.bits)?;
        if let Some((at, bit, bits)) = self.high {
            raw |= field(at, bit, bits)? << self.bits;
        }
        let width = self.width();
        Some(if self.signed && width > 0 && raw >> (width - 1) & 1 == 1 {
            raw - (1 << width)
        } else {
            raw
        })
    }

    /// The parameter's value in `data`; `None` when the data is too short or does not meet the
    /// parameter's condition.
    pub fn read(&self, data: &[u8]) -> Option<ParamValue> {
        if self.when.as_ref().is_some_and(|w| !w.holds(data)) {
            return None;
        }
        if let Show::Text { length, charset } = self.show {
            let bytes = data.get(self.offset..self.offset + length)?;
            return Some(ParamValue {
                name: self.name.clone(),
                value: None,
                display: format!("\"{}\"", charset.decode(bytes)),
            });
        }
        let v = self.value(data)?;
        let display = if !(self.min..=self.max).contains(&v) {
            format!("{v} (outside {}..{})", self.min, self.max)
        } else {
            match &self.show {
                Show::Number { add } => {
                    let shown = v + add;
                    if self.min + add < 0 && shown > 0 {
                        format!("+{shown}")
                    } else {
                        shown.to_string()
                    }
                }
                Show::Note { add } => note_name(v + add),
                Show::Names(names) => usize::try_from(v - self.min)
                    .ok()
                    .and_then(|i| names.get(i).cloned())
                    .unwrap_or_else(|| v.to_string()),
                Show::Text { .. } => unreachable!("text returns above"),
            }
        };
        Some(ParamValue {
            name: self.name.clone(),
            value: Some(v),
            display,
        })
    }
}

impl Definition {
    /// The parameters of `msg` (message kind `m`) with their values: the message's own map, or
    /// for a bank that splits into patches, each slot's with the patch message's map. `None`
    /// when there is no map or the data does not decode.
    pub fn params(&self, m: &MessageDef, msg: &[u8]) -> Option<Vec<ParamValue>> {
        let data = self.decoded(m, msg)?;
        if let Some(s) = &m.slots {
            let patch = &self.messages[s.patch?];
            if patch.params.is_empty() {
                return None;
            }
            let mut out = Vec::new();
            for i in 0..s.count {
                let Some(slot) = data.get(s.offset + i * s.stride..s.offset + (i + 1) * s.stride)
                else {
                    break;
                };
                let Ok((body, _companion)) = s.layout.slot_to_patch(slot) else {
                    continue;
                };
                out.extend(read_all(&patch.params, &body).map(|p| ParamValue {
                    name: format!("Slot {}: {}", i + 1, p.name),
                    ..p
                }));
            }
            return Some(out);
        }
        if m.params.is_empty() {
            return None;
        }
        Some(read_all(&m.params, &data).collect())
    }
}

fn read_all<'a>(map: &'a [ParamDef], data: &'a [u8]) -> impl Iterator<Item = ParamValue> + 'a {
    map.iter().filter_map(move |p| p.read(data))
}

impl Registry {
    /// The parameters of `msg` with their values, where its definition has a map for it.
    pub fn params(&self, msg: &[u8]) -> Option<Vec<ParamValue>> {
        let (d, m, _) = self.identify(msg)?;
        d.params(m, msg)
    }

    /// The parameters whose values differ between `a` and `b`, in map order; `None` unless both
    /// have parameters under the same names (the same kind of message of the same synth, or two
    /// messages sharing a map, such as a program and an edit buffer).
    pub fn param_changes(&self, a: &[u8], b: &[u8]) -> Option<Vec<ParamChange>> {
        let (pa, pb) = (self.params(a)?, self.params(b)?);
        if pa.len() != pb.len() || pa.iter().zip(&pb).any(|(x, y)| x.name != y.name) {
            return None;
        }
        // A change in bits no parameter reads would go unseen in a parameter list: then the
        // bytes tell instead.
        if self.unmapped_change(a, b) {
            return None;
        }
        Some(
            pa.into_iter()
                .zip(pb)
                .filter(|(x, y)| x.display != y.display || x.value != y.value)
                .map(|(x, y)| ParamChange {
                    name: x.name,
                    from: x.display,
                    to: y.display,
                })
                .collect(),
        )
    }
}

impl ParamDef {
    /// Marks the bits this parameter reads in `mask` (one byte of mask per data byte), where it
    /// applies to `data`.
    fn mark(&self, data: &[u8], mask: &mut [u8]) {
        if self.when.as_ref().is_some_and(|w| !w.holds(data)) {
            return;
        }
        let mut set = |offset: usize, bit: u8, bits: u8| {
            if let Some(m) = mask.get_mut(offset) {
                *m |= (((1u16 << bits) - 1) << bit) as u8;
            }
        };
        if let Show::Text { length, .. } = self.show {
            for i in 0..length {
                set(self.offset + i, 0, 8);
            }
            return;
        }
        set(self.offset, self.bit, self.bits);
        if let Some((offset, bit, bits)) = self.high {
            set(offset, bit, bits);
        }
    }
}

impl Registry {
    /// Whether `a` and `b` (one message each, with maps that are not a bank's) differ in decoded bits that no parameter of the map reads. A bank's slots are judged by
    /// their parameters only.
    fn unmapped_change(&self, a: &[u8], b: &[u8]) -> bool {
        let (Some((d, m, _)), Some((db, mb, _))) = (self.identify(a), self.identify(b)) else {
            return false;
        };
        if m.slots.is_some() || mb.slots.is_some() {
            return false;
        }
        let (Some(x), Some(y)) = (d.decoded(m, a), db.decoded(mb, b)) else {
            return false;
        };
        let (mut mx, mut my) = (vec![0u8; x.len()], vec![0u8; y.len()]);
        for p in &m.params {
            p.mark(&x, &mut mx);
        }
        for p in &mb.params {
            p.mark(&y, &mut my);
        }
        x.len() != y.len() || (0..x.len()).any(|i| (x[i] ^ y[i]) & !(mx[i] & my[i]) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(bit: u8, bits: u8, signed: bool, min: i64, max: i64, show: Show) -> ParamDef {
        ParamDef {
            name: "P".into(),
            offset: 1,
            bit,
            bits,
            high: None,
            signed,
            min,
            max,
            show,
            when: None,
        }
    }

    #[test]
    fn note_names_put_middle_c_at_c4() {
        assert_eq!(note_name(60), "C4");
        assert_eq!(note_name(9), "A-1");
        assert_eq!(note_name(0), "C-1");
        assert_eq!(note_name(61), "C#4");
        assert_eq!(note_name(127), "G9");
    }

    #[test]
    fn fields_read_their_bits_and_sign() {
        let data = [0xFF, 0b0110_1100];
        let p = def(2, 3, false, 0, 7, Show::Number { add: 0 });
        assert_eq!(p.value(&data), Some(0b011));
        let p = def(3, 4, true, -8, 7, Show::Number { add: 0 });
        assert_eq!(p.value(&data), Some(0b1101 - 16));
        assert_eq!(p.read(&data).unwrap().display, "-3");
        assert_eq!(p.value(&data[..1]), None);
        // Upper bits in another byte: 0b1 above 0b0110_1100's low 7 bits.
        let p = ParamDef {
            high: Some((0, 0, 1)),
            ..def(0, 7, false, 0, 255, Show::Number { add: 0 })
        };
        assert_eq!(p.value(&data), Some(0b1110_1100));
        assert_eq!(p.width(), 8);
    }

    #[test]
    fn displays_add_signs_names_notes_and_flag_bad_values() {
        let shown = |show: Show, max: i64, v: u8| def(0, 8, false, 0, max, show).read(&[0, v]);
        assert_eq!(
            shown(Show::Number { add: -7 }, 14, 10).unwrap().display,
            "+3"
        );
        assert_eq!(shown(Show::Number { add: -7 }, 14, 7).unwrap().display, "0");
        assert_eq!(shown(Show::Number { add: 1 }, 31, 0).unwrap().display, "1");
        assert_eq!(shown(Show::Note { add: 9 }, 99, 39).unwrap().display, "C3");
        let names = Show::Names(vec!["off".into(), "on".into()]);
        assert_eq!(shown(names.clone(), 1, 1).unwrap().display, "on");
        let bad = shown(names, 1, 5).unwrap();
        assert_eq!(
            (bad.value, bad.display.as_str()),
            (Some(5), "5 (outside 0..1)")
        );
        let text = Show::Text {
            length: 2,
            charset: Charset::Ascii,
        };
        let t = def(0, 8, false, 0, 0, text).read(&[0, b'O', b'K']).unwrap();
        assert_eq!((t.value, t.display.as_str()), (None, "\"OK\""));
    }

    #[test]
    fn a_condition_hides_the_parameter_in_other_data() {
        let when = |values: Vec<i64>| When {
            offset: 0,
            bit: 4,
            bits: 2,
            values,
        };
        let p = ParamDef {
            when: Some(when(vec![3])),
            ..def(0, 8, false, 0, 255, Show::Number { add: 0 })
        };
        assert_eq!(p.read(&[0x30, 7]).unwrap().display, "7");
        assert_eq!(p.read(&[0x20, 7]), None);
        assert_eq!(p.read(&[]), None);
        assert!(when(vec![3]).excludes(&when(vec![0, 1, 2])));
        assert!(!when(vec![2, 3]).excludes(&when(vec![0, 1, 2])));
        let other_field = When {
            bit: 6,
            ..when(vec![0])
        };
        assert!(!other_field.excludes(&when(vec![3])));
    }

    #[test]
    fn a_change_reads_as_name_from_to() {
        let c = ParamChange {
            name: "OP3 Output Level".into(),
            from: "99".into(),
            to: "87".into(),
        };
        assert_eq!(c.to_string(), "OP3 Output Level 99 → 87");
    }
}
