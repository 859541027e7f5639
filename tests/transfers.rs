//! Transfers real hardware survives, through a JACK server (dummy driver, 64-frame periods for
//! fine timing) and a receiving client: messages sent in chunks (sizes multiples of 3, a pause
//! after each, never faster than the rate cap) by the command line. Part of an entry sent on its
//! own is in `transfers_parts` (longer periods: a starved 64-frame cycle of the dummy driver
//! drops its events, which lost a message on a loaded machine). The 1 MiB messages and a cancel in the middle of a message are in `direct_trust`
//! (longer periods, as a busy machine's JACK needs for megabytes).
#![cfg(feature = "jack")]

mod common;

use common::jack::{cli, joined, receiver, Jack};
use common::{library_of, sysex};
use std::time::Duration;
use sysex_vault::library::{file, Entry, Source};

fn run(args: &[&str]) -> String {
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[test]
fn chunks_and_parts_of_entries_through_jack() {
    let _jack = Jack::start();
    let dir = std::env::temp_dir().join(format!("sxv-transfers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_rx, received) = receiver("synth", "in");
    let three: Vec<Vec<u8>> = (0..3).map(|i| sysex(250, i)).collect();
    let lib_path = dir.join("lib.sxvl");
    file::save(
        &lib_path,
        &library_of(vec![Entry::new(
            sysex_vault::devices::registry(),
            three.clone(),
            Source::Capture,
            0,
        )]),
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
    // Each chunk leaves as a steady stream: pieces of what 1,000 B/s carries in 10 ms (9 bytes,
    // a multiple of 3), the pause only after a chunk's last piece.
    let pacing = sysex_vault::pacing::Pacing {
        bytes_per_second: 1000,
        gap_after_message_ms: 150,
        chunk_bytes: 100,
        chunk_pause_ms: 40,
    };
    let plan: Vec<(usize, bool)> = pacing.pieces(250, None, 9).repeat(3);
    assert_eq!(
        sizes,
        plan.iter().map(|p| p.0).collect::<Vec<_>>(),
        "piece sizes"
    );
    assert_eq!(joined(&received), three, "every message whole, in order");
    // Each event never comes earlier after the first than the plan allows: the bytes before it
    // at 1,000 B/s plus the pauses (40 ms after a chunk, 150 ms between messages), within
    // JACK's 1.3 ms periods and the dummy driver's jitter (a cycle a few ms late makes the next
    // gap shorter, so single gaps are not bounded below). Each gap is at most 30 ms late.
    let per_message = plan.len() / 3;
    let mut gaps = Vec::new();
    let mut planned = 0.0;
    for (i, w) in arrivals.windows(2).enumerate() {
        let got = w[1].0.duration_since(w[0].0).as_secs_f64();
        let pause = if (i + 1) % per_message == 0 {
            0.150
        } else if plan[i].1 {
            0.040
        } else {
            0.0
        };
        let want = w[0].1.len() as f64 / 1000.0 + pause;
        planned += want;
        let since_first = w[1].0.duration_since(arrivals[0].0).as_secs_f64();
        gaps.push((got * 1000.0).round());
        assert!(
            since_first > planned - 0.003,
            "event {} came {since_first:.4} s after the first, {planned:.4} s planned",
            i + 1
        );
        assert!(
            got < want + 0.030,
            "event {} late: {got:.4} s vs {want:.4} s",
            i + 1
        );
    }
    eprintln!("chunked send, ms between events: {gaps:?}");
}
