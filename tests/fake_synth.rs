//! `sysex-vault get` and `send --handshake` / `--verify` against a scripted synth on a real JACK
//! server (dummy driver): a JACK client that answers dump requests (after ignoring the first,
//! or slowly, in pieces), acknowledges messages, asks for one again, reports an error, stays
//! silent, or corrupts a byte of a patch it sends back. One test function: one JACK server per
//! process.
#![cfg(feature = "jack")]

mod common;

use common::fake::{blofeld, Fake};
use common::jack::{cli, Jack};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use sysex_vault::library::{file, Entry, Library, Source};
use sysex_vault_cli::{EXIT_DIFFERENT, EXIT_MIDI};

fn run(args: &[&str]) -> (i32, String) {
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // A crash (a signal, no exit code) says which signal, for the log.
    let signal = std::os::unix::process::ExitStatusExt::signal(&out.status);
    let text = match signal {
        Some(n) => format!("{text}\n(killed by signal {n})"),
        None => text,
    };
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn requests_handshakes_and_verify_against_a_scripted_synth() {
    // 256-frame periods: the dummy driver drops a starved client's cycle with its events, and
    // with 64-frame (1.3 ms) deadlines a loaded machine lost a message to the scripted synth.
    let _jack = Jack::start_with_period(256);
    let fake = Fake::start();
    let dir = std::env::temp_dir().join(format!("sxv-fake-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib = dir.join("lib.sxvl");
    let lib_s = lib.to_str().unwrap();
    let ports = ["--out", "fake:in", "--in", "fake-tx:out"];

    // 1. A request the synth ignores once, then answers slowly: the dump arrives in 8 pieces
    //    250 ms apart (2 s, four times the 500 ms wait for an answer). The request is sent
    //    again once, after the silence, never while the pieces arrive.
    let voice = common::dx7_voice(b"SLOW PIANO");
    let answer = voice.clone();
    fake.script(move |m, n| {
        if m != [0xF0, 0x43, 0x20, 0x00, 0xF7] || n == 1 {
            return Vec::new();
        }
        answer
            .chunks(21)
            .enumerate()
            .map(|(i, c)| (if i == 0 { 10 } else { 250 }, c.to_vec()))
            .collect()
    });
    let start = Instant::now();
    let mut args = vec!["get", lib_s, "yamaha-dx7", "voice", "--create"];
    args.extend(ports);
    args.extend(["--wait", "500", "--idle", "600"]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    eprintln!(
        "slow answer captured in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(
        fake.seen().len(),
        2,
        "asked twice: once ignored, once answered"
    );
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries[0].messages, vec![voice.clone()]);
    assert_eq!(l.entries[0].name, "Yamaha DX7: SLOW PIANO");

    // 2. Walk programs 0-3 of bank B on a Blofeld: one request and one named entry each.
    fake.script(|m, _| match m {
        [0xF0, 0x3E, 0x13, 0x7F, 0x00, bank, prog, 0xF7] => {
            vec![(5, blofeld(*bank, *prog, &format!("SOUND {prog}"), *prog))]
        }
        _ => Vec::new(),
    });
    let mut args = vec![
        "get",
        lib_s,
        "waldorf-blofeld",
        "sound",
        "--programs",
        "0-3",
    ];
    args.extend(ports);
    args.extend(["--bank", "1", "--idle", "300"]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("[4/4"), "progress with a count: {text}");
    let l = file::load(&lib).unwrap();
    let names: Vec<&str> = l.entries[1..].iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Waldorf Blofeld: SOUND 0",
            "Waldorf Blofeld: SOUND 1",
            "Waldorf Blofeld: SOUND 2",
            "Waldorf Blofeld: SOUND 3"
        ]
    );
    assert_eq!(l.entries[2].messages[0], blofeld(1, 1, "SOUND 1", 1));
    // A synth that never answers: a clear failure after the retries, nothing added.
    fake.script(|_, _| Vec::new());
    let mut args = vec!["get", lib_s, "yamaha-dx7", "voice"];
    args.extend(ports);
    args.extend(["--wait", "200", "--retries", "1"]);
    let (code, text) = run(&args);
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(text.contains("silent after 2 request(s)"), "{text}");
    assert_eq!(fake.seen().len(), 2);

    // 3. Handshakes: acknowledge after each message; "again" once for the second.
    let three: Vec<Vec<u8>> = (0..3).map(|i| common::sysex(40, i)).collect();
    let mut l = Library::default();
    l.add(Entry::new(
        sysex_vault::devices::registry(),
        three.clone(),
        Source::Capture,
        0,
    ));
    let hs_lib = dir.join("hs.sxvl");
    file::save(&hs_lib, &l).unwrap();
    let hs_s = hs_lib.to_str().unwrap();
    const ACK: [u8; 4] = [0xF0, 0x7D, 0x01, 0xF7];
    const NAK: [u8; 4] = [0xF0, 0x7D, 0x02, 0xF7];
    const ERR: [u8; 4] = [0xF0, 0x7D, 0x03, 0xF7];
    let hs_args = |extra: &[&'static str]| {
        let mut a = vec![
            "send",
            hs_s,
            "fake:in",
            "--in",
            "fake-tx:out",
            "--handshake",
            "--gap",
            "0",
            "--ack",
            "F0 7D 01",
            "--nak",
            "F0 7D 02",
            "--error",
            "F0 7D 03",
            // Replies come 20 ms after each message; the margin is for a loaded machine, where
            // a NAK once took over 400 ms to arrive through the JACK dummy driver.
            "--reply-timeout",
            "1500",
        ];
        a.extend(extra);
        a
    };
    fake.script(|_, n| vec![(20, if n == 2 { NAK.to_vec() } else { ACK.to_vec() })]);
    let (code, text) = run(&hs_args(&[]));
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        fake.seen(),
        vec![
            three[0].clone(),
            three[1].clone(),
            three[1].clone(),
            three[2].clone()
        ],
        "the second message went again after the synth asked"
    );
    // An error reply stops with the message's number; so does silence.
    fake.script(|_, n| vec![(20, if n == 2 { ERR.to_vec() } else { ACK.to_vec() })]);
    let (code, text) = run(&hs_args(&[]));
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains("stopped at message 2: the synth answered with an error"),
        "{text}"
    );
    assert_eq!(fake.seen().len(), 2, "nothing after the error");
    fake.script(|_, n| {
        if n == 3 {
            Vec::new()
        } else {
            vec![(20, ACK.to_vec())]
        }
    });
    let (code, text) = run(&hs_args(&[]));
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains("stopped at message 3: no reply within 1500 ms"),
        "{text}"
    );
    // "Again" more often than --retries allows.
    fake.script(|_, _| vec![(20, NAK.to_vec())]);
    let (code, text) = run(&hs_args(&["--retries", "1"]));
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains("stopped at message 1: not acknowledged 2 times"),
        "{text}"
    );

    // 4. Verify: the synth stores a sound and sends it back when asked; then it corrupts one
    //    byte of what it sends back.
    let sound = blofeld(2, 5, "VERIFY ME", 9);
    let mut l = Library::default();
    l.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![sound.clone()],
        Source::Capture,
        0,
    ));
    let v_lib = dir.join("verify.sxvl");
    file::save(&v_lib, &l).unwrap();
    let v_s = v_lib.to_str().unwrap();
    for corrupt in [false, true] {
        let stored: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
        fake.script(move |m, _| {
            if m.len() == 392 {
                *stored.lock().unwrap() = Some(m.to_vec());
                return Vec::new();
            }
            if m.starts_with(&[0xF0, 0x3E, 0x13]) && m[4] == 0x00 {
                let mut back = stored.lock().unwrap().clone().unwrap_or_default();
                if corrupt && back.len() > 100 {
                    back[100] ^= 0x01;
                }
                return vec![(10, back)];
            }
            Vec::new()
        });
        let (code, text) = run(&[
            "send",
            v_s,
            "fake:in",
            "--in",
            "fake-tx:out",
            "--verify",
            "--gap",
            "0",
            "--reply-timeout",
            "500",
        ]);
        if corrupt {
            assert_eq!(code, EXIT_DIFFERENT, "{text}");
            assert!(text.contains("message 1: DIFFERS at byte 100"), "{text}");
        } else {
            assert_eq!(code, 0, "{text}");
            assert!(text.contains("message 1: sent and verified"), "{text}");
        }
        let seen = fake.seen();
        assert_eq!(seen[0], sound);
        assert_eq!(
            seen[1],
            vec![0xF0, 0x3E, 0x13, 0x00, 0x00, 0x02, 0x05, 0xF7]
        );
    }
}
