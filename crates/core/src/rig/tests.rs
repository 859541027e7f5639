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

#[test]
fn identity_replies_are_gathered_once_each_and_named() {
    let ms = [
        0xF0, 0x7E, 0x00, 0x06, 0x02, 0x42, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0xF7,
    ];
    let unknown = [
        0xF0, 0x7E, 0x01, 0x06, 0x02, 0x7D, 0x01, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0xF7,
    ];
    // The MS2000's reply in two pieces and then again (a MIDI loop), an unknown synth's reply,
    // the request echoed and a dump: two replies, in order.
    let mut link = script(|m: &[u8]| {
        assert_eq!(m, [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]);
        vec![
            ms[..6].to_vec(),
            ms[6..].to_vec(),
            m.to_vec(),
            ms.to_vec(),
            vec![0xF0, 0x43, 0x00, 0x09, 0xF7],
            unknown.to_vec(),
        ]
    });
    let found = identify_on(&mut link, test_registry(), Duration::from_millis(30)).unwrap();
    assert_eq!(link.sent.len(), 1);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].definition.unwrap().id, "korg-ms2000");
    assert!(found[1].definition.is_none());
    assert_eq!(found[1].reply.device_id.get(), 1);
}

#[test]
fn kept_entries_are_tagged_and_noted_and_the_rest_explained() {
    let dx7 = def("yamaha-dx7");
    let p = plan(dx7, &[]);
    let bank = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00, 0x01, 0xF7];
    let got = SynthBackup {
        answers: vec![(p.asks[0].clone(), Answer::Got(vec![bank.clone()]))],
    };
    let e = entries(test_registry(), dx7, "dx7:in", "Rig backup X", &got, 5);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].messages, vec![bank]);
    assert_eq!(e[0].tags, ["rig-backup", "Rig backup X", "Yamaha DX7"]);
    assert!(e[0]
        .note
        .starts_with("Rig backup X: Yamaha DX7 on dx7:in, \"All 32 voices"));
    let silent = SynthBackup {
        answers: vec![(p.asks[0].clone(), Answer::Silent("no answer".into()))],
    };
    assert!(entries(test_registry(), dx7, "p", "c", &silent, 5).is_empty());
    let d = details(&p, &silent);
    assert!(d.contains("\n    skipped `voice`: the edit buffer"), "{d}");
    assert!(
        d.contains("\n    \"All 32 voices (TX7, TX816, Dexed; not a DX7 Mk I)\": no answer"),
        "{d}"
    );
}

#[test]
fn a_reply_gives_the_device_id_and_the_channel_it_can_be() {
    let reply = |dev: u8| crate::sysex::universal::IdentityReply {
        device_id: crate::sysex::U7::new(dev).unwrap(),
        manufacturer: crate::sysex::ManufacturerId::parse(&[0x42]).unwrap().0,
        family: 0x58,
        model: 1,
        version: [0; 4],
    };
    let f = fields_from_reply(&reply(2));
    assert_eq!((f.channel, f.device), (Some(2), Some(2)));
    // Roland's default device ID 10h is no channel: the request's channel stays the default.
    let f = fields_from_reply(&reply(0x10));
    assert_eq!((f.channel, f.device), (None, Some(0x10)));
}
