//! Issue 20, item 11: a new user's DIN-paced `send` of long messages (no `--chunk`) through a
//! JACK bridge into `sysex-vault capture`, with capture's default 1 s idle gap. The bytes must
//! leave as a steady stream: handed over as 3,999-byte pieces 1.28 s apart, each message was cut
//! by the capture's idle gap ("0 message(s), 0 bytes", exit 0 on both sides). And a capture that
//! saves nothing complete fails.
#![cfg(feature = "jack")]

mod common;

use common::jack::{cli, Jack};
use common::{library_of, sysex};
use midir::os::unix::{VirtualInput, VirtualOutput};
use midir::{MidiInput, MidiOutput};
use std::process::{Child, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;
use sysex_vault::library::{file, Entry, Source};

/// JACK period of the user's bridge: 1,024 frames at 48 kHz (21 ms).
const PERIOD: u32 = 1024;

/// Starts `sysex-vault capture` with `extra` arguments and waits until its port is open; returns
/// the child and a thread collecting its stderr.
fn start_capture(lib: &str, port: &str, extra: &[&str]) -> (Child, JoinHandle<String>) {
    let mut child = cli()
        .args(["capture", lib, port, "--timeout", "20", "--create"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
    (child, reader)
}

/// Waits for a capture; its exit code and all it printed.
fn finish(child: Child, reader: JoinHandle<String>) -> (Option<i32>, String) {
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &reader.join().unwrap();
    (out.status.code(), text)
}

#[test]
fn din_send_of_long_messages_arrives_whole_in_a_default_capture() {
    let _jack = Jack::start_with_period(PERIOD);
    let dir = std::env::temp_dir().join(format!("sxv-cli-steady-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Two 4,500-byte messages: 1.44 s each on a DIN wire, so a message handed over in the old
    // 3,999-byte pieces had 1.28 s of silence inside it.
    let messages: Vec<Vec<u8>> = (0..2).map(|i| sysex(4_500, i)).collect();
    let source = dir.join("source.sxvl");
    file::save(
        &source,
        &library_of(vec![Entry::new(
            sysex_vault::devices::registry(),
            messages.clone(),
            Source::Capture,
            0,
        )]),
    )
    .unwrap();
    let captured = dir.join("captured.sxvl");
    let lib = captured.to_str().unwrap();

    // The bridge: a JACK client passing what reaches "bridge-rx:in" on to "bridge-tx:out", where the
    // capture listens; the send goes to "bridge-rx:in".
    let out = MidiOutput::new("bridge-tx")
        .unwrap()
        .create_virtual("out")
        .unwrap();
    let out = std::sync::Mutex::new(out);
    let mut input = MidiInput::new("bridge-rx").unwrap();
    input.ignore(midir::Ignore::None);
    let _bridge = input
        .create_virtual(
            "in",
            move |_, bytes, _| {
                let _ = out.lock().unwrap().send(bytes);
            },
            (),
        )
        .unwrap();
    let (child, reader) = start_capture(lib, "bridge-tx:out", &[]);
    let out = cli()
        .args([
            "send",
            source.to_str().unwrap(),
            "bridge-rx:in",
            "--preset",
            "din",
        ])
        .output()
        .unwrap();
    let sent =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{sent}");
    let (code, text) = finish(child, reader);
    eprintln!("send: {sent}\ncapture: {text}");
    // Before: exit 0 with "0 message(s), 0 bytes" and a cut 3,999-byte piece.
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("2 message(s), 9000 bytes"), "{text}");
    let library = file::load(&captured).unwrap();
    assert_eq!(library.entries.len(), 1);
    assert_eq!(library.entries[0].messages, messages, "byte-identical");
    assert!(!library.entries[0].has_problems());

    // Only a cut message arrives (its sender stops without F7): nothing complete was saved, so
    // the capture fails, saying why; the cut bytes are kept to look at. Before: exit 0.
    let feeder = MidiOutput::new("feeder").unwrap();
    let port = feeder
        .ports()
        .into_iter()
        .find(|p| feeder.port_name(p).is_ok_and(|n| n == "bridge-rx:in"))
        .unwrap();
    let mut feeder = feeder.connect(&port, "out").unwrap();
    let (child, reader) = start_capture(lib, "bridge-tx:out", &["--gap", "300"]);
    let mut cut = sysex(200, 7);
    cut.pop();
    feeder.send(&cut).unwrap();
    let (code, text) = finish(child, reader);
    assert_eq!(code, Some(sysex_vault_cli::EXIT_INPUT), "{text}");
    assert!(text.contains("no complete message arrived"), "{text}");
    let library = file::load(&captured).unwrap();
    assert_eq!(library.entries.len(), 2);
    assert_eq!(library.entries[1].unterminated, vec![cut]);
}
