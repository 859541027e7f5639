//! Issue 24, part 4, in the editor: "Send firmware file…" shows the plan and a warning before
//! anything leaves, is refused on the host route (the host may stop or sleep the plugin in the
//! middle), and on the direct route asks the synth who it is, then sends the file whole at the
//! firmware pacing; a synth of another model gets nothing but the identity request. The editor
//! is driven headless (egui_kittest) with the plugin's real background worker, a JACK server
//! (dummy driver) and a scripted synth.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::Jack;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysex_vault::audio::pool;
use sysex_vault::background::ports::RouteSettings;
use sysex_vault::editor::{Handles, VaultUi};

const IDENTITY_REQUEST: [u8; 6] = [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7];

/// A Little Phatty identity reply with member bytes `member` (its own: `00 01`).
fn lp_reply(member: [u8; 2]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05];
    m.extend(member);
    m.extend([0x03, 0x01, 0x00, 0x00, 0xF7]);
    m
}

/// Four Moog-style blocks (`F0 04 05 7F`, 197 data bytes, `F7`).
fn blocks() -> Vec<Vec<u8>> {
    (0..4)
        .map(|i| {
            let mut m = vec![0xF0, 0x04, 0x05, 0x7F];
            m.extend((0..197).map(|k| ((k * 5 + i * 11) % 128) as u8));
            m.push(0xF7);
            m
        })
        .collect()
}

fn editor(handles: &Handles) -> Harness<'static, VaultUi> {
    let mut h = common::direct::editor(handles);
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h
}

/// Runs the editor until a log line contains `text`; all log lines.
fn wait_log(h: &mut Harness<'static, VaultUi>, handles: &Handles, text: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // Progress repaints on its own while a send runs: a few frames, not until settled.
        h.run_steps(3);
        let lines: Vec<String> = handles
            .store
            .log_lines()
            .iter()
            .map(|l| l.text.clone())
            .collect();
        if lines.iter().any(|l| l.contains(text)) {
            return lines;
        }
        assert!(Instant::now() < deadline, "no \"{text}\" in {lines:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn firmware_from_the_editor_direct_only_identity_checked() {
    let _jack = Jack::start_with_period(256);
    pool::init();
    let dir = common::temp_dir("editor-firmware");
    let file = dir.join("lp-fw.syx");
    std::fs::write(&file, blocks().concat()).unwrap();

    // 1. The host route: the plan shows, the send is refused with the reason, and a request
    //    that reaches the worker anyway is refused there too; nothing is sent.
    let plugin = common::direct::plugin(RouteSettings::default());
    let handles = plugin.handles.clone();
    let mut h = editor(&handles);
    h.state_mut().offer_firmware(&file);
    h.run();
    h.get_by_label_contains("Firmware \"lp-fw.syx\" for Moog Little Phatty: 4 message(s)");
    h.get_by_label_contains("pacing Slow (no definition names firmware pacing");
    h.get_by_label_contains(
        "Not sent: firmware goes only through the direct MIDI ports (choose the synth's ports in the Record tab): through the host, the host may stop the plugin or put it to sleep",
    );
    assert!(
        h.query_by_label("Send firmware").is_none(),
        "no way to send"
    );
    handles
        .store
        .request(sysex_vault::store::WorkerRequest::SendFirmware {
            label: "lp-fw.syx".into(),
            messages: blocks(),
        });
    wait_log(
        &mut h,
        &handles,
        "Firmware \"lp-fw.syx\" not sent: firmware goes only through the direct MIDI ports",
    );
    assert_eq!(handles.send.jobs_done.load(Ordering::Relaxed), 0);
    h.get_by_label("Dismiss").click();
    h.run();
    assert!(h.query_by_label_contains("Not sent:").is_none());
    drop(h);
    drop(plugin);

    // 2. The direct route to the Little Phatty: a warning before anything leaves; confirmed,
    //    the synth is asked who it is, then the file leaves whole at Slow pacing with the time
    //    left shown.
    let fake = Fake::start();
    let answer = Arc::new(std::sync::Mutex::new(lp_reply([0x00, 0x01])));
    let reply = answer.clone();
    fake.script(move |m, _| match m {
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(10, reply.lock().unwrap().clone())],
        _ => Vec::new(),
    });
    let plugin = common::direct::plugin(common::direct::fake_route());
    let handles = plugin.handles.clone();
    let mut h = editor(&handles);
    h.state_mut().offer_firmware(&file);
    h.run_steps(3);
    h.get_by_label_contains("Warning: a firmware update cut short can leave the synth unusable");
    std::thread::sleep(Duration::from_millis(300));
    assert!(fake.seen().is_empty(), "nothing before the go");
    h.get_by_label("Send firmware").click();
    h.run_steps(3);
    let saw_eta = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(20);
    while handles.send.jobs_done.load(Ordering::Relaxed) < 2 {
        h.run_steps(3);
        if h.query_by_label_contains("ETA").is_some() && fake.seen().len() > 1 {
            saw_eta.store(true, Ordering::Relaxed);
        }
        assert!(
            Instant::now() < deadline,
            "not sent: {:?}",
            handles.store.log_lines()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let lines = wait_log(
        &mut h,
        &handles,
        "Sent \"firmware lp-fw.syx\": 4 message(s)",
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("The synth answers as Moog Little Phatty")),
        "{lines:#?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let mut want = vec![IDENTITY_REQUEST.to_vec()];
    want.extend(blocks());
    assert_eq!(fake.seen(), want, "identity request, then the file whole");
    assert!(
        saw_eta.load(Ordering::Relaxed),
        "time left shown while sending"
    );

    // 3. A synth answering as another model gets the identity request only.
    *answer.lock().unwrap() = lp_reply([0x00, 0x02]);
    fake.script({
        let reply = answer.clone();
        move |m, _| match m {
            [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] => vec![(10, reply.lock().unwrap().clone())],
            _ => Vec::new(),
        }
    });
    h.state_mut().offer_firmware(&file);
    h.run_steps(3);
    h.get_by_label("Send firmware").click();
    wait_log(&mut h, &handles, "(another model): refused, nothing sent");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(fake.seen(), vec![IDENTITY_REQUEST.to_vec()]);

    // 4. The plugin closing in the middle of a firmware send returns at once: the file stops
    //    before its next piece (the message in flight ended with F7), nothing waits for the
    //    rest (30 blocks at Slow: about 17 s).
    *answer.lock().unwrap() = lp_reply([0x00, 0x01]);
    let long: Vec<Vec<u8>> = (0..30).flat_map(|_| blocks()).take(30).collect();
    let long_file = dir.join("long-fw.syx");
    std::fs::write(&long_file, long.concat()).unwrap();
    h.state_mut().offer_firmware(&long_file);
    h.run_steps(3);
    h.get_by_label("Send firmware").click();
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.seen().len() < 4 {
        h.run_steps(3);
        assert!(Instant::now() < deadline, "{:?}", handles.store.log_lines());
        std::thread::sleep(Duration::from_millis(20));
    }
    let closing = Instant::now();
    drop(h);
    drop(plugin);
    let took = closing.elapsed();
    assert!(took < Duration::from_secs(2), "closing took {took:?}");
    std::thread::sleep(Duration::from_millis(300));
    let seen = fake.seen();
    assert!(
        seen.len() < 1 + long.len(),
        "stopped: {} of {} blocks",
        seen.len() - 1,
        long.len()
    );
    assert!(
        seen.iter().all(|m| m.last() == Some(&0xF7)),
        "every message ended"
    );
}
