//! Firmware sends: a `.syx` file sent whole to a synth, never through a library. The plan checks
//! the file (every byte in a complete message, nothing skipped), names the synth it is for from
//! its first message, and takes the pacing that synth's definition gives for firmware
//! (`[firmware_pacing]`), else [`Pacing::SLOW`]. Before sending, the file is checked against the
//! connected synth's identity reply where there is one: a file for another maker or model is
//! refused.

use crate::devices::{Definition, Registry};
use crate::files::syx;
use crate::pacing::Pacing;
use crate::sysex::message::{ManufacturerId, SysEx};
use crate::sysex::universal::{self, IdentityReply, Universal};
use crate::sysex::{manufacturer, universal::identity_reply};
use std::fmt;

/// Where a firmware send's pacing comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacingFrom {
    /// The synth's definition names firmware pacing (`[firmware_pacing]`); its name.
    Definition(String),
    /// No definition names one: [`Pacing::SLOW`].
    SlowDefault,
    /// The user's own settings.
    User,
}

impl fmt::Display for PacingFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PacingFrom::Definition(name) => write!(f, "{name}'s firmware pacing"),
            PacingFrom::SlowDefault => {
                write!(
                    f,
                    "Slow (no definition names firmware pacing for this file)"
                )
            }
            PacingFrom::User => write!(f, "yours"),
        }
    }
}

/// A firmware send, planned: what leaves, how fast, and how long it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct FirmwarePlan {
    /// The messages, in file order.
    pub messages: Vec<Vec<u8>>,
    /// The definition the first message belongs to, if any.
    pub definition: Option<String>,
    /// What the file is for, in words ("Moog Little Phatty", or the maker).
    pub target: String,
    /// The maker named by the first message.
    pub manufacturer: Option<ManufacturerId>,
    /// The pacing.
    pub pacing: Pacing,
    /// Where the pacing comes from.
    pub pacing_from: PacingFrom,
    /// Bytes in all.
    pub bytes: u64,
    /// Seconds the send takes on a direct port (chunk pauses and the last gap included).
    pub seconds: f64,
}

impl FirmwarePlan {
    /// The plan for a `.syx` file's bytes. Refuses a file with anything but complete messages
    /// (a byte outside a message, a message without `F7`): firmware is sent exactly or not at
    /// all.
    pub fn from_syx(registry: &Registry, bytes: &[u8]) -> Result<FirmwarePlan, String> {
        let read = syx::read(bytes).map_err(|e| e.to_string())?;
        if let Some(issue) = read.issues.first() {
            return Err(format!(
                "the file is not whole SysEx ({issue}{}): a firmware file is sent exactly or not at all",
                match read.issues.len() {
                    1 => String::new(),
                    n => format!(", and {} more problem(s)", n - 1),
                }
            ));
        }
        FirmwarePlan::new(registry, read.messages)
    }

    /// The plan for these messages, each checked to be one well-formed SysEx message.
    pub fn new(registry: &Registry, messages: Vec<Vec<u8>>) -> Result<FirmwarePlan, String> {
        let first = messages.first().ok_or("nothing to send")?;
        for (i, m) in messages.iter().enumerate() {
            SysEx::new(m).map_err(|e| format!("message {}: {e}", i + 1))?;
        }
        let manufacturer = SysEx::new(first).ok().and_then(|s| s.manufacturer());
        let def = registry.identify(first).map(|(d, _, _)| d);
        let (pacing, pacing_from) = match def.and_then(|d| d.firmware_pacing.map(|p| (d, p))) {
            Some((d, p)) => (p, PacingFrom::Definition(d.name.clone())),
            None => (Pacing::SLOW, PacingFrom::SlowDefault),
        };
        let target = match (def, manufacturer) {
            (Some(d), _) => d.name.clone(),
            (None, Some(m)) => manufacturer::describe(m),
            (None, None) => "an unknown synth".into(),
        };
        Ok(FirmwarePlan {
            definition: def.map(|d| d.id.clone()),
            target,
            manufacturer,
            pacing,
            pacing_from,
            bytes: messages.iter().map(|m| m.len() as u64).sum(),
            seconds: pacing.direct_total_seconds(messages.iter().map(Vec::len)),
            messages,
        })
    }

    /// Replaces the pacing (the user's own), and the time it takes.
    pub fn set_pacing(&mut self, pacing: Pacing, from: PacingFrom) {
        self.pacing = pacing;
        self.pacing_from = from;
        self.seconds = pacing.direct_total_seconds(self.messages.iter().map(Vec::len));
    }

    /// Checks the file against the connected synth's identity reply: the maker must be the
    /// file's, and where the file's definition names the synth's identity, family and model
    /// must be too. The error says which synth answered and what the file is for.
    pub fn check_identity(&self, registry: &Registry, reply: &[u8]) -> Result<(), String> {
        let decoded = SysEx::new(reply).ok().and_then(|s| universal::decode(&s));
        let Some(Universal::IdentityReply(r)) = decoded else {
            return Err("the synth's answer is not an identity reply".into());
        };
        let answered = describe_reply(registry, &r);
        let refuse = |why: &str| {
            Err(format!(
                "the connected synth answers as {answered}, but the file is for {}{why}: refused, nothing sent",
                self.target
            ))
        };
        if self.manufacturer.is_some_and(|m| m != r.manufacturer) {
            return refuse("");
        }
        let expected = self
            .definition
            .as_deref()
            .and_then(|id| registry.get(id))
            .and_then(|d| d.identity.as_ref());
        let after = &identity_reply(&r)[5..];
        if expected.is_some_and(|id| !after.starts_with(id)) {
            return refuse(" (another model)");
        }
        Ok(())
    }
}

