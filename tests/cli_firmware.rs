//! Issue 24, part 4: firmware without fear. `sysex-vault send-file` sends a `.syx` file whole,
//! paced by the synth's definition's firmware pacing (Slow where it names none), after checking
//! the file against the synth's identity reply; Ctrl-C ends the message in flight with `F7`.
//! Through a JACK server (dummy driver) to a scripted synth that answers identity requests: a
//! 200 KB firmware-shaped file (100 blocks of 2,001 bytes) arrives whole and no earlier than planned, a mismatching synth
//! gets nothing but the identity request, and a cancel leaves a well-formed stream.

mod common;

use common::cli_bin;
use std::path::{Path, PathBuf};

/// A Moog-style firmware block: `F0 04 05 7F`, 1,996 data bytes, `F7` (2,001 bytes).
fn block(i: usize) -> Vec<u8> {
    let mut m = vec![0xF0, 0x04, 0x05, 0x7F];
    m.extend((0..1_996).map(|k| ((k * 7 + i * 13) % 128) as u8));
    m.push(0xF7);
    m
}

/// The user's definition for the test synth: firmware blocks `F0 04 05 7F`, the Little
/// Phatty's identity, and firmware pacing ten times the DIN rate (a short test).
const DEFINITION: &str = r#"
id = "test-firmware-synth"
name = "Test Firmware Synth"
maker = "Moog"
sources = ["tests/cli_firmware.rs"]
identity = "04 00 05 00 01"

[firmware_pacing]
bytes_per_second = 31250
gap_ms = 60
chunk_bytes = 255
chunk_pause_ms = 2

[[message]]
id = "firmware"
label = "Firmware block"
kind = "firmware"
header = "F0 04 05 7F"
"#;

/// A folder with the firmware file (100 blocks: 200,100 bytes) and, under `devices/`, the test
/// synth's definition.
fn setup(name: &str) -> (PathBuf, Vec<Vec<u8>>) {
    let dir = common::temp_dir(name);
    std::fs::create_dir_all(dir.join("devices")).unwrap();
    std::fs::write(dir.join("devices/test.toml"), DEFINITION).unwrap();
    let blocks: Vec<Vec<u8>> = (0..100).map(block).collect();
    std::fs::write(dir.join("fw.syx"), blocks.concat()).unwrap();
    (dir, blocks)
}

