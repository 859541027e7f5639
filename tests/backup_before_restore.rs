//! An undo for the synth, end to end: the editor (headless, egui_kittest) sends a DX7 bank over
//! the plugin's background worker on the direct MIDI route to a scripted synth on a real JACK
//! server. Before the bank leaves, the synth is asked for the bank it holds, and that answer is
//! in the library, byte for byte, when the new bank arrives. A synth that does not answer gets
//! nothing until the musician says to send anyway.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::Jack;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sysex_vault::editor::VaultUi;
use sysex_vault::library::{Entry, Source};

const BANK_REQUEST: [u8; 5] = [0xF0, 0x43, 0x20, 0x09, 0xF7];

/// A DX7 32-voice bank (VMEM) built byte by byte: header, 4096 data bytes, checksum, F7.
fn dx7_bank(seed: u8) -> Vec<u8> {
    let data: Vec<u8> = (0..4096u32)
        .map(|i| ((i * 7 + u32::from(seed) * 13) % 100) as u8)
        .collect();
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

use common::direct::Plugin as Rig;

/// One test at a time: both use the same port names, which one process opens only once.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn rig() -> (Harness<'static, VaultUi>, Rig) {
    let rig = common::direct::plugin(common::direct::fake_route());
    (common::direct::editor(&rig.handles), rig)
}

/// Adds the new bank, selects it and presses "Send selected" on the Send tab.
fn send_bank(h: &mut Harness<'static, VaultUi>, rig: &Rig, bank: &[u8]) -> u64 {
    let id = rig.handles.store.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![bank.to_vec()],
        Source::Import("new.syx".into()),
        0,
    ));
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.state_mut().select(vec![id]);
    h.run();
    h.get_by_label("Send selected (1)").click();
    h.run();
    id
}

/// Steps the editor until `done` or `limit` passes.
fn wait(h: &mut Harness<'static, VaultUi>, rig: &Rig, limit: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out; log: {:#?}",
            rig.handles.store.log_lines()
        );
        h.run();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.run();
}

#[test]
fn the_synths_bank_is_kept_before_the_new_one_leaves() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let _jack = Jack::start_with_period(1024);
    let fake = Fake::start();
    let (mut h, rig) = rig();
    let old = dx7_bank(1);
    let new = dx7_bank(2);
    // When the new bank arrives, was the old one already in the library?
    let kept_first: Arc<Mutex<Option<bool>>> = Arc::default();
    let (answer, store, seen_new, kept) = (
        old.clone(),
        rig.handles.store.clone(),
        new.clone(),
        kept_first.clone(),
    );
    fake.script(move |m, _| {
        if m == BANK_REQUEST {
            return vec![(30, answer.clone())];
        }
        if m == seen_new.as_slice() {
            let held = store.read(|l| {
                l.entries.iter().any(|e| {
                    e.messages == [answer.clone()] && e.tags.iter().any(|t| t == "before restore")
                })
            });
            *kept.lock().unwrap() = Some(held);
        }
        Vec::new()
    });
    send_bank(&mut h, &rig, &new);
    wait(&mut h, &rig, Duration::from_secs(30), || {
        kept_first.lock().unwrap().is_some()
    });
    assert_eq!(
        *kept_first.lock().unwrap(),
        Some(true),
        "the synth's bank was in the library before the new bank arrived"
    );
    assert_eq!(
        fake.seen(),
        [BANK_REQUEST.to_vec(), new.clone()],
        "asked, then sent"
    );
    let backup = rig.handles.store.read(|l| {
        l.entries
            .iter()
            .find(|e| e.tags.iter().any(|t| t == "before restore"))
            .cloned()
            .expect("backup entry")
    });
    assert!(
        backup.messages.len() == 1 && backup.messages[0] == old,
        "byte for byte"
    );
    assert!(
        backup.name.starts_with("On the synth before restore, "),
        "{}",
        backup.name
    );
    let sent = |rig: &Rig| {
        rig.handles
            .store
            .log_lines()
            .iter()
            .filter(|l| l.text == "Sent 1 message(s)")
            .count()
    };
    wait(&mut h, &rig, Duration::from_secs(30), || sent(&rig) == 1);
    // One action puts it back: "Put back" sends the backup (itself backed up first).
    fake.script({
        let answer = new.clone();
        move |m, _| {
            if m == BANK_REQUEST {
                return vec![(30, answer.clone())];
            }
            Vec::new()
        }
    });
    h.get_by_label("Put back").click();
    h.run();
    wait(&mut h, &rig, Duration::from_secs(30), || {
        fake.seen().len() >= 2
    });
    assert_eq!(
        fake.seen(),
        [BANK_REQUEST.to_vec(), old],
        "the old bank is back"
    );
}

#[test]
fn a_silent_synth_is_overwritten_only_when_the_musician_says_so() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let _jack = Jack::start_with_period(1024);
    let fake = Fake::start();
    fake.script(|_, _| Vec::new());
    let (mut h, rig) = rig();
    let new = dx7_bank(3);
    send_bank(&mut h, &rig, &new);
    // Asked (and asked again), no answer: the editor asks; nothing was sent.
    wait(&mut h, &rig, Duration::from_secs(30), || {
        rig.handles.store.question().is_some()
    });
    h.get_by_label_contains("Nothing was sent: the synth did not answer the backup request");
    assert!(
        fake.seen().iter().all(|m| m == &BANK_REQUEST),
        "{:?}",
        fake.seen().len()
    );
    h.get_by_label("Don't send").click();
    h.run();
    assert!(rig.handles.store.question().is_none());
    // The conversation is over (the worker listens no more); nothing was sent.
    wait(&mut h, &rig, Duration::from_secs(30), || {
        !rig.handles.capture.listen.load(Ordering::Relaxed)
    });
    assert!(!fake.seen().contains(&new), "not sent after Don't send");
    // A question is about this library: a state load (the DAW's undo, a preset) withdraws it.
    h.get_by_label("Send selected (1)").click();
    h.run();
    wait(&mut h, &rig, Duration::from_secs(30), || {
        rig.handles.store.question().is_some()
    });
    let state = rig.handles.store.save_text();
    rig.handles.store.load_text(&state);
    h.run();
    assert!(
        rig.handles.store.question().is_none(),
        "withdrawn by the load"
    );
    assert!(h.query_by_label("Send without a backup").is_none());
    wait(&mut h, &rig, Duration::from_secs(30), || {
        !rig.handles.capture.listen.load(Ordering::Relaxed)
    });
    h.state_mut().select(
        rig.handles
            .store
            .read(|l| l.entries.iter().map(|e| e.id).collect()),
    );
    h.run();
    // Again, and this time send anyway.
    h.get_by_label("Send selected (1)").click();
    h.run();
    wait(&mut h, &rig, Duration::from_secs(30), || {
        rig.handles.store.question().is_some()
    });
    h.get_by_label("Send without a backup").click();
    h.run();
    let sent = AtomicBool::new(false);
    wait(&mut h, &rig, Duration::from_secs(30), || {
        sent.store(fake.seen().contains(&new), Ordering::Relaxed);
        sent.load(Ordering::Relaxed)
    });
    assert!(
        rig.handles.store.read(|l| l
            .entries
            .iter()
            .all(|e| e.tags.iter().all(|t| t != "before restore"))),
        "no backup entry from a silent synth"
    );
}
