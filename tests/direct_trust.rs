//! The direct MIDI route and the command line against a real JACK server (dummy driver,
//! 1,024-frame periods, where a 16 KiB JACK queue is easiest to overfill): large messages at
//! high rates arrive whole (1 MiB too), removing the plugin mid-send returns at once, a cancel in
//! the middle of a long message ends it with F7, a program change interrupts a direct send, and
//! notes or controllers from the synth never open or stretch a take.
//! One test function, since the JACK server is per process.
#![cfg(feature = "jack")]

mod common;

use common::jack::{cli, direct_session, joined, receiver, run_until, Jack};
use common::{decode_state, library_of, sysex, In, Session};
use midir::os::unix::VirtualOutput;
use midir::MidiOutput;
use std::process::Stdio;
use std::time::{Duration, Instant};
use sysex_vault::library::{file, Entry, Library, ProgramMap, Source};
use sysex_vault::pacing::{Pacing, PacingChoice};

fn log_text(s: &mut Session) -> String {
    decode_state(&s.save_state())["fields"]["log"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn direct_route_and_command_line_keep_their_promises_on_jack() {
    let _jack = Jack::start_with_period(1024);
    let dir = std::env::temp_dir().join(format!("sxv-direct-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // 1. Command line: six 8,000-byte messages at a rate far above what JACK's queue takes in
    //    one period, then a 100-message bank at 1 MB/s. Every message arrives whole, in order.
    let (_rx, received) = receiver("cli-rx", "in");
    let big: Vec<Vec<u8>> = (0..6).map(|i| sysex(8_000, i)).collect();
    let bank: Vec<Vec<u8>> = (0..100).map(|i| sysex(2_000, 10 + i as u8)).collect();
    let lib_path = dir.join("lib.sxvl");
    let lib = library_of(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            big.clone(),
            Source::Capture,
            0,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            bank.clone(),
            Source::Capture,
            0,
        ),
    ]);
    file::save(&lib_path, &lib).unwrap();
    for (entry, expected, rate) in [("1", &big, "10000000"), ("2", &bank, "1000000")] {
        received.lock().unwrap().clear();
        let out = cli()
            .args(["send", lib_path.to_str().unwrap(), "cli-rx:in"])
            .args(["--entry", entry, "--rate", rate, "--gap", "0"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        std::thread::sleep(Duration::from_millis(200));
        let got = joined(&received);
        let whole = got.iter().filter(|m| expected.contains(m)).count();
        eprintln!(
            "CLI entry {entry}: {} of {} messages arrived whole",
            whole,
            expected.len()
        );
        assert_eq!(&got, expected, "entry {entry}: {text}");
    }

    // 2. The plugin's direct route: the same six messages at a custom 10 MB/s.
    let fast = PacingChoice::Custom(Pacing::whole(10_000_000, 0));
    let mut synth_out = MidiOutput::new("synth-tx")
        .unwrap()
        .create_virtual("out")
        .unwrap();
    let (synth_in, synth_rx) = receiver("synth-rx", "in");
    let mut mapped = Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(50, 99)],
        Source::Capture,
        0,
    );
    mapped.program_change = Some(ProgramMap {
        interrupt: true,
        ..ProgramMap::any(7)
    });
    let slow_bank: Vec<Vec<u8>> = (0..20).map(|i| sysex(400, 40 + i as u8)).collect();
    let lib = library_of(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            big.clone(),
            Source::Capture,
            0,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            slow_bank.clone(),
            Source::Capture,
            0,
        ),
        mapped,
    ]);
    let mut s = direct_session(&lib, "synth-tx:out", "synth-rx:in", fast);
    let send = s.param_id("Send");
    run_until(&mut s, 5.0, &[In::Param(0, send, 1.0)], || {
        synth_rx.lock().unwrap().len() >= 6
    });
    run_until(&mut s, 0.2, &[], || false);
    assert_eq!(joined(&synth_rx), big, "{}", log_text(&mut s));
    drop(s);

    // 3. A program change interrupts a direct send (DIN pacing: 400 bytes = 128 ms + 150 ms).
    synth_rx.lock().unwrap().clear();
    let mut s = direct_session(&lib, "synth-tx:out", "synth-rx:in", PacingChoice::Din);
    let (send, slot) = (s.param_id("Send"), s.param_id("Slot"));
    // Slot 2 (the integer parameter's CLAP value is its step index).
    run_until(
        &mut s,
        5.0,
        &[In::Param(0, slot, 1.0), In::Param(0, send, 1.0)],
        || joined(&synth_rx).len() >= 2,
    );
    run_until(&mut s, 2.0, &[In::Midi(0, [0xC0, 7, 0])], || {
        joined(&synth_rx).contains(&sysex(50, 99))
    });
    run_until(&mut s, 0.6, &[], || false);
    let got = joined(&synth_rx);
    let n = got.len();
    assert!((3..=4).contains(&n), "{n} messages: bank not interrupted");
    assert_eq!(got[n - 1], sysex(50, 99));
    assert_eq!(
        got[..n - 1],
        slow_bank[..n - 1],
        "bank messages whole, in order"
    );

    // 4. Removing the plugin mid-send returns within one message, not after the whole bank
    //    (20 × 278 ms = 5.6 s at DIN).
    synth_rx.lock().unwrap().clear();
    s.process(512, &[In::Param(0, send, 0.0)]);
    run_until(&mut s, 5.0, &[In::Param(0, send, 1.0)], || {
        synth_rx.lock().unwrap().len() >= 2
    });
    let start = Instant::now();
    drop(s);
    let teardown = start.elapsed();
    eprintln!("plugin removed mid-send: teardown took {teardown:?}");
    assert!(teardown < Duration::from_millis(700), "{teardown:?}");
    let sent = synth_rx.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        synth_rx.lock().unwrap().len(),
        sent,
        "nothing sent after removal"
    );

    // 5. Direct-route capture: notes and a controller stream from the synth neither open takes
    //    nor join two dumps (idle gap 300 ms).
    let mut s = direct_session(&Library::default(), "synth-tx:out", "synth-rx:in", fast);
    let always = s.param_id("Always Capture");
    run_until(&mut s, 0.3, &[In::Param(0, always, 1.0)], || false);
    let play = |out: &mut midir::MidiOutputConnection, ms: u64| {
        let end = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < end {
            out.send(&[0x90, 60, 100]).unwrap();
            out.send(&[0xB0, 1, 64]).unwrap();
            std::thread::sleep(Duration::from_millis(40));
        }
    };
    play(&mut synth_out, 500);
    synth_out.send(&sysex(30, 1)).unwrap();
    play(&mut synth_out, 800);
    synth_out.send(&sysex(30, 2)).unwrap();
    play(&mut synth_out, 500);
    run_until(&mut s, 0.8, &[], || false);
    let state = decode_state(&s.save_state());
    let text: String = serde_json::from_str(state["fields"]["library"].as_str().unwrap()).unwrap();
    let captured = sysex_vault::state::decode_text(&text).unwrap();
    let takes: Vec<&Vec<Vec<u8>>> = captured.entries.iter().map(|e| &e.messages).collect();
    assert_eq!(
        takes,
        vec![&vec![sysex(30, 1)], &vec![sysex(30, 2)]],
        "{}",
        log_text(&mut s)
    );
    drop(s);
    drop(synth_in);

    // 6. Command-line capture: the synth plays notes first; the capture is the dump, not an
    //    empty take closed by the gap.
    let cap_path = dir.join("cap.sxvl");
    let child = cli()
        .args(["capture", cap_path.to_str().unwrap(), "synth-tx:out"])
        .args(["--gap", "300", "--timeout", "20", "--create"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    play(&mut synth_out, 600);
    std::thread::sleep(Duration::from_millis(400));
    let dump: Vec<Vec<u8>> = (0..3).map(|i| sysex(100, 60 + i)).collect();
    for m in &dump {
        synth_out.send(m).unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    play(&mut synth_out, 200);
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    let lib = file::load(&cap_path).unwrap();
    assert_eq!(lib.entries.len(), 1, "{text}");
    assert_eq!(lib.entries[0].messages, dump, "{text}");

    // 7. A 1 MiB message through JACK from the command line and from the plugin's direct route
    //    (custom 500 KB/s): it leaves in pieces and arrives whole.
    let (_big, big_rx) = receiver("big-rx", "in");
    let huge = sysex(1 << 20, 7);
    let huge_lib = library_of(vec![Entry::new(
        sysex_vault::devices::registry(),
        vec![huge.clone()],
        Source::Capture,
        0,
    )]);
    let huge_path = dir.join("huge.sxvl");
    file::save(&huge_path, &huge_lib).unwrap();
    let start = Instant::now();
    let out = cli()
        .args(["send", huge_path.to_str().unwrap(), "big-rx:in"])
        .args(["--rate", "500000", "--gap", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(300));
    eprintln!(
        "1 MiB through JACK (CLI): {} events, {:.2} s",
        big_rx.lock().unwrap().len(),
        start.elapsed().as_secs_f64()
    );
    assert!(
        joined(&big_rx) == vec![huge.clone()],
        "1 MiB from the command line"
    );
    big_rx.lock().unwrap().clear();
    let fast = PacingChoice::Custom(Pacing::whole(500_000, 0));
    let mut s = direct_session(&huge_lib, "synth-tx:out", "big-rx:in", fast);
    let send = s.param_id("Send");
    run_until(&mut s, 15.0, &[In::Param(0, send, 1.0)], || {
        let n: usize = big_rx.lock().unwrap().iter().map(|(_, m)| m.len()).sum();
        n >= huge.len()
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        joined(&big_rx) == vec![huge],
        "1 MiB through the plugin's direct route: {}",
        log_text(&mut s)
    );
    drop(s);

    // 8. A cancel in the middle of a long chunked message stops before the next chunk and ends
    //    the message with F7 (3,000 bytes in 99-byte chunks at 3,125 B/s, 20 ms after each:
    //    about 1.6 s; cancelled after 0.4 s).
    big_rx.lock().unwrap().clear();
    let long = sysex(3_000, 3);
    let lib = library_of(vec![Entry::new(
        sysex_vault::devices::registry(),
        vec![long.clone()],
        Source::Capture,
        0,
    )]);
    let chunked = PacingChoice::Custom(Pacing {
        chunk_bytes: 99,
        chunk_pause_ms: 20,
        ..Pacing::DIN
    });
    let mut s = direct_session(&lib, "synth-tx:out", "big-rx:in", chunked);
    let (send, cancel) = (s.param_id("Send"), s.param_id("Cancel Send"));
    run_until(&mut s, 0.4, &[In::Param(0, send, 1.0)], || false);
    run_until(&mut s, 1.0, &[In::Param(0, cancel, 1.0)], || false);
    run_until(&mut s, 1.0, &[], || false);
    let got = joined(&big_rx);
    assert_eq!(got.len(), 1, "one message, cut: {}", log_text(&mut s));
    let cut = &got[0];
    eprintln!(
        "cancelled mid-message: {} of 3000 bytes, then F7",
        cut.len() - 1
    );
    assert!(cut.len() > 99 && cut.len() < 2_000, "{} bytes", cut.len());
    assert_eq!(
        &cut[..cut.len() - 1],
        &long[..cut.len() - 1],
        "the bytes that left"
    );
    assert_eq!(cut.last(), Some(&0xF7));
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