fn run(devices: Option<&Path>, args: &[&str]) -> (Option<i32>, String) {
    let mut c = std::process::Command::new(cli_bin::path());
    c.args(args);
    match devices {
        Some(d) => c.env("SYSEX_VAULT_DEVICES", d),
        None => c.env("SYSEX_VAULT_DEVICES", "/nonexistent-sxv-devices"),
    };
    let out = c.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
fn pacing_is_the_definitions_firmware_pacing_else_slow() {
    let (dir, _) = setup("fw-plan");
    let file = dir.join("fw.syx");
    let file = file.to_str().unwrap();
    // The shipped Little Phatty definition names no firmware pacing: Slow, and it says so.
    let (code, text) = run(None, &["send-file", file, "--dry-run"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("for Moog Little Phatty"), "{text}");
    assert!(
        text.contains("pacing Slow (no definition names firmware pacing")
            && text
                .contains("3125 B/s, 255-byte chunks, 20 ms after each, 500 ms after each message"),
        "{text}"
    );
    // A definition naming firmware pacing is followed.
    let (code, text) = run(
        Some(&dir.join("devices")),
        &["send-file", file, "--dry-run"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("for Test Firmware Synth; pacing Test Firmware Synth's firmware pacing: 31250 B/s, 255-byte chunks, 2 ms after each, 60 ms after each message"),
        "{text}"
    );
    // `devices ID` says it too.
    let (_, text) = run(None, &["devices", "moog-little-phatty"]);
    assert!(
        text.contains("firmware pacing: none given (send-file uses Slow)"),
        "{text}"
    );
    let (_, text) = run(
        Some(&dir.join("devices")),
        &["devices", "test-firmware-synth"],
    );
    assert!(
        text.contains("firmware pacing: 31250 B/s, 60 ms after each message, chunks of 255 bytes with 2 ms after each"),
        "{text}"
    );
    // A file that is not whole SysEx is refused before any port opens.
    let mut bad = std::fs::read(file).unwrap();
    bad.truncate(bad.len() - 1);
    std::fs::write(dir.join("bad.syx"), bad).unwrap();
    let (code, text) = run(
        None,
        &[
            "send-file",
            dir.join("bad.syx").to_str().unwrap(),
            "no-such-port",
        ],
    );
    assert_eq!(code, Some(sysex_vault_cli::EXIT_INPUT), "{text}");
    assert!(text.contains("has no F7"), "{text}");
}

#[cfg(feature = "jack")]
mod jack {
    use super::*;
    use common::jack::{Arrivals, Jack};
    use midir::os::unix::{VirtualInput, VirtualOutput};
    use midir::{MidiInput, MidiInputConnection, MidiOutput};
    use std::process::Stdio;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use sysex_vault::pacing::Pacing;

    /// JACK period: 1,024 frames at 48 kHz (21 ms), as a busy machine's JACK needs for long
    /// sends.
    const PERIOD: u32 = 1024;

    /// A scripted synth: `synth:in` records every event with its arrival time and answers an
    /// identity request on `synth-tx:out` with `reply`.
    fn synth(reply: Vec<u8>) -> (MidiInputConnection<()>, Arrivals) {
        let out = Mutex::new(
            MidiOutput::new("synth-tx")
                .unwrap()
                .create_virtual("out")
                .unwrap(),
        );
        let arrivals: Arrivals = Arc::default();
        let sink = arrivals.clone();
        let mut input = MidiInput::new("synth").unwrap();
        input.ignore(midir::Ignore::None);
        let conn = input
            .create_virtual(
                "in",
                move |_, bytes, _| {
                    sink.lock().unwrap().push((Instant::now(), bytes.to_vec()));
                    if bytes == [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7] {
                        let _ = out.lock().unwrap().send(&reply);
                    }
                },
                (),
            )
            .unwrap();
        (conn, arrivals)
    }

    /// The Little Phatty's identity reply with member `member` (its own is `00 01`).
    fn reply(member: [u8; 2]) -> Vec<u8> {
        let mut m = vec![0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05];
        m.extend(member);
        m.extend([0x01, 0x02, 0x03, 0x04, 0xF7]);
        m
    }

    fn cli(dir: &Path) -> std::process::Command {
        let mut c = common::jack::cli();
        c.env("SYSEX_VAULT_DEVICES", dir.join("devices"));
        c
    }

    /// The firmware bytes that arrived (the identity request taken out), and the events that
    /// carried them.
    fn firmware_events(arrivals: &Arrivals) -> Vec<(Instant, Vec<u8>)> {
        let all = arrivals.lock().unwrap().clone();
        all.into_iter()
            .filter(|(_, m)| m.first() != Some(&0xF0) || m.get(1) != Some(&0x7E))
            .collect()
    }

    #[test]
    fn firmware_through_jack_checked_paced_and_cancelled_cleanly() {
        let t = Instant::now();
        let _jack = Jack::start_with_period(PERIOD);
        eprintln!("JACK up after {:.1} s", t.elapsed().as_secs_f64());
        let period = f64::from(PERIOD) / 48_000.0;
        let (dir, blocks) = setup("fw-jack");
        let file = dir.join("fw.syx");
        let file = file.to_str().unwrap();

        // 1. The synth answers as another model: refused before a firmware byte leaves.
        {
            let (_synth, arrivals) = synth(reply([0x00, 0x02]));
            let out = cli(&dir)
                .args(["send-file", file, "synth:in", "--in", "synth-tx:out"])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stderr).into_owned();
            assert_eq!(
                out.status.code(),
                Some(sysex_vault_cli::EXIT_INPUT),
                "{text}"
            );
            assert!(
                text.contains("answers as Moog (family 0280, model 0100)")
                    && text.contains("the file is for Test Firmware Synth (another model): refused, nothing sent"),
                "{text}"
            );
            eprintln!("refused after {:.1} s", t.elapsed().as_secs_f64());
            std::thread::sleep(Duration::from_millis(100));
            let got: Vec<Vec<u8>> = arrivals
                .lock()
                .unwrap()
                .iter()
                .map(|a| a.1.clone())
                .collect();
            assert_eq!(
                got,
                vec![vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]],
                "only the identity request"
            );
        }

        // 2. The right synth: 200,100 bytes arrive whole, no earlier than the definition's
        //    firmware pacing plans, and not much later.
        let pacing = Pacing {
            bytes_per_second: 31_250,
            gap_after_message_ms: 60,
            chunk_bytes: 255,
            chunk_pause_ms: 2,
        };
        let lens: Vec<usize> = blocks.iter().map(Vec::len).collect();
        let planned = pacing.direct_total_seconds(lens.iter().copied());
        let (synth_conn, arrivals) = synth(reply([0x00, 0x01]));
        let started = Instant::now();
        let out = cli(&dir)
            .args(["send-file", file, "synth:in", "--in", "synth-tx:out"])
            .output()
            .unwrap();
        let took = started.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(
            text.contains("the synth on synth-tx:out answers as the file expects"),
            "{text}"
        );
        assert!(
            text.contains("WARNING: a firmware update cut short"),
            "{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
        let events = firmware_events(&arrivals);
        drop(synth_conn);
        let joined: Vec<u8> = events.iter().flat_map(|e| e.1.clone()).collect();
        let want = blocks.concat();
        assert!(
            joined == want,
            "every byte, in order: {} bytes of {}, first difference at {:?}",
            joined.len(),
            want.len(),
            joined.iter().zip(&want).position(|(a, b)| a != b)
        );
        // Where each block starts among the events, and the plan's start for it.
        let starts: Vec<usize> = (0..events.len())
            .filter(|&i| events[i].1.first() == Some(&0xF0))
            .collect();
        assert_eq!(starts.len(), 100);
        let t0 = events[0].0;
        let mut short_gaps = 0;
        for (n, &i) in starts.iter().enumerate().skip(1) {
            let since = events[i].0.duration_since(t0).as_secs_f64();
            let plan = pacing.direct_total_seconds(lens[..n].iter().copied());
            assert!(
                since > plan - period - 0.003,
                "block {} began {since:.4} s after the first, {plan:.4} s planned",
                n + 1
            );
            // The silence after a block: at least the planned gap less a period of JACK's
            // timing (its last piece's wire time comes on top, as slack for a late cycle).
            let last = &events[i - 1];
            let gap = events[i].0.duration_since(last.0).as_secs_f64();
            if gap < 0.060 - period {
                short_gaps += 1;
                eprintln!(
                    "block {}: {gap:.4} s after the previous block's last piece",
                    n + 1
                );
            }
        }
        assert_eq!(short_gaps, 0, "gaps between blocks shorter than planned");
        let last_piece = pacing.wire_seconds(events.last().unwrap().1.len());
        let span = events.last().unwrap().0.duration_since(t0).as_secs_f64();
        assert!(
            span > planned - 0.060 - last_piece - period - 0.003,
            "all blocks in {span:.2} s, {planned:.2} s planned"
        );
        assert!(
            took < planned * 1.5 + 3.0,
            "took {took:.2} s, {planned:.2} s planned"
        );
        eprintln!("200,100 bytes: planned {planned:.2} s, arrived over {span:.2} s, command took {took:.2} s");

        // 3. Ctrl-C in the middle of a 30,000-byte block at Slow pacing: the block is ended
        //    with F7, nothing follows it, the command says so and exits 130.
        let mut big = vec![0xF0, 0x04, 0x05, 0x7F];
        big.extend((0..29_995).map(|k| (k % 128) as u8));
        big.push(0xF7);
        std::fs::write(dir.join("big.syx"), [big.clone(), block(1)].concat()).unwrap();
        let (_synth, arrivals) = synth(reply([0x00, 0x01]));
        let mut child = cli(&dir)
            .args([
                "send-file",
                dir.join("big.syx").to_str().unwrap(),
                "synth:in",
                "--preset",
                "slow",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while firmware_events(&arrivals)
            .iter()
            .map(|e| e.1.len())
            .sum::<usize>()
            < 1_000
        {
            if let Some(code) = child.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
                panic!("send-file ended ({code}) before anything arrived: {err}");
            }
            assert!(Instant::now() < deadline, "nothing arrived");
            std::thread::sleep(Duration::from_millis(20));
        }
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(sysex_vault_cli::EXIT_CANCELLED),
            "{text}"
        );
        assert!(text.contains("message 1 of 2 cut after"), "{text}");
        assert!(text.contains("ended with F7"), "{text}");
        std::thread::sleep(Duration::from_millis(200));
        let stream: Vec<u8> = firmware_events(&arrivals)
            .iter()
            .flat_map(|e| e.1.clone())
            .collect();
        assert!(
            stream.len() < big.len(),
            "cut: {} of {} bytes",
            stream.len(),
            big.len()
        );
        assert_eq!(stream.last(), Some(&0xF7), "the cut block is ended");
        assert!(
            stream[..stream.len() - 1] == big[..stream.len() - 1],
            "the cut block's bytes as sent"
        );
        assert!(
            sysex_vault::sysex::SysEx::new(&stream).is_ok(),
            "one well-formed message, nothing after it"
        );
    }
}
