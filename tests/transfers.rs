//! Transfers real hardware survives, through a JACK server (dummy driver, 64-frame periods) and
//! a receiving client: messages sent in chunks (sizes multiples of 3, a pause after each, never
//! faster than the rate cap) by the command line, a 1 MiB message through JACK by the command
//! line and by the plugin's direct route, and part of an entry sent on its own.
#![cfg(feature = "jack")]

mod common;

use common::jack::{cli, direct_session, joined, receiver, run_until, Jack};
use common::{library_of, sysex, In};
use midir::os::unix::VirtualOutput;
use std::time::Duration;
use sysex_vault::library::{file, Entry, Source};
use sysex_vault::pacing::{Pacing, PacingChoice};

fn run(args: &[&str]) -> String {
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[test]
fn chunks_large_messages_and_parts_of_entries_through_jack() {
    let _jack = Jack::start();
    let dir = std::env::temp_dir().join(format!("sxv-transfers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_rx, received) = receiver("synth", "in");
    let three: Vec<Vec<u8>> = (0..3).map(|i| sysex(250, i)).collect();
    let huge = sysex(1 << 20, 7);
    let lib_path = dir.join("lib.sxvl");
    file::save(
        &lib_path,
        &library_of(vec![
            Entry::new(three.clone(), Source::Capture, 0),
            Entry::new(vec![huge.clone()], Source::Capture, 0),
        ]),
    )
    .unwrap();
    let lib = lib_path.to_str().unwrap();

    // 1. Chunks of 100 bytes (99: a multiple of 3), 40 ms after each, 1,000 B/s, 150 ms after
    //    each message.
    let text = run(&[
        "send",
        lib,
        "synth:in",
        "--entry",
        "1",
        "--rate",
        "1000",
        "--gap",
        "150",
        "--chunk",
        "100",
        "--chunk-pause",
        "40",
    ]);
    assert!(
        text.contains("in 99-byte chunks (40 ms after each)"),
        "{text}"
    );
    std::thread::sleep(Duration::from_millis(100));
    let arrivals = received.lock().unwrap().clone();
    let sizes: Vec<usize> = arrivals.iter().map(|(_, m)| m.len()).collect();
    assert_eq!(sizes, [99, 99, 52].repeat(3), "chunk sizes");
    assert_eq!(joined(&received), three, "every message whole, in order");
    // The gap before each event: the previous one's bytes at 1,000 B/s plus the pause (40 ms
    // inside a message, 150 ms between messages), within JACK's 1.3 ms periods at both ends.
    let mut gaps = Vec::new();
    for (i, w) in arrivals.windows(2).enumerate() {
        let got = w[1].0.duration_since(w[0].0).as_secs_f64();
        let pause = if (i + 1) % 3 == 0 { 0.150 } else { 0.040 };
        let want = w[0].1.len() as f64 / 1000.0 + pause;
        gaps.push((got * 1000.0).round());
        assert!(
            got > want - 0.003,
            "event {} came {got:.4} s after the one before, {want:.4} s planned",
            i + 1
        );
        assert!(
            got < want + 0.030,
            "event {} late: {got:.4} s vs {want:.4} s",
            i + 1
        );
    }
    eprintln!("chunked send, ms between events: {gaps:?}");

    // 2. A 1 MiB message through JACK from the command line (JACK takes 16,000 bytes a period
    //    pair): it leaves in pieces and arrives whole.
    received.lock().unwrap().clear();
    let start = std::time::Instant::now();
    run(&[
        "send", lib, "synth:in", "--entry", "2", "--rate", "5000000", "--gap", "0",
    ]);
    std::thread::sleep(Duration::from_millis(200));
    let got = joined(&received);
    eprintln!(
        "1 MiB through JACK (CLI): {} events, {:.2} s",
        received.lock().unwrap().len(),
        start.elapsed().as_secs_f64()
    );
    assert!(got == vec![huge.clone()], "1 MiB message arrived whole");

    // 3. Part of an entry: the second message only, then the second and third.
    received.lock().unwrap().clear();
    run(&[
        "send",
        lib,
        "synth:in",
        "--entry",
        "1",
        "--messages",
        "2",
        "--gap",
        "0",
    ]);
    run(&[
        "send",
        lib,
        "synth:in",
        "--entry",
        "1",
        "--messages",
        "2-",
        "--gap",
        "0",
    ]);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        joined(&received),
        vec![three[1].clone(), three[1].clone(), three[2].clone()]
    );
    let out = cli()
        .args(["send", lib, "synth:in", "--entry", "1", "--messages", "4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(sysex_vault::cli::EXIT_USAGE));
    assert!(String::from_utf8_lossy(&out.stderr).contains("within 1-3"));

    // 4. The plugin's direct route sends the 1 MiB entry whole too (custom 5 MB/s).
    received.lock().unwrap().clear();
    let _synth_out = midir::MidiOutput::new("synth-tx")
        .unwrap()
        .create_virtual("out")
        .unwrap();
    let lib = library_of(vec![Entry::new(vec![huge.clone()], Source::Capture, 0)]);
    let fast = PacingChoice::Custom(Pacing::whole(5_000_000, 0));
    let mut s = direct_session(&lib, "synth-tx:out", "synth:in", fast);
    let send = s.param_id("Send");
    run_until(&mut s, 10.0, &[In::Param(0, send, 1.0)], || {
        received
            .lock()
            .unwrap()
            .iter()
            .map(|(_, m)| m.len())
            .sum::<usize>()
            >= huge.len()
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        joined(&received) == vec![huge],
        "1 MiB message through the plugin's direct route"
    );
}
