//! `sysex-vault rig` and `backup-rig` on a real JACK server (dummy driver) with scripted synths:
//! a Korg MS2000 that answers the identity request and its dump requests, a Yamaha DX7 that
//! answers no identity request (it is in the saved rig) but answers its bank request, a Moog
//! Little Phatty that answers the identity request but cannot be asked for a dump, and a port
//! where nothing answers. One test function: one JACK server per process.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::{cli, receiver, Jack};
use sysex_vault::library::file;
use sysex_vault_cli::EXIT_MIDI;

fn run(args: &[&str]) -> (i32, String) {
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

const IDENTITY_REQUEST: [u8; 6] = [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7];

/// A Korg MS2000 dump of `len` bytes with function byte `func` (channel 3), data from `seed`.
fn korg(func: u8, len: usize, seed: u8) -> Vec<u8> {
    let mut m = vec![0xF0, 0x42, 0x32, 0x58, func];
    m.extend((0..len - 6).map(|i| ((i * 13 + usize::from(seed)) % 128) as u8));
    m.push(0xF7);
    m
}

/// The MS2000 answers identity (Korg 42, family 58 00, member 01 00) on its channel 3 (the
/// reply's device byte 02), then its three requests on that channel.
fn script_ms2000(ms: &Fake, dumps: [Vec<u8>; 3]) {
    ms.script(move |m, _| match m {
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(
            5,
            vec![
                0xF0, 0x7E, 0x02, 0x06, 0x02, 0x42, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
                0xF7,
            ],
        )],
        [0xF0, 0x42, 0x32, 0x58, 0x1C, 0xF7] => vec![(5, dumps[0].clone())],
        [0xF0, 0x42, 0x32, 0x58, 0x0E, 0xF7] => vec![(5, dumps[1].clone())],
        [0xF0, 0x42, 0x32, 0x58, 0x0F, 0xF7] => vec![(5, dumps[2].clone())],
        _ => Vec::new(),
    });
}

