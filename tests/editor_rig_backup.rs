//! "Back up rig" in the editor, end to end: the editor (headless, egui_kittest), the plugin's
//! background worker on the direct MIDI route, and a scripted chain of two synths on a real
//! JACK server (dummy driver) behind that port pair: a Korg MS2000 that answers the identity
//! request and its dump requests, and a Yamaha DX7 that answers no identity request but is in
//! the saved rig on these ports. The plugin reaches only its route's ports, so that is what the
//! button backs up.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::Jack;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};
use sysex_vault::library::{Entry, Source};

const IDENTITY_REQUEST: [u8; 6] = [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7];

fn korg(func: u8, len: usize, seed: u8) -> Vec<u8> {
    let mut m = vec![0xF0, 0x42, 0x30, 0x58, func];
    m.extend((0..len - 6).map(|i| ((i * 11 + usize::from(seed)) % 128) as u8));
    m.push(0xF7);
    m
}

#[test]
fn back_up_rig_asks_every_synth_on_the_route() {
    let _jack = Jack::start_with_period(256);
    let dir = common::temp_dir("editor-rig-backup");
    let rig_file = dir.join("rig.toml");
    std::fs::write(
        &rig_file,
        "[[synth]]\noutput = \"fake:in\"\ninput = \"fake-tx:out\"\ndevice = \"yamaha-dx7\"\nchannel = 3\n\n\
         [[synth]]\noutput = \"elsewhere:in\"\ninput = \"elsewhere:out\"\ndevice = \"korg-dw8000\"\nchannel = 1\n",
    )
    .unwrap();
    // SAFETY: set before any thread reads it (one test in this process).
    unsafe { std::env::set_var("SYSEX_VAULT_RIG", &rig_file) };

    let fake = Fake::start();
    let ms = [korg(0x4C, 200, 1), korg(0x51, 40, 2), korg(0x50, 250, 3)];
    let bank: Vec<u8> = (0..4096u32).map(|i| ((i * 5 + 1) % 128) as u8).collect();
    let dx7_bank = common::yamaha_dump(2, &bank);
    let (answers, dx7_answer) = (ms.clone(), dx7_bank.clone());
    fake.script(move |m, _| match m {
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(
            5,
            vec![
                0xF0, 0x7E, 0x00, 0x06, 0x02, 0x42, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
                0xF7,
            ],
        )],
        [0xF0, 0x42, 0x30, 0x58, 0x1C, 0xF7] => vec![(5, answers[0].clone())],
        [0xF0, 0x42, 0x30, 0x58, 0x0E, 0xF7] => vec![(5, answers[1].clone())],
        [0xF0, 0x42, 0x30, 0x58, 0x0F, 0xF7] => vec![(5, answers[2].clone())],
        [0xF0, 0x43, 0x22, 0x09, 0xF7] => dx7_answer.chunks(200).map(|c| (5, c.to_vec())).collect(),
        _ => Vec::new(),
    });

    let plugin = common::direct::plugin(common::direct::fake_route());
    let handles = plugin.handles.clone();
    // One entry already there: the editor opens on the library, not the first-backup guide.
    let before = common::dx7_voice(b"OLD VOICE ");
    handles.store.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![before.clone()],
        Source::Capture,
        0,
    ));
    let mut h = common::direct::editor_sized(&handles, 1100.0, 900.0);
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Back up rig").click();
    h.run();

    let log = || -> Vec<String> {
        handles
            .store
            .log_lines()
            .into_iter()
            .map(|l| l.text)
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !log().iter().any(|l| l.contains("entries added as")) {
        assert!(Instant::now() < deadline, "no end: {:?}", log());
        h.run();
        std::thread::sleep(Duration::from_millis(50));
    }
    let lines = log();
    for want in [
        "Back up rig: Korg MS2000 / microKORG (found by identity): got 3 of 3",
        "Back up rig: Yamaha DX7 (found by saved rig): got 1 of 1",
        "Back up rig: 4 entries added as \"Rig backup ",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "\"{want}\" not in {lines:?}"
        );
    }
    // The synth on other ports in the saved rig is not asked: this route cannot reach it.
    assert!(!lines.iter().any(|l| l.contains("DW-8000")), "{lines:?}");
    assert_eq!(
        fake.seen(),
        vec![
            IDENTITY_REQUEST.to_vec(),
            vec![0xF0, 0x42, 0x30, 0x58, 0x1C, 0xF7],
            vec![0xF0, 0x42, 0x30, 0x58, 0x0E, 0xF7],
            vec![0xF0, 0x42, 0x30, 0x58, 0x0F, 0xF7],
            vec![0xF0, 0x43, 0x22, 0x09, 0xF7],
        ]
    );
    let (messages, tags) = handles.store.read(|l| {
        (
            l.entries
                .iter()
                .map(|e| e.messages.clone())
                .collect::<Vec<_>>(),
            l.entries.iter().map(|e| e.tags.clone()).collect::<Vec<_>>(),
        )
    });
    assert_eq!(
        messages,
        vec![
            vec![before],
            vec![ms[0].clone()],
            vec![ms[1].clone()],
            vec![ms[2].clone()],
            vec![dx7_bank],
        ],
        "exactly the synths' bytes, nothing recorded twice as a take"
    );
    assert!(tags[0].is_empty());
    for t in &tags[1..] {
        assert_eq!(t[0], "rig-backup");
        assert!(t[1].starts_with("Rig backup 20"), "{t:?}");
    }
    assert_eq!(tags[4][2], "Yamaha DX7");
}
