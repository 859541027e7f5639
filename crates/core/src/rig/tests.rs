use super::*;
use crate::devices::test_registry;
use std::time::Duration;

/// A scripted synth: answers each message it gets with what `answer` says (pieces, then a
/// silence).
struct Script<F: FnMut(&[u8]) -> Vec<Vec<u8>>> {
    sent: Vec<Vec<u8>>,
    pending: std::collections::VecDeque<Vec<u8>>,
    answer: F,
}

impl<F: FnMut(&[u8]) -> Vec<Vec<u8>>> Link for Script<F> {
    fn send(&mut self, m: &[u8]) -> Result<(), String> {
        self.sent.push(m.to_vec());
        let replies = (self.answer)(m);
        self.pending.extend(replies);
        Ok(())
    }
    fn receive(&mut self, _: Duration) -> Option<Vec<u8>> {
        self.pending.pop_front()
    }
}

fn script<F: FnMut(&[u8]) -> Vec<Vec<u8>>>(answer: F) -> Script<F> {
    Script {
        sent: Vec::new(),
        pending: Default::default(),
        answer,
    }
}

const RULES: CaptureRules = CaptureRules {
    answer_within: Duration::from_millis(1),
    idle: Duration::from_millis(1),
    retries: 1,
};

fn def(id: &str) -> &'static Definition {
    test_registry().get(id).unwrap()
}

#[test]
fn a_plan_asks_for_banks_and_globals_and_says_what_it_skips() {
    let p = plan(def("korg-ms2000"), &[]);
    let asked: Vec<&str> = p.asks.iter().map(|a| a.request.as_str()).collect();
    assert_eq!(asked, ["programs", "global", "all-data"]);
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].0, "current");
    assert!(p.skipped[0].1.contains("edit buffer"));

    // A bank request that takes a bank number goes once per bank; the per-program request is
    // covered by it.
    let p = plan(def("behringer-deepmind-12"), &[0, 2]);
    let banks: Vec<(&str, Option<u8>)> = p
        .asks
        .iter()
        .map(|a| (a.request.as_str(), a.bank))
        .collect();
    assert_eq!(banks, [("bank", Some(0)), ("bank", Some(2))]);
    assert!(p
        .skipped
        .iter()
        .any(|(id, why)| id == "program" && why.contains("bank requests cover it")));

    // A synth without requests: nothing to ask.
    assert!(plan(def("moog-little-phatty"), &[]).asks.is_empty());
}

#[test]
fn a_backup_sends_each_request_and_keeps_each_answer() {
    let ms = def("korg-ms2000");
    let p = plan(ms, &[]);
    let dump = |n: u8| vec![0xF0, 0x42, 0x32, 0x58, 0x40 + n, 1, 2, 3, 0xF7];
    let mut link = script(|m: &[u8]| match m {
        [0xF0, 0x42, 0x32, 0x58, 0x1C, 0xF7] => vec![dump(0), dump(1)],
        [0xF0, 0x42, 0x32, 0x58, 0x0E, 0xF7] => vec![dump(2)],
        _ => Vec::new(),
    });
    let fields = Fields {
        channel: Some(2),
        ..Fields::default()
    };
    let mut asked = Vec::new();
    let b = back_up(&mut link, test_registry(), ms, fields, &p, RULES, |a| {
        asked.push(a.request.clone())
    });
    assert_eq!(asked, ["programs", "global", "all-data"]);
    assert_eq!(b.answers[0].1, Answer::Got(vec![dump(0), dump(1)]));
    assert_eq!(b.answers[1].1, Answer::Got(vec![dump(2)]));
    assert!(matches!(b.answers[2].1, Answer::Silent(_)));
    assert_eq!(b.verdict(), Verdict::Got { got: 2, of: 3 });
    assert_eq!(b.verdict().to_string(), "got 2 of 3");
    assert!(!b.complete());
    // "all-data" asked twice (once more after the silence), on channel 3.
    assert_eq!(
        link.sent.last().unwrap(),
        &vec![0xF0, 0x42, 0x32, 0x58, 0x0F, 0xF7]
    );
    assert_eq!(link.sent.len(), 4);
}

#[test]
fn silence_and_error_replies_are_told_apart() {
    let ms = def("korg-ms2000");
    let p = plan(ms, &[]);
    let mut silent = script(|_: &[u8]| Vec::new());
    let b = back_up(
        &mut silent,
        test_registry(),
        ms,
        Fields::default(),
        &p,
        RULES,
        |_| {},
    );
    assert_eq!(b.verdict(), Verdict::Silent);

    // The MS2000's "data load error" reply to every request.
    let mut refusing = script(|_: &[u8]| vec![vec![0xF0, 0x42, 0x30, 0x58, 0x24, 0xF7]]);
    let b = back_up(
        &mut refusing,
        test_registry(),
        ms,
        Fields::default(),
        &p,
        RULES,
        |_| {},
    );
    let Verdict::Refused(why) = b.verdict() else {
        panic!("{:?}", b.verdict());
    };
    assert!(why.contains("F0 42 30 58 24 F7"), "{why}");
    assert!(b.verdict().to_string().starts_with("refused ("));
}

#[test]
fn the_saved_rig_round_trips_and_checks_channels() {
    let rig = Rig {
        synths: vec![RigSynth {
            output: "dx7:in".into(),
            input: "dx7:out".into(),
            device: "yamaha-dx7".into(),
            channel: 3,
            device_id: None,
            banks: vec![],
        }],
    };
    let text = rig.to_toml();
    assert!(text.contains("[[synth]]"), "{text}");
    assert_eq!(Rig::parse(&text).unwrap(), rig);
    assert_eq!(rig.synths[0].fields().channel, Some(2));
    let bad = text.replace("channel = 3", "channel = 17");
    assert!(Rig::parse(&bad).unwrap_err().contains("channel 17"));
    assert!(Rig::parse("[[synth]]\noutput = 1").is_err());
    assert_eq!(Rig::parse("").unwrap(), Rig::default());
}

#[test]
fn the_collection_is_named_by_its_utc_date() {
    assert_eq!(
        collection_name(1_796_565_780_000),
        "Rig backup 2026-12-06 14:03 UTC"
    );
    assert_eq!(collection_name(0), "Rig backup 1970-01-01 00:00 UTC");
    assert_eq!(
        collection_name(951_782_400_000),
        "Rig backup 2000-02-29 00:00 UTC"
    );
}