#[test]
fn a_rig_is_backed_up_in_one_action() {
    // 256-frame periods: a loaded machine's JACK keeps every event (see fake_synth.rs).
    let _jack = Jack::start_with_period(256);
    let ms = Fake::start_named("ms2000");
    let dx7 = Fake::start_named("dx7");
    let phatty = Fake::start_named("phatty");
    let (_silent, silent_seen) = receiver("silent", "in");
    let dir = common::temp_dir("cli-rig");
    let lib = dir.join("rig.sxvl");
    let lib_s = lib.to_str().unwrap();
    let rig = dir.join("rig.toml");
    let rig_s = rig.to_str().unwrap();

    // The saved rig: the DX7 on channel 3 (it answers no identity request).
    let (code, text) = run(&[
        "rig",
        "add",
        "--rig",
        rig_s,
        "--out",
        "dx7:in",
        "--in",
        "dx7-tx:out",
        "--device",
        "yamaha-dx7",
        "--channel",
        "3",
    ]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(&[
        "rig",
        "add",
        "--rig",
        rig_s,
        "--out",
        "dx7:in",
        "--in",
        "dx7-tx:out",
        "--device",
        "yamaha-dx7",
        "--channel",
        "3",
    ]);
    assert_eq!(
        code,
        sysex_vault_cli::EXIT_USAGE,
        "the same synth twice: {text}"
    );
    let (code, text) = run(&["rig", "list", "--rig", rig_s]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("1. Yamaha DX7 (yamaha-dx7): out dx7:in, in dx7-tx:out, channel 3"),
        "{text}"
    );
    let (code, text) = run(&[
        "rig",
        "add",
        "--rig",
        rig_s,
        "--out",
        "x",
        "--in",
        "y",
        "--device",
        "no-such-synth",
    ]);
    assert_eq!(code, sysex_vault_cli::EXIT_USAGE, "{text}");

    let ms_dumps = [korg(0x4C, 300, 1), korg(0x51, 60, 2), korg(0x50, 400, 3)];
    script_ms2000(&ms, ms_dumps.clone());
    // The DX7 sends its 32 voices (4,104 bytes) in 200-byte pieces, 5 ms apart.
    let bank: Vec<u8> = (0..4096u32).map(|i| ((i * 7 + 3) % 128) as u8).collect();
    let dx7_bank = common::yamaha_dump(2, &bank);
    let answer = dx7_bank.clone();
    dx7.script(move |m, _| match m {
        [0xF0, 0x43, 0x22, 0x09, 0xF7] => answer.chunks(200).map(|c| (5, c.to_vec())).collect(),
        _ => Vec::new(),
    });
    phatty.script(|m, _| match m {
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(
            5,
            vec![
                0xF0, 0x7E, 0x00, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                0xF7,
            ],
        )],
        _ => Vec::new(),
    });

    let (code, text) = run(&[
        "backup-rig",
        lib_s,
        "--create",
        "--rig",
        rig_s,
        "--identity-wait",
        "400",
        "--wait",
        "1500",
        "--idle",
        "400",
    ]);
    assert_eq!(code, 0, "{text}");
    for line in [
        "Korg MS2000 / microKORG on ms2000:in (answers on ms2000-tx:out, found by identity): got 3 of 3",
        "skipped `current`: the edit buffer, not stored on the synth",
        "Yamaha DX7 on dx7:in (answers on dx7-tx:out, found by saved rig): got 1 of 1",
        "skipped `voice`: the edit buffer",
        "Moog Little Phatty on phatty:in (answers on phatty-tx:out, found by identity): cannot be asked for a dump",
        "silent:in: silent (no identity reply; not in the saved rig)",
        "4 entries added to",
    ] {
        assert!(text.contains(line), "missing \"{line}\" in:\n{text}");
    }
    // The Phatty's dump guide is shown.
    let phatty_def = sysex_vault::devices::registry()
        .get("moog-little-phatty")
        .unwrap();
    let first_guide_line = phatty_def.guide.lines().next().unwrap();
    assert!(text.contains(first_guide_line), "{text}");

    // Each synth got exactly what was meant for it: the identity request only where no saved
    // synth is (the DX7 is not asked), the requests on its channel.
    assert_eq!(dx7.seen(), vec![vec![0xF0, 0x43, 0x22, 0x09, 0xF7]]);
    assert_eq!(
        ms.seen(),
        vec![
            IDENTITY_REQUEST.to_vec(),
            vec![0xF0, 0x42, 0x32, 0x58, 0x1C, 0xF7],
            vec![0xF0, 0x42, 0x32, 0x58, 0x0E, 0xF7],
            vec![0xF0, 0x42, 0x32, 0x58, 0x0F, 0xF7],
        ]
    );
    assert_eq!(phatty.seen(), vec![IDENTITY_REQUEST.to_vec()]);
    let to_silent: Vec<Vec<u8>> = silent_seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, m)| m.clone())
        .collect();
    assert_eq!(to_silent, vec![IDENTITY_REQUEST.to_vec()]);

    // One collection, byte for byte what the synths sent, tagged and noted.
    let l = file::load(&lib).unwrap();
    let got: Vec<Vec<Vec<u8>>> = l.entries.iter().map(|e| e.messages.clone()).collect();
    assert_eq!(
        got,
        vec![
            vec![ms_dumps[0].clone()],
            vec![ms_dumps[1].clone()],
            vec![ms_dumps[2].clone()],
            vec![dx7_bank.clone()],
        ]
    );
    let collection = l.entries[0].tags[1].clone();
    assert!(collection.starts_with("Rig backup 20"), "{collection}");
    for (e, synth) in l.entries.iter().zip([
        "Korg MS2000 / microKORG",
        "Korg MS2000 / microKORG",
        "Korg MS2000 / microKORG",
        "Yamaha DX7",
    ]) {
        assert_eq!(
            e.tags,
            vec![
                "rig-backup".to_owned(),
                collection.clone(),
                synth.to_owned()
            ]
        );
        assert!(
            e.note.starts_with(&format!("{collection}: {synth} on ")),
            "{}",
            e.note
        );
    }
    assert!(l.entries[3]
        .note
        .ends_with("\"All 32 voices (TX7, TX816, Dexed; not a DX7 Mk I)\""));

    // The MS2000 refuses (its "data load error" reply), the DX7 is silent: both said, nothing
    // added, exit 69; the same in JSON.
    ms.script(|m, _| match m {
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(
            5,
            vec![
                0xF0, 0x7E, 0x02, 0x06, 0x02, 0x42, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
                0xF7,
            ],
        )],
        _ => vec![(5, vec![0xF0, 0x42, 0x32, 0x58, 0x24, 0xF7])],
    });
    dx7.script(|_, _| Vec::new());
    let args = [
        "backup-rig",
        lib_s,
        "--rig",
        rig_s,
        "--identity-wait",
        "400",
        "--wait",
        "300",
        "--retries",
        "0",
        "--idle",
        "300",
    ];
    let (code, text) = run(&args);
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains("Korg MS2000 / microKORG on ms2000:in (answers on ms2000-tx:out, found by identity): refused (All 128 programs answered with F0 42 32 58 24 F7)"),
        "{text}"
    );
    assert!(
        text.contains("Yamaha DX7 on dx7:in (answers on dx7-tx:out, found by saved rig): silent"),
        "{text}"
    );
    assert!(text.contains("0 entries added"), "{text}");
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = cli().args(&json_args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(EXIT_MIDI),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdicts: Vec<(String, String)> = doc["synths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["output"].as_str().unwrap().to_owned(),
                s["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for want in [
        ("ms2000:in", "refused"),
        ("dx7:in", "silent"),
        ("phatty:in", "cannot-be-asked"),
        ("silent:in", "silent-port"),
    ] {
        assert!(
            verdicts.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {verdicts:?}"
        );
    }
    assert_eq!(file::load(&lib).unwrap().entries.len(), 4);

    // `rig remove` empties the rig again.
    let (code, text) = run(&["rig", "remove", "--rig", rig_s, "1"]);
    assert_eq!(code, 0, "{text}");
    let (_, text) = run(&["rig", "list", "--rig", rig_s]);
    assert!(text.contains("no saved synths"), "{text}");
    let (code, text) = run(&["backup-rig", lib_s, "--rig", rig_s, "--no-identity"]);
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains(
            "no synth found: no identity request sent (--no-identity), and the saved rig is empty"
        ),
        "{text}"
    );
    assert_eq!(file::load(&lib).unwrap().entries.len(), 4);
}
