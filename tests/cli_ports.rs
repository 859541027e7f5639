//! `sysex-vault send` and `capture` through real MIDI ports (a private JACK server with the
//! dummy driver): a dump sent by another client is captured into a library file byte-identical,
//! and a send arrives paced.
#![cfg(feature = "jack")]

mod common;

use common::jack::{arrival_rate, cli, joined, receiver, Jack};
use common::sysex;
use midir::os::unix::VirtualOutput;
use midir::MidiOutput;
use std::process::Stdio;
use std::time::Duration;
use sysex_vault::library::file;

#[test]
fn capture_then_send_through_jack_ports() {
    // 256-frame periods: the test's own synth (midir's JACK output) writes everything queued
    // into one period's MIDI buffer and drops what does not fit, which a loaded machine (a late
    // JACK thread) triggers with 64-frame buffers.
    let _jack = Jack::start_with_period(256);
    let dir = std::env::temp_dir().join(format!("sxv-cli-ports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib = dir.join("lib.sxvl");

    // Capture: the synth dumps 8 messages; the CLI records them as one take.
    let mut synth = MidiOutput::new("dumper")
        .unwrap()
        .create_virtual("out")
        .unwrap();
    let mut child = cli()
        .args([
            "capture",
            lib.to_str().unwrap(),
            "dumper:out",
            "--gap",
            "300",
            "--timeout",
            "20",
            "--create",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The CLI says "waiting up to …" once its input port is open and connected.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("waiting up to") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if rx.recv_timeout(Duration::from_secs(20)).is_err() {
        let _ = child.kill();
        panic!("capture never opened its port: {}", reader.join().unwrap());
    }
    std::thread::sleep(Duration::from_millis(200));
    let dump: Vec<Vec<u8>> = (0..8).map(|i| sysex(100 + i * 30, i as u8)).collect();
    for m in &dump {
        synth.send(m).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("8 message(s)"), "{text}");
    let library = file::load(&lib).unwrap();
    assert_eq!(library.entries[0].messages, dump);

    // Send: the entry goes to a receiving port, paced, byte-identical. The port is named by a
    // unique part of its name, in any case.
    let (_conn, received) = receiver("receiver", "in");
    let out = cli()
        .args([
            "send",
            lib.to_str().unwrap(),
            "RECEIVER",
            "--rate",
            "1000",
            "--gap",
            "50",
        ])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    // stderr is not a terminal here: progress comes as plain lines, the last one complete.
    assert!(
        text.lines()
            .any(|l| l.starts_with("sending: 8/8 messages") && l.contains("1640/1640 bytes")),
        "{text}"
    );
    std::thread::sleep(Duration::from_millis(100));
    let arrivals = received.lock().unwrap().clone();
    eprintln!(
        "arrived: {:?}",
        arrivals.iter().map(|(_, m)| m.len()).collect::<Vec<_>>()
    );
    assert_eq!(joined(&received), dump, "{text}");
    let (rate, wire) = arrival_rate(&arrivals, 0.050);
    eprintln!("CLI send: {rate:.1} B/s (configured 1000)");
    // Delivery is quantised to JACK periods (256 frames = 5.3 ms) at both ends of the span.
    assert!(
        rate / 1000.0 - 1.0 < 0.01 + 0.0107 / wire,
        "CLI send at {rate:.1} B/s, above the cap"
    );
    // The sender can only wake late, never early: on a loaded machine the rate falls a little
    // (987 B/s measured with two busy loops on this 2-core machine); a pacing bug would be far
    // slower.
    assert!(rate >= 900.0, "CLI send at {rate:.1} B/s");

    // A port that does not exist: a clear message and the "unavailable" exit code.
    let out = cli()
        .args(["send", lib.to_str().unwrap(), "nowhere:in"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(sysex_vault_cli::EXIT_MIDI));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("MIDI output port \"nowhere:in\" is not available"));
    // An ambiguous part of a name lists the candidates.
    let (_second, _) = receiver("receiver-two", "in");
    let out = cli()
        .args(["send", lib.to_str().unwrap(), "receiver"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(sysex_vault_cli::EXIT_MIDI));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"receiver\" is ambiguous: it matches \"receiver:in\", \"receiver-two:in\""),
        "{err}"
    );
    // Ports as JSON.
    let out = cli().args(["ports", "--json"]).output().unwrap();
    assert!(out.status.success());
    let ports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ports["backend"], "JACK");
    assert!(ports["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "receiver-two:in"));
}
