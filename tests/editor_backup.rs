//! The guided first backup, end to end: the editor (driven headless with egui_kittest) on an
//! empty library, the plugin's background worker on the direct MIDI route, and a scripted synth
//! on a real JACK server (dummy driver) that answers the Blofeld's sound request with a dump.
//! The musician picks the synth, presses "Get from synth", watches it arrive and gets a named
//! entry holding exactly the synth's bytes.
#![cfg(feature = "jack")]

mod common;

use common::fake::{blofeld, Fake};
use common::jack::Jack;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::{Duration, Instant};

#[test]
fn guided_first_backup_gets_a_named_entry_from_the_synth() {
    let _jack = Jack::start_with_period(256);
    let fake = Fake::start();
    let dump = blofeld(0, 0, "GUIDED PAD", 3);
    let answer = dump.clone();
    fake.script(move |m, _| match m {
        [0xF0, 0x3E, 0x13, _, 0x00, 0x00, 0x00, 0xF7] => vec![(30, answer.clone())],
        _ => Vec::new(),
    });

    let plugin = common::direct::plugin(common::direct::fake_route());
    let handles = plugin.handles.clone();
    let mut h = common::direct::editor(&handles);
    h.run();
    h.get_by_label("Back up your synth");
    h.get_by_label("Your synth").click();
    h.run();
    h.get_all_by_label("Waldorf Blofeld")
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
        .expect("the Blofeld in the list")
        .click_accesskit();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("Get from synth").click();
    h.run();

    // Real time: the worker opens the ports, asks, and files the answer.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        h.run();
        if h.query_by_label_contains("Got: ").is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "nothing arrived: {:?}",
            handles.store.log_lines()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    h.get_by_label("Got: Waldorf Blofeld: GUIDED PAD (1 message(s))");
    assert_eq!(
        fake.seen(),
        [vec![0xF0, 0x3E, 0x13, 0x7F, 0x00, 0x00, 0x00, 0xF7]],
        "one request, on the synth's port"
    );
    h.get_by_label("Show it in the library").click();
    h.run();
    let entries = handles.store.read(|l| {
        l.entries
            .iter()
            .map(|e| e.messages.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(entries, [vec![dump]], "exactly the synth's bytes");
    h.get_by_label("Select Waldorf Blofeld: GUIDED PAD");
    assert!(h.query_by_label("Back up your synth").is_none());
}