/// An identity reply in words: the definition it names, else maker, family and model.
fn describe_reply(registry: &Registry, r: &IdentityReply) -> String {
    let after = &identity_reply(r)[5..];
    let known: Option<&Definition> = registry
        .all()
        .iter()
        .find(|d| d.identity.as_ref().is_some_and(|id| after.starts_with(id)));
    match known {
        Some(d) => d.name.clone(),
        None => format!(
            "{} (family {:04X}, model {:04X})",
            manufacturer::describe(r.manufacturer),
            r.family,
            r.model
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysex::U7;

    const LP: &str = r#"
id = "test-lp"
name = "Test Phatty"
maker = "Moog"
sources = ["test"]
identity = "04 00 05 00 01"
[[message]]
id = "other"
label = "LP message"
kind = "other"
header = "F0 04 05"
"#;

    fn registry_of(text: &str) -> Registry {
        Registry::from_texts(vec![("lp.toml".into(), text.into())], [])
    }

    fn registry() -> Registry {
        registry_of(LP)
    }

    fn lp_reply(member: u16) -> Vec<u8> {
        identity_reply(&IdentityReply {
            device_id: U7::MAX,
            manufacturer: ManufacturerId::One(U7::new(0x04).unwrap()),
            family: 0x0280,
            model: member,
            version: [1, 2, 3, 4],
        })
    }

    fn firmware(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                let mut m = vec![0xF0, 0x04, 0x05, 0x7F];
                m.extend((0..96).map(|k| ((k + i) % 128) as u8));
                m.push(0xF7);
                m
            })
            .collect()
    }

    #[test]
    fn slow_unless_the_definition_names_firmware_pacing() {
        let plan = FirmwarePlan::new(&registry(), firmware(3)).unwrap();
        assert_eq!(plan.definition.as_deref(), Some("test-lp"));
        assert_eq!(plan.pacing, Pacing::SLOW);
        assert_eq!(plan.pacing_from, PacingFrom::SlowDefault);
        assert!((plan.seconds - Pacing::SLOW.direct_total_seconds([101; 3])).abs() < 1e-12);
        let with = LP.replace(
            "[[message]]",
            "[firmware_pacing]\nbytes_per_second = 1000\ngap_ms = 80\n[[message]]",
        );
        let plan = FirmwarePlan::new(&registry_of(&with), firmware(3)).unwrap();
        assert_eq!(plan.pacing, Pacing::whole(1000, 80));
        assert_eq!(
            plan.pacing_from,
            PacingFrom::Definition("Test Phatty".into())
        );
        assert!((plan.seconds - 3.0 * (0.101 + 0.08)).abs() < 1e-9);
        // A wrong table is an error in the definition, pointed at.
        let bad = LP.replace(
            "[[message]]",
            "[firmware_pacing]\nbytes_per_second = 0\ngap_ms = 80\n[[message]]",
        );
        let errors = registry_of(&bad).errors().to_vec();
        assert!(
            errors
                .iter()
                .any(|e| e.message == "firmware_pacing.bytes_per_second must be at least 1"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_file_that_is_not_whole_sysex_is_refused() {
        let r = registry();
        let mut bytes = syx::write(&firmware(2));
        bytes.insert(3, 0x90);
        let e = FirmwarePlan::from_syx(&r, &bytes).unwrap_err();
        assert!(e.contains("not whole SysEx"), "{e}");
        let mut cut = syx::write(&firmware(2));
        cut.pop();
        assert!(FirmwarePlan::from_syx(&r, &cut).is_err());
        assert!(FirmwarePlan::from_syx(&r, &[0x01, 0x02]).is_err());
        assert!(FirmwarePlan::from_syx(&r, &syx::write(&firmware(2))).is_ok());
    }

    #[test]
    fn identity_mismatch_refuses() {
        let r = registry();
        let plan = FirmwarePlan::new(&r, firmware(1)).unwrap();
        // The Little Phatty's own reply: family 00 05 (LSB first), member 00 01.
        let good = {
            let mut m = vec![0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01];
            m.extend([1, 2, 3, 4, 0xF7]);
            m
        };
        assert_eq!(plan.check_identity(&r, &good), Ok(()));
        // Moog, another family: another model.
        let e = plan.check_identity(&r, &lp_reply(1)).unwrap_err();
        assert!(
            e.contains("another model") && e.contains("Test Phatty"),
            "{e}"
        );
        // Another maker (Roland 41).
        let roland = [
            0xF0, 0x7E, 0x10, 0x06, 0x02, 0x41, 0, 0, 0, 0, 1, 2, 3, 4, 0xF7,
        ];
        let e = plan.check_identity(&r, &roland).unwrap_err();
        assert!(e.contains("refused, nothing sent"), "{e}");
        assert!(plan.check_identity(&r, &[0xF0, 0x04, 0xF7]).is_err());
        // A file no definition knows: only the maker is checked.
        let mut other = firmware(1);
        other[0][2] = 0x01;
        let other = FirmwarePlan::new(&Registry::from_texts(Vec::new(), []), other).unwrap();
        assert_eq!(other.definition, None);
        assert_eq!(other.check_identity(&r, &lp_reply(1)), Ok(()));
        assert!(other.check_identity(&r, &roland).is_err());
    }
}
