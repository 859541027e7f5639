//! An undo for the synth: before a send overwrites the synth's memory (a bank, or a program
//! into its slot), ask the synth for what is there and keep it. [`plan`] finds, for each memory
//! write among the messages, the definition's request that asks for that memory; [`take`] asks
//! over any [`Link`] and returns the answers, which the caller keeps as an entry
//! ([`entry_name`]) before the first byte of the send leaves. Edit-buffer sends are not memory
//! writes and are never backed up.

use crate::devices::{MessageKind, Registry};
use crate::transfer::{request_and_capture, CaptureRules, Link};

/// Which memory writes are backed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct BackupRule {
    /// Banks (on by default: a bank overwrites many sounds at once).
    pub banks: bool,
    /// Single programs sent into a memory slot.
    pub programs: bool,
}

impl BackupRule {
    /// The default: banks are backed up, single programs are not.
    pub const DEFAULT: BackupRule = BackupRule {
        banks: true,
        programs: false,
    };

    /// No backup at all.
    pub const OFF: BackupRule = BackupRule {
        banks: false,
        programs: false,
    };

    fn covers(self, kind: MessageKind) -> bool {
        match kind {
            MessageKind::Bank => self.banks,
            MessageKind::SinglePreset => self.programs,
            _ => false,
        }
    }
}

/// One memory location a send overwrites, and how to ask the synth for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overwrite {
    /// The synth's name ("Yamaha DX7").
    pub synth: String,
    /// What is overwritten, in words ("32-voice bulk dump (VMEM)", "program 5").
    pub what: String,
    /// The request's messages.
    pub request: Vec<Vec<u8>>,
}

/// What a send overwrites: what can be asked for first, and what cannot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Memory the synth can be asked for, each location once, in send order.
    pub overwrites: Vec<Overwrite>,
    /// Memory writes whose definition has no request for them, in words.
    pub unasked: Vec<String>,
}

impl Plan {
    /// Whether the send overwrites nothing the rule covers.
    pub fn is_empty(&self) -> bool {
        self.overwrites.is_empty() && self.unasked.is_empty()
    }
}

/// The memory writes among `messages` that `rule` covers, with the request for each.
pub fn plan(registry: &Registry, messages: &[Vec<u8>], rule: BackupRule) -> Plan {
    let mut p = Plan::default();
    for m in messages {
        let Some((def, md, fields)) = registry.identify(m) else {
            continue;
        };
        if !rule.covers(md.kind) {
            continue;
        }
        let what = match fields.program {
            Some(n) if md.kind == MessageKind::SinglePreset => format!("program {n}"),
            _ => md.label.clone(),
        };
        let request = def
            .requests
            .iter()
            .find(|r| r.kind == md.kind && (!r.needs_program() || fields.program.is_some()))
            .and_then(|r| def.request(&r.id, fields).ok());
        match request {
            Some(request) => {
                if !p.overwrites.iter().any(|o| o.request == request) {
                    p.overwrites.push(Overwrite {
                        synth: def.name.clone(),
                        what,
                        request,
                    });
                }
            }
            None => {
                let line = format!("{} {what}", def.name);
                if !p.unasked.contains(&line) {
                    p.unasked.push(line);
                }
            }
        }
    }
    p
}

/// Asks the synth for every location of `plan`, in order, and returns every message it answered;
/// the first location it does not answer ends the backup with an error saying which.
pub fn take(link: &mut dyn Link, plan: &Plan, rules: CaptureRules) -> Result<Vec<Vec<u8>>, String> {
    let mut kept = Vec::new();
    for o in &plan.overwrites {
        let got = request_and_capture(link, &o.request, rules, |_, _| {})
            .map_err(|e| format!("{} {}: {e}", o.synth, o.what))?;
        kept.extend(got);
    }
    Ok(kept)
}

/// The name of a backup entry taken at `unix_ms`: "On the synth before restore, 2026-12-06 14:03".
pub fn entry_name(unix_ms: u64) -> String {
    format!(
        "On the synth before restore, {}",
        crate::library::utc_datetime(unix_ms)
    )
}

/// The tag every backup entry carries, so the latest one is found to put back.
pub const TAG: &str = "before restore";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::test_registry;
    use crate::transfer::Link;
    use std::collections::VecDeque;
    use std::time::Duration;

    fn dx7_bank() -> Vec<u8> {
        let data = vec![0u8; 4096];
        let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
        m.extend(&data);
        m.push(0);
        m.push(0xF7);
        m
    }

    fn dx7_voice() -> Vec<u8> {
        let data = vec![0u8; 155];
        let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
        m.extend(&data);
        m.push(0);
        m.push(0xF7);
        m
    }

    #[test]
    fn a_bank_is_a_memory_write_an_edit_buffer_is_not() {
        let reg = test_registry();
        let p = plan(&reg, &[dx7_bank(), dx7_voice()], BackupRule::DEFAULT);
        assert_eq!(p.overwrites.len(), 1, "{p:?}");
        assert_eq!(
            p.overwrites[0].request,
            vec![vec![0xF0, 0x43, 0x20, 0x09, 0xF7]]
        );
        assert!(p.unasked.is_empty());
        // The same bank twice is asked for once.
        let p = plan(&reg, &[dx7_bank(), dx7_bank()], BackupRule::DEFAULT);
        assert_eq!(p.overwrites.len(), 1);
        assert!(plan(&reg, &[dx7_bank()], BackupRule::OFF).is_empty());
        assert!(plan(
            &reg,
            &[dx7_voice()],
            BackupRule {
                banks: true,
                programs: true
            }
        )
        .is_empty());
        assert!(plan(&reg, &[vec![0xF0, 0x7D, 0x01, 0xF7]], BackupRule::DEFAULT).is_empty());
    }

    /// A synth that answers each request with scripted messages.
    struct Synth {
        answers: VecDeque<Option<Vec<u8>>>,
        pending: VecDeque<Vec<u8>>,
        asked: Vec<Vec<u8>>,
    }

    impl Link for Synth {
        fn send(&mut self, message: &[u8]) -> Result<(), String> {
            self.asked.push(message.to_vec());
            if let Some(Some(a)) = self.answers.pop_front() {
                self.pending.push_back(a);
            }
            Ok(())
        }
        fn receive(&mut self, _within: Duration) -> Option<Vec<u8>> {
            self.pending.pop_front()
        }
        fn drain(&mut self) {}
        fn cancelled(&self) -> bool {
            false
        }
    }

    #[test]
    fn the_answer_is_kept_and_silence_is_an_error() {
        let reg = test_registry();
        let p = plan(&reg, &[dx7_bank()], BackupRule::DEFAULT);
        let rules = CaptureRules {
            answer_within: Duration::from_millis(1),
            idle: Duration::from_millis(1),
            retries: 0,
        };
        let mut synth = Synth {
            answers: VecDeque::from([Some(dx7_bank())]),
            pending: VecDeque::new(),
            asked: Vec::new(),
        };
        assert_eq!(take(&mut synth, &p, rules), Ok(vec![dx7_bank()]));
        assert_eq!(synth.asked, p.overwrites[0].request);
        let mut silent = Synth {
            answers: VecDeque::from([None]),
            pending: VecDeque::new(),
            asked: Vec::new(),
        };
        let e = take(&mut silent, &p, rules).unwrap_err();
        assert!(e.contains("Yamaha DX7") && e.contains("silent"), "{e}");
    }

    #[test]
    fn names_say_when() {
        assert_eq!(
            entry_name(1_796_566_980_000),
            "On the synth before restore, 2026-12-06 14:23"
        );
    }
}
